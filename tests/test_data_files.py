"""The shipped YAML data files read the same through libyaml's loader as through PyYAML's
Python one (load_data_file takes the faster when it is there), and a key given twice in one
of them is an error naming its line."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crawler.yamlfile import load_data_file

CRAWLER = Path(__file__).resolve().parents[1] / "crawler"
FILES = sorted((CRAWLER / "data").rglob("*.yaml")) + sorted((CRAWLER / "text").glob("*.yaml"))


def test_there_are_data_files() -> None:
    assert {"junk.yaml", "months.yaml", "parties.yaml"} <= {path.name for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_a_data_file_reads_as_the_python_loader_reads_it(path: Path) -> None:
    assert load_data_file(path) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_key_given_twice_in_a_data_file_names_its_line(tmp_path: Path) -> None:
    # The parties table maps ids to names: a second `paris:` would silently replace the first.
    path = tmp_path / "parties.yaml"
    path.write_text(
        "parties:\n  paris:\n    kind: city\n  cn: {kind: country}\n  paris:\n    kind: country\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ValueError,
        match=r"parties\.yaml:5: duplicate key 'paris' "
        r"\(first at line 2\)",
    ):
        load_data_file(path)
