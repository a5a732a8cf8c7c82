"""The parties an article names (countries, cities, bodies, agencies, banks, companies), in
any of the languages of ``crawler/data/parties.yaml``: evidence of a story that does not
depend on the language it is told in.

Matching runs over the text's tokens (``crawler.text.folding.tokens``: folded words, one token
per CJK character), so "Unii Europejskiej", "UE" and "欧盟" are found by one dictionary walk
instead of a regex of 1,500 alternatives. At each position the longest name wins:
"印度尼西亚" is Indonesia, not India. A city named as part of a treaty's name ("Paris
Agreement", "Accord de Paris", 巴黎协定: ``crawler/data/instruments.yaml``) is not counted.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import compress, count
from pathlib import Path
from typing import Any

from crawler.text.folding import split_tokens, tokens
from crawler.text.tokencache import TokenCache
from crawler.yamlfile import load_data_file

PARTIES_FILE = Path(__file__).resolve().parents[1] / "data" / "parties.yaml"
INSTRUMENTS_FILE = PARTIES_FILE.with_name("instruments.yaml")
KINDS = ("country", "region", "city", "body", "agency", "bank", "company")
# How much a shared party says about two reports being one story: countries are named in
# half of all climate news, a company or agency rarely.
KIND_WEIGHTS = {
    "country": 0.5,
    "region": 1.0,
    "city": 1.5,
    "body": 1.0,
    "agency": 2.0,
    "bank": 1.5,
    "company": 2.0,
}
# A name in capitals this long or shorter (UNEP, UE, ООН) must appear in capitals.
MAX_ACRONYM = 6
# Tokens whose candidate names are remembered per table (cleared when full).
TOKEN_CACHE_SIZE = 100_000
# At most this many words between a city and the instrument named after it ("Paris climate
# change agreement", "Kunming-Montreal Global Biodiversity Framework").
MAX_BETWEEN = 4
# The most words a city's name spans ("Rio de Janeiro", "Sharm el Sheikh").
MAX_CITY_WORDS = 3


class PartiesFileError(ValueError):
    """The parties file is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Party:
    """One party: its stable id, display name and kind."""

    id: str
    name: str
    kind: str

    @property
    def weight(self) -> float:
        return KIND_WEIGHTS[self.kind]


@dataclass(frozen=True)
class _Pattern:
    """One name as token patterns: (token, is_prefix) pairs; ``capitals``: acronym case."""

    party: str
    words: tuple[tuple[str, bool], ...]
    capitals: bool


@dataclass(frozen=True)
class Instruments:
    """Words that make a city part of a treaty's name (see ``instruments.yaml``)."""

    instruments: tuple[_Pattern, ...] = ()
    links: tuple[_Pattern, ...] = ()
    between: tuple[_Pattern, ...] = ()


class PartyTable:
    """Every party and a matcher for their names."""

    def __init__(
        self,
        parties: dict[str, Party],
        patterns: list[_Pattern],
        instruments: Instruments = Instruments(),
    ) -> None:
        self.parties = parties
        self._instruments = instruments
        self._cities = frozenset(p for p, party in parties.items() if party.kind == "city")
        self._exact: dict[str, list[_Pattern]] = {}
        self._prefix: dict[str, list[_Pattern]] = {}
        for pattern in patterns:
            first, is_prefix = pattern.words[0]
            (self._prefix if is_prefix else self._exact).setdefault(first, []).append(pattern)
        self._prefix_lengths = sorted({len(key) for key in self._prefix})
        self._acronyms = frozenset(
            "".join(w.upper() for w, _ in p.words) for p in patterns if p.capitals
        )
        self._longest_first = TokenCache(self._sorted_candidates, TOKEN_CACHE_SIZE)

    def names_word(self, term: str) -> bool:
        """Whether a folded word is, alone, a party's name (Chiny, UNEP, Taicang)."""
        return any(
            len(p.words) == 1 and _matches(p, [term], [term.upper()], 0)
            for p in self._longest_first[term]
        )  # _candidates, sorted and cached

    def acronyms(self) -> frozenset[str]:
        """The names written in capitals (UNEP, UE): not acronyms of their own."""
        return self._acronyms

    def find(self, text: str) -> Counter[str]:
        """How often each party is named in ``text``, by id."""
        return self.find_tokens(*split_tokens(text))

    def find_tokens(self, terms: list[str], raws: list[str]) -> Counter[str]:
        """``find`` on ``split_tokens`` already computed."""
        counts: Counter[str] = Counter()
        # This runs once per token of every article: the candidates are cached per token and
        # looked up in one C loop (``map``), and only the tokens some name starts with (a
        # non-empty tuple; ``compress`` skips the others in C) are visited in Python.
        candidates = list(map(self._longest_first.__getitem__, terms))
        after = 0  # the first token not inside a name already counted
        for position in compress(count(), candidates):
            if position < after:
                continue
            for pattern in candidates[position]:
                if _matches(pattern, terms, raws, position):
                    after = position + len(pattern.words)
                    if pattern.party not in self._cities or not self._in_instrument(
                        terms, raws, position, after, candidates
                    ):
                        counts[pattern.party] += 1
                    break
        return counts

    def _in_instrument(
        self,
        terms: list[str],
        raws: list[str],
        start: int,
        end: int,
        candidates: list[tuple[_Pattern, ...]],
    ) -> bool:
        """Whether the city named at ``terms[start:end]`` is part of a treaty's name."""
        words = self._instruments
        # After it: "Paris (climate) Agreement", "Kunming-Montreal ... Framework", 巴黎协定.
        # Several cities before a lower-case instrument word are its parties, not its name:
        # "the Paris-Berlin agreement on heat networks". A name is capitalised ("the
        # Kunming-Montreal Global Biodiversity Framework"); scripts without case keep the name.
        position, cities = end, 1 + self._city_before(terms, raws, start, candidates)
        for _ in range(MAX_BETWEEN + 1):
            if _longest(words.instruments, terms, raws, position):
                return cities == 1 or not raws[position][:1].islower()
            step = _longest(words.between, terms, raws, position)
            if not step:
                step = self._city_at(terms, raws, position, candidates)
                cities += 1 if step else 0
            if not step:
                break
            position += step
        # Before it: "Accord (climatique) de Paris", "Protokół z Kioto": a link word, then
        # back over the words between to the instrument.
        link = start - 1
        if link < 1 or not _longest(words.links, terms, raws, link):
            return False
        for position in range(link - 1, max(link - 2 - MAX_BETWEEN, -1), -1):
            if _longest(words.instruments, terms, raws, position) == 1:
                return True
            if _longest(words.between, terms, raws, position) != 1:
                return False
        return False

    def _city_before(
        self,
        terms: list[str],
        raws: list[str],
        start: int,
        candidates: list[tuple[_Pattern, ...]],
    ) -> int:
        """1 when a city's name ends right before ``start`` ("Paris-" of "Paris-Berlin"), else 0."""
        for span in range(1, MAX_CITY_WORDS + 1):
            if start - span >= 0 and self._city_at(terms, raws, start - span, candidates) == span:
                return 1
        return 0

    def _city_at(
        self,
        terms: list[str],
        raws: list[str],
        position: int,
        candidates: list[tuple[_Pattern, ...]],
    ) -> int:
        """How many tokens a city's name at ``position`` spans (0: none there)."""
        if position >= len(terms):
            return 0
        return _longest(
            tuple(p for p in candidates[position] if p.party in self._cities), terms, raws, position
        )

    def _sorted_candidates(self, term: str) -> tuple[_Pattern, ...]:
        """``_candidates``, most words first (the first that matches is the longest name
        there; on a tie, the one listed first)."""
        return tuple(sorted(self._candidates(term), key=lambda p: -len(p.words)))

    def _candidates(self, term: str) -> list[_Pattern]:
        """The names that may start with this token."""
        exact = self._exact.get(term, [])
        if not self._prefix_lengths or len(term) < self._prefix_lengths[0]:
            return exact  # CJK characters and short words: no stem is that short
        candidates = list(exact)
        for length in self._prefix_lengths:
            if length > len(term):
                break
            candidates.extend(self._prefix.get(term[:length], ()))
        return candidates


def _matches(pattern: _Pattern, terms: list[str], raws: list[str], position: int) -> bool:
    if position + len(pattern.words) > len(terms):
        return False
    for offset, (word, is_prefix) in enumerate(pattern.words):
        term, raw = terms[position + offset], raws[position + offset]
        if not (term.startswith(word) if is_prefix else term == word):
            return False
        if pattern.capitals and not raw.isupper() and not raw.isdigit():
            return False
    return True


def _longest(
    patterns: tuple[_Pattern, ...], terms: list[str], raws: list[str], position: int
) -> int:
    """How many tokens the longest of ``patterns`` matching at ``position`` spans (0: none)."""
    if not 0 <= position < len(terms):
        return 0
    return max((len(p.words) for p in patterns if _matches(p, terms, raws, position)), default=0)


def _pattern(party: str, name: str) -> _Pattern | None:
    """A name as token patterns; None when it has no tokens (punctuation only)."""
    words: list[tuple[str, bool]] = []
    for chunk in name.split():
        prefix = chunk.endswith("*")
        terms = tokens(chunk.rstrip("*"))
        words.extend((term, False) for term in terms)
        if prefix and words:
            words[-1] = (words[-1][0], True)
    letters = [c for c in name if c.isalpha()]
    capitals = bool(letters) and len(letters) <= MAX_ACRONYM and all(c.isupper() for c in letters)
    return _Pattern(party, tuple(words), capitals) if words else None


def parse_parties(
    raw: Any, where: str = str(PARTIES_FILE), instruments: Instruments = Instruments()
) -> PartyTable:
    """Validate the parsed parties file; raise ``PartiesFileError`` naming what is wrong."""
    if not isinstance(raw, list):
        raise PartiesFileError(f"{where}: expected a list of parties")
    parties: dict[str, Party] = {}
    patterns: list[_Pattern] = []
    for index, entry in enumerate(raw):
        label = f"{where}: parties[{index}]"
        if not isinstance(entry, dict) or set(entry) != {"id", "name", "kind", "names"}:
            raise PartiesFileError(f"{label}: needs exactly the keys id, name, kind, names")
        pid, kind, names = entry["id"], entry["kind"], entry["names"]
        label = f"{where}: party {pid!r} (parties[{index}])"
        if not isinstance(pid, str) or not pid or len(pid) > 64:
            raise PartiesFileError(f"{label}: id must be a string of 1 to 64 characters")
        if pid in parties:
            raise PartiesFileError(f"{label}: the id is used twice")
        if kind not in KINDS:
            raise PartiesFileError(f"{label}: kind must be one of {', '.join(KINDS)}")
        if not isinstance(names, dict) or not names:
            raise PartiesFileError(f"{label}: names must map languages to lists of names")
        parties[pid] = Party(pid, str(entry["name"]), kind)
        for language, listed in names.items():
            if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed):
                raise PartiesFileError(f"{label}: names.{language} must be a list of names")
            for name in listed:
                pattern = _pattern(pid, name)
                if pattern is None:
                    raise PartiesFileError(f"{label}: names.{language}: {name!r} has no letters")
                patterns.append(pattern)
    return PartyTable(parties, patterns, instruments)


def parse_instruments(raw: Any, where: str = str(INSTRUMENTS_FILE)) -> Instruments:
    """Validate the parsed instruments file; raise ``PartiesFileError`` naming what is wrong."""
    if not isinstance(raw, dict) or set(raw) != {"instruments", "links", "between"}:
        raise PartiesFileError(f"{where}: needs exactly the keys instruments, links, between")
    lists: dict[str, tuple[_Pattern, ...]] = {}
    for key, by_language in raw.items():
        if not isinstance(by_language, dict):
            raise PartiesFileError(f"{where}: {key} must map languages to lists of words")
        patterns = []
        for language, words in by_language.items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise PartiesFileError(f"{where}: {key}.{language} must be a list of words")
            for word in words:
                pattern = _pattern("", word)
                if pattern is None:
                    raise PartiesFileError(f"{where}: {key}.{language}: {word!r} has no letters")
                # Matched in any case: "Paris agreement" is the Paris Agreement too.
                patterns.append(dataclasses.replace(pattern, capitals=False))
        lists[key] = tuple(patterns)
    return Instruments(**lists)


@cache
def party_table() -> PartyTable:
    """The bundled parties table (read once per process)."""
    return parse_parties(
        load_data_file(PARTIES_FILE),
        instruments=parse_instruments(load_data_file(INSTRUMENTS_FILE)),
    )


def find_parties(text: str) -> Counter[str]:
    """The parties ``text`` names, with how often, by id."""
    return party_table().find(text)


def party_name(party_id: str) -> str:
    """The display name of a party id (the id itself for one no longer in the table)."""
    party = party_table().parties.get(party_id)
    return party.name if party else party_id
