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
from typing import Self

from scrapy import Request
from scrapy.settings import BaseSettings

from crawler.config import NewsmonConfig, SourceConfig, load_config
from crawler.settings import crawl_settings, relevance_settings, source_settings
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
    """The spider class crawling ``source``, its Scrapy settings taken from the config."""
    base = (overrides or {}).get(source.name, SourceSpider)
    custom = {
        **crawl_settings(config.crawl),
        **source_settings(source, config.crawl),
        **relevance_settings(source, config),
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
    """Implements Scrapy's ``SpiderLoaderProtocol`` (SPIDER_LOADER_CLASS)."""

    def __init__(self, settings: BaseSettings) -> None:
        self.config = load_config(settings.get("NEWSMON_CONFIG"))
        overrides = site_spiders()
        self._spiders = {
            s.name: spider_class(s, self.config, overrides) for s in self.config.sources
        }

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        return cls(settings)

    def load(self, spider_name: str) -> type[SourceSpider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return list(self._spiders)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return [
            name
            for name, cls in self._spiders.items()
            if any(d in request.url for d in cls.source.discovery_urls)
        ]
