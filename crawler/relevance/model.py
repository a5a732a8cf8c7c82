"""The relevance score: a transparent sum of weighted term matches, no trained model.

An article is relevant when it is about a subject (climate, carbon, energy transition, nature)
AND about cooperation between parties. Each is a saturating score of its evidence, so the
product is high only when both are present:

    G_group   = sum over its concepts of min(concept_cap, sum of position x concept x term weight)
    factor    = 1 - exp(-G / scale)              (subject, cooperation)
    party     = floor + (1 - floor) x factor     (signs of two parties: "between", bilateral...)
    penalty   = exp(-G / scale)                  (advertising language)
    relevance = subject x cooperation x party x penalty;  relevant = relevance >= threshold

Every number comes from the topics file (``crawler.relevance.topics``), so a reader can see why
an article scored what it did from ``Assessment.evidence``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from crawler.relevance.matching import find_pairs, fold
from crawler.relevance.topics import TopicSet

# Characters counting thrice towards the lead's length, as in crawler.extraction.blocks.weight.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_TOKEN = re.compile(r"\S+")
_HAN_KANA = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]"
_CJK_GAP = re.compile(f"(?<={_HAN_KANA}) (?={_HAN_KANA})")
REPORTED_GROUPS = ("subject", "cooperation")
# At most this many matches are kept as evidence of each concept.
EVIDENCE_PER_CONCEPT = 3


@dataclass(frozen=True)
class Evidence:
    """One term found: the concept, the words as folded, and where (title, lead or body)."""

    concept: str
    text: str
    where: str


@dataclass(frozen=True)
class Assessment:
    """How relevant an article is to a topic set, and why."""

    relevance: float
    relevant: bool
    # Matched subject and cooperation concepts, strongest first, subjects before cooperation.
    topics: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()


def assess(title: str | None, text: str, language: str | None, topics: TopicSet) -> Assessment:
    """Score an article (its title, body and ISO 639-1 language) against ``topics``."""
    spec = topics.spec
    matcher = topics.matcher(language)
    pairs = topics.pairs(language)
    lead, rest = split_lead(text, spec.lead_weight)
    positions = spec.positions
    raw: dict[str, float] = defaultdict(float)
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for where, segment, factor in (
        ("title", title or "", positions.title),
        ("lead", lead, positions.lead),
        ("body", rest, positions.body),
    ):
        if not segment or factor == 0:
            continue
        hits = [(h.concept, h.weight, h.text) for h in matcher.find(fold(segment))]
        hits += [
            (concept, spec.concepts[concept].weight, text)
            for concept, pattern in pairs
            for text in find_pairs(pattern, segment)
        ]
        for concept, weight, found in hits:
            raw[concept] += factor * weight
            if len(evidence[concept]) < EVIDENCE_PER_CONCEPT:
                evidence[concept].append(Evidence(concept, _readable(found), where))

    totals: dict[str, float] = defaultdict(float)
    for concept_id, value in raw.items():
        totals[spec.concepts[concept_id].group] += min(value, spec.concept_cap)
    groups = spec.groups
    subject = _saturate(totals["subject"], groups.subject.scale)
    cooperation = _saturate(totals["cooperation"], groups.cooperation.scale)
    floor = groups.party.floor
    party = floor + (1 - floor) * _saturate(totals["party"], groups.party.scale)
    penalty = math.exp(-totals["penalty"] / groups.penalty.scale)
    relevance = round(subject * cooperation * party * penalty, 4)

    order = {group: index for index, group in enumerate(REPORTED_GROUPS)}
    reported = sorted(
        (c for c in raw if spec.concepts[c].group in order),
        key=lambda c: (order[spec.concepts[c].group], -raw[c], c),
    )
    return Assessment(
        relevance=relevance,
        relevant=relevance >= spec.threshold,
        topics=tuple(reported),
        evidence=tuple(e for c in raw for e in evidence[c]),
    )


def _readable(folded: str) -> str:
    """Evidence as a reader would write it: no spaces between CJK characters."""
    return _CJK_GAP.sub("", folded)


def _saturate(value: float, scale: float) -> float:
    return 1.0 - math.exp(-value / scale)


def split_lead(text: str, budget: int) -> tuple[str, str]:
    """``text`` cut after ``budget`` characters of weight (white space excluded, CJK x3), at a
    word boundary: (lead, rest)."""
    if budget > 0:
        # Without CJK before the cut, the weight is the count of characters other than white
        # space: one regex finds the word holding the budget-th, instead of a loop over words.
        match = _lead_pattern(budget).match(text)
        end = match.end() if match else len(text)
        if not _CJK.search(text, 0, end):
            return text[:end], text[end:]
    return _split_lead_words(text, budget)


@lru_cache(maxsize=8)
def _lead_pattern(budget: int) -> re.Pattern[str]:
    """Up to the end of the word holding the ``budget``-th character other than white space."""
    return re.compile(rf"(?:\s*+\S){{{budget}}}\S*+")


def _split_lead_words(text: str, budget: int) -> tuple[str, str]:
    """``split_lead`` word by word (CJK counts thrice, and a CJK run may be cut inside)."""
    used = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        used += len(token) + 2 * len(_CJK.findall(token))
        if used >= budget:
            end = match.end()
            if _CJK.search(token):
                # CJK has no spaces: cut inside the run, at the character reaching the budget.
                over = used - budget
                for char in reversed(token):
                    step = 3 if _CJK.match(char) else 1
                    if over < step:
                        break
                    over -= step
                    end -= 1
            return text[:end], text[end:]
    return text, ""
