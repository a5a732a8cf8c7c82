"""Focused cases: each language and script, the matching rules (folding, inflection,
compounds, CJK), position weights, and one article per hard-negative class. Written here,
not taken from the labelled set."""

from __future__ import annotations

import pytest

from crawler.relevance import assess, load_topics
from crawler.relevance.model import split_lead

TOPICS = load_topics(None)

RELEVANT = [
    (
        "en",
        "Chile and Japan sign agreement on green hydrogen exports",
        "The two governments signed a memorandum to cooperate on green hydrogen and ammonia.",
    ),
    (
        "fr",
        "Le Togo et la Belgique signent un accord sur la protection des mangroves",
        "Les deux pays coopéreront pour restaurer les mangroves et la biodiversité côtière.",
    ),
    (
        "de",
        "Sachsen und Tschechien vereinbaren Klimapartnerschaft",
        "Beide Seiten unterzeichneten eine Absichtserklärung zum Ausbau der Solarenergie.",
    ),
    (
        "es",
        "Uruguay y Finlandia firman un memorando sobre energías renovables",
        "Ambos países cooperarán en energía eólica y en la transición energética.",
    ),
    (
        "pt",
        "Brasil e Chile assinam acordo de cooperação em energia solar",
        "Os dois países vão desenvolver projetos conjuntos de energia solar no deserto.",
    ),
    (
        "it",
        "Italia e Kenya firmano un accordo sul geotermico",
        "I due paesi collaboreranno allo sviluppo di centrali geotermiche e rinnovabili.",
    ),
    (
        "pl",
        "Polska i Litwa podpisały porozumienie o współpracy w energetyce wiatrowej",
        "Oba kraje będą wspólnie rozwijać morskie farmy wiatrowe na Bałtyku.",
    ),
    (
        "ru",
        "Россия и Монголия подписали соглашение о сотрудничестве в области охраны климата",
        "Стороны договорились о совместных проектах по сокращению выбросов парниковых газов.",
    ),
    (
        "ja",
        "日本とチリ、グリーン水素で協力覚書に署名",
        "両国政府は水素の製造と輸送で協力することで合意した。",
    ),
    (
        "zh",
        "中国与智利签署绿色氢能合作谅解备忘录",
        "双方将在氢能、光伏和储能领域开展合作，共同推动能源转型。",
    ),
    (
        "zh",
        "台灣與智利簽署綠色氫能合作備忘錄",
        "雙方將在氫能、太陽光電與儲能領域合作，共同推動能源轉型。",
    ),
]

NOT_RELEVANT = [
    (
        "weather-disaster",
        "en",
        "Storm Ciarán batters France and England",
        "Winds of up to 200 km/h cut power to a million homes; forecasters expect more rain.",
    ),
    (
        "domestic-policy",
        "en",
        "Government unveils national plan to cut emissions by 2030",
        "The environment minister said the plan would cut greenhouse gas emissions by 40%.",
    ),
    (
        "trade-cooperation",
        "de",
        "Deutschland und Indien unterzeichnen Handelsabkommen",
        "Beide Länder wollen Zölle auf Maschinen und Textilien senken und den Handel ausbauen.",
    ),
    (
        "sports-cooperation",
        "es",
        "El Sevilla y una marca deportiva firman una alianza",
        "El club y su nuevo socio técnico firmaron un acuerdo de cinco años.",
    ),
    (
        "greenwashing-ad",
        "fr",
        "Notre nouvelle collection écoresponsable",
        "Vêtements en coton bio, livraison neutre en carbone : commandez avec le code promo "
        "VERT20 et profitez de la livraison gratuite.",
    ),
    (
        "tech-cooperation",
        "zh",
        "中国与埃及签署5G合作协议",
        "双方将在5G网络和数据中心建设方面开展合作。",
    ),
]


@pytest.mark.parametrize(
    ("language", "title", "text"), RELEVANT, ids=[f"{r[0]}-{i}" for i, r in enumerate(RELEVANT)]
)
def test_cooperation_on_a_subject_is_relevant_in_every_language(
    language: str, title: str, text: str
) -> None:
    found = assess(title, text, language, TOPICS)
    assert found.relevant, found
    assert any(t in found.topics for t in ("climate", "renewables", "biodiversity"))
    assert any(t in found.topics for t in ("agreement", "memorandum", "partnership"))


@pytest.mark.parametrize(
    ("kind", "language", "title", "text"), NOT_RELEVANT, ids=[n[0] for n in NOT_RELEVANT]
)
def test_hard_negatives_are_not_relevant(kind: str, language: str, title: str, text: str) -> None:
    found = assess(title, text, language, TOPICS)
    assert not found.relevant, found
    assert found.relevance < TOPICS.spec.threshold


def test_both_chinese_scripts_score_alike() -> None:
    simplified = assess(RELEVANT[-2][1], RELEVANT[-2][2], "zh", TOPICS)
    traditional = assess(RELEVANT[-1][1], RELEVANT[-1][2], "zh", TOPICS)
    assert simplified.topics[:2] == traditional.topics[:2]
    assert abs(simplified.relevance - traditional.relevance) < 0.1


def test_matching_ignores_case_and_diacritics() -> None:
    plain = assess("COOPERATION ON CLIMATE", "Cooperacion y transicion energetica", "es", TOPICS)
    marked = assess("Cooperación on climate", "Cooperación y transición energética", "es", TOPICS)
    assert plain.topics == marked.topics and "renewables" in plain.topics


def test_inflected_and_compound_words_match() -> None:
    polish = assess("Umową o współpracy", "Umowy, umowę i umową podpisano.", "pl", TOPICS)
    assert "agreement" in polish.topics
    russian = assess("Соглашением о сотрудничестве", "", "ru", TOPICS)
    assert "memorandum" in russian.topics
    german = assess("Wasserstoffpartnerschaft", "", "de", TOPICS)
    assert {"renewables", "partnership"} <= set(german.topics)


def test_a_longer_phrase_hides_the_words_inside_it() -> None:
    # "Paris Agreement" is climate evidence, not an agreement between parties.
    found = assess("Heatwave tests the Paris Agreement", "Temperatures hit records.", "en", TOPICS)
    assert "climate" in found.topics and "agreement" not in found.topics
    assert not found.relevant
    assert "climate" not in assess("Investment climate improves", "", "en", TOPICS).topics


def test_the_title_counts_more_than_the_end_of_the_body() -> None:
    filler = "The city council met on Tuesday to discuss the budget. " * 40
    in_title = assess("Two countries sign climate agreement", filler, "en", TOPICS)
    at_the_end = assess("City news", filler + "Two countries sign climate agreement.", "en", TOPICS)
    assert in_title.relevance > at_the_end.relevance
    assert in_title.relevant and not at_the_end.relevant


def test_evidence_says_what_matched_and_where() -> None:
    found = assess("Kenya and Norway sign mangrove pact", "", "en", TOPICS)
    where = {(e.concept, e.text, e.where) for e in found.evidence}
    assert ("biodiversity", "mangrove", "title") in where
    assert ("parties", "Kenya and Norway", "title") in where


def test_unknown_language_uses_every_language() -> None:
    found = assess("Polska i Norwegia podpisały umowę o współpracy klimatycznej", "", None, TOPICS)
    assert found.relevant


def test_the_lead_is_cut_at_a_word_or_cjk_character() -> None:
    assert split_lead("one two three four", 6) == ("one two", " three four")
    assert split_lead("one two three four", 7) == ("one two three", " four")
    lead, rest = split_lead("碳中和合作", 6)
    assert (lead, rest) == ("碳中", "和合作")
    assert split_lead("short", 100) == ("short", "")
