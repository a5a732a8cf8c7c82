"""What importing a module drags in: the daemon, the web app and storage stay free of Scrapy,
lxml and trafilatura, and a spider never loads trafilatura (which extraction patches on
import). Each import runs in a fresh interpreter, so nothing this test process has already
imported can hide or fake an import."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

NO_CRAWL_STACK = ("lxml", "trafilatura", "scrapy")

PROBE = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(name for name in sys.argv[2:] if name in sys.modules)))
"""


def loaded_after_import(module: str, heavy: tuple[str, ...]) -> list[str]:
    """Those of ``heavy`` that are in ``sys.modules`` once a new interpreter imported
    ``module``."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, module, *heavy],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout)
    return loaded


@pytest.mark.parametrize(
    ("module", "heavy"),
    [
        ("storage.writes", NO_CRAWL_STACK),
        # The daemon runs for months; each crawl is a subprocess that loads the crawl stack.
        ("scheduler.daemon", NO_CRAWL_STACK),
        ("crawler.web.app", NO_CRAWL_STACK),
        # A spider needs Scrapy and lxml, never the extraction passes.
        ("spiders.source", ("trafilatura",)),
    ],
    ids=["storage.writes", "scheduler.daemon", "crawler.web.app", "spiders.source"],
)
def test_an_import_leaves_the_heavy_modules_out(module: str, heavy: tuple[str, ...]) -> None:
    assert loaded_after_import(module, heavy) == []
