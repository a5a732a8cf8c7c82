"""Term matching on folded text: the one definition of how a topics-file term finds a word.

Text and terms go through the same folding as full-text search (``crawler.text.folding``: case,
diacritics, CJK one character per token, traditional Chinese characters as simplified ones),
so ``coopération`` matches ``cooperation``, ``współpraca`` matches ``wspolpraca`` and ``氣候``
matches ``气候``. Folded text is tokens separated by single spaces, so word
boundaries are spaces, and Chinese/Japanese terms (one token per character) match anywhere.

A term is one or more words; ``*`` at the end of a word matches any ending (inflection:
``umow*``), at its start any beginning (compounds: ``*partnerschaft``). All the terms a group
looks for are compiled into one regular expression per language, longest first, so at any
position the longest term wins: "paris agreement" is read before "agreement" can be.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, count

from crawler.text.folding import search_terms
from crawler.text.tokencache import TokenCache

WILDCARD = "*"


def fold(text: str) -> list[str]:
    """``text`` as folded tokens (``["la", "cooperation", "碳", "中", "和"]``)."""
    folded = search_terms(text)
    return folded.split(" ") if folded else []


@dataclass(frozen=True)
class Word:
    """One folded token of a term; ``head``/``tail``: any beginning / ending is allowed."""

    text: str
    head: bool = False
    tail: bool = False

    def matches(self, token: str) -> bool:
        if self.head and self.tail:
            return self.text in token
        if self.head:
            return token.endswith(self.text)
        if self.tail:
            return token.startswith(self.text)
        return token == self.text


@dataclass(frozen=True)
class Term:
    """One term of a concept as written in the topics file, with its own weight."""

    text: str
    weight: float = 1.0

    def words(self) -> tuple[Word, ...]:
        """The folded tokens to match; raises ValueError on a malformed term."""
        words: list[Word] = []
        for written in self.text.split():
            core = written.strip(WILDCARD)
            tokens = search_terms(core).split()
            if not tokens or WILDCARD in core:
                raise ValueError(
                    f"term {self.text!r}: {WILDCARD!r} may only start or end a word, and every "
                    "word needs letters or digits"
                )
            # folding may split one written word into several tokens ("co2-neutral", 碳市场)
            for index, token in enumerate(tokens):
                words.append(
                    Word(
                        token,
                        head=index == 0 and written.startswith(WILDCARD),
                        tail=index == len(tokens) - 1 and written.endswith(WILDCARD),
                    )
                )
        return tuple(words)


@dataclass(frozen=True)
class Hit:
    """A term found in folded text."""

    concept: str
    weight: float
    text: str


@dataclass(frozen=True)
class Entry:
    """A compiled term: which concept it counts for (None: it only hides others), and in which
    groups' scans it takes part (its own, plus the groups whose words it hides)."""

    concept: str | None
    group: str
    weight: float
    words: tuple[Word, ...]
    scope: frozenset[str]
    # Longer terms win at a position; exact before wildcard on a tie.
    rank: tuple[int, int]


# Tokens whose first-word candidates are remembered per matcher (cleared when full).
TOKEN_CACHE_SIZE = 100_000
# Per token: (group, the entries starting with it in that group's scan, best rank first), each
# entry with its length in tokens and its later words when they are all exact (else None).
_Candidate = tuple[Entry, int, list[str] | None]
_Plan = tuple[tuple[str, tuple[_Candidate, ...]], ...]


class Matcher:
    """Finds the terms of every group in folded tokens. In each group's scan, the longest term
    at a position wins and its tokens are consumed, so "paris agreement" (climate) hides
    "agreement" from the cooperation scan while "klimapartnerschaft" counts for both groups."""

    def __init__(self, entries: Sequence[Entry], groups: Sequence[str]) -> None:
        self.groups = tuple(groups)
        self._exact: dict[str, list[Entry]] = {}
        self._prefixed: dict[str, list[Entry]] = {}  # by the first three letters
        self._infixed: list[Entry] = []
        for entry in sorted(entries, key=lambda e: e.rank, reverse=True):
            first = entry.words[0]
            if first.head:
                self._infixed.append(entry)
            elif first.tail:
                self._prefixed.setdefault(first.text[:3], []).append(entry)
            else:
                self._exact.setdefault(first.text, []).append(entry)
        self._cache = TokenCache(self._new_plan, TOKEN_CACHE_SIZE)

    def _starting(self, token: str) -> tuple[Entry, ...]:
        """Entries whose first word matches ``token``, best rank first."""
        candidates = list(self._exact.get(token, ()))
        for size in (1, 2, 3):
            candidates += [
                e for e in self._prefixed.get(token[:size], ()) if e.words[0].matches(token)
            ]
        candidates += [e for e in self._infixed if e.words[0].matches(token)]
        return tuple(sorted(candidates, key=lambda e: e.rank, reverse=True))

    def _new_plan(self, token: str) -> _Plan:
        """For each group whose scan some entry starting with ``token`` takes part in: the
        group and those entries, best rank first (cached per token in ``_cache``)."""
        starting = [(e, len(e.words), _exact_rest(e.words)) for e in self._starting(token)]
        return tuple(
            (group, entries)
            for group in self.groups
            if (entries := tuple(c for c in starting if group in c[0].scope))
        )

    def find(self, tokens: Sequence[str]) -> Iterator[Hit]:
        """The counted hits in ``tokens`` (from ``fold``), each group's never overlapping."""
        free = dict.fromkeys(self.groups, 0)  # first token each group's scan may use
        if not isinstance(tokens, list):
            tokens = list(tokens)  # later words are compared as list slices
        # This runs once per token of every article: the plans are cached per token and
        # looked up in one C loop (``map``), and only the tokens some term starts with (a
        # non-empty plan; ``compress`` skips the others in C) are visited in Python.
        plans = list(map(self._cache.__getitem__, tokens))
        for index in compress(count(), plans):
            token = tokens[index]
            for group, entries in plans[index]:
                if free[group] > index:
                    continue
                for best, size, rest in entries:
                    if size == 1:
                        break
                    if rest is not None:
                        if tokens[index + 1 : index + size] == rest:
                            break
                    elif _matches_at(best.words, tokens, index):
                        break
                else:
                    continue
                free[group] = index + size
                if best.group == group and best.concept is not None:
                    yield Hit(
                        best.concept,
                        best.weight,
                        token if size == 1 else " ".join(tokens[index : index + size]),
                    )


def _exact_rest(words: tuple[Word, ...]) -> list[str] | None:
    """The words after the first as tokens to compare with a list slice (one C comparison),
    or None when one of them has a wildcard."""
    rest = words[1:]
    return None if any(w.head or w.tail for w in rest) else [w.text for w in rest]


def _matches_at(words: tuple[Word, ...], tokens: Sequence[str], index: int) -> bool:
    if index + len(words) > len(tokens):
        return False
    return all(word.matches(tokens[index + k]) for k, word in enumerate(words[1:], 1))


# A name: a word, possibly hyphenated (Baden-Württemberg), after an optional elided article
# (l'Allemagne). Whether it is capitalised is checked on the match: ``re`` has no class for
# upper-case letters of every script.
# The quantifiers are possessive: a name ends where its letters do, so giving some back can
# never let a space follow, and without backtracking every word costs one try, not one per
# letter.
_NAME = r"(?:[^\W\d_]{1,2}['’])?([^\W\d_][^\W_]*+(?:-[^\W\d_][^\W_]*+)*+)"


@dataclass(frozen=True)
class NamePair:
    """Two names joined by a pair word: ``regex``, the phrase ("Kenya and Norway");
    ``joint``, a pair word between white space (None: no pair words, no phrase)."""

    regex: re.Pattern[str]
    joint: re.Pattern[str] | None


def name_pair(words: Sequence[str]) -> NamePair:
    """Two names joined by one of ``words`` ("Kenya and Norway"), on raw text."""
    unique = sorted(set(words), key=len, reverse=True)
    joined = "|".join(re.escape(w) for w in unique)
    regex = re.compile(rf"(?<!\w){_NAME}\s++(?:{joined or '(?!)'})\s+{_NAME}")
    # Each word opens its branch, so ``re`` looks for its letters with a fast scan.
    joint = "|".join(rf"{re.escape(w)}(?<=\s{re.escape(w)})\s" for w in unique)
    return NamePair(regex, re.compile(joint) if joint else None)


def find_pairs(pair: NamePair, text: str) -> Iterator[str]:
    """The "Name and Name" phrases in ``text`` whose two names are capitalised."""
    for match in _phrases(pair, text):
        if match.group(1)[0].isupper() and match.group(2)[0].isupper():
            yield match.group()


def _phrases(pair: NamePair, text: str) -> Iterator[re.Match[str]]:
    """``pair.regex.finditer(text)``, without trying the regex at every word (a third of the
    cost of relevance): a phrase's first name (with its article) is the run of characters
    other than white space before the white space before a pair word, so only the runs
    before a ``joint`` are tried, left to right, as ``finditer`` would.

    Why no phrase is missed: the first joint from ``pos`` is at or before the pair word of
    the next phrase (a joint inside a phrase would need white space inside its first name),
    so that phrase starts in the run before this joint or later."""
    if pair.joint is None:
        return
    pos = 0  # no phrase starts before this that was not found
    joint = pair.joint.search(text)
    while joint is not None:
        end = joint.start()  # of the run before the white space before the pair word
        while end > pos and text[end - 1].isspace():  # str.isspace is what \s matches
            end -= 1
        start = end
        while start > pos and not text[start - 1].isspace():
            start -= 1
        for candidate in range(start, end):
            match = pair.regex.match(text, candidate)
            if match:
                yield match
                pos = match.end()
                break
        else:
            pos = max(pos, end)
        joint = pair.joint.search(text, max(pos, joint.start() + 1))
