"""Scrapy's spider loader for newsmon: one spider class per source in the sources file.

So ``scrapy list`` lists the configured sources and ``scrapy crawl NAME`` crawls one, exactly as
``newsmon crawl --source NAME`` does. Site-specific classes in ``spiders/sites/`` replace the
generic ``SourceSpider`` for the source of the same name.
"""

from __future__ import annotations

import builtins
import importlib
import inspect
import pkgutil
from functools import cached_property
from typing import Self

from scrapy import Request
from scrapy.settings import BaseSettings

from crawler.config import NewsmonConfig, SourceConfig, load_config
from crawler.settings import crawl_settings, source_settings
from spiders.source import SourceSpider


def site_spiders(package: str = "spiders.sites") -> dict[str, type[SourceSpider]]:
    """Site-specific SourceSpider subclasses found in ``package``, by source name."""
    found: dict[str, type[SourceSpider]] = {}
    module = importlib.import_module(package)
    for info in pkgutil.iter_modules(module.__path__, prefix=f"{package}."):
        for _, cls in inspect.getmembers(importlib.import_module(info.name), inspect.isclass):
            if issubclass(cls, SourceSpider) and cls is not SourceSpider and cls.name:
                found[cls.name] = cls
    return found


def spider_class(
    source: SourceConfig,
    config: NewsmonConfig,
    overrides: dict[str, type[SourceSpider]] | None = None,
) -> type[SourceSpider]:
    """The spider class crawling ``source``: the source as its ``source`` attribute (what to
    crawl), and as its Scrapy settings the crawl section's and the source's resolved values
    (how: the spider and every component read those from the crawler's settings)."""
    base = (overrides or {}).get(source.name, SourceSpider)
    custom = {
        **crawl_settings(config.crawl),
        **source_settings(config.resolved(source)),
        **(getattr(base, "custom_settings", None) or {}),
    }
    class_name = "".join(p.capitalize() for p in source.name.replace("-", "_").split("_"))
    return type(
        f"{class_name}Spider",
        (base,),
        {
            "name": source.name,
            "source": source,
            "custom_settings": custom,
            "__module__": base.__module__,
        },
    )


class SourceSpiderLoader:
    """Implements Scrapy's ``SpiderLoaderProtocol`` (SPIDER_LOADER_CLASS) for the ``scrapy``
    command. Scrapy makes one for every ``CrawlerProcess``, ``newsmon crawl``'s too, which
    hands it spider classes instead of names: so the sources file is read only when a spider
    is asked for by name, and only that spider's class is built."""

    def __init__(self, settings: BaseSettings) -> None:
        self._config_path: str | None = settings.get("NEWSMON_CONFIG")
        self._spiders: dict[str, type[SourceSpider]] = {}

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings)

    @cached_property
    def config(self) -> NewsmonConfig:
        return load_config(self._config_path)

    def load(self, spider_name: str) -> type[SourceSpider]:
        if spider_name not in self._spiders:
            try:
                source = self.config.source(spider_name)
            except KeyError:
                raise KeyError(f"Spider not found: {spider_name}") from None
            self._spiders[spider_name] = spider_class(source, self.config, site_spiders())
        return self._spiders[spider_name]

    def list(self) -> list[str]:
        return [source.name for source in self.config.sources]

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return [
            source.name
            for source in self.config.sources
            if any(d in request.url for d in source.discovery_urls)
        ]
