"""Language of an article's text, as ISO 639-1; the source's hint only breaks near-ties.

py3langid rather than lingua: its model is small and loads in milliseconds, while lingua's
accurate mode costs about 0.9 GB per worker process.
"""

from __future__ import annotations

import re
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this much text (CJK characters count thrice) the detector is guessing; the hint wins.
MIN_TEXT_WEIGHT = 40
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# The hint wins when its probability is at least this share of the best candidate's.
HINT_TIE_RATIO = 0.5


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def warm_up() -> None:
    """Load the model now rather than on the first article."""
    _identifier()


def detect_language(text: str, hint: str | None = None) -> str | None:
    """The language of ``text`` (``zh`` for both Chinese scripts), or the hint on a near-tie."""
    sample = text[:5000]
    if len(sample.strip()) + 2 * len(_CJK.findall(sample)) < MIN_TEXT_WEIGHT:
        return hint
    ranked = _identifier().rank(sample)
    best, best_p = ranked[0]
    if hint and hint != best:
        hint_p = next((p for lang, p in ranked if lang == hint), 0.0)
        if hint_p >= best_p * HINT_TIE_RATIO:
            return hint
    return str(best)
