"""benchmarks/search.py keeps each backend's and size's latest results: a run measuring one
size adds to ``latest.json`` instead of erasing the others."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.search import save_latest


def test_a_run_keeps_the_sizes_it_did_not_measure(tmp_path: Path) -> None:
    latest = tmp_path / "results" / "latest.json"
    save_latest(latest, {"sqlite-100000": {"overall": {"new_p95": 17.4}}})
    save_latest(latest, {"sqlite-1000000": {"overall": {"new_p95": 43.3}}})
    save_latest(latest, {"sqlite-100000": {"overall": {"new_p95": 18.8}}})
    kept = json.loads(latest.read_text(encoding="utf-8"))
    assert {key: value["overall"]["new_p95"] for key, value in kept.items()} == {
        "sqlite-100000": 18.8,
        "sqlite-1000000": 43.3,
    }
    assert all(value["measured_at"] for value in kept.values())


def test_a_broken_results_file_is_replaced(tmp_path: Path) -> None:
    latest = tmp_path / "latest.json"
    latest.write_text("[not, json", encoding="utf-8")
    save_latest(latest, {"postgresql-100000": {"overall": {}}})
    assert list(json.loads(latest.read_text(encoding="utf-8"))) == ["postgresql-100000"]
