"""The sources file: loading, validation, and the frozen objects the rest of newsmon reads.

Configuration flows one way: YAML -> these validated models -> Scrapy settings and spider
arguments (``crawler.settings``). The whole file is validated before anything is fetched, and
every problem is reported with the source and field at fault.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from crawler.errors import ConfigError
from crawler.text.languages import check_language
from crawler.yamlfile import parse_mapping, read_user_file

DEFAULT_CONFIG_PATH = Path("sources.yaml")
CONFIG_ENV = "NEWSMON_CONFIG"
SOURCE_NAME_RE = re.compile(r"^[a-z0-9_-]+$")
DEFAULT_USER_AGENT = "newsmon/0.1 (+https://github.com/newsmon/newsmon; news monitoring crawler)"


def _check_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {value!r}")
    if any(c.isspace() for c in value):
        raise ValueError(f"URL contains white space: {value!r}")
    return value


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"invalid regex {value!r}: {exc}") from None
    return value


def _check_size(value: int | str) -> int:
    """Accept a byte count or a size such as ``10MB`` / ``512 KiB``."""
    if isinstance(value, int):
        size = value
    else:
        m = re.fullmatch(r"\s*(\d+)\s*([kmg]?i?b?)\s*", value.lower())
        if not m:
            raise ValueError(f"not a size: {value!r} (use bytes or e.g. '10MB')")
        unit = m.group(2).rstrip("b").rstrip("i")
        size = int(m.group(1)) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]
    if size <= 0:
        raise ValueError("must be positive")
    return size


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (use e.g. 'Asia/Shanghai')") from None
    return value


Url = Annotated[str, AfterValidator(_check_url)]
Irrelevant = Literal["keep", "drop"]
TimeZone = Annotated[str, AfterValidator(_check_zone)]
Regex = Annotated[str, AfterValidator(_check_regex)]
ByteSize = Annotated[int | str, AfterValidator(_check_size)]


class _Frozen(BaseModel):
    # No global whitespace stripping: a trailing space in a regex is meaningful.
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_selector(value: str) -> str:
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(value)
    except SelectorError as exc:
        raise ValueError(f"invalid CSS selector {value!r}: {exc}") from None
    return value


Selector = Annotated[str, AfterValidator(_check_selector)]


class ExtractionRules(_Frozen):
    """Per-source fixes for what generic cleaning cannot know about a site."""

    # CSS selectors of the article body: when one matches, only that is extracted.
    keep: tuple[Selector, ...] = ()
    # CSS selectors of elements to remove before extraction (ads, promo boxes, bylines...).
    drop: tuple[Selector, ...] = ()
    # Regexes of whole paragraphs to remove from the extracted text (searched, not matched).
    drop_lines: tuple[Regex, ...] = ()


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|s)")


def parse_duration(value: str | int | float) -> float:
    """Seconds in ``"4h"``, ``"1h30m"``, ``"90s"``, ``"1d"`` or a plain number of seconds."""
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = value.strip().lower().replace(" ", "")
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise ValueError(f"not a duration: {value!r} (use e.g. '4h', '30m', '1h30m', '1d')")
        unit = {"d": 86400, "h": 3600, "m": 60, "s": 1}
        seconds = sum(float(n) * unit[u] for n, u in parts)
    if seconds <= 0:
        raise ValueError(f"duration must be positive, got {value!r}")
    return seconds


def _check_duration(value: str | int | float) -> str | int | float:
    parse_duration(value)
    return value  # kept as written, so messages and `status` show the user's spelling


Duration = Annotated[str | int | float, AfterValidator(_check_duration)]


class ScheduleConfig(_Frozen):
    """When a source is crawled: ``cron`` (5 fields) or ``every`` (a duration), in ``timezone``,
    each run moved by up to ``jitter`` seconds so sources do not all start at once."""

    cron: str | None = None
    every: Duration | None = None
    timezone: TimeZone = "UTC"
    jitter: int = Field(default=0, ge=0, le=86400)

    @field_validator("cron")
    @classmethod
    def _crontab(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"invalid cron expression {value!r}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> ScheduleConfig:
        if (self.cron is None) == (self.every is None):
            raise ValueError("a schedule needs exactly one of cron or every")
        return self

    @property
    def interval_seconds(self) -> float | None:
        return parse_duration(self.every) if self.every is not None else None

    def describe(self) -> str:
        base = f"cron {self.cron}" if self.cron else f"every {self.every}"
        if self.cron and self.timezone != "UTC":
            base += f" {self.timezone}"
        return base + (f" ±{self.jitter}s" if self.jitter else "")


# Without any schedule in the file every source runs daily, spread over half an hour.
DAILY = ScheduleConfig(cron="0 6 * * *", jitter=1800)


class DefaultsConfig(_Frozen):
    """Values for every source that does not set its own."""

    schedule: ScheduleConfig = DAILY


class SchedulerConfig(_Frozen):
    """How ``newsmon schedule`` runs crawls."""

    # Crawls of different sources running at once (one source never runs twice at once).
    max_concurrent_crawls: int = Field(default=2, ge=1, le=64)
    # A crawl running longer is killed and recorded as failed.
    crawl_timeout: Duration = "2h"
    # A run missed while the daemon was down is made up on start if it is at most this late.
    misfire_grace: Duration = "6h"
    # On SIGTERM/SIGINT, running crawls get this long to finish before they are stopped.
    shutdown_timeout: Duration = "5m"
    # A source is "broken" after this many bad runs in a row.
    broken_after: int = Field(default=3, ge=1, le=100)
    # Optional rotating log file, in addition to stderr.
    log_file: str | None = None
    log_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    log_backups: int = Field(default=5, ge=0, le=100)


class SourceConfig(_Frozen):
    """One news source: where to discover its articles, and hints about them."""

    name: str = Field(max_length=64)
    feeds: tuple[Url, ...] = ()
    sitemaps: tuple[Url, ...] = ()
    start_urls: tuple[Url, ...] = ()
    follow: tuple[Regex, ...] = ()
    article_urls: tuple[Regex, ...] = ()
    language: str | None = None
    allowed_domains: tuple[str, ...] = ()
    timezone: TimeZone | None = None
    enabled: bool = True
    extraction: ExtractionRules = ExtractionRules()
    schedule: ScheduleConfig | None = None
    # Bounds of one crawl; None: the crawl section's value.
    max_pages: int | None = Field(default=None, ge=1)
    max_depth: int | None = Field(default=None, ge=1, le=100)
    # Feed and sitemap items older than this many days (by their own date) are not fetched.
    max_age_days: int | None = Field(default=None, ge=1)
    # Fetch stored articles again when published within this many days, to catch updates.
    recheck_days: int = Field(default=0, ge=0, le=365)
    # Topics file judging relevance (relative to the sources file); None: the file's `topics`.
    topics: str | None = Field(default=None, min_length=1)
    # What happens to irrelevant articles: stored and flagged (keep) or not stored (drop).
    # None: the crawl section's value.
    irrelevant: Irrelevant | None = None

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SOURCE_NAME_RE.match(value):
            raise ValueError(f"{value!r} is not a slug: use lower-case letters, digits, - and _")
        return value

    @field_validator("language")
    @classmethod
    def _iso639_1(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z]{2}", value):
            raise ValueError(f"{value!r} is not an ISO 639-1 code such as 'en', 'zh', 'pl'")
        # Text too short to detect takes the hint as its language: one `--lang` can match.
        return None if value is None else check_language(value)

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for domain in value:
            if not re.fullmatch(r"[a-z0-9.-]+\.[a-z0-9-]+|localhost|[\d.]+", domain):
                raise ValueError(f"{domain!r} is not a domain name such as 'example.com'")
        return value

    @model_validator(mode="after")
    def _has_discovery(self) -> SourceConfig:
        if not (self.feeds or self.sitemaps or self.start_urls):
            raise ValueError("a source needs at least one of feeds, sitemaps or start_urls")
        if self.start_urls and not self.article_urls:
            raise ValueError(
                "start_urls needs article_urls: regexes telling which links are articles"
            )
        if self.follow and not self.start_urls:
            raise ValueError("follow needs start_urls: the listing pages to begin from")
        return self

    @property
    def discovery_urls(self) -> tuple[str, ...]:
        return self.feeds + self.sitemaps + self.start_urls


class CrawlConfig(_Frozen):
    """How politely and how hard newsmon fetches: turned into Scrapy settings."""

    user_agent: str = DEFAULT_USER_AGENT
    obey_robots: bool = True
    concurrency_per_domain: int = Field(default=2, ge=1, le=64)
    concurrency: int = Field(default=16, ge=1, le=512)
    download_delay: float = Field(default=0.5, ge=0, le=600)
    autothrottle: bool = True
    autothrottle_start_delay: float = Field(default=1.0, ge=0, le=600)
    autothrottle_max_delay: float = Field(default=30.0, gt=0, le=3600)
    autothrottle_target_concurrency: float = Field(default=2.0, gt=0, le=64)
    download_timeout: float = Field(default=30, gt=0, le=3600)
    retry_times: int = Field(default=2, ge=0, le=20)
    max_response_size: ByteSize = 16 * 1024 * 1024
    redirect_max_times: int = Field(default=10, ge=0, le=50)
    extraction_workers: int | None = Field(default=None, ge=1, le=64)
    http_cache: bool = False
    # Default of the sources' `irrelevant`: keep (stored, flagged not relevant) or drop.
    irrelevant: Irrelevant = "keep"
    # Defaults of the per-source bounds (a source may set its own).
    max_pages: int = Field(default=5000, ge=1)
    max_depth: int = Field(default=5, ge=1, le=100)
    max_age_days: int | None = Field(default=None, ge=1)


@dataclass(frozen=True)
class ResolvedSource:
    """One source's values for a crawl, made by ``NewsmonConfig.resolved``: what the crawl
    settings (``crawler.settings.source_settings``) hand to its spider and components."""

    name: str
    # Pages fetched at most, and links followed at most from a discovery page.
    max_pages: int
    max_depth: int
    # Feed and sitemap items older than this many days are not fetched; None: no limit.
    max_age_days: int | None
    recheck_days: int
    # Topics file judging relevance; None: the shipped default.
    topics: str | None
    irrelevant: Irrelevant
    language: str | None
    timezone: str | None
    extraction: ExtractionRules


class NewsmonConfig(_Frozen):
    """The whole sources file."""

    sources: tuple[SourceConfig, ...]
    crawl: CrawlConfig = CrawlConfig()
    defaults: DefaultsConfig = DefaultsConfig()
    scheduler: SchedulerConfig = SchedulerConfig()
    # Topics file judging every source's relevance (relative to the sources file); None:
    # newsmon's climate-cooperation topics (crawler/data/topics/).
    topics: str | None = Field(default=None, min_length=1)

    @field_validator("sources", mode="before")
    @classmethod
    def _a_list(cls, value: Any) -> Any:
        # An empty `sources:` is null and `sources: {}` a mapping: pydantic would call either
        # "not a valid tuple", which does not say what is wrong.
        if value is None or value == [] or value == {}:
            raise ValueError("the file lists no sources (give a list: '- name: ...')")
        if isinstance(value, dict):
            raise ValueError("a mapping, not a list of sources: write each as '- name: ...'")
        if not isinstance(value, list | tuple):
            raise ValueError(f"{value!r} is not a list of sources: write each as '- name: ...'")
        return value

    @field_validator("sources")
    @classmethod
    def _non_empty_unique(cls, value: tuple[SourceConfig, ...]) -> tuple[SourceConfig, ...]:
        seen: set[str] = set()
        for source in value:
            if source.name in seen:
                raise ValueError(f"duplicate source name {source.name!r}")
            seen.add(source.name)
        return value

    def resolved(self, source: SourceConfig) -> ResolvedSource:
        """What ``source``'s crawl uses: each value the source's own, else this file's default.
        The one place those defaults are applied."""
        crawl = self.crawl
        return ResolvedSource(
            name=source.name,
            max_pages=source.max_pages or crawl.max_pages,
            max_depth=source.max_depth or crawl.max_depth,
            max_age_days=source.max_age_days or crawl.max_age_days,
            recheck_days=source.recheck_days,
            topics=source.topics or self.topics,
            irrelevant=source.irrelevant or crawl.irrelevant,
            language=source.language,
            timezone=source.timezone,
            extraction=source.extraction,
        )

    def with_irrelevant(self, policy: Irrelevant) -> NewsmonConfig:
        """This config with ``policy`` for every source (``newsmon crawl --irrelevant``)."""
        return self.model_copy(
            update={
                "crawl": self.crawl.model_copy(update={"irrelevant": policy}),
                "sources": tuple(s.model_copy(update={"irrelevant": None}) for s in self.sources),
            }
        )

    def schedule_of(self, source: SourceConfig) -> ScheduleConfig:
        """The source's own schedule, else the file's default one."""
        return source.schedule or self.defaults.schedule

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        raise KeyError(name)

    def select(self, names: Iterable[str]) -> tuple[SourceConfig, ...]:
        """The named sources (all enabled ones when none are named); unknown names raise."""
        names = list(names)
        if not names:
            return tuple(s for s in self.sources if s.enabled)
        known = {s.name for s in self.sources}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(
                f"unknown source {', '.join(map(repr, unknown))}; known: {', '.join(sorted(known))}"
            )
        return tuple(self.source(n) for n in dict.fromkeys(names))


def resolve_config_path(value: str | os.PathLike[str] | None) -> Path:
    """``--config PATH``, else ``$NEWSMON_CONFIG``, else ``./sources.yaml``."""
    if value:
        return Path(value)
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    return DEFAULT_CONFIG_PATH


def load_config(path: str | os.PathLike[str] | None = None) -> NewsmonConfig:
    """Read and validate a sources file; raise ConfigError naming the file, source and field."""
    path = resolve_config_path(path)
    hint = f" (give --config PATH or set {CONFIG_ENV})"
    try:
        text = read_user_file(path, "sources file", hint)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return parse_config(text, origin=str(path))


def parse_config(text: str, origin: str = "<config>") -> NewsmonConfig:
    """Validate sources-file text; ``origin`` names it in error messages."""
    try:
        data = parse_mapping(text, origin, "a mapping with a 'sources' list")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    try:
        config = NewsmonConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, data, origin)) from None
    return resolve_topics(config, origin)


def _describe(exc: ValidationError, data: dict[str, Any], origin: str) -> str:
    """One line per problem: ``origin: source 'x' (sources[2]): follow[0]: message``."""
    lines = []
    listed = data.get("sources")
    raw_sources: list[Any] = listed if isinstance(listed, list) else []
    for err in exc.errors():
        loc = list(err["loc"])
        where = []
        if len(loc) >= 2 and loc[0] == "sources" and isinstance(loc[1], int):
            index = loc[1]
            raw = raw_sources[index] if index < len(raw_sources) else None
            name = raw.get("name") if isinstance(raw, dict) else None
            where.append(f"source {name!r} (sources[{index}])" if name else f"sources[{index}]")
            loc = loc[2:]
        field = ""
        for part in loc:
            field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else part)
        if field:
            where.append(field)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = "unknown key"
        elif err["type"] == "missing":
            message = "required key is missing"
        lines.append(f"{origin}: {': '.join([*where, message])}")
    return "\n".join(lines)


def resolve_topics(config: NewsmonConfig, origin: str) -> NewsmonConfig:
    """The config with its topics files as absolute paths (relative ones are relative to the
    sources file), each read and validated now: a broken one is a config error."""
    from crawler.relevance import TopicsError, load_topics

    base = Path(origin).parent if not origin.startswith("<") else Path.cwd()

    def resolved(value: str | None, where: str) -> str | None:
        if value is None:
            return None
        path = (base / Path(value).expanduser()).resolve()
        try:
            load_topics(path)
        except TopicsError as exc:
            raise ConfigError(f"{origin}: {where}topics: {exc}") from None
        return str(path)

    sources = tuple(
        source.model_copy(
            update={
                "topics": resolved(source.topics, f"source {source.name!r} (sources[{index}]): ")
            }
        )
        if source.topics
        else source
        for index, source in enumerate(config.sources)
    )
    return config.model_copy(update={"topics": resolved(config.topics, ""), "sources": sources})
