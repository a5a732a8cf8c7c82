"""``newsmon demo``: the whole pipeline on the bundled sample site, without internet.

Serves the site on 127.0.0.1, crawls it into a fresh SQLite database, then shows search
results in several languages and where to look next. With ``--keep DIR`` the database and
the sources file stay in DIR; running the demo again with the same DIR serves the site on the
port the sources file names, so the crawl revisits the same URLs instead of storing every
article again under a new port.
"""

from __future__ import annotations

import re
import shlex
import tempfile
from pathlib import Path

from rich.console import Console

from crawler.config import load_config
from crawler.demo.server import SampleSite, render_sources
from crawler.errors import UsageError
from crawler.listening import listen_error
from crawler.output.search import print_search_results
from crawler.output.summary import print_summary
from crawler.runner import CrawlOptions, run_crawl
from storage.db import open_database
from storage.filters import ArticleFilter
from storage.queries import count_search_hits, search_articles

# A loopback site needs no politeness delays.
DEMO_CRAWL = """
crawl:
  download_delay: 0
  autothrottle: false
  concurrency_per_domain: 4
"""
# One query per language of the sample site; French and Polish without their diacritics.
DEMO_QUERIES = ("碳中和", "cooperation", "wspolpracy", "Partnerschaft", "carbon OR węglowej")
SOURCES_NAME = "sources.yaml"
DATABASE_NAME = "demo.db"
# The header line of a kept sources file that records where the sample site was served.
_SITE_LINE = re.compile(r"^# sample site: http://127\.0\.0\.1:(\d+)$", re.MULTILINE)


def kept_sources(base_url: str, workdir: Path) -> str:
    """The sources file ``newsmon demo --keep`` leaves in ``workdir``: the sample site's
    sources, headed by how to serve that site again, since the demo's server is gone."""
    port = base_url.rsplit(":", 1)[1]
    where = shlex.quote(str(workdir))
    header = (
        "# Written by `newsmon demo` for its bundled sample site; these sources exist only\n"
        "# while that site is served. It was served at the address below and stopped when\n"
        "# the demo ended. To crawl it again, either run the demo again with this directory\n"
        "# (it serves the site on the same port and crawls into the same database):\n"
        f"#   newsmon demo --keep {where}\n"
        "# or serve the site yourself and crawl with this file:\n"
        f"#   python -m crawler.demo.server --port {port} &\n"
        f"#   newsmon --config {shlex.quote(str(workdir / SOURCES_NAME))} "
        f"--db {shlex.quote(database_url(workdir))} crawl\n"
        f"# sample site: {base_url}\n"
    )
    return header + render_sources(base_url) + DEMO_CRAWL


def database_url(workdir: Path) -> str:
    return f"sqlite:///{workdir / DATABASE_NAME}"


def kept_port(workdir: Path) -> int:
    """The port an earlier ``newsmon demo --keep`` into ``workdir`` served the site on, or 0
    (any free port) when there was none."""
    try:
        found = _SITE_LINE.search((workdir / SOURCES_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return 0
    return int(found.group(1)) if found else 0


def run_demo(port: int = 0, keep: Path | None = None, quiet: bool = False) -> None:
    """Serve, crawl, search and tell what to try next; ``port`` 0 is any free port, or the
    one a kept directory names."""
    console = Console(stderr=True, highlight=False)
    if keep is not None and keep.exists() and not keep.is_dir():
        raise UsageError(f"--keep {keep}: not a directory")
    if port == 0 and keep is not None:
        port = kept_port(keep)
    # Bound first, so that a port in use is one error line before anything is created.
    site = SampleSite(port=port)
    try:
        site.start()
    except OSError as exc:
        raise listen_error(exc, site.host, port) from None
    with tempfile.TemporaryDirectory(prefix="newsmon-demo-") as scratch:
        workdir = keep or Path(scratch)
        db_url = database_url(workdir)
        try:
            try:
                workdir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UsageError(
                    f"--keep {workdir}: cannot create the directory: {exc.strerror or exc}"
                ) from None
            config_path = workdir / SOURCES_NAME
            config_path.write_text(kept_sources(site.base_url, workdir), encoding="utf-8")
            config = load_config(config_path)
            console.print(
                f"sample site: {site.base_url}  (5 sources, 8 languages, "
                "GBK / GB2312 / Big5 / windows-1250 pages)"
            )
            runs = run_crawl(
                config,
                config.sources,
                CrawlOptions(
                    config_path=config_path,
                    db_url=db_url,
                    log_level="ERROR" if quiet else "WARNING",
                    progress=not quiet,
                ),
            )
        finally:
            site.stop()
        print_summary(runs)
        with open_database(db_url) as db, db.session() as session:
            for query in DEMO_QUERIES:
                hits = search_articles(session, query, ArticleFilter(), limit=3)
                total = count_search_hits(session, query, ArticleFilter())
                print_search_results(query, hits, total, offset=0)
        if keep:
            shown = shlex.quote(db_url)
            console.print(
                f"\nkept in {workdir}: the database and the sources file; try\n"
                f"  newsmon --db {shown} search 环境科学研究院\n"
                f"  newsmon --db {shown} export --format jsonl --lang pl\n"
                f"  newsmon --db {shown} serve\n"
                f"The sample site is no longer served; `newsmon demo --keep "
                f"{shlex.quote(str(workdir))}` serves it again on the same port "
                "and crawls it again (its sources file says how else).",
                markup=False,
            )
        else:
            console.print("\nrun `newsmon demo --keep DIR` to keep the database and explore it")
