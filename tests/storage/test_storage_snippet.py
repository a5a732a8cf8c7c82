"""Search excerpts: original text around the first match, matches in brackets."""

from __future__ import annotations

from storage.fts import make_snippet, parse_query


def _terms(query: str) -> tuple[tuple[str, ...], ...]:
    return parse_query(query).positive_terms


def test_matches_are_marked_in_the_original_text() -> None:
    text = "La coopération franco-polonaise progresse. Współpraca trwa."
    snippet = make_snippet(text, _terms("cooperation wspolpraca"))
    assert snippet == "La [coopération] franco-polonaise progresse. [Współpraca] trwa."


def test_a_phrase_is_marked_as_one_span() -> None:
    text = "Les pays ont signé l'Accord de Paris en 2015."
    assert "[Accord de Paris]" in make_snippet(text, _terms('"accord de paris"'))


def test_chinese_substrings_are_marked() -> None:
    text = "中国环境科学研究院发布了碳中和报告。"
    snippet = make_snippet(text, _terms("碳中和 环境科学研究院"))
    assert snippet == "中国[环境科学研究院]发布了[碳中和]报告。"


def test_the_window_is_about_thirty_words_around_the_first_match() -> None:
    words = [f"w{i}" for i in range(200)]
    words[120] = "climate"
    snippet = make_snippet(" ".join(words), _terms("climate"))
    assert snippet.startswith("… w112 ")
    assert "[climate]" in snippet
    assert snippet.endswith(" …")
    assert len(snippet.split()) == 30 + 2  # 30 words and two ellipses


def test_without_a_match_the_snippet_is_the_start_of_the_text() -> None:
    text = "First words\n\nof   the article. " + "more " * 50
    snippet = make_snippet(text, _terms("absent"))
    assert snippet.startswith("First words of the article. more")
    assert "[" not in snippet
    assert snippet.endswith(" …")
