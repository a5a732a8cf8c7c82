"""The language codes filters and hints accept are exactly those an article can have."""

from __future__ import annotations

import pytest

from crawler.extraction.language import _identifier
from crawler.text.languages import KNOWN_LANGUAGES, check_language


def test_every_language_the_detector_gives_can_be_filtered_on() -> None:
    # KNOWN_LANGUAGES is written out (loading the model to read its labels takes 0.6 s):
    # a py3langid whose model gained a label must not leave that label's articles unreachable.
    assert set(_identifier().nb_classes) <= KNOWN_LANGUAGES


@pytest.mark.parametrize(("value", "code"), [("en", "en"), (" ZH ", "zh"), ("yue", "yue")])
def test_known_codes_are_normalised(value: str, code: str) -> None:
    assert check_language(value) == code


@pytest.mark.parametrize("value", ["xx", "english", "en-US", "", "zh_Hant"])
def test_unknown_codes_are_refused_by_name(value: str) -> None:
    with pytest.raises(ValueError, match=f"{value!r} is not a language code newsmon knows"):
        check_language(value)
