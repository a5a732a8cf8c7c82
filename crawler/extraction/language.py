"""Language of an article's text, as ISO 639-1; the source's hint only breaks near-ties. For
Chinese, also the script: ``Hans`` (simplified) or ``Hant`` (traditional), from the characters
whose forms differ (``crawler/text/hanzi_pairs.txt``).

py3langid rather than lingua: its model is small and loads in milliseconds, while lingua's
accurate mode costs about 0.9 GB per worker process.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from crawler.text import hanzi

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

# Below this much text (CJK characters count thrice) the detector is guessing; the hint wins.
MIN_TEXT_WEIGHT = 40
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# The hint wins when its probability is at least this share of the best candidate's.
HINT_TIE_RATIO = 0.5
# The detector reads this much of the text: enough for a confident guess, and it is linear.
SAMPLE_CHARS = 1000


@cache
def _identifier() -> LanguageIdentifier:
    # Imported here: the model's package pulls in numpy (0.1 s), which checking a code needs not.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def warm_up() -> None:
    """Load the model (and the script table) now rather than on the first article."""
    _identifier()
    _hanzi()


def detect_language(text: str, hint: str | None = None) -> str | None:
    """The language of ``text`` (``zh`` for both Chinese scripts), or the hint on a near-tie."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) + 2 * len(_CJK.findall(sample)) < MIN_TEXT_WEIGHT:
        return hint
    ranked = _identifier().rank(sample)
    best, best_p = ranked[0]
    if hint and hint != best:
        hint_p = next((p for lang, p in ranked if lang == hint), 0.0)
        if hint_p >= best_p * HINT_TIE_RATIO:
            return hint
    return str(best)


# Fewer telling characters than this, and the script is not named.
MIN_SCRIPT_EVIDENCE = 3
# One script must outnumber the other this many times.
SCRIPT_MAJORITY = 2.0


@cache
def _hanzi() -> tuple[frozenset[str], frozenset[str]]:
    """(simplified-only characters, traditional-only characters)."""
    return (frozenset(s for s, _ in hanzi.pairs()), frozenset(t for _, t in hanzi.pairs()))


def detect_script(text: str, language: str | None) -> str | None:
    """``Hans`` or ``Hant`` for Chinese text (ISO 15924), None for other languages or when
    the text does not tell."""
    if language != "zh":
        return None
    simplified, traditional = _hanzi()
    hans = sum(1 for c in text if c in simplified)
    hant = sum(1 for c in text if c in traditional)
    if hans + hant < MIN_SCRIPT_EVIDENCE:
        return None
    if hans >= SCRIPT_MAJORITY * hant:
        return "Hans"
    if hant >= SCRIPT_MAJORITY * hans:
        return "Hant"
    return None
