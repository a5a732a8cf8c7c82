"""Why a fetched page was not stored: each reason is a DropItem subclass, so Scrapy counts it by
name in the crawl stats (``item_dropped_reasons_count/<Class>``) and crawl_runs records it."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class NotAnArticle(DropItem):
    """Base of the drops that are not failures: the page simply holds no article."""


class NoArticleBody(NotAnArticle):
    """No article text, or too little: a listing, video, gallery or teaser page."""


class NotHtml(NotAnArticle):
    """A PDF, image, JSON... behind an article link."""


class EmptyPage(NotAnArticle):
    """The server sent an empty body."""


class Irrelevant(NotAnArticle):
    """Not about the monitor's topics, and the source says ``irrelevant: drop``."""


class ExtractionFailed(DropItem):
    """trafilatura raised on the page."""


class ExtractionCrashed(DropItem):
    """The worker process extracting the page died (a crash in lxml, out of memory)."""


class StorageFailed(DropItem):
    """The article could not be written to the database."""


REJECTIONS: dict[str, type[DropItem]] = {
    cls.__name__: cls for cls in (NoArticleBody, NotHtml, EmptyPage, ExtractionFailed)
}
FAILURES = ("ExtractionFailed", "ExtractionCrashed", "StorageFailed")
