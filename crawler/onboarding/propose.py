"""``newsmon sources add``: a source entry proposed from what the probe found, written into the
sources file as text (``sources import`` writes its entries the same way).

The file is never re-dumped: people keep comments and their own layout in it. The entries are
inserted after the last line of the ``sources:`` list (which need not end the file), each with
a comment saying when and from where it was proposed; the result must validate as a whole, and
it replaces the file atomically (temporary file, then ``os.replace``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from crawler.config import SourceConfig, parse_config
from crawler.errors import ConfigError
from crawler.onboarding.discover import guess_listing
from crawler.onboarding.findings import Candidate, ProbeFindings
from crawler.output.file import output_file

MAX_FEEDS = 3
# Two feeds listing mostly the same articles (an RSS and an Atom copy) are one feed.
SAME_FEED_OVERLAP = 0.8
DEFAULT_INDENT = 2


@dataclass(frozen=True)
class Proposal:
    """A proposed source entry and what the user should know about it."""

    name: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    follow: tuple[str, ...] = ()
    article_urls: tuple[str, ...] = ()
    language: str | None = None
    notes: tuple[str, ...] = ()
    # The entry's first comment line names the command that proposed it; further comment
    # lines (an import's feed titles and categories) follow it, one line each.
    proposed_by: str = "proposed by `newsmon sources add`"
    comments: tuple[str, ...] = ()


def propose(name: str, found: ProbeFindings) -> Proposal | None:
    """The entry to propose, None when there is nothing to go on. In order: the feeds the
    site declares; its news sitemaps; for a section page, its own links read as a listing
    (a site-wide sitemap would bring every other section too); other sitemaps; for a home
    page, its links read as a listing."""
    feeds = distinct_feeds(found.feeds)[:MAX_FEEDS]
    sitemaps = found.sitemaps
    if feeds:
        notes = []
        if sitemaps:
            notes.append(
                "sitemaps found but not proposed (feeds list the newest articles; "
                f"add sitemaps: to fetch older ones): {_urls(sitemaps)}"
            )
        return Proposal(
            name=name,
            feeds=tuple(c.url for c in feeds),
            language=found.language,
            notes=tuple(notes),
        )
    news = [c for c in sitemaps if c.news]
    if news:
        return Proposal(name=name, sitemaps=tuple(c.url for c in news), language=found.language)
    page = found.final_url or found.url
    guess = guess_listing(page, found.anchors)
    if sitemaps and (guess is None or urlsplit(page).path in ("", "/")):
        return Proposal(
            name=name,
            sitemaps=tuple(c.url for c in sitemaps),
            language=found.language,
            notes=(
                "not a news sitemap: every page it lists counts as an article "
                "unless you add article_urls: regexes",
            ),
        )
    if guess is None:
        return None
    notes = [f"article links guessed from the page's links, e.g. {', '.join(guess.examples[:3])}"]
    if sitemaps:
        notes.append(
            f"site-wide sitemaps found but not proposed for a section page: {_urls(sitemaps)}"
        )
    if not guess.follow:
        notes.append("no pagination found: only this page is walked (add follow: regexes)")
    return Proposal(
        name=name,
        start_urls=(page,),
        follow=guess.follow,
        article_urls=guess.article_urls,
        language=found.language,
        notes=tuple(notes),
    )


def _urls(candidates: list[Candidate]) -> str:
    return ", ".join(c.url for c in candidates)


def distinct_feeds(feeds: list[Candidate]) -> list[Candidate]:
    """Feeds without copies: an Atom feed listing the same articles as an RSS feed kept."""
    kept: list[Candidate] = []
    for feed in feeds:
        if not any(_overlap(feed.links, k.links) >= SAME_FEED_OVERLAP for k in kept):
            kept.append(feed)
    return kept


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def render_entry(
    proposal: Proposal,
    origin: str,
    when: datetime,
    dash: int = DEFAULT_INDENT,
    key: int | None = None,
) -> str:
    """The entry as YAML lines in the shipped file's style (flow lists, URLs double-quoted,
    regexes single-quoted), ``dash`` spaces in; ``key``: the column of its keys."""
    key = dash + 2 if key is None else key
    comments = [f"# {proposal.proposed_by} on {when:%Y-%m-%d %H:%M} UTC from {origin}"]
    # one physical line each: a line break inside a comment would end it
    comments += ["# " + " ".join(line.split()) for line in proposal.comments]
    lines = ["-" + " " * (key - dash - 1) + f"name: {proposal.name}"]
    for field, values in (
        ("feeds", proposal.feeds),
        ("sitemaps", proposal.sitemaps),
        ("start_urls", proposal.start_urls),
    ):
        if values:
            lines.append(f"{field}: [{', '.join(json.dumps(v) for v in values)}]")
    for field, values in (("follow", proposal.follow), ("article_urls", proposal.article_urls)):
        if values:
            lines.append(f"{field}: [{', '.join(_single_quoted(v) for v in values)}]")
    if proposal.language:
        lines.append(f"language: {proposal.language}")
    rendered = [" " * dash + line for line in [*comments, lines[0]]]
    rendered += [" " * key + line for line in lines[1:]]
    return "\n".join(rendered) + "\n"


def _single_quoted(value: str) -> str:
    # YAML single quotes keep backslashes literal, so regexes read as written.
    return "'" + value.replace("'", "''") + "'"


def with_entry(
    text: str, proposal: Proposal, origin: str, when: datetime, where: str = "<sources file>"
) -> str:
    """``text`` (a sources file, possibly empty) with the entry inserted after the last line
    of its ``sources:`` list."""
    return with_entries(text, [proposal], origin, when, where)


def with_entries(
    text: str,
    proposals: Sequence[Proposal],
    origin: str,
    when: datetime,
    where: str = "<sources file>",
) -> str:
    """``text`` with the entries inserted, in order and a blank line apart, after the last
    line of its ``sources:`` list (which is created when the file has none yet)."""
    root = yaml.compose(text) if text.strip() else None
    if root is None:  # nothing but comments, or nothing at all
        prefix = text if not text or text.endswith("\n") else text + "\n"
        return prefix + "sources:\n" + "\n".join(render_entry(p, origin, when) for p in proposals)
    if not isinstance(root, MappingNode):
        raise ConfigError(f"{where}: expected a mapping with a 'sources' list at the top")
    sources = next(
        (v for k, v in root.value if isinstance(k, ScalarNode) and k.value == "sources"), None
    )
    if not isinstance(sources, SequenceNode) or not sources.value:
        raise ConfigError(f"{where}: no 'sources' list to add to")
    if sources.flow_style:
        raise ConfigError(
            f"{where}: the sources list is written in flow style ([...]); add the entry by hand"
        )
    lines = text.splitlines(keepends=True)
    last = _last_line(sources.value[-1])
    if not lines[last].endswith("\n"):
        lines[last] += "\n"
    dash, key = sources.start_mark.column, sources.value[0].start_mark.column
    entries = [
        part
        for p in proposals
        for part in ("\n", render_entry(p, origin, when, dash=dash, key=key))
    ]
    return "".join([*lines[: last + 1], *entries, *lines[last + 1 :]])


def _last_line(node: Node) -> int:
    """The 0-based line where ``node``'s own content ends (not the comments after it)."""
    while isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        node = node.value[-1][1] if isinstance(node, MappingNode) else node.value[-1]
    end = node.end_mark
    # a block scalar (| or >) ends at the start of the next line
    return end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line


def checked_text(path: Path, proposal: Proposal, origin: str, when: datetime | None = None) -> str:
    """The sources file with the entry added, validated as a whole; ConfigError otherwise."""
    return checked_entries(path, [proposal], origin, when)


def checked_entries(
    path: Path, proposals: Sequence[Proposal], origin: str, when: datetime | None = None
) -> str:
    """The sources file with the entries added, validated as a whole; ConfigError
    otherwise."""
    when = when or datetime.now(UTC)
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the sources file: {exc}") from None
    try:
        new_text = with_entries(text, proposals, origin, when, str(path))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    config = parse_config(new_text, origin=str(path))
    added = {source.name: _entry_of(source) for source in config.sources}
    for proposal in proposals:
        if added.get(proposal.name) != _entry_of(proposal):
            # the text landed somewhere else in the YAML structure than meant: never write it
            raise ConfigError(
                f"{path}: the proposed entry cannot be appended to this file's "
                "layout; add it by hand"
            )
    return new_text


def _entry_of(source: SourceConfig | Proposal) -> tuple[object, ...]:
    return (
        source.name,
        tuple(source.feeds),
        tuple(source.sitemaps),
        tuple(source.start_urls),
        tuple(source.follow),
        tuple(source.article_urls),
        source.language,
    )


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that readers see the old file or the new one, never
    half of one (the daemon re-reads this file on SIGHUP); OutputError names the path."""
    with output_file(str(path)) as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())  # on disk before the rename makes it the sources file
