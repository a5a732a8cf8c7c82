"""JSON Wire (bundled sample site): a wire whose listing is a JSON API, not an HTML page.

The example of a source that needs code: its entry in the sources file gives the first API page
as ``start_urls`` and the article pattern as ``article_urls``; this class only says how to read
article links and the next page out of the API's JSON. Everything else is the shared pipeline.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from scrapy.http import TextResponse

from crawler.text.isodate import parse_datetime
from spiders.links import ArticleLink
from spiders.source import SourceSpider


class JsonWireSpider(SourceSpider):
    name = "jsonwire"

    def _page(self, response: TextResponse) -> dict[str, Any]:
        try:
            data = json.loads(response.text)
        except json.JSONDecodeError as exc:
            self.record_error(f"listing {response.url}: not JSON: {exc}")
            return {}
        return data if isinstance(data, dict) else {}

    def listing_links(self, response: TextResponse) -> Iterator[ArticleLink]:
        for item in self._page(response).get("items") or []:
            if isinstance(item, dict) and isinstance(item.get("url"), str):
                published = item.get("published")
                yield ArticleLink(
                    url=response.urljoin(item["url"]),
                    title=item.get("title") if isinstance(item.get("title"), str) else None,
                    published_at=parse_datetime(published) if isinstance(published, str) else None,
                )

    def next_pages(self, response: TextResponse) -> Iterator[str]:
        next_page = self._page(response).get("next")
        if isinstance(next_page, str):
            yield response.urljoin(next_page)
