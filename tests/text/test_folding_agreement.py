"""One folding of text: search terms, similarity tokens and junk-line matching fold every
word alike, in Latin with diacritics, Greek, Cyrillic, CJK (both Chinese scripts), Japanese,
Korean, Arabic, Indic and full-width text."""

from __future__ import annotations

import random

import pytest

from crawler.extraction import junk
from crawler.extraction.dates import parse_date
from crawler.similarity.evidence import names
from crawler.similarity.tokens import shingles, text_shingles
from crawler.text.folding import fold_line, split_tokens, tokens
from storage.fts import search_terms

# Words and marks the random texts are made of.
PIECES = [
    # Maltese, Polish, Czech, Vietnamese, Turkish
    "Ħamrun",
    "Għawdex",
    "Żejtun",
    "Ċirkewwa",
    "Xagħra",
    "ĦAŻ-ŻEBBUĠ",
    "Łódź",
    "Źródło",
    "żółć",
    "Gdańsk",
    "WSPÓŁPRACA",
    "Příbram",
    "září",
    "Đà Nẵng",
    "Thành phố Hồ Chí Minh",
    "biến đổi khí hậu",
    "ĐỒNG",
    "İstanbul",
    "ılık",
    "Şanlıurfa",
    "Ağustos",
    "IĞDIR",
    "çevre",
    # other Latin: German, Nordic, French, Romanian, Icelandic, Croatian, Sámi
    "Straße",
    "STRASSE",
    "ẞ",
    "Ørsted",
    "Ærø",
    "œuvre",
    "Þór",
    "ð",
    "Coopération",
    "août",
    "știință",
    "Đakovo",
    "ŧ",
    "ŀ",
    "ƀ",
    "ɨ",
    "ʉ",
    "ǅ",
    # Greek and Cyrillic
    "Αθήνα",
    "Μαΐου",
    "ΐ",
    "ΣΟΦΟΣ",
    "σοφός",
    "Ёлка",
    "Йошкар-Ола",
    "Україна",
    "ґанок",
    "ЁЖ",
    # Chinese (both scripts), Japanese, Korean
    "氣候變化",
    "气候变化",
    "臺灣",
    "台湾",
    "中國與歐盟",
    "薴苧苎",
    "碳中和",
    "カーボンニュートラル",
    "ｶﾞｽ",
    "ガス",
    "脱炭素社会へ",
    "々",
    "탄소중립",
    "정책",
    "豈",
    "⼈",
    # full-width, compatibility and combining forms
    "ＣＯ₂",
    "ＵＮＥＰ",
    "１２３",
    "ﬁnance",
    "e\u0301te\u0301",
    "½",
    "①",
    "²",
    "Ⅻ",
    "№5",
    "Microsoft™",
    "㍻",
    "℃",
    "㎞",
    "ﾟ",
    "゛",
    # other scripts
    "أَحْبَبْتُ",
    "हिन्दी",
    "ภาษาไทย",
    "שָׁלוֹם",
    # numbers and punctuation
    "COP28",
    "2024",
    "3,5",
    "co2-neutral",
    "l’accord",
    "«Paris»",
    "U.S.-China",
    "—",
    "…",
    "!!!",
    "：",
    "（注）",
    "❤️",
    "_",
    "@",
]
JOINS = [" ", "", " ", "  ", "\n", "-", ", ", "\u3000", "\u00a0"]


def random_texts(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(PIECES) + rng.choice(JOINS) for _ in range(rng.randint(1, 12)))
        for _ in range(count)
    ]


TEXTS = PIECES + random_texts(400)


def test_search_similarity_and_junk_fold_every_word_alike() -> None:
    for text in TEXTS:
        words = search_terms(text).split()  # what the search index stores
        assert tokens(text) == words, text  # what similarity shingles and parties match
        assert split_tokens(text)[0] == words, text
        assert search_terms(fold_line(text)).split() == words, text  # junk and month lines
        assert text_shingles(text) == shingles(words), text


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ħamrun", "hamrun"),
        ("Ħ Ħ", "h h"),
        ("Łódź", "lodz"),
        ("İstanbul ılık", "istanbul ilik"),
        ("Straße", "strasse"),
        ("Đà Nẵng", "da nang"),
        ("Þór Ærø", "thor aero"),
        ("Μαΐου", "μαιου"),
        ("Ёлка", "елка"),
        ("臺灣", "台湾"),
        ("ＣＯ₂", "co2"),
    ],
)
def test_a_word_folds_to_one_form_everywhere(text: str, folded: str) -> None:
    assert search_terms(text) == " ".join(tokens(text)) == fold_line(text).replace("台湾", "台 湾")
    assert fold_line(text) == folded


def test_hamrun_folds_to_hamrun_in_every_use() -> None:
    assert search_terms("Ħamrun") == "hamrun"
    assert tokens("Ħamrun") == ["hamrun"]
    assert text_shingles("Ħamrun") == text_shingles("Hamrun")
    assert fold_line("Ħamrun") == "hamrun"
    assert "hamrun" in names("The council met in Ħamrun on Monday.", "en")


def test_junk_lines_and_month_names_match_in_any_folding_of_their_words() -> None:
    assert junk.junk_kind("Źródło: PAP") == junk.junk_kind("ZRODLO: PAP") == "source"
    assert parse_date("15 Μαΐου 2024", "el") == parse_date("15 ΜΑΙΟΥ 2024", "el")
    assert parse_date("3 août 2024", "fr") == parse_date("3 AOUT 2024", "fr")


def test_split_tokens_keep_the_written_form_beside_each_token() -> None:
    assert split_tokens("UNEP 環境 Ħamrun") == (
        ["unep", "环", "境", "hamrun"],
        ["UNEP", "環", "境", "Ħamrun"],
    )
