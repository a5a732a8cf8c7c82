"""The shipped YAML data files read the same through libyaml's loader as through PyYAML's
Python one (load_data_file takes the faster when it is there)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crawler.yamlfile import load_data_file

CRAWLER = Path(__file__).resolve().parents[2] / "crawler"
FILES = sorted((CRAWLER / "data").rglob("*.yaml")) + sorted((CRAWLER / "text").glob("*.yaml"))


def test_there_are_data_files() -> None:
    assert {"junk.yaml", "months.yaml", "parties.yaml"} <= {path.name for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_a_data_file_reads_as_the_python_loader_reads_it(path: Path) -> None:
    assert load_data_file(path) == yaml.safe_load(path.read_text(encoding="utf-8"))
