"""Reading YAML: the files users edit (the sources file, topics files), with one wording for
what goes wrong, naming the file, so every such error reads the same; and the data files
shipped in the package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's loader when PyYAML was built with it: the parties table (39 KB) loads in 17 ms
# instead of 190, in every crawl process and each CLI command that reads it.
_DATA_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_data_file(path: Path) -> Any:
    """A YAML data file shipped with newsmon (months, junk phrases, parties), parsed."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_DATA_LOADER)


def read_user_file(path: Path, what: str, missing_hint: str = "") -> str:
    """The UTF-8 text of ``path``; ``ValueError`` with a one-line reason naming the file
    (``what`` says which kind of file it is: "sources file", "topics file")."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: {what} not found{missing_hint}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the {what}: {exc.strerror}") from None


def parse_mapping(text: str, origin: str, expected: str) -> dict[str, Any]:
    """``text`` parsed as a YAML mapping; ``ValueError`` naming ``origin`` and the line and
    column of a syntax error, or saying what was ``expected`` at the top."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValueError(f"{origin}: not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{origin}: expected {expected} at the top")
    return data
