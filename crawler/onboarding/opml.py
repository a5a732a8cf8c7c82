"""``newsmon sources import``: a feed reader's OPML export read into source entries.

Plain functions on plain data: ``read_opml`` reads the file (strictly: a truncated export is an
error, not a shorter list), ``new_feeds`` drops what cannot or need not be imported,
``keep_checked`` what failed an optional fetch, and ``propose_sources`` groups the rest into
one proposed source per site. A site is a registered domain (``news.example.com`` and
``feeds.example.com`` are one site), as the crawl's allowed domains are, except that the
private suffixes of the public-suffix list count too: two blogs on ``blogspot.com`` are two
sites. Hosts without a registered domain (IP addresses, ``localhost``) are told apart by port.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError

from crawler.config import NewsmonConfig, Url
from crawler.errors import UsageError
from crawler.onboarding.propose import Proposal, distinct_feeds
from crawler.urls import domain_parts, normalize_url

if TYPE_CHECKING:
    from crawler.onboarding.findings import Candidate

PROPOSED_BY = "imported by `newsmon sources import`"
MAX_NAME = 40
_URL = TypeAdapter(Url)


@dataclass(frozen=True)
class OpmlFeed:
    """One feed outline: its URL, title and category paths (``News/Europe``)."""

    url: str
    title: str = ""
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """An outline or feed left out of the import, and why."""

    url: str
    title: str
    reason: str


@dataclass(frozen=True)
class OpmlFile:
    """What an OPML file lists: its feeds, and the outlines that are not feeds."""

    version: str  # "OPML 1.0", "OPML 2.0", "OPML"
    title: str | None
    feeds: tuple[OpmlFeed, ...]
    others: tuple[Skipped, ...] = ()


def read_opml(path: Path) -> OpmlFile:
    """The feeds listed in the OPML file at ``path``; UsageError naming it otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the OPML file: {exc.strerror}") from None
    return parse_opml(data, str(path))


def parse_opml(data: bytes, where: str) -> OpmlFile:
    """The feeds listed in OPML ``data``; UsageError naming ``where`` when it is empty, not
    well-formed XML, not OPML, or lists no feed."""
    import listparser
    from lxml import etree

    if not data.strip():
        raise UsageError(f"{where}: empty file, not an OPML subscription list")
    # listparser reads with lxml's forgiving HTML parser: it would take the first half of a
    # truncated export for the whole list, and it guesses the encoding (Latin-1 unless the
    # file declares UTF-8). Strict parsing first, then handing it UTF-8, avoids both.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise UsageError(f"{where}: not well-formed XML: {exc.msg}") from None
    tag = etree.QName(root).localname if isinstance(root.tag, str) else "?"
    if tag.lower() != "opml":
        raise UsageError(
            f"{where}: not an OPML subscription list (its root element is <{tag}>, not <opml>)"
        )
    # bytes, never str: listparser fetches a str that starts with http:// over the network
    parsed = listparser.parse(etree.tostring(root, encoding="UTF-8", xml_declaration=True))
    feeds = tuple(
        OpmlFeed(
            url=f.url,
            title=_one_line(f.title),
            categories=tuple("/".join(path) for path in f.categories),
        )
        for f in parsed.feeds
    )
    others = tuple(
        [
            Skipped(
                o.url,
                _one_line(o.title),
                "a subscription list included by reference: "
                "not followed; import that list's own file",
            )
            for o in parsed.lists
        ]
        + [
            Skipped(
                o.url,
                _one_line(o.title),
                "a site without a feed URL (xmlUrl): try `newsmon sources add NAME URL`",
            )
            for o in parsed.opportunities
        ]
    )
    if not feeds:
        raise UsageError(
            f"{where}: the OPML lists no feeds (no <outline> with an xmlUrl)"
            + (f"; {len(others)} other outline(s)" if others else "")
        )
    version = {"opml1": "OPML 1.0", "opml2": "OPML 2.0"}.get(parsed.version, "OPML")
    title = _one_line(parsed.meta.get("title")) or None
    return OpmlFile(version=version, title=title, feeds=feeds, others=others)


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def new_feeds(
    feeds: Iterable[OpmlFeed], config: NewsmonConfig | None
) -> tuple[list[OpmlFeed], list[Skipped]]:
    """The feeds to import, in the file's order, and those left out: URLs the sources file
    would not accept, a feed listed twice (by another spelling, or under http and https), and
    feeds a source already has."""
    configured: dict[str, str] = {}
    for source in config.sources if config else ():
        for url in source.feeds:
            configured.setdefault(feed_key(url) or url, source.name)
    kept: dict[str, OpmlFeed] = {}
    skipped: list[Skipped] = []
    for feed in feeds:
        url = _without_feed_scheme(feed.url)
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            reason = f"a {scheme}: URL" if scheme else "a relative URL"
            skipped.append(Skipped(feed.url, feed.title, f"not an http(s) feed ({reason})"))
            continue
        try:
            url = _URL.validate_python(url)
            key = feed_key(url)
        except ValidationError as exc:
            message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            skipped.append(Skipped(feed.url, feed.title, message))
            continue
        if key is None:
            skipped.append(Skipped(feed.url, feed.title, "not a valid URL"))
        elif key in configured:
            skipped.append(
                Skipped(url, feed.title, f"already configured in source {configured[key]!r}")
            )
        elif key in kept:
            first = kept[key]
            skipped.append(Skipped(url, feed.title, f"listed twice: same feed as {first.url}"))
            # the categories it is filed under the second time still describe the feed
            merged = tuple(dict.fromkeys(first.categories + feed.categories))
            kept[key] = OpmlFeed(first.url, first.title, merged)
        else:
            kept[key] = OpmlFeed(url, feed.title, feed.categories)
    return list(kept.values()), skipped


def feed_key(url: str) -> str | None:
    """What two spellings of one feed URL share (scheme left out: a reader may list the http
    and the https address of one feed); None for a URL that cannot be normalised."""
    try:
        return normalize_url(url).split("://", 1)[1]
    except (ValueError, IndexError):
        return None


def _without_feed_scheme(url: str) -> str:
    """``feed://host/x`` and ``feed:https://host/x``, which some readers export, as the
    http(s) URLs they stand for."""
    if url[:5].lower() != "feed:":
        return url
    rest = url[5:]
    if rest[:7].lower() == "http://" or rest[:8].lower() == "https://":
        return rest
    return "http:" + rest if rest.startswith("//") else url


def keep_checked(
    feeds: Sequence[OpmlFeed], checked: Mapping[str, Candidate]
) -> tuple[list[OpmlFeed], list[Skipped]]:
    """The feeds whose fetch found a feed with entries, without copies (an Atom feed listing
    the same articles as an RSS feed of the same site); the others with the reason."""
    ok: list[OpmlFeed] = []
    skipped: list[Skipped] = []
    for feed in feeds:
        candidate = checked.get(feed.url)
        if candidate is None:
            skipped.append(Skipped(feed.url, feed.title, "not checked"))
        elif candidate.kind != "feed":
            skipped.append(Skipped(feed.url, feed.title, f"not a feed ({candidate.detail})"))
        elif not candidate.ok:
            skipped.append(Skipped(feed.url, feed.title, candidate.detail))
        else:
            ok.append(feed)
    kept: list[OpmlFeed] = []
    for site_feeds in _by_site(ok).values():
        distinct = distinct_feeds([checked[f.url] for f in site_feeds])
        for feed in site_feeds:
            if any(c.url == feed.url for c in distinct):
                kept.append(feed)
                continue
            links = checked[feed.url].links
            copy = max(distinct, key=lambda c: len(c.links & links))
            skipped.append(Skipped(feed.url, feed.title, f"lists the same articles as {copy.url}"))
    order = {feed.url: i for i, feed in enumerate(feeds)}
    return sorted(kept, key=lambda f: order[f.url]), skipped


def propose_sources(feeds: Sequence[OpmlFeed], config: NewsmonConfig | None) -> list[Proposal]:
    """One proposed source per site, in the order the sites first appear, named after the
    site's domain (``sueddeutsche`` for ``rss.sueddeutsche.de``) and unique in the file."""
    taken = {s.name for s in config.sources} if config else set()
    covered: dict[str, str] = {}
    for source in config.sources if config else ():
        for url in source.discovery_urls:
            covered.setdefault(site_of(url), source.name)
    proposals = []
    for site, site_feeds in _by_site(feeds).items():
        name = _unique_name(_name_choices(site_feeds), taken)
        taken.add(name)
        notes: tuple[str, ...] = ()
        if site in covered:
            notes = (
                f"{name}: the site already has source {covered[site]!r}; to crawl these "
                f"feeds with it instead, move them to its feeds: by hand",
            )
        proposals.append(
            Proposal(
                name=name,
                feeds=tuple(f.url for f in site_feeds),
                notes=notes,
                proposed_by=PROPOSED_BY,
                comments=tuple(c for f in site_feeds if (c := _comment(f))),
            )
        )
    return proposals


def _comment(feed: OpmlFeed) -> str:
    where = f"({', '.join(feed.categories)})" if feed.categories else ""
    return " ".join(part for part in (feed.title, where) if part)


def _by_site(feeds: Iterable[OpmlFeed]) -> dict[str, list[OpmlFeed]]:
    sites: dict[str, list[OpmlFeed]] = {}
    for feed in feeds:
        sites.setdefault(site_of(feed.url), []).append(feed)
    return sites


def site_of(url: str) -> str:
    """The site a URL belongs to: its registered domain, else (an IP address, ``localhost``)
    its host and port."""
    parts = domain_parts(url, private_suffixes=True)
    if parts.suffix and parts.domain:
        return f"{parts.domain}.{parts.suffix}"
    split = urlsplit(url)
    return (split.netloc.rpartition("@")[2] or url).lower()


def _name_choices(feeds: Sequence[OpmlFeed]) -> list[str]:
    """Names for a site's source, best first: its domain's own label (``lemonde``), then
    with the suffix (``lemonde-fr``); for a host without a domain, the first feed title's."""
    parts = domain_parts(feeds[0].url, private_suffixes=True)
    if parts.suffix and parts.domain:
        label = _slug(parts.domain)
        return [label, _slug(f"{parts.domain}-{parts.suffix}")]
    titles = [_slug(f.title) for f in feeds if _slug(f.title)]
    return [*titles[:1], _slug(site_of(feeds[0].url))]


def _slug(text: str) -> str:
    """``text`` as a source name: ASCII letters and digits (accents dropped), joined by -."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_NAME].strip("-")


def _unique_name(choices: Sequence[str], taken: set[str]) -> str:
    choices = [c for c in choices if c] or ["site"]
    for choice in choices:
        if choice not in taken:
            return choice
    number = 2
    while f"{choices[0]}-{number}" in taken:
        number += 1
    return f"{choices[0]}-{number}"
