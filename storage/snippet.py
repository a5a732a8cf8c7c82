"""Search-result excerpts: a window of the original text around the first match.

Matching uses the same tokens as the index (``crawler.text.folding.tokenize``), so what the
database matched is what gets highlighted, diacritics and CJK included, while the excerpt
shows the text exactly as published.

An excerpt is a sequence of parts, each a piece of text and whether it is a match, rather
than text with markers in it: article text may hold any character, brackets included, so no
marker could be told apart from the text around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from crawler.text.folding import Token, tokenize
from storage.search_query import Term

SNIPPET_TOKENS = 30
# How many tokens of context come before the first match.
_LEAD = 8
_SPACES = re.compile(r"\s+")


class SnippetPart(NamedTuple):
    """A piece of an excerpt: its text as published and whether it is a match."""

    text: str
    match: bool


@dataclass(frozen=True)
class Snippet:
    """An excerpt as parts; adjacent parts never have the same ``match``, none is empty."""

    parts: tuple[SnippetPart, ...] = ()

    @property
    def text(self) -> str:
        """The excerpt as plain text, without any mark of the matches."""
        return "".join(part.text for part in self.parts)

    @property
    def matches(self) -> tuple[str, ...]:
        """The matched pieces, in order."""
        return tuple(part.text for part in self.parts if part.match)

    def as_json(self) -> list[dict[str, str | bool]]:
        """The parts as ``{"text": ..., "match": ...}`` objects, for JSON output: their texts
        joined are ``text``."""
        return [{"text": part.text, "match": part.match} for part in self.parts]

    @classmethod
    def of(cls, pieces: list[tuple[str, bool]]) -> Snippet:
        """A snippet of ``pieces``, empty ones dropped and neighbours of a kind joined."""
        parts: list[SnippetPart] = []
        for text, match in pieces:
            if not text:
                continue
            if parts and parts[-1].match == match:
                parts[-1] = SnippetPart(parts[-1].text + text, match)
            else:
                parts.append(SnippetPart(text, match))
        return cls(tuple(parts))


def _matches(tokens: list[Token], terms: tuple[Term, ...]) -> list[tuple[int, int]]:
    """Token index ranges ``[first, last]`` where some term occurs, in text order."""
    found: list[tuple[int, int]] = []
    terms_by_first: dict[str, list[Term]] = {}
    for term in terms:
        terms_by_first.setdefault(term[0], []).append(term)
    for i, token in enumerate(tokens):
        for term in terms_by_first.get(token.term, ()):
            n = len(term)
            if tuple(t.term for t in tokens[i : i + n]) == term:
                found.append((i, i + n - 1))
    return found


def _tokens_through_first_match(
    text: str, terms: tuple[Term, ...], size: int
) -> tuple[list[Token], bool]:
    """The tokens of ``text`` up to ``size`` past its first match, and whether that is all
    of them: a long article is not tokenised to its end for a 30-word excerpt."""
    by_first: dict[str, list[Term]] = {}
    for term in terms:
        by_first.setdefault(term[0], []).append(term)
    longest = max((len(term) for term in terms), default=1)
    tokens: list[Token] = []
    for token in tokenize(text):
        tokens.append(token)
        start = len(tokens) - longest  # every term starting here is now complete
        if start < 0:
            continue
        for term in by_first.get(tokens[start].term, ()):
            if tuple(t.term for t in tokens[start : start + len(term)]) == term:
                return _extend(tokens, start + size + longest, text)
    return tokens, True


def _extend(tokens: list[Token], stop: int, text: str) -> tuple[list[Token], bool]:
    """Continue tokenising after ``tokens`` until ``stop`` tokens; whether the text ended."""
    rest = tokenize(text[tokens[-1].end :])
    offset = tokens[-1].end
    for token in rest:
        if len(tokens) >= stop:
            return tokens, False
        tokens.append(Token(token.term, token.start + offset, token.end + offset))
    return tokens, True


def make_snippet(text: str, terms: tuple[Term, ...], size: int = SNIPPET_TOKENS) -> Snippet:
    """About ``size`` tokens of ``text`` around the first occurrence of any of ``terms``,
    each occurrence a matching part; the start of the text when nothing matches.

    Whitespace is collapsed to single spaces; ``…`` marks text cut off at either end.
    """
    tokens, complete = _tokens_through_first_match(text, terms, size)
    if not tokens:
        return Snippet.of([(_SPACES.sub(" ", text).strip()[:200], False)])
    matches = _matches(tokens, terms)
    first = max(0, matches[0][0] - _LEAD) if matches else 0
    last = min(len(tokens), first + size) - 1
    if matches and last < matches[0][1]:
        last = min(len(tokens) - 1, matches[0][1])
    # At either end of the text, keep its leading or closing punctuation.
    start = 0 if first == 0 else tokens[first].start
    end = len(text) if last == len(tokens) - 1 else tokens[last].end

    pieces: list[tuple[str, bool]] = []
    cursor = start
    for lo, hi in matches:
        span_start, span_end = tokens[lo].start, tokens[hi].end
        if span_start < cursor or span_end > end:
            continue  # overlaps an earlier highlight, or runs past the window
        pieces += [(text[cursor:span_start], False), (text[span_start:span_end], True)]
        cursor = span_end
    pieces.append((text[cursor:end], False))
    # A match starts and ends with a token, so whitespace never runs across two pieces.
    pieces = [(_SPACES.sub(" ", piece), match) for piece, match in pieces]
    pieces[0] = (pieces[0][0].lstrip(), pieces[0][1])
    pieces[-1] = (pieces[-1][0].rstrip(), pieces[-1][1])
    if first > 0:
        pieces.insert(0, ("… ", False))
    if last < len(tokens) - 1 or not complete:
        pieces.append((" …", False))
    return Snippet.of(pieces)
