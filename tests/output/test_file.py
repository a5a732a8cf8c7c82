"""``export -o FILE``: the file appears only complete, and a failed export keeps the old one."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.errors import OutputError
from crawler.output.file import output_file


def test_zero_articles_still_write_the_file(tmp_path: Path) -> None:
    db, out = tmp_path / "news.db", tmp_path / "out.json"
    runner = CliRunner()
    env = {"NEWSMON_CONFIG": None, "NEWSMON_DB": None}
    assert runner.invoke(main, ["--db", str(db), "db", "upgrade"], env=env).exit_code == 0
    result = runner.invoke(
        main, ["--db", str(db), "export", "--format", "json", "-o", str(out)], env=env
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text(encoding="utf-8")) == []


def test_a_failed_export_keeps_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    with pytest.raises(RuntimeError), output_file(str(out)) as stream:
        stream.write("half of a new export")
        raise RuntimeError("the database went away")
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]  # no temporary left


def test_replacing_keeps_permissions_and_new_files_follow_the_umask(tmp_path: Path) -> None:
    kept, new = tmp_path / "kept.jsonl", tmp_path / "new.jsonl"
    kept.write_text("old\n", encoding="utf-8")
    kept.chmod(0o640)
    for path in (kept, new):
        with output_file(str(path)) as stream:
            stream.write("new\n")
    assert kept.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~umask


@pytest.mark.parametrize(
    ("name", "reason"),
    [("missing/out.jsonl", "No such file or directory"), (".", "Is a directory")],
)
def test_unwritable_paths_name_the_path(tmp_path: Path, name: str, reason: str) -> None:
    path = str(tmp_path / name)
    expected = re.escape(f"{path}: cannot write: {reason}")
    with pytest.raises(OutputError, match=f"^{expected}$"), output_file(path):
        pass
