"""Scoring relevance against a labelled set: precision, recall and F1 per language and split.

The labelled set is JSON lines (``tests/data/relevance/*.jsonl``), one article per line:
``id``, ``language`` (ISO 639-1, or ``zh-Hans`` / ``zh-Hant``), ``split`` (``dev``: used to tune
the topics file; ``test``: held out), ``label`` (relevant or not), ``kind`` (``positive`` or the
hard-negative class such as ``weather-disaster``), ``title`` and ``text`` (lead paragraphs).
Used by ``benchmarks/relevance.py`` and by the tests that keep the scores from regressing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from crawler.relevance.model import Assessment, assess
from crawler.relevance.topics import TopicSet

SPLITS = ("dev", "test")
_FIELDS = {
    "id": str,
    "language": str,
    "split": str,
    "label": bool,
    "kind": str,
    "title": str,
    "text": str,
}


@dataclass(frozen=True)
class LabelledArticle:
    """One article of the labelled set."""

    id: str
    language: str
    split: str
    label: bool
    kind: str
    title: str
    text: str

    @property
    def iso_language(self) -> str:
        """What ``assess`` is given: ``zh`` for both Chinese scripts, as language detection."""
        return self.language.split("-")[0]


def load_labelled(paths: Iterable[Path]) -> list[LabelledArticle]:
    """Every article in the JSON-lines files; a malformed line raises ValueError naming it."""
    articles: list[LabelledArticle] = []
    seen: set[str] = set()
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: not JSON: {exc.msg}") from None
            values = {}
            for name, kind in _FIELDS.items():
                if not isinstance(record.get(name), kind):
                    raise ValueError(f"{where}: {name!r} must be a {kind.__name__}")
                values[name] = record[name]
            if values["split"] not in SPLITS:
                raise ValueError(f"{where}: split must be one of {', '.join(SPLITS)}")
            if values["id"] in seen:
                raise ValueError(f"{where}: duplicate id {values['id']!r}")
            seen.add(values["id"])
            articles.append(LabelledArticle(**values))
    return articles


@dataclass
class Scores:
    """A confusion matrix and what is read from it."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, label: bool, predicted: bool) -> None:
        if label and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif label:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def count(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.count if self.count else 1.0


@dataclass(frozen=True)
class Outcome:
    article: LabelledArticle
    assessment: Assessment

    @property
    def correct(self) -> bool:
        return self.article.label == self.assessment.relevant


def assess_all(articles: Sequence[LabelledArticle], topics: TopicSet) -> list[Outcome]:
    return [Outcome(a, assess(a.title, a.text, a.iso_language, topics)) for a in articles]


def scores_by(
    outcomes: Iterable[Outcome], key: Callable[[LabelledArticle], str]
) -> dict[str, Scores]:
    """Scores per value of ``key`` (language, kind, ...), in first-seen order."""
    table: dict[str, Scores] = {}
    for outcome in outcomes:
        table.setdefault(key(outcome.article), Scores()).add(
            outcome.article.label, outcome.assessment.relevant
        )
    return table


def overall(outcomes: Iterable[Outcome]) -> Scores:
    scores = Scores()
    for outcome in outcomes:
        scores.add(outcome.article.label, outcome.assessment.relevant)
    return scores
