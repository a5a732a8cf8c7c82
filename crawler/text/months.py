"""Month names by language (``months.yaml``): nominative, genitive and abbreviated forms, as
visible publication dates write them, folded like every other word (``fold_line``) so that
"aout" finds "août" and "Μαΐου" finds "μαιου"."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from crawler.text.folding import fold_line

MONTHS_FILE = Path(__file__).parent / "months.yaml"
# libyaml's loader when PyYAML was built with it, as for newsmon's other data files.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def month_names() -> dict[str, dict[str, int]]:
    """language -> {folded month form: month number}."""
    raw = yaml.load(MONTHS_FILE.read_text(encoding="utf-8"), Loader=_LOADER)
    table: dict[str, dict[str, int]] = {}
    for language, months in raw.items():
        if len(months) != 12:
            raise ValueError(f"{MONTHS_FILE}: {language} lists {len(months)} months, not 12")
        table[language] = {
            fold_line(str(form)): number for number, forms in enumerate(months, 1) for form in forms
        }
    return table
