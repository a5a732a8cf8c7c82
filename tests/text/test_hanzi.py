"""Traditional Chinese maps to simplified over OpenCC's whole character table, so relevance
and near-duplicates treat both scripts alike beyond newsmon's own 548 pairs; telling the
scripts apart still uses only those pairs."""

from __future__ import annotations

from crawler.extraction.language import detect_script
from crawler.relevance.matching import fold
from crawler.similarity.tokens import text_shingles
from crawler.text import hanzi

# Sign, memorandum, green hydrogen, parties (to a convention), resilience, typhoon: none of
# these traditional characters is in crawler/text/hanzi_pairs.txt.
TRADITIONAL = "兩國簽署備忘錄，締約方將在颱風韌性與綠氫領域合作。"
SIMPLIFIED = "两国签署备忘录，缔约方将在台风韧性与绿氢领域合作。"


def test_characters_beyond_our_pairs_are_mapped() -> None:
    ours = {traditional for _, traditional in hanzi.pairs()}
    assert {"簽", "備", "締", "颱", "韌", "氫"}.isdisjoint(ours)
    assert hanzi.to_simplified(TRADITIONAL) == SIMPLIFIED
    assert len(hanzi.opencc_pairs()) > 4000


def test_both_scripts_match_alike_for_relevance_and_near_duplicates() -> None:
    assert fold(TRADITIONAL) == fold(SIMPLIFIED)
    assert text_shingles(TRADITIONAL) == text_shingles(SIMPLIFIED)


def test_other_scripts_and_latin_text_are_left_alone() -> None:
    text = "Coopération climatique: l'UE et la Chine signent un mémorandum."
    assert hanzi.to_simplified(text) is text
    assert hanzi.to_simplified("カーボンニュートラル") == "カーボンニュートラル"


def test_telling_the_scripts_apart_is_unchanged() -> None:
    assert detect_script(TRADITIONAL * 3, "zh") == "Hant"
    assert detect_script(SIMPLIFIED * 3, "zh") == "Hans"
