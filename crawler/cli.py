"""The ``newsmon`` command line: crawl, query and inspect what was collected.

Every user error (bad config, unknown source, bad date, unreachable database) ends as one line
on stderr and exit status 2; ``-v`` adds the traceback.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from crawler.config import CONFIG_ENV, NewsmonConfig, load_config, resolve_config_path
from crawler.errors import NewsmonError, UsageError
from crawler.formats import FORMATS, article_record, iso, write_records
from storage.db import Database, open_database, resolve_database_url
from storage.errors import StorageError
from storage.queries import ArticleFilter, iter_articles, search_articles

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class AppContext:
    """What the global options resolved to; commands load config and database on demand."""

    config_path: Path
    db_url: str
    verbose: int
    quiet: bool
    # --config or $NEWSMON_CONFIG named the file (then a missing file is an error everywhere).
    config_given: bool = False

    def config(self) -> NewsmonConfig:
        return load_config(self.config_path)

    def optional_config(self) -> NewsmonConfig | None:
        """The sources file when one was named or the default exists; commands that can work
        from the database alone (status, reextract) use it for what it adds."""
        return self.config() if self.config_given or self.config_path.exists() else None

    def database(self) -> Database:
        return open_database(self.db_url, upgrade=True)

    @property
    def log_level(self) -> str:
        if self.quiet:
            return "ERROR"
        return "DEBUG" if self.verbose > 1 else "INFO"


pass_app = click.make_pass_decorator(AppContext)


class DateParam(click.ParamType):
    """``YYYY-MM-DD`` or an ISO 8601 datetime; naive values are UTC."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date (use YYYY-MM-DD or 2024-09-14T18:00:00+08:00)",
                      param, ctx)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def handle_errors(fn: F) -> F:
    """Turn expected errors into one stderr line and exit 2 (traceback with -v)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (NewsmonError, StorageError) as exc:
            ctx = click.get_current_context(silent=True)
            app = ctx.find_object(AppContext) if ctx else None
            _fail(str(exc), verbose=bool(app and app.verbose))

    return wrapper  # type: ignore[return-value]


def _fail(message: str, *, verbose: bool, code: int = 2) -> NoReturn:
    if verbose:
        traceback.print_exc()
    lines = message.splitlines() or ["unknown error"]
    click.echo(f"newsmon: error: {lines[0]}", err=True)
    for line in lines[1:]:
        click.echo(f"  {line}", err=True)
    sys.exit(code)


def filter_options(fn: F) -> F:
    """``--source``, ``--lang``, ``--since``, ``--until``: shared by export and search."""
    options = [
        click.option("--source", "sources", multiple=True, metavar="NAME",
                     help="Only this source (repeatable)."),
        click.option("--lang", "languages", multiple=True, metavar="CODE",
                     help="Only this language, ISO 639-1 (repeatable)."),
        click.option("--since", type=DateParam(), help="Published on or after this date."),
        click.option("--until", type=DateParam(), help="Published before this date."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def make_filter(sources: tuple[str, ...], languages: tuple[str, ...],
                since: datetime | None, until: datetime | None) -> ArticleFilter:
    if since and until and since >= until:
        raise UsageError(f"--since {since.date()} is not before --until {until.date()}")
    return ArticleFilter(sources=sources, languages=tuple(x.lower() for x in languages),
                         since=since, until=until)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), envvar=None,
              help="Sources file (default: $NEWSMON_CONFIG, else ./sources.yaml).")
@click.option("--db", "db_url", metavar="URL",
              help="Database URL or SQLite path (default: $NEWSMON_DB, else sqlite:///newsmon.db).")
@click.option("-v", "--verbose", count=True, help="More log output; tracebacks on errors.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and the final summary.")
@click.version_option(package_name="newsmon")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, db_url: str | None, verbose: int,
         quiet: bool) -> None:
    """newsmon: collect climate-cooperation news from configured sources, clean and searchable."""
    ctx.obj = AppContext(resolve_config_path(config_path), resolve_database_url(db_url),
                         verbose, quiet,
                         config_given=bool(config_path or os.environ.get(CONFIG_ENV)))
    # crawls log through Scrapy's handler, the daemon through its own
    if ctx.invoked_subcommand not in ("crawl", "demo", "schedule"):
        logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--source", "sources", multiple=True, metavar="NAME",
              help="Crawl only this source (repeatable; default: every enabled source).")
@click.option("--trigger", default="manual", hidden=True)
@pass_app
@handle_errors
def crawl(app: AppContext, sources: tuple[str, ...], trigger: str) -> None:
    """Crawl the configured sources once and store new articles."""
    from crawler.runner import CrawlOptions, run_crawl
    from crawler.summary import print_summary

    config = app.config()
    selected = config.select(sources)
    if not selected:
        raise UsageError("no enabled source to crawl")
    options = CrawlOptions(config_path=app.config_path, db_url=app.db_url, trigger=trigger,
                           log_level=app.log_level if not sys.stderr.isatty() or app.verbose
                           else "WARNING", progress=not app.quiet and sys.stderr.isatty())
    runs = run_crawl(config, selected, options)
    print_summary(runs)
    broken = [r for r in runs if r.status == "failed" and (r.reason or "").startswith(
        "the crawl stopped: database unavailable")]
    if broken:
        _fail(f"{broken[0].reason} (source {broken[0].source.name})", verbose=False, code=1)


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Write to this file instead of stdout.")
@filter_options
@pass_app
@handle_errors
def export(app: AppContext, fmt: str, output: Any, sources: tuple[str, ...],
           languages: tuple[str, ...], since: datetime | None, until: datetime | None) -> None:
    """Export stored articles, newest first, one object per article."""
    flt = make_filter(sources, languages, since, until)
    db = app.database()
    try:
        with db.session() as session:
            records = (article_record(a) for a in iter_articles(session, flt))
            count = write_records(records, fmt, output)
    finally:
        db.dispose()
    if not app.quiet:
        click.echo(f"exported {count} article(s)", err=True)


@main.command()
@click.argument("query")
@filter_options
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", *FORMATS]), default=None,
              help="Output format (default: table on a terminal, jsonl otherwise).")
@pass_app
@handle_errors
def search(app: AppContext, query: str, sources: tuple[str, ...], languages: tuple[str, ...],
           since: datetime | None, until: datetime | None, limit: int, sort: str,
           fmt: str | None) -> None:
    """Full-text search over titles and texts: words, "phrases", OR, -exclusion."""
    flt = make_filter(sources, languages, since, until)
    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    db = app.database()
    try:
        with db.session() as session:
            hits = search_articles(session, query, flt, limit=limit, sort=sort)  # type: ignore[arg-type]
            if fmt == "table":
                from crawler.summary import print_hits

                print_hits(query, hits)
                return
            records = (
                {**article_record(h.article), "score": round(h.score, 4), "snippet": h.snippet}
                for h in hits
            )
            write_records(records, fmt, sys.stdout)
    finally:
        db.dispose()


@main.group()
def sources() -> None:
    """Inspect the configured sources."""


@sources.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_app
@handle_errors
def sources_list(app: AppContext, fmt: str) -> None:
    """List the sources in the sources file and how each is discovered."""
    config = app.config()
    rows = [
        {
            "name": s.name,
            "enabled": s.enabled,
            "language": s.language,
            "feeds": list(s.feeds),
            "sitemaps": list(s.sitemaps),
            "start_urls": list(s.start_urls),
        }
        for s in config.sources
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    from crawler.summary import print_sources

    print_sources(app.config_path, rows)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_app
@handle_errors
def status(app: AppContext, fmt: str) -> None:
    """Per source: schedule, next run, last run, new articles, health. Exit 1 if any source
    is broken (for cron jobs and monitoring checks)."""
    from scheduler.daemon import iter_job_next_runs
    from scheduler.status import source_statuses

    # The sources file adds schedules; without the default one, status reports the database.
    config = app.optional_config()
    db = app.database()
    try:
        statuses = source_statuses(db, config, dict(iter_job_next_runs(db)))
    finally:
        db.dispose()
    if fmt == "json":
        click.echo(json.dumps([_summary_record(s) for s in statuses], ensure_ascii=False,
                              indent=2))
    else:
        from crawler.summary import print_status

        print_status(statuses)
    if any(s.health == "broken" for s in statuses):
        sys.exit(1)


@main.command()
@click.option("--once", is_flag=True,
              help="Crawl every source that is due now, then exit (for cron).")
@pass_app
@handle_errors
def schedule(app: AppContext, once: bool) -> None:
    """Run the daemon: crawl every source on its schedule until stopped (SIGTERM/SIGINT;
    SIGHUP re-reads the sources file)."""
    from scheduler.daemon import Daemon, configure_logging, run_once

    config = app.config()
    configure_logging(config, verbose=bool(app.verbose))
    if once:
        outcomes = run_once(app.config_path, app.db_url)
        failed = [o.source for o in outcomes if o.status not in ("ok", "skipped")]
        click.echo(f"crawled {len(outcomes)} due source(s)"
                   + (f"; failed: {', '.join(failed)}" if failed else ""), err=True)
        return
    sys.exit(Daemon(app.config_path, app.db_url).run())


def _summary_record(summary: Any) -> dict[str, Any]:
    """A summary dataclass as JSON-ready data, datetimes in ISO 8601."""

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):
            return iso(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(dataclasses.asdict(summary))


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@pass_app
@handle_errors
def db_upgrade(app: AppContext) -> None:
    """Create or migrate the database schema to the current version."""
    app.database().dispose()
    click.echo(f"database schema is up to date: {_masked(app.db_url)}", err=True)


@main.command()
@click.option("--source", "sources", multiple=True, metavar="NAME",
              help="Only this source's articles (repeatable).")
@pass_app
@handle_errors
def reextract(app: AppContext, sources: tuple[str, ...]) -> None:
    """Run extraction again on stored pages (after the extractor improved); no fetching."""
    from crawler.reextract import reextract_articles

    # The sources file's extraction rules, when there is one (the default may be absent).
    config = app.optional_config()
    rules = {s.name: s.extraction for s in config.sources} if config else {}
    db = app.database()
    try:
        counts = reextract_articles(db, sources, rules)
    finally:
        db.dispose()
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()), err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file per line.")
@click.option("--url", default=None, help="The page's URL, if known (helps metadata).")
@click.option("--lang", "language", default=None, help="Language hint (ISO 639-1).")
@handle_errors
def extract(files: tuple[str, ...], as_json: bool, url: str | None,
            language: str | None) -> None:
    """Print what newsmon extracts from local HTML files (or - for stdin)."""
    from crawler.extraction import PageInput, Rejection, extract_page

    for name, body in _read_inputs(files):
        result = extract_page(PageInput(url=url or Path(name).resolve().as_uri(), body=body,
                                        content_type="text/html", language_hint=language))
        if isinstance(result, Rejection):
            if as_json:
                click.echo(json.dumps({"file": name, "error": result.reason,
                                       "detail": result.detail}, ensure_ascii=False))
            else:
                click.echo(f"{name}: no article ({result.reason}: {result.detail})", err=True)
            continue
        if as_json:
            record = {"file": name, "text": result.text, "title": result.title,
                      "published_at": iso(result.published_at), "language": result.language,
                      "script": result.script,
                      "authors": list(result.authors), "site_name": result.site_name,
                      "description": result.description, "canonical_url": result.canonical_url,
                      "encoding": result.encoding}
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            if len(files) > 1:
                click.echo(f"==> {name} <==")
            click.echo(result.text)


def _read_inputs(files: tuple[str, ...]) -> Iterator[tuple[str, bytes]]:
    for name in files:
        if name == "-":
            yield "-", sys.stdin.buffer.read()
            continue
        try:
            yield name, Path(name).read_bytes()
        except OSError as exc:
            raise UsageError(f"{name}: cannot read: {exc.strerror}") from None


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Port for the sample site (default: any free port).")
@click.option("--keep", type=click.Path(file_okay=False), default=None,
              help="Keep the demo database and sources file in this directory.")
@pass_app
@handle_errors
def demo(app: AppContext, port: int, keep: str | None) -> None:
    """Serve the bundled sample news site on 127.0.0.1, crawl it, and search the result."""
    from crawler.demo.run import run_demo

    run_demo(port=port, keep=Path(keep) if keep else None, quiet=app.quiet)


def _masked(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url
