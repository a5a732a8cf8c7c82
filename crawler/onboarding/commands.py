"""The onboarding commands behind ``newsmon sources check``, ``sources add`` and
``sources import``: argument checks, the Scrapy run, output and exit status. ``crawler.cli``
registers them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from pydantic import ValidationError

from crawler.config import CrawlConfig, NewsmonConfig, SourceConfig, load_config
from crawler.errors import UsageError
from crawler.onboarding.findings import ProbeFindings


def check_source(
    config: NewsmonConfig,
    config_path: Path,
    db_url: str,
    name: str,
    url: str | None,
    limit: int,
    pages: int,
    fmt: str,
    log_level: str,
) -> int:
    """Dry-run source ``name`` and print the report; the exit status (1: no article)."""
    from crawler.onboarding.check import CheckOptions, run_check
    from crawler.onboarding.report import check_lines, check_record

    config.select([name])  # an unknown name is an error before anything starts
    if url is not None:
        url = checked_url(url, "--url")
    findings = run_check(
        config,
        name,
        CheckOptions(
            url=url,
            limit=limit,
            pages=pages,
            config_path=config_path,
            db_url=db_url,
            log_level=log_level,
        ),
    )
    if fmt == "json":
        click.echo(json.dumps(check_record(findings), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(check_lines(findings)))
    if not findings.extracted:
        click.echo(f"newsmon: source {name!r} yielded no article", err=True)
        return 1
    return 0


def add_source(config_path: Path, name: str, url: str, yes: bool, log_level: str) -> int:
    """Probe ``url``, propose an entry for source ``name``, append it after confirmation;
    the exit status (1: nothing found to propose, or the page could not be fetched)."""
    from crawler.onboarding.probe import run_probe
    from crawler.onboarding.propose import checked_text, propose, render_entry, write_atomically
    from crawler.onboarding.report import probe_lines

    url = checked_url(url, "URL")
    _checked_name(name)
    config = load_config(config_path) if config_path.exists() else None
    if config is not None and name in {s.name for s in config.sources}:
        raise UsageError(f"source {name!r} already exists in {config_path}")
    found = run_probe(url, config.crawl if config else CrawlConfig(), log_level)
    if found.error:
        click.echo(f"newsmon: error: {found.error}", err=True)
        return 1
    click.echo("\n".join(probe_lines(found)))
    proposal = propose(name, found)
    if proposal is None:
        click.echo(f"newsmon: error: {_nothing_found(found)}", err=True)
        return 1
    now = datetime.now(UTC)
    new_text = checked_text(config_path, proposal, url, now)
    click.echo(f"\nproposed entry for {config_path}:\n")
    click.echo(render_entry(proposal, url, now))
    for note in proposal.notes:
        click.echo(f"note: {note}")
    if not yes and not click.confirm(f"append it to {config_path}?", default=True):
        click.echo(f"{config_path} unchanged", err=True)
        return 0
    write_atomically(config_path, new_text)
    click.echo(
        f"added source {name!r} to {config_path}; try: newsmon sources check {name}", err=True
    )
    return 0


def import_sources(
    config_path: Path, opml_path: Path, check: bool, yes: bool, log_level: str
) -> int:
    """Propose one source per site for the feeds of an OPML file that are not configured yet,
    and append them after confirmation; the exit status (1: ``check`` left no feed)."""
    from crawler.onboarding.opml import (
        keep_checked,
        new_feeds,
        propose_sources,
        read_opml,
    )
    from crawler.onboarding.propose import checked_entries, render_entry, write_atomically

    opml = read_opml(opml_path)
    config = load_config(config_path) if config_path.exists() else None
    title = f", {opml.title!r}" if opml.title else ""
    click.echo(f"{opml_path}: {len(opml.feeds)} feed(s) ({opml.version}{title})")
    feeds, skipped = new_feeds(opml.feeds, config)
    skipped = [*opml.others, *skipped]
    checked_any = check and bool(feeds)
    if checked_any:
        from crawler.onboarding.probe import run_feed_check

        checked = run_feed_check(
            [f.url for f in feeds], config.crawl if config else CrawlConfig(), log_level
        )
        for candidate in checked.values():
            mark = "ok " if candidate.ok and candidate.kind == "feed" else "-- "
            click.echo(f"{mark}{candidate.kind:8} {candidate.url}  {candidate.detail}")
        feeds, failed = keep_checked(feeds, checked)
        skipped += failed
    for item in skipped:
        what = f" ({item.title})" if item.title else ""
        click.echo(f"skipped {item.url}{what}: {item.reason}")
    if not feeds:
        if checked_any:
            click.echo(
                f"newsmon: error: {opml_path}: no new feed passed the check; "
                f"{config_path} unchanged",
                err=True,
            )
            return 1
        click.echo(
            f"nothing to import from {opml_path}: every feed is configured already "
            f"or skipped; {config_path} unchanged",
            err=True,
        )
        return 0
    proposals = propose_sources(feeds, config)
    now = datetime.now(UTC)
    new_text = checked_entries(config_path, proposals, str(opml_path), now)
    count = f"{len(proposals)} source(s) with {len(feeds)} feed(s)"
    click.echo(f"\nproposed entries for {config_path}, {count}:\n")
    click.echo("\n".join(render_entry(p, str(opml_path), now) for p in proposals))
    for note in (n for p in proposals for n in p.notes):
        click.echo(f"note: {note}")
    if not checked_any:
        click.echo(
            "note: the feeds were not fetched (--check fetches each once and leaves out "
            "those that fail); `newsmon sources check NAME` tries a source"
        )
    if not yes and not click.confirm(f"append them to {config_path}?", default=True):
        click.echo(f"{config_path} unchanged", err=True)
        return 0
    write_atomically(config_path, new_text)
    click.echo(
        f"added {count} to {config_path}; try: newsmon sources check {proposals[0].name}", err=True
    )
    return 0


def checked_url(url: str, what: str) -> str:
    """``url`` as the sources file would accept it; UsageError naming ``what`` otherwise."""
    try:
        return SourceConfig.model_validate({"name": "x", "feeds": [url]}).feeds[0]
    except ValidationError as exc:
        raise UsageError(f"{what} {url!r}: {_message(exc)}") from None


def _checked_name(name: str) -> None:
    try:
        SourceConfig.model_validate({"name": name, "feeds": ["https://example.org/"]})
    except ValidationError as exc:
        raise UsageError(f"source name {name!r}: {_message(exc)}") from None


def _message(exc: ValidationError) -> str:
    return str(exc.errors()[0]["msg"]).removeprefix("Value error, ")


def _nothing_found(found: ProbeFindings) -> str:
    page = found.final_url or found.url
    return (
        f"{page}: no feed, no sitemap and no links that look like articles; look for the "
        "site's section pages or a feed link and run `newsmon sources add` on that URL"
    )
