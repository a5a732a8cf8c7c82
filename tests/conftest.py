"""Fixtures shared by every test: the loopback sample site, a PostgreSQL server, the CLI.

Tests never touch the internet: every page they crawl is served from 127.0.0.1 by
``crawler.demo.server.SampleSite``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from crawler.demo.server import SampleSite, render_sources
from tests.pg import PG_URL_ENV, PostgresServer

REPO = Path(__file__).resolve().parents[1]
# Crawl settings for a loopback site: no politeness delays, so tests stay fast.
FAST_CRAWL = """
crawl:
  download_delay: 0
  autothrottle: false
  concurrency_per_domain: 8
  extraction_workers: 2
"""

RunNewsmon = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer | None]:
    url = os.environ.get(PG_URL_ENV)
    if not url:
        yield None
        return
    server = PostgresServer(url)
    try:
        yield server
    finally:
        server.drop_all()


@pytest.fixture(scope="session")
def sample_site() -> Iterator[SampleSite]:
    with SampleSite() as site:
        yield site


def write_sources(directory: Path, site: SampleSite, extra: str = FAST_CRAWL) -> Path:
    path = directory / "sources.yaml"
    path.write_text(render_sources(site.base_url) + extra, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def run_newsmon() -> RunNewsmon:
    """Run ``newsmon ARGS`` in a subprocess, as a user would, from the repository root."""

    def run(
        *args: str,
        env: dict[str, str] | None = None,
        timeout: float = 180,
        cwd: Path = REPO,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSMON_")}
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "crawler", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=full_env,
            cwd=cwd,
            input=input,
            check=False,
        )

    return run
