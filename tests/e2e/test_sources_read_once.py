"""A crawl reads its sources file, and the topics files it names, once: the CLI validates
them and hands the result to Scrapy, whose spider loader does not read the file again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from crawler.demo.server import SampleSite
from tests.conftest import FAST_CRAWL, REPO

OCEAN = """\
name: ocean
concepts:
  ocean: {group: subject, terms: {en: [ocean*]}}
  together: {group: cooperation, terms: {en: [agreement*]}}
"""

# Counts the reads of each file in this process (extraction workers are other processes),
# around the one call every reader of a user's file goes through, then runs the CLI.
COUNTING_CRAWL = textwrap.dedent(
    """
    import atexit, json, sys
    from pathlib import Path

    reads = {}
    read_text = Path.read_text

    def counted(self, *args, **kwargs):
        if self.suffix == ".yaml":
            key = str(self.resolve())
            reads[key] = reads.get(key, 0) + 1
        return read_text(self, *args, **kwargs)

    Path.read_text = counted
    atexit.register(lambda: print("READS " + json.dumps(reads), file=sys.stderr))

    from crawler.cli import main

    main(sys.argv[1:])
    """
)


def test_a_crawl_reads_the_sources_and_topics_files_once(
    tmp_path: Path, sample_site: SampleSite
) -> None:
    (tmp_path / "ocean.yaml").write_text(OCEAN, encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "topics: ocean.yaml\nsources:\n"
        f"  - name: prwire\n    feeds: ['{sample_site.base_url}/prwire/rss.xml']\n"
        "    max_pages: 3\n" + FAST_CRAWL,
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
    db = f"sqlite:///{tmp_path / 'n.db'}"
    result = subprocess.run(
        [sys.executable, "-c", COUNTING_CRAWL, "--config", str(sources), "--db", db, "crawl"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "crawl end source=prwire" in result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith("READS "))
    reads = json.loads(line.removeprefix("READS "))
    assert reads[str(sources.resolve())] == 1
    assert reads[str((tmp_path / "ocean.yaml").resolve())] == 1
