"""search_terms and tokenize: the folding shared by indexed text and queries."""

from __future__ import annotations

import pytest

from storage.fts import search_terms, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La Coopération climatique", "la cooperation climatique"),
        ("Współpraca, Łódź i Gdańsk", "wspolpraca lodz i gdansk"),
        ("Straße STRASSE", "strasse strasse"),
        ("Ørsted Øresund", "orsted oresund"),
        ("Đà Nẵng đầu tư", "da nang dau tu"),
        ("Þór Ærø œuvre", "thor aero oeuvre"),
        ("İstanbul ılık", "istanbul ilik"),
        ("Ёлка Йошкар-Ола", "елка иошкар ола"),
        ("Αθήνα", "αθηνα"),
        # NFKC: full-width letters, ligatures, sub/superscripts, decomposed accents.
        ("ＣＯ₂ ﬁnance e\u0301te\u0301", "co2 finance ete"),
        ("l’accord «Paris» U.S.-China", "l accord paris u s china"),
        ("碳中和目标", "碳 中 和 目 标"),
        # Traditional Chinese is indexed in simplified form: 臺灣 and 台湾 find each other.
        ("臺灣的碳排放", "台 湾 的 碳 排 放"),
        ("中國與歐盟深化氣候合作", "中 国 与 欧 盟 深 化 气 候 合 作"),
        ("脱炭素社会へ、カーボンニュートラル", "脱 炭 素 社 会 へ カ ー ボ ン ニ ュ ー ト ラ ル"),
        ("ｶﾞｽ", "ガ ス"),  # half-width kana widened, voicing mark composed
        ("탄소중립 정책", "탄 소 중 립 정 책"),
        ("COP28在迪拜举行", "cop28 在 迪 拜 举 行"),
        ("हिन्दी भाषा", "हिन्दी भाषा"),  # Indic vowel signs are kept, not stripped
        ("", ""),
        ("— … !!!", ""),
    ],
)
def test_search_terms(text: str, expected: str) -> None:
    assert search_terms(text) == expected


def test_japanese_voicing_marks_are_not_folded_away() -> None:
    assert search_terms("ガス") != search_terms("カス")


def test_tokens_point_back_at_the_original_text() -> None:
    text = "Ça coûte 10 €: 碳中和!"
    tokens = list(tokenize(text))
    assert [t.term for t in tokens] == ["ca", "coute", "10", "碳", "中", "和"]
    assert [text[t.start : t.end] for t in tokens] == ["Ça", "coûte", "10", "碳", "中", "和"]


def test_search_terms_is_idempotent() -> None:
    text = "Współpraca klimatyczna: 碳中和, Straße, Ørsted, ＣＯ₂"
    once = search_terms(text)
    assert search_terms(once) == once


def test_both_chinese_scripts_fold_alike_and_point_back_at_what_was_written() -> None:
    assert search_terms("氣候合作與綠氫") == search_terms("气候合作与绿氢")
    assert search_terms("氣候合作與綠氫") == "气 候 合 作 与 绿 氢"
    # OpenCC maps 薴 to 苧, which it maps to 苎: all three fold to the last, so folding
    # folded text (a query, the index) changes nothing.
    assert search_terms("薴 苧 苎") == "苎 苎 苎"
    text = "臺灣氣候"
    tokens = list(tokenize(text))
    assert [t.term for t in tokens] == ["台", "湾", "气", "候"]
    assert [text[t.start : t.end] for t in tokens] == ["臺", "灣", "氣", "候"]
