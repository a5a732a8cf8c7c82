"""Scrapy log formatter: a page without an article is normal, not a warning.

Scrapy logs every dropped item at WARNING with its full repr; a news crawl drops listing, video
and gallery pages by design. Those go to DEBUG with the reason only; real failures stay WARNING.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.http import Response
from scrapy.logformatter import LogFormatter, LogFormatterResult
from twisted.python.failure import Failure

from crawler.drops import NotAnArticle


class NewsmonLogFormatter(LogFormatter):
    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        level = logging.DEBUG if isinstance(exception, NotAnArticle) else logging.WARNING
        return {
            "level": level,
            "msg": "Dropped (%(reason)s): %(exception)s",
            "args": {"reason": type(exception).__name__, "exception": exception},
        }
