"""The search query language: parsing, errors, and rendering for FTS5 and tsquery."""

from __future__ import annotations

import pytest

from storage.errors import QuerySyntaxError, StorageError
from storage.fts import SearchQuery, parse_query
from storage.search_query import to_fts5_match, to_tsquery_text


def test_bare_words_are_all_required() -> None:
    assert parse_query("Climat  Coopération") == SearchQuery(
        groups=((("climat",),), (("cooperation",),))
    )


def test_phrases_or_and_exclusions() -> None:
    query = parse_query('"accord de Paris" OR COP21 énergie -charbon -"gaz naturel"')
    assert query.groups == (
        (("accord", "de", "paris"), ("cop21",)),
        (("energie",),),
    )
    assert query.excluded == (("charbon",), ("gaz", "naturel"))
    assert query.positive_terms == (("accord", "de", "paris"), ("cop21",), ("energie",))


def test_a_word_that_folds_to_several_tokens_is_a_phrase() -> None:
    assert parse_query("碳中和").groups == ((("碳", "中", "和"),),)
    assert parse_query("l'accord").groups == ((("l", "accord"),),)


def test_lower_case_or_and_quoted_or_are_words() -> None:
    assert parse_query('climate or "OR"').groups == ((("climate",),), (("or",),), (("or",),))


def test_unsearchable_words_are_ignored() -> None:
    assert parse_query("climat & énergie").groups == ((("climat",),), (("energie",),))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty search query"),
        ("   ", "empty search query"),
        ('"accord de Paris', "unbalanced quote"),
        ('climat "accord', "position 8"),
        ("OR climat", "OR at position 1 must stand between two search terms"),
        ("climat OR", "OR at position 8 has no term after it"),
        ("climat OR OR énergie", "OR at position 11"),
        ("-charbon", "not only -exclusions"),
        ('-charbon -"gaz naturel"', "not only -exclusions"),
        ("climat - charbon", "'-' at position 8 must be followed by a word or a phrase"),
        ("-charbon OR climat", "cannot follow an exclusion"),
        ("climat OR -charbon", "an exclusion cannot be an alternative of OR"),
        ('climat ""', "empty phrase at position 8"),
        ("&& !!", "no searchable words"),
    ],
)
def test_malformed_queries_raise_a_readable_error(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message.replace("(", r"\(")) as raised:
        parse_query(query)
    assert isinstance(raised.value, StorageError)
    assert "\n" not in str(raised.value)


def test_fts5_rendering_quotes_every_term() -> None:
    query = parse_query('"accord de Paris" OR cop21 énergie -charbon')
    assert to_fts5_match(query) == (
        '(("accord de paris" OR "cop21") AND "energie") NOT ("charbon")'
    )
    assert to_fts5_match(parse_query("碳中和")) == '"碳 中 和"'


def test_tsquery_rendering_uses_phrase_operators() -> None:
    query = parse_query('"accord de Paris" OR cop21 énergie -"gaz naturel"')
    assert to_tsquery_text(query) == (
        "(('accord' <-> 'de' <-> 'paris') | 'cop21') & 'energie' & !('gaz' <-> 'naturel')"
    )


def test_renderers_escape_quotes_and_backslashes() -> None:
    # Folding never produces these characters; the renderers must be safe regardless.
    query = SearchQuery(groups=((("it's", 'say"x', "back\\slash"),),))
    assert to_fts5_match(query) == '"it\'s say""x back\\slash"'
    assert to_tsquery_text(query) == "('it''s' <-> 'say\"x' <-> 'back\\\\slash')"
