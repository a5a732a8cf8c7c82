"""``newsmon demo``: the whole pipeline on the bundled sample site, without internet.

Serves the site on 127.0.0.1, crawls it into a fresh SQLite database, then shows search
results in several languages and where to look next.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.console import Console

from crawler.config import load_config
from crawler.demo.server import SampleSite, render_sources
from crawler.errors import UsageError
from crawler.output.search import print_search_results
from crawler.output.summary import print_summary
from crawler.runner import CrawlOptions, run_crawl
from storage.db import open_database
from storage.queries import ArticleFilter, count_search_hits, search_articles

# A loopback site needs no politeness delays.
DEMO_CRAWL = """
crawl:
  download_delay: 0
  autothrottle: false
  concurrency_per_domain: 4
"""
# One query per language of the sample site; French and Polish without their diacritics.
DEMO_QUERIES = ("碳中和", "cooperation", "wspolpracy", "Partnerschaft", "carbon OR węglowej")


def run_demo(port: int = 0, keep: Path | None = None, quiet: bool = False) -> None:
    console = Console(stderr=True, highlight=False)
    with tempfile.TemporaryDirectory(prefix="newsmon-demo-") as scratch:
        workdir = keep or Path(scratch)
        try:
            workdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"--keep {workdir}: cannot create the directory: "
                             f"{exc.strerror or exc}") from None
        with SampleSite(port=port) as site:
            config_path = workdir / "sources.yaml"
            config_path.write_text(render_sources(site.base_url) + DEMO_CRAWL, encoding="utf-8")
            db_url = f"sqlite:///{workdir / 'demo.db'}"
            config = load_config(config_path)
            console.print(f"sample site: {site.base_url}  (5 sources, 8 languages, "
                          "GBK / GB2312 / Big5 / windows-1250 pages)")
            runs = run_crawl(config, config.sources, CrawlOptions(
                config_path=config_path, db_url=db_url,
                log_level="ERROR" if quiet else "WARNING", progress=not quiet))
        print_summary(runs)
        db = open_database(db_url)
        try:
            with db.session() as session:
                for query in DEMO_QUERIES:
                    hits = search_articles(session, query, ArticleFilter(), limit=3)
                    total = count_search_hits(session, query, ArticleFilter())
                    print_search_results(query, hits, total, offset=0)
        finally:
            db.dispose()
        if keep:
            console.print(f"\nkept in {workdir}: try\n"
                          f"  newsmon --db {db_url} search 环境科学研究院\n"
                          f"  newsmon --db {db_url} export --format jsonl --lang pl")
        else:
            console.print("\nrun `newsmon demo --keep DIR` to keep the database and explore it")
