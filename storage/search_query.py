"""The search query language, parsed in Python and rendered for each database.

Syntax: bare words must all match (AND); ``"exact phrases"``; ``OR`` (upper case) between
two terms makes them alternatives; ``-word`` or ``-"a phrase"`` excludes articles. Every term
is folded like the indexed text (see ``crawler.text.folding``), so a word that folds to several
tokens (``l'accord``, CJK ``碳中和``) becomes a phrase. User text never reaches the database
unquoted: the renderers quote every token.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from crawler.text.folding import search_terms
from storage.errors import QuerySyntaxError

# A term is a phrase of folded tokens (a single word is a one-token phrase).
Term = tuple[str, ...]


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: every group must match (one of its terms), no excluded term may."""

    groups: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...] = ()

    @property
    def positive_terms(self) -> tuple[Term, ...]:
        """Every term that can make an article match, for highlighting."""
        return tuple(term for group in self.groups for term in group)

    def loosened(self) -> SearchQuery:
        """A query matching every article this one matches, and maybe more: a phrase that is
        a group of its own becomes its words in any order, and excluded phrases are dropped.

        Counting it needs no word positions, which PostgreSQL reads from every document
        holding the words (common words: most documents), so it sizes a window cheaply.
        """
        groups: list[tuple[Term, ...]] = []
        for group in self.groups:
            if len(group) == 1 and len(group[0]) > 1:
                groups += [((token,),) for token in dict.fromkeys(group[0])]
            else:
                groups.append(group)
        return SearchQuery(tuple(groups), tuple(t for t in self.excluded if len(t) == 1))


class _Lexeme(NamedTuple):
    kind: str  # "term" or "or"
    text: str
    negated: bool
    position: int  # 1-based column in the query, for error messages


def _lex(query: str) -> list[_Lexeme]:
    lexemes: list[_Lexeme] = []
    i, n = 0, len(query)
    while i < n:
        if query[i].isspace():
            i += 1
            continue
        start = i
        negated = query[i] == "-"
        if negated:
            i += 1
            if i == n or query[i].isspace():
                raise QuerySyntaxError(
                    f"'-' at position {start + 1} must be followed by a word or a phrase"
                )
        if query[i] == '"':
            close = query.find('"', i + 1)
            if close < 0:
                raise QuerySyntaxError(
                    f'unbalanced quote: the phrase starting at position {i + 1} has no closing "'
                )
            text = query[i + 1 : close]
            if not text.strip():
                raise QuerySyntaxError(f"empty phrase at position {i + 1}")
            i = close + 1
        else:
            end = i
            while end < n and not query[end].isspace() and query[end] != '"':
                end += 1
            text, i = query[i:end], end
        kind = "or" if text == "OR" and not negated and query[start] != '"' else "term"
        lexemes.append(_Lexeme(kind, text, negated, start + 1))
    return lexemes


def parse_query(query: str) -> SearchQuery:
    """Parse a user query; raise ``QuerySyntaxError`` naming what is wrong and where.

    Words with nothing searchable in them (``&``, ``—``) are ignored, but a query must keep at
    least one searchable word that is not excluded.
    """
    if not query.strip():
        raise QuerySyntaxError("empty search query")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    previous: _Lexeme | None = None
    has_exclusion = False
    for lexeme in _lex(query):
        after_or = previous is not None and previous.kind == "or"
        if lexeme.kind == "or":
            if previous is None or previous.kind == "or":
                raise QuerySyntaxError(
                    f"OR at position {lexeme.position} must stand between two search terms"
                )
            if previous.negated:
                raise QuerySyntaxError(
                    f"OR at position {lexeme.position} cannot follow an exclusion"
                )
        elif lexeme.negated:
            has_exclusion = True
            if after_or:
                raise QuerySyntaxError(
                    f"an exclusion cannot be an alternative of OR (position {lexeme.position})"
                )
            term = tuple(search_terms(lexeme.text).split())
            if term:
                excluded.append(term)
        else:
            term = tuple(search_terms(lexeme.text).split())
            if not after_or:
                groups.append([])
            if term and term not in groups[-1]:
                groups[-1].append(term)
        previous = lexeme
    if previous is not None and previous.kind == "or":
        raise QuerySyntaxError(f"OR at position {previous.position} has no term after it")
    kept = tuple(tuple(group) for group in groups if group)
    if not kept:
        if has_exclusion:
            raise QuerySyntaxError(
                "a query needs at least one word to search for, not only -exclusions"
            )
        raise QuerySyntaxError(f"the query {query!r} has no searchable words")
    return SearchQuery(groups=kept, excluded=tuple(excluded))


def to_fts5_match(query: SearchQuery, required: Sequence[Sequence[str]] = ()) -> str:
    """The query as an SQLite FTS5 MATCH expression; every term is a double-quoted string.

    ``required``: groups of index terms (``storage.fts`` meta terms) of which a match must
    have one each.
    """

    def term(tokens: Term) -> str:
        return '"' + " ".join(tokens).replace('"', '""') + '"'

    def group(terms: tuple[Term, ...]) -> str:
        return term(terms[0]) if len(terms) == 1 else "(" + " OR ".join(map(term, terms)) + ")"

    positive = " AND ".join(group(g) for g in query.groups)
    expression = positive
    if query.excluded:
        expression = f"({positive}) NOT ({' OR '.join(map(term, query.excluded))})"
    if not required:
        return expression
    filters = [group(tuple((t,) for t in terms)) for terms in required]
    return " AND ".join([f"({expression})", *filters])


def to_tsquery_text(query: SearchQuery, required: Sequence[Sequence[str]] = ()) -> str:
    """The query as the text argument of PostgreSQL ``to_tsquery('simple', ...)``.

    Each token is a quoted lexeme; a phrase joins its tokens with ``<->``. ``required`` as
    for ``to_fts5_match``.
    """

    def lexeme(token: str) -> str:
        return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"

    def term(tokens: Term) -> str:
        joined = " <-> ".join(map(lexeme, tokens))
        return joined if len(tokens) == 1 else f"({joined})"

    def group(terms: tuple[Term, ...]) -> str:
        return term(terms[0]) if len(terms) == 1 else "(" + " | ".join(map(term, terms)) + ")"

    parts = [group(g) for g in query.groups]
    parts += [f"!{term(tokens)}" for tokens in query.excluded]
    parts += [group(tuple((t,) for t in terms)) for terms in required]
    return " & ".join(parts)
