"""Output formats shared by ``export`` and ``search``: jsonl, json, csv and a terminal table.

Writers stream: an export of a million articles never holds them all in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain
from typing import Any, TextIO

from crawler.similarity.parties import party_name
from storage.models import Article

# Field names are a promise to users: later issues add fields, these stay.
EXPORT_FIELDS = (
    "id",
    "url",
    "canonical_url",
    "source",
    "title",
    "text",
    "published_at",
    "language",
    "script",
    "authors",
    "site_name",
    "description",
    "fetched_at",
    "updated_at",
    "content_hash",
    "relevance",
    "relevant",
    "topics",
    "duplicate_of",
    "cluster",
    "parties",
)
FORMATS = ("jsonl", "json", "csv")


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def article_record(article: Article) -> dict[str, Any]:
    """One article as a plain dict, datetimes as ISO 8601, authors as a list."""
    return {
        "id": article.id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "source": article.source.name,
        "title": article.title,
        "text": article.text,
        "published_at": iso(article.published_at),
        "language": article.language,
        "script": article.script,
        "authors": list(article.authors or []),
        "site_name": article.site_name,
        "description": article.description,
        "fetched_at": iso(article.fetched_at),
        "updated_at": iso(article.updated_at),
        "content_hash": article.content_hash,
        "relevance": article.relevance,
        "relevant": article.relevant,
        "topics": list(article.topics or []),
        "duplicate_of": article.duplicate_of,
        "cluster": article.cluster,
        "parties": [{"id": p, "name": party_name(p)} for p in article.parties or ()],
    }


def write_records(records: Iterable[dict[str, Any]], fmt: str, out: TextIO) -> int:
    """Write ``records`` to ``out`` in ``fmt``; return how many were written."""
    if fmt == "jsonl":
        return _write_jsonl(records, out)
    if fmt == "json":
        return _write_json(records, out)
    if fmt == "csv":
        return _write_csv(records, out)
    raise ValueError(f"unknown format {fmt!r}")


def _dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, default=str)


def _write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(_dumps(record) + "\n")
        count += 1
    return count


def _write_json(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    # A streamed JSON array: same document as json.dump(list), without the list in memory.
    count = 0
    out.write("[")
    for record in records:
        out.write(("," if count else "") + "\n  " + _dumps(record))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def _write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    iterator: Iterator[dict[str, Any]] = iter(records)
    first = next(iterator, None)
    if first is None:
        csv.writer(out).writerow(EXPORT_FIELDS)
        return 0
    writer = csv.DictWriter(out, fieldnames=list(first), extrasaction="ignore")
    writer.writeheader()
    count = 0
    for row in chain([first], iterator):
        writer.writerow({k: _csv_value(v) for k, v in row.items()})
        count += 1
    return count


def _csv_value(value: Any) -> Any:
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value
