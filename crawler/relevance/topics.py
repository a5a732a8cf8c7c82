"""Topics files: the editable concept lists and weights an article's relevance is judged by.

A topics file (YAML, see ``crawler/data/topics/climate-cooperation.yaml`` for the format and the
scoring it drives) is validated as a whole when loaded; every problem is reported with the file
and the key at fault. ``load_topics`` caches: each extraction worker reads a file once.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    field_validator,
    model_validator,
)

from crawler.errors import ConfigError
from crawler.relevance.matching import Entry, Matcher, NamePair, Term, name_pair
from crawler.yamlfile import parse_mapping, read_user_file

DEFAULT_TOPICS = (
    Path(__file__).resolve().parent.parent / "data" / "topics" / ("climate-cooperation.yaml")
)
# The concept groups of a topics file; "ignore" phrases only hide the words inside them.
GroupName = Literal["subject", "cooperation", "party", "penalty", "ignore"]
SCORED_GROUPS: tuple[GroupName, ...] = ("subject", "cooperation", "party", "penalty")
# Groups whose phrases hide the other groups' words inside them ("paris agreement").
EXCLUSIVE_GROUPS: tuple[GroupName, ...] = ("subject", "cooperation", "penalty")
ANY_LANGUAGE = "any"
_LANGUAGE_KEY = re.compile(r"any|[a-z]{2}(-[A-Z][a-z]{3})?")
_CONCEPT_ID = re.compile(r"[a-z0-9][a-z0-9-]*")


class TopicsError(ConfigError):
    """A topics file is missing, unreadable or invalid."""


def _check_term(value: Any) -> Term:
    """A term is ``text`` or ``{text: weight}`` (written ``text: weight`` in a YAML list)."""
    if isinstance(value, dict):
        if len(value) != 1:
            raise ValueError(f"{value!r}: write a weighted term as 'term: weight'")
        ((text, weight),) = value.items()
        if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
            raise ValueError(f"term {text!r}: weight must be a positive number, got {weight!r}")
        term = Term(str(text).strip(), float(weight))
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        term = Term(str(value).strip())
    else:
        raise ValueError(f"{value!r} is not a term (a string, or 'term: weight')")
    if not term.text:
        raise ValueError("empty term")
    term.words()  # raises ValueError on a malformed term
    return term


TermSpec = Annotated[Term, PlainValidator(_check_term)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GroupSpec(_Frozen):
    """How a group's summed evidence G becomes a factor: 1 - exp(-G / scale), never below
    ``floor`` (only the party group uses a floor)."""

    scale: float = Field(gt=0)
    floor: float = Field(default=0.0, ge=0, le=1)


class GroupsSpec(_Frozen):
    subject: GroupSpec = GroupSpec(scale=2.0)
    cooperation: GroupSpec = GroupSpec(scale=2.0)
    # floor 1: without party terms the party factor is always 1.
    party: GroupSpec = GroupSpec(scale=1.5, floor=1.0)
    penalty: GroupSpec = GroupSpec(scale=1.5)


class PositionsSpec(_Frozen):
    """How much a match counts in the title, in the lead, and in the rest of the body."""

    title: float = Field(default=3.0, ge=0)
    lead: float = Field(default=2.0, ge=0)
    body: float = Field(default=1.0, ge=0)


class ConceptSpec(_Frozen):
    group: GroupName
    weight: float = Field(default=1.0, ge=0)
    terms: dict[str, tuple[TermSpec, ...]]
    # Party concepts only: words joining two capitalised names ("Kenya and Norway"), per
    # language; each such pair counts as one match.
    pairs: dict[str, tuple[str, ...]] = {}

    @field_validator("pairs")
    @classmethod
    def _pair_words(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for key, words in value.items():
            if not _LANGUAGE_KEY.fullmatch(key):
                raise ValueError(f"{key!r} is not a language such as 'en'")
            for word in words:
                if not word or any(c.isspace() for c in word) or not word.isalpha():
                    raise ValueError(f"{word!r}: a pair word is one word of letters ('and')")
        return value

    @model_validator(mode="after")
    def _pairs_for_parties(self) -> ConceptSpec:
        if self.pairs and self.group != "party":
            raise ValueError("pairs are only for concepts of group 'party'")
        return self

    @field_validator("terms")
    @classmethod
    def _languages(cls, value: dict[str, tuple[Term, ...]]) -> dict[str, tuple[Term, ...]]:
        for key in value:
            if not _LANGUAGE_KEY.fullmatch(key):
                raise ValueError(
                    f"{key!r} is not a language: use an ISO 639-1 code ('en', 'zh'), a code "
                    f"with a script ('zh-Hant'), or '{ANY_LANGUAGE}'"
                )
        if not any(value.values()):
            raise ValueError("a concept needs at least one term")
        return value


class TopicsSpec(_Frozen):
    """A whole topics file."""

    name: str = Field(min_length=1, max_length=64)
    description: str | None = None
    threshold: float = Field(default=0.5, gt=0, le=1)
    # The lead: this much of the body's start (characters other than white space, CJK x3).
    lead_weight: int = Field(default=700, ge=0)
    # One concept adds at most this much evidence to its group.
    concept_cap: float = Field(default=6.0, gt=0)
    positions: PositionsSpec = PositionsSpec()
    groups: GroupsSpec = GroupsSpec()
    concepts: dict[str, ConceptSpec]

    @field_validator("concepts")
    @classmethod
    def _ids(cls, value: dict[str, ConceptSpec]) -> dict[str, ConceptSpec]:
        for concept_id in value:
            if not _CONCEPT_ID.fullmatch(concept_id):
                raise ValueError(f"{concept_id!r} is not a concept id such as 'carbon-market'")
        return value

    @model_validator(mode="after")
    def _complete(self) -> TopicsSpec:
        groups = {c.group for c in self.concepts.values()}
        for needed in ("subject", "cooperation"):
            if needed not in groups:
                raise ValueError(f"concepts: no concept of group {needed!r}")
        seen: dict[tuple[str, str, str], str] = {}
        for concept_id, concept in self.concepts.items():
            for language, terms in concept.terms.items():
                for term in terms:
                    key = (concept.group, _language(language), term.text.casefold())
                    other = seen.setdefault(key, concept_id)
                    if other != concept_id:
                        raise ValueError(
                            f"concepts: term {term.text!r} ({language}) is in both {other!r} "
                            f"and {concept_id!r}, which are in the same group"
                        )
        return self


def _language(key: str) -> str:
    """The language a terms key applies to: ``zh-Hant`` and ``zh-Hans`` are both ``zh``."""
    return key.split("-")[0]


def _wanted(key: str, language: str) -> bool:
    """Whether terms listed under ``key`` apply to ``language`` ("": every language)."""
    return not language or _language(key) in (language, ANY_LANGUAGE)


@dataclass(frozen=True)
class TopicSet:
    """A validated topics file, with its terms compiled per language on first use."""

    spec: TopicsSpec
    path: str
    _matchers: dict[str, Matcher] = field(default_factory=dict, repr=False, compare=False)
    _pairs: dict[str, tuple[tuple[str, NamePair], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def name(self) -> str:
        return self.spec.name

    @cached_property
    def languages(self) -> frozenset[str]:
        """The languages with terms of their own (``any`` terms apply to every language);
        computed once: every assessment asks."""
        return frozenset(_language(key) for c in self.spec.concepts.values() for key in c.terms) - {
            ANY_LANGUAGE
        }

    def matcher(self, language: str | None) -> Matcher:
        """The terms for ``language`` (with the ``any`` terms); every language's terms when
        the language is unknown or has no terms of its own."""
        key = self._key(language)
        found = self._matchers.get(key)
        if found is None:
            found = self._matchers[key] = self._compile(key)
        return found

    def pairs(self, language: str | None) -> tuple[tuple[str, NamePair], ...]:
        """(party concept, two names joined by one of its pair words: ``name_pair``) for
        ``language``, like ``matchers``."""
        key = self._key(language)
        found = self._pairs.get(key)
        if found is None:
            found = self._pairs[key] = tuple(
                (
                    concept_id,
                    name_pair(
                        [
                            word
                            for lang_key, words in concept.pairs.items()
                            if _wanted(lang_key, key)
                            for word in words
                        ]
                    ),
                )
                for concept_id, concept in self.spec.concepts.items()
                if concept.pairs
            )
        return found

    def _key(self, language: str | None) -> str:
        """The language whose terms apply; "" (all of them) when it has none of its own."""
        key = _language(language.lower()) if language else ""
        return key if key in self.languages else ""

    def _compile(self, language: str) -> Matcher:
        entries = []
        for concept_id, concept in self.spec.concepts.items():
            for lang_key, lang_terms in concept.terms.items():
                if not _wanted(lang_key, language):
                    continue
                for term in lang_terms:
                    words = term.words()
                    scope = {concept.group}
                    if concept.group == "ignore":
                        scope = set(SCORED_GROUPS)
                    elif concept.group in EXCLUSIVE_GROUPS and len(words) > 1:
                        scope.update(EXCLUSIVE_GROUPS)
                    literal = sum(len(w.text) for w in words) + len(words) - 1
                    wild = any(w.head or w.tail for w in words)
                    entries.append(
                        Entry(
                            None if concept.group == "ignore" else concept_id,
                            concept.group,
                            concept.weight * term.weight,
                            words,
                            frozenset(scope),
                            (literal, 0 if wild else 1),
                        )
                    )
        return Matcher(entries, SCORED_GROUPS)


def warm_up() -> None:
    """Load the shipped topics and compile every language's terms now (the extraction pool's
    fork server calls this, so workers start with them)."""
    topics = load_topics(None)
    for language in sorted(topics.languages):
        topics.matcher(language)
        topics.pairs(language)


def load_topics(path: str | os.PathLike[str] | None = None) -> TopicSet:
    """The topics file at ``path`` (None: the shipped climate-cooperation default), validated
    and cached; raises TopicsError naming the file and the key at fault."""
    return _load(str(Path(path).resolve()) if path is not None else str(DEFAULT_TOPICS))


@lru_cache(maxsize=32)
def _load(path: str) -> TopicSet:
    try:
        text = read_user_file(Path(path), "topics file")
    except ValueError as exc:
        raise TopicsError(str(exc)) from None
    return parse_topics(text, origin=path)


def parse_topics(text: str, origin: str = "<topics>") -> TopicSet:
    """Validate topics-file text; ``origin`` names it in error messages."""
    try:
        data = parse_mapping(text, origin, "a mapping with 'name' and 'concepts'")
    except ValueError as exc:
        raise TopicsError(str(exc)) from None
    try:
        return TopicSet(TopicsSpec.model_validate(data), origin)
    except ValidationError as exc:
        raise TopicsError("\n".join(_describe(err, origin) for err in exc.errors())) from None


def _describe(err: Any, origin: str) -> str:
    """``origin: concepts.climate.terms.en[3]: message``."""
    field_name = ""
    for part in err["loc"]:
        field_name += (
            f"[{part}]" if isinstance(part, int) else (f".{part}" if field_name else str(part))
        )
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = "unknown key"
    elif err["type"] == "missing":
        message = "required key is missing"
    return f"{origin}: {field_name}: {message}" if field_name else f"{origin}: {message}"
