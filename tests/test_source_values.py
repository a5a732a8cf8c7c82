"""Each per-source value is the source's own, else the sources file's default, and reaches the
spider and the components through its crawler's settings: one source's values never leak into
another's crawler."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.components.knownurls import KnownUrlFilter
from crawler.config import ExtractionRules, NewsmonConfig, load_config, parse_config
from crawler.pipelines import ExtractionPipeline
from spiders.links import ArticleLink
from spiders.registry import SourceSpiderLoader, spider_class
from spiders.source import SourceSpider

CONFIG = """
crawl: {max_age_days: 3, max_pages: 50, max_depth: 4, irrelevant: drop}
sources:
  - name: own
    feeds: ["https://own.example/rss"]
    max_age_days: 1
    max_pages: 7
    max_depth: 2
    recheck_days: 5
    irrelevant: keep
    language: pl
    timezone: Europe/Warsaw
    extraction: {drop: [".promo"]}
  - name: default
    feeds: ["https://default.example/rss"]
"""


@pytest.fixture(scope="module")
def config() -> NewsmonConfig:
    return parse_config(CONFIG)


def _spider(config: NewsmonConfig, name: str) -> SourceSpider:
    spidercls = spider_class(config.source(name), config)
    crawler = get_crawler(spidercls, {"NEWSMON_DB_URL": "sqlite://"})
    spider = spidercls.from_crawler(crawler)
    crawler.spider = spider
    return spider


def _fetched(spider: SourceSpider, ages_in_hours: list[int]) -> list[int]:
    """The ages of the feed items the spider requests."""
    now = datetime.now(UTC)
    links = [
        ArticleLink(url=f"https://x.example/{age}", published_at=now - timedelta(hours=age))
        for age in ages_in_hours
    ]
    return [int(r.url.rsplit("/", 1)[1]) for r in spider.article_requests(links)]


def test_the_source_values_win_over_the_crawl_section(config: NewsmonConfig) -> None:
    own, default = config.resolved(config.source("own")), config.resolved(config.source("default"))
    assert (own.max_age_days, own.max_pages, own.max_depth) == (1, 7, 2)
    assert (default.max_age_days, default.max_pages, default.max_depth) == (3, 50, 4)
    assert (own.irrelevant, default.irrelevant) == ("keep", "drop")
    assert (own.recheck_days, default.recheck_days) == (5, 0)


@pytest.mark.parametrize(("name", "fetched"), [("own", [2, 20]), ("default", [2, 20, 50, 70])])
def test_max_age_reaches_the_spiders_filter(
    config: NewsmonConfig, name: str, fetched: list[int]
) -> None:
    spider = _spider(config, name)
    assert _fetched(spider, [2, 20, 50, 70, 100]) == fetched


def test_without_any_max_age_nothing_is_too_old() -> None:
    config = parse_config(CONFIG.replace("max_age_days: 3, ", "").replace("max_age_days: 1", ""))
    assert _fetched(_spider(config, "default"), [2, 1000]) == [2, 1000]
    assert _fetched(_spider(config, "own"), [2, 1000]) == [2, 1000]


def test_the_components_read_the_sources_values(config: NewsmonConfig) -> None:
    own, default = _spider(config, "own"), _spider(config, "default")
    settings = own.crawler.settings
    assert settings.getint("CLOSESPIDER_PAGECOUNT") == 7
    assert settings.getint("DEPTH_LIMIT") == 2
    assert default.crawler.settings.getint("CLOSESPIDER_PAGECOUNT") == 50
    assert default.crawler.settings.getint("DEPTH_LIMIT") == 4

    pipeline = ExtractionPipeline.from_crawler(own.crawler)
    assert (pipeline.language_hint, pipeline.timezone) == ("pl", "Europe/Warsaw")
    assert pipeline.rules == ExtractionRules(drop=(".promo",))
    assert pipeline.drop_irrelevant is False
    pipeline = ExtractionPipeline.from_crawler(default.crawler)
    assert (pipeline.language_hint, pipeline.timezone) == (None, None)
    assert pipeline.rules == ExtractionRules()
    assert pipeline.drop_irrelevant is True

    for spider, days in ((own, 5), (default, 0)):
        known = KnownUrlFilter.from_crawler(spider.crawler)
        since = known._recheck_since()
        if days:
            assert since is not None
            expected = datetime.now(UTC) - timedelta(days=days)
            assert abs((since - expected).total_seconds()) < 60
        else:
            assert since is None
        known.db.dispose()


def test_the_spider_loader_reads_the_file_only_when_asked_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    reads: list[Any] = []

    def counted(where: Any) -> NewsmonConfig:
        reads.append(where)
        return load_config(where)

    monkeypatch.setattr("spiders.registry.load_config", counted)
    loader = SourceSpiderLoader.from_settings(Settings({"NEWSMON_CONFIG": str(path)}))
    assert reads == []
    assert loader.load("own").name == "own"
    assert loader.load("own") is loader.load("own")
    assert loader.list() == ["own", "default"]
    assert reads == [str(path)]
    with pytest.raises(KeyError, match="Spider not found: nowhere"):
        loader.load("nowhere")
