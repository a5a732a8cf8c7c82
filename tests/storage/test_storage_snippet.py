"""Search excerpts: original text around the first match, the matches as parts of their own
(never marks in the text, which may hold any character)."""

from __future__ import annotations

import itertools

import pytest

from storage.fts import make_snippet, parse_query
from storage.snippet import Snippet, SnippetPart


def _terms(query: str) -> tuple[tuple[str, ...], ...]:
    return parse_query(query).positive_terms


def _marked(snippet: Snippet) -> str:
    """The snippet with its matches in ``«`` ``»``, for readable assertions on texts that
    hold neither."""
    return "".join(f"«{p.text}»" if p.match else p.text for p in snippet.parts)


def test_matches_are_marked_in_the_original_text() -> None:
    text = "La coopération franco-polonaise progresse. Współpraca trwa."
    snippet = make_snippet(text, _terms("cooperation wspolpraca"))
    assert snippet.parts == (
        SnippetPart("La ", False),
        SnippetPart("coopération", True),
        SnippetPart(" franco-polonaise progresse. ", False),
        SnippetPart("Współpraca", True),
        SnippetPart(" trwa.", False),
    )
    assert snippet.text == text and snippet.matches == ("coopération", "Współpraca")


def test_a_phrase_is_marked_as_one_span() -> None:
    text = "Les pays ont signé l'Accord de Paris en 2015."
    assert make_snippet(text, _terms('"accord de paris"')).matches == ("Accord de Paris",)


def test_chinese_substrings_are_marked() -> None:
    text = "中国环境科学研究院发布了碳中和报告。"
    snippet = make_snippet(text, _terms("碳中和 环境科学研究院"))
    assert _marked(snippet) == "中国«环境科学研究院»发布了«碳中和»报告。"


def test_the_window_is_about_thirty_words_around_the_first_match() -> None:
    words = [f"w{i}" for i in range(200)]
    words[120] = "climate"
    snippet = make_snippet(" ".join(words), _terms("climate"))
    assert snippet.text.startswith("… w112 ")
    assert snippet.matches == ("climate",)
    assert snippet.text.endswith(" …")
    assert len(snippet.text.split()) == 30 + 2  # 30 words and two ellipses


def test_without_a_match_the_snippet_is_the_start_of_the_text() -> None:
    text = "First words\n\nof   the article. " + "more " * 50
    snippet = make_snippet(text, _terms("absent"))
    assert snippet.text.startswith("First words of the article. more")
    assert snippet.matches == ()
    assert snippet.text.endswith(" …")


@pytest.mark.parametrize(
    "text",
    [
        "Text in [italic]x[/italic] says: climate cooperation [sic] and [climate].",
        "Brackets ] [ [[ ]] around climate and « » ‹ › \ue000\ue001 \x00 markers.",
    ],
)
def test_brackets_and_other_marks_in_the_text_stay_text(text: str) -> None:
    snippet = make_snippet(text, _terms("climate"))
    assert snippet.text == text  # every character kept as published, none taken for a mark
    assert set(snippet.matches) == {"climate"}
    assert all(p.text == "climate" for p in snippet.parts if p.match)
    assert snippet.as_json() == [{"text": p.text, "match": p.match} for p in snippet.parts]


def test_parts_are_never_empty_and_alternate() -> None:
    snippet = make_snippet("climate climate, climate", _terms("climate"))
    assert all(p.text for p in snippet.parts)
    assert all(a.match != b.match for a, b in itertools.pairwise(snippet.parts))
    assert make_snippet("", _terms("climate")) == Snippet()
