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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from crawler.cli.failure import OneLineErrorGroup, fail
from crawler.cli.ids import ARTICLE_ID
from crawler.cli.selection import check_source_names
from crawler.cli.storyfilters import duplicates_included, story_filter_options
from crawler.config import CONFIG_ENV, Irrelevant, NewsmonConfig, load_config, resolve_config_path
from crawler.errors import DatabaseLost, NewsmonError, UsageError, WorkersUnavailable
from crawler.output.file import output_file
from crawler.output.formats import FORMATS, article_record, iso, write_records
from crawler.text.languages import check_language, check_languages
from storage.db import Database, mask_url, open_database, resolve_database_url
from storage.errors import StorageError
from storage.filters import ArticleFilter
from storage.queries import iter_articles, search_articles

if TYPE_CHECKING:
    from crawler.extraction.page import Rejection

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

    def database(self, *, create: bool = True) -> Database:
        """The database, schema upgraded; ``create=False`` for commands that change stored
        articles but create none (a missing SQLite file is then an error naming it)."""
        return open_database(self.db_url, upgrade=True, create=create)

    def reader_database(self) -> Database:
        """The database for a command that only reads: a missing SQLite file is an error
        naming it, and one that cannot be written (read-only directory or medium) is
        opened read-only."""
        return open_database(self.db_url, upgrade=True, create=False, read_only=True)

    @property
    def log_level(self) -> str:
        if self.quiet:
            return "ERROR"
        return "DEBUG" if self.verbose > 1 else "INFO"


pass_app = click.make_pass_decorator(AppContext)


class DateParam(click.ParamType):
    """``YYYY-MM-DD`` or an ISO 8601 datetime; naive values are UTC."""

    name = "DATE"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(
                f"{value!r} is not a date (use YYYY-MM-DD or 2024-09-14T18:00:00+08:00)", param, ctx
            )
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
    fail(message, verbose=verbose, code=code)


def _language_codes(
    ctx: click.Context, param: click.Parameter, value: tuple[str, ...] | str | None
) -> Any:
    """``--lang`` values as known language codes: an unknown one would match nothing."""
    try:
        if isinstance(value, tuple):
            return check_languages(value)
        return None if value is None else check_language(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def filter_options(fn: F) -> F:
    """``--source``, ``--lang``, ``--since``, ``--until`` and the story filters of search."""
    return _add_filter_options(fn, duplicates_shown=False)


def export_filter_options(fn: F) -> F:
    """The same filters for export, which includes near-duplicates unless told not to: an
    export is a dump of what is stored, and ``duplicate_of`` says which articles are copies."""
    return _add_filter_options(fn, duplicates_shown=True)


def _add_filter_options(fn: F, *, duplicates_shown: bool) -> F:
    options = [
        click.option(
            "--source",
            "sources",
            multiple=True,
            metavar="NAME",
            help="Only this source (repeatable).",
        ),
        click.option(
            "--lang",
            "languages",
            multiple=True,
            metavar="CODE",
            callback=_language_codes,
            help="Only this language, ISO 639-1 (repeatable).",
        ),
        click.option("--since", type=DateParam(), help="Published on or after this date."),
        click.option("--until", type=DateParam(), help="Published before this date."),
        *story_filter_options(duplicates_shown=duplicates_shown),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def make_filter(
    sources: tuple[str, ...],
    languages: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    *,
    relevant: bool | None,
    cluster: int | None,
    party: str | None,
    include_duplicates: bool,
) -> ArticleFilter:
    """The filter the options of ``filter_options`` or ``export_filter_options`` describe."""
    if since and until and since >= until:
        raise UsageError(f"--since {since.date()} is not before --until {until.date()}")
    return ArticleFilter(
        sources=sources,
        languages=languages,
        since=since,
        until=until,
        relevant=relevant,
        cluster=cluster,
        party=party,
        include_duplicates=include_duplicates,
    )


@click.group(cls=OneLineErrorGroup, context_settings={"help_option_names": ["-h", "--help"]})
# Not click.Path(dir_okay=False): load_config reports an unusable file, and only commands
# that read it fail.
@click.option(
    "--config",
    "config_path",
    metavar="FILE",
    envvar=None,
    help="Sources file (default: $NEWSMON_CONFIG, else ./sources.yaml).",
)
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Database URL or SQLite path (default: $NEWSMON_DB, else sqlite:///newsmon.db).",
)
@click.option("-v", "--verbose", count=True, help="More log output; tracebacks on errors.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and the final summary.")
@click.version_option(package_name="newsmon")
@click.pass_context
def main(
    ctx: click.Context, config_path: str | None, db_url: str | None, verbose: int, quiet: bool
) -> None:
    """newsmon: collect climate-cooperation news from configured sources, clean and searchable."""
    ctx.obj = AppContext(
        resolve_config_path(config_path),
        resolve_database_url(db_url),
        verbose,
        quiet,
        config_given=bool(config_path or os.environ.get(CONFIG_ENV)),
    )
    # crawls (and `sources check/add`) log through Scrapy's handler, the daemon its own
    if ctx.invoked_subcommand not in ("crawl", "demo", "schedule", "sources"):
        logging.basicConfig(
            level=logging.DEBUG if verbose else logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )


@main.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Crawl only this source (repeatable; default: every enabled source).",
)
@click.option("--trigger", default="manual", hidden=True)
@click.option(
    "--irrelevant",
    type=click.Choice(["keep", "drop"]),
    default=None,
    help="Irrelevant articles: stored and flagged (keep) or not stored (drop); "
    "default: each source's `irrelevant` setting.",
)
@pass_app
@handle_errors
def crawl(
    app: AppContext, sources: tuple[str, ...], trigger: str, irrelevant: Irrelevant | None
) -> None:
    """Crawl the configured sources once and store new articles."""
    from crawler.output.summary import print_summary
    from crawler.runner import CrawlOptions, run_crawl

    config = app.config()
    if irrelevant is not None:
        config = config.with_irrelevant(irrelevant)
    selected = config.select(sources)
    if not selected:
        raise UsageError("no enabled source to crawl")
    options = CrawlOptions(
        config_path=app.config_path,
        db_url=app.db_url,
        trigger=trigger,
        log_level=app.log_level if not sys.stderr.isatty() or app.verbose else "WARNING",
        progress=not app.quiet and sys.stderr.isatty(),
    )
    try:
        runs = run_crawl(config, selected, options)
    except DatabaseLost as exc:
        # Not a user error: exit 1 after the summary of what the crawl did before.
        if exc.runs:
            print_summary(exc.runs)
        _fail(str(exc), verbose=False, code=1)
    except WorkersUnavailable as exc:
        # Not a user error either: the machine could not start processes (exit 1).
        _fail(str(exc), verbose=bool(app.verbose), code=1)
    print_summary(runs)


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    default="-",
    help="Write to this file instead of stdout (replaced only when complete).",
)
@export_filter_options
@pass_app
@handle_errors
def export(
    app: AppContext,
    fmt: str,
    output: str,
    sources: tuple[str, ...],
    languages: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    relevant: bool | None,
    cluster: int | None,
    party: str | None,
    include_duplicates: bool,
    duplicates: bool,
) -> None:
    """Export stored articles, newest first, one object per article; near-duplicates are
    included, with duplicate_of naming the first copy (--no-duplicates leaves them out)."""
    flt = make_filter(
        sources,
        languages,
        since,
        until,
        relevant=relevant,
        cluster=cluster,
        party=party,
        include_duplicates=duplicates_included(include_duplicates, duplicates),
    )
    with output_file(output) as out, app.reader_database() as db, db.session() as session:
        check_source_names(sources, session, app.optional_config() if sources else None)
        records = (article_record(a) for a in iter_articles(session, flt))
        count = write_records(records, fmt, out)
    if not app.quiet:
        click.echo(f"exported {count} article(s)", err=True)


# Unknown options are query words: an exclusion is written "-word", and
# `newsmon search climate -coal` must not fail as an unknown option "-c". (A word beginning
# with "--" is still refused as a mistyped option, in ``_query_text``.)
@main.command(context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, required=True, metavar="QUERY...")
@filter_options
@click.option("--limit", type=click.IntRange(1, 10_000), default=20, show_default=True)
@click.option(
    "--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", *FORMATS]),
    default=None,
    help="Output format (default: table on a terminal, jsonl otherwise).",
)
@click.option(
    "--offset", type=click.IntRange(0, 100_000), default=None, help="Skip this many results first."
)
@click.option(
    "--page",
    type=click.IntRange(1, 10_000),
    default=None,
    help="Show this page of --limit results (same as --offset (PAGE-1)*LIMIT).",
)
@pass_app
@handle_errors
def search(
    app: AppContext,
    words: tuple[str, ...],
    sources: tuple[str, ...],
    languages: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    relevant: bool | None,
    cluster: int | None,
    party: str | None,
    include_duplicates: bool,
    limit: int,
    sort: str,
    fmt: str | None,
    offset: int | None,
    page: int | None,
) -> None:
    """Full-text search over titles and texts: words, "phrases", OR, -exclusion.

    The query may be one quoted argument or several words: `newsmon search climate -coal`.
    """
    query = _query_text(words)
    if offset is not None and page is not None:
        raise UsageError("give --offset or --page, not both")
    skip = offset if offset is not None else ((page or 1) - 1) * limit
    flt = make_filter(
        sources,
        languages,
        since,
        until,
        relevant=relevant,
        cluster=cluster,
        party=party,
        include_duplicates=include_duplicates,
    )
    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    with app.reader_database() as db, db.session() as session:
        check_source_names(sources, session, app.optional_config() if sources else None)
        hits = search_articles(
            session,
            query,
            flt,
            limit=limit,
            sort=sort,  # type: ignore[arg-type]
            offset=skip,
        )
        if fmt == "table":
            from crawler.output.search import print_search_results
            from storage.queries import count_search_hits

            print_search_results(query, hits, count_search_hits(session, query, flt), skip)
            return
        records = (
            {
                **article_record(h.article),
                "score": round(h.score, 4),
                "snippet": h.snippet.text,
                "snippet_parts": h.snippet.as_json(),
            }
            for h in hits
        )
        write_records(records, fmt, sys.stdout)


def _query_text(words: tuple[str, ...]) -> str:
    """The search query from its command-line words; a word beginning with "--" is an
    option that does not exist, not a query word."""
    for word in words:
        if word.startswith("--") and len(word) > 2:
            raise UsageError(f"no such option: {word.split('=')[0]} (see 'newsmon search --help')")
    return " ".join(words)


@main.command()
@click.argument("article_id", metavar="ID", type=ARTICLE_ID)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@pass_app
@handle_errors
def show(app: AppContext, article_id: int, fmt: str) -> None:
    """Print one article in full with its metadata (IDs are in search and export output)."""
    from storage.queries import get_article

    with app.reader_database() as db, db.session() as session:
        article = get_article(session, article_id)
        if article is None:
            raise UsageError(f"no article with id {article_id} in {mask_url(app.db_url)}")
        if fmt == "json":
            click.echo(json.dumps(article_record(article), ensure_ascii=False, indent=2))
            return
        from crawler.output.search import print_article

        print_article(article)


@main.group()
def sources() -> None:
    """Inspect the configured sources, check one, add a new one, or import an OPML list."""


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
    from crawler.output.summary import print_sources

    print_sources(app.config_path, rows)


@sources.command("check")
@click.argument("name")
@click.option(
    "--url",
    default=None,
    metavar="URL",
    help="Check this page (article, feed, sitemap or listing) instead of the "
    "source's configured ones.",
)
@click.option(
    "--limit",
    type=click.IntRange(1, 100),
    default=5,
    show_default=True,
    help="Articles to fetch and extract.",
)
@click.option(
    "--pages",
    type=click.IntRange(0, 100),
    default=5,
    show_default=True,
    help="Further discovery pages (next listing pages, child sitemaps) to fetch.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_app
@handle_errors
def sources_check(
    app: AppContext, name: str, url: str | None, limit: int, pages: int, fmt: str
) -> None:
    """Dry-run one source: the links a crawl would follow and take as articles, and a few
    extracted articles with warnings. Nothing is stored. Exit 1: it yielded no article."""
    from crawler.onboarding.commands import check_source

    sys.exit(
        check_source(
            app.config(),
            app.config_path,
            app.db_url,
            name,
            url,
            limit,
            pages,
            fmt,
            _onboarding_log_level(app),
        )
    )


@sources.command("add")
@click.argument("name")
@click.argument("url")
@click.option("-y", "--yes", is_flag=True, help="Append without asking (for scripts).")
@pass_app
@handle_errors
def sources_add(app: AppContext, name: str, url: str, yes: bool) -> None:
    """Look at URL (home or section page) for feeds and sitemaps, propose an entry for source
    NAME, and append it to the sources file after confirmation. Exit 1: nothing found."""
    from crawler.onboarding.commands import add_source

    sys.exit(add_source(app.config_path, name, url, yes, _onboarding_log_level(app)))


@sources.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--check",
    is_flag=True,
    help="Fetch each new feed once and leave out those that fail or are no feed.",
)
@click.option("-y", "--yes", is_flag=True, help="Append without asking (for scripts).")
@pass_app
@handle_errors
def sources_import(app: AppContext, file: Path, check: bool, yes: bool) -> None:
    """Read a feed reader's OPML export (FILE), propose one source per site for the feeds not
    configured yet, and append them to the sources file after confirmation. Exit 1: --check
    left no feed."""
    from crawler.onboarding.commands import import_sources

    sys.exit(import_sources(app.config_path, file, check, yes, _onboarding_log_level(app)))


def _onboarding_log_level(app: AppContext) -> str:
    # their reports say what went wrong per URL; Scrapy's own lines only with -v
    return {0: "ERROR", 1: "INFO"}.get(app.verbose, "DEBUG")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_app
@handle_errors
def status(app: AppContext, fmt: str) -> None:
    """Per source: schedule, next run, last run, new articles, health. Exit 1 if any source
    is broken (for cron jobs and monitoring checks)."""
    from crawler.status.jobtable import iter_job_next_runs
    from crawler.status.sources import source_statuses

    # The sources file adds schedules; without the default one, status reports the database.
    config = app.optional_config()
    with app.reader_database() as db:
        statuses = source_statuses(db, config, dict(iter_job_next_runs(db)))
    if fmt == "json":
        click.echo(json.dumps([_summary_record(s) for s in statuses], ensure_ascii=False, indent=2))
    else:
        from crawler.output.summary import print_status

        print_status(statuses)
    if any(s.health == "broken" for s in statuses):
        sys.exit(1)


@main.command()
@click.option(
    "--once", is_flag=True, help="Crawl every source that is due now, then exit (for cron)."
)
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
        click.echo(
            f"crawled {len(outcomes)} due source(s)"
            + (f"; failed: {', '.join(failed)}" if failed else ""),
            err=True,
        )
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
    click.echo(f"database schema is up to date: {mask_url(app.db_url)}", err=True)


@main.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="NAME",
    help="Only this source's articles (repeatable).",
)
@pass_app
@handle_errors
def reextract(app: AppContext, sources: tuple[str, ...]) -> None:
    """Run extraction again on stored pages (after the extractor improved); no fetching."""
    from crawler.cli.reextract import reextract_articles

    # The sources file's extraction rules and topics, when there is one (the default may be
    # absent): re-extraction then judges each source as its crawls do.
    config = app.optional_config()
    rules = {s.name: s.extraction for s in config.sources} if config else {}
    topics = {s.name: config.resolved(s).topics for s in config.sources} if config else {}
    with app.database(create=False) as db:
        with db.session() as session:
            check_source_names(sources, session, config)
        counts = reextract_articles(db, sources, rules, topics, config.topics if config else None)
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()), err=True)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file per line.")
@click.option("--url", default=None, help="The page's URL, if known (helps metadata).")
@click.option(
    "--lang",
    "language",
    default=None,
    metavar="CODE",
    callback=_language_codes,
    help="Language hint (ISO 639-1).",
)
@click.option(
    "--topics",
    "topics_file",
    default=None,
    type=click.Path(dir_okay=False),
    help="Topics file judging relevance (default: newsmon's climate cooperation).",
)
@handle_errors
def extract(
    files: tuple[str, ...],
    as_json: bool,
    url: str | None,
    language: str | None,
    topics_file: str | None,
) -> None:
    """Print what newsmon extracts from local HTML files (or - for stdin)."""
    from crawler.extraction.page import PageInput, Rejection, extract_page
    from crawler.relevance import load_topics

    topics = load_topics(topics_file).path if topics_file else None  # a bad file fails here
    not_html: list[str] = []
    for name, body in _read_inputs(files):
        result = extract_page(
            PageInput(
                url=url or Path(name).resolve().as_uri(),
                body=body,
                content_type="text/html",
                language_hint=language,
                topics=topics,
            )
        )
        if isinstance(result, Rejection):
            problem = _not_html(name, body, result)
            if as_json:
                click.echo(
                    json.dumps(
                        {"file": name, "error": result.reason, "detail": result.detail},
                        ensure_ascii=False,
                    )
                )
            elif not problem:
                click.echo(f"{name}: no article ({result.reason}: {result.detail})", err=True)
            if problem:
                not_html.append(problem)
            continue
        if as_json:
            record = {
                "file": name,
                "text": result.text,
                "title": result.title,
                "published_at": iso(result.published_at),
                "language": result.language,
                "script": result.script,
                "authors": list(result.authors),
                "site_name": result.site_name,
                "description": result.description,
                "canonical_url": result.canonical_url,
                "encoding": result.encoding,
                "relevance": result.relevance,
                "relevant": result.relevant,
                "topics": list(result.topics),
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            if len(files) > 1:
                click.echo(f"==> {name} <==")
            click.echo(result.text)
    if not_html:
        # The other files' results are out already; the wrong input is the user's error.
        raise UsageError("; ".join(not_html))


def _not_html(name: str, body: bytes, rejection: Rejection) -> str | None:
    """Why ``name`` is no HTML page at all (empty, binary), or None for a page that merely
    holds no article: the first is a wrong input file, the second an answer."""
    label = "standard input" if name == "-" else name
    if rejection.reason == "NotHtml":
        return f"{label}: binary data, not an HTML page"
    if rejection.reason == "EmptyPage":
        if not body.strip():
            return f"{label}: empty" if name == "-" else f"{label}: the file is empty"
        return f"{label}: not HTML that can be parsed"
    return None


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
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=0,
    help="Port for the sample site (default: any free port).",
)
@click.option(
    "--keep",
    type=click.Path(file_okay=False),
    default=None,
    help="Keep the demo database and sources file in this directory.",
)
@pass_app
@handle_errors
def demo(app: AppContext, port: int, keep: str | None) -> None:
    """Serve the bundled sample news site on 127.0.0.1, crawl it, and search the result."""
    from crawler.demo.run import run_demo

    run_demo(port=port, keep=Path(keep) if keep else None, quiet=app.quiet)


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 or :: for every interface).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@pass_app
@handle_errors
def serve(app: AppContext, host: str, port: int) -> None:
    """Serve a read-only web UI, JSON API (/api) and Atom feed (/feed.atom) of the articles."""
    from crawler.web.server import run_server

    level = "warning" if app.quiet else "debug" if app.verbose > 1 else "info"
    run_server(
        app.db_url,
        app.optional_config(),
        host,
        port,
        log_level=level,
        announce=lambda line: click.echo(f"newsmon: {line}", err=True),
    )


@main.command()
@click.option("--since", type=DateParam(), help="Stories that began on or after this date.")
@click.option("--until", type=DateParam(), help="Stories that began before this date.")
@click.option(
    "--min-articles",
    type=click.IntRange(1, 1000),
    default=2,
    show_default=True,
    help="Only stories with at least this many reports (duplicates not counted).",
)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", *FORMATS]),
    default=None,
    help="Output format (default: table on a terminal, jsonl otherwise).",
)
@pass_app
@handle_errors
def stories(
    app: AppContext,
    since: datetime | None,
    until: datetime | None,
    min_articles: int,
    limit: int,
    fmt: str | None,
) -> None:
    """Stories reported by several articles, in any language, newest first: date, parties,
    languages and member articles."""
    from crawler.output.stories import write_stories
    from storage.stories import list_stories

    if since and until and since >= until:
        raise UsageError(f"--since {since.date()} is not before --until {until.date()}")
    fmt = fmt or ("table" if sys.stdout.isatty() else "jsonl")
    with app.reader_database() as db, db.session() as session:
        found = list_stories(
            session, since=since, until=until, min_articles=min_articles, limit=limit
        )
        write_stories(found, fmt, sys.stdout)
