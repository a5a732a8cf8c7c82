"""crawler.components.redirects.MetaRefreshMiddleware: the same answers as Scrapy's, which
decodes every page whole; this one rules a refresh out in the bytes first."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.redirect import (
    MetaRefreshMiddleware as ScrapyMetaRefreshMiddleware,
)
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.components.redirects import MetaRefreshMiddleware

URL = "http://127.0.0.1:8000/news/1.html"
REFRESH = '<meta http-equiv="Refresh" content="0; url=/news/moved.html">'
# 2,000 characters of Chinese, 6,000 bytes in UTF-8 and 4,000 in GB18030: a refresh after it
# still lies within the 4,096 characters Scrapy scans, but not within the first 4,096 bytes.
HEAD_TEXT = "碳中和合作" * 400


def _page(markup: str, encoding: str) -> bytes:
    return markup.encode(encoding)


PAGES = {
    "no refresh": (
        "<html><head><title>Climate</title></head><body><p>Text</p></body></html>",
        "utf-8",
    ),
    "refresh": (f"<html><head>{REFRESH}</head><body></body></html>", "utf-8"),
    "refresh after multibyte text": (
        f"<html><head><title>{HEAD_TEXT}</title>{REFRESH}</head><body></body></html>",
        "utf-8",
    ),
    "refresh after GB18030 text": (
        f'<html><head><meta charset="gb18030"><title>{HEAD_TEXT}</title>{REFRESH}</head>'
        "<body></body></html>",
        "gb18030",
    ),
    "refresh past the scanned characters": (
        f"<html><head><title>{'x' * 5000}</title>{REFRESH}</head></html>",
        "utf-8",
    ),
    "refresh in a script only": (
        f"<html><head><script>var a = '{REFRESH}';</script></head></html>",
        "utf-8",
    ),
    "word refresh in the text": ("<html><body><p>Refresh the page</p></body></html>", "utf-8"),
    "UTF-16 with a refresh": (f"<html><head>{REFRESH}</head></html>", "utf-16"),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_answers_as_scrapy_does(name: str) -> None:
    markup, encoding = PAGES[name]
    crawler = get_crawler(settings_dict={"METAREFRESH_IGNORE_TAGS": ["script", "noscript"]})
    ours = MetaRefreshMiddleware.from_crawler(crawler)
    scrapys = ScrapyMetaRefreshMiddleware.from_crawler(crawler)

    def answer(middleware: ScrapyMetaRefreshMiddleware) -> str:
        response = HtmlResponse(
            URL,
            body=_page(markup, encoding),
            encoding=None,
            headers={"Content-Type": f"text/html; charset={encoding}"},
        )
        result = middleware.process_response(Request(URL), response)
        return result.url if isinstance(result, Request) else "response"

    assert answer(ours) == answer(scrapys)


def test_refresh_is_followed_and_a_plain_page_is_not_decoded() -> None:
    middleware = MetaRefreshMiddleware.from_crawler(get_crawler())
    moved = middleware.process_response(
        Request(URL), HtmlResponse(URL, body=_page(*PAGES["refresh after GB18030 text"]))
    )
    assert isinstance(moved, Request) and moved.url.endswith("/news/moved.html")
    plain = HtmlResponse(URL, body=_page(*PAGES["no refresh"]))
    assert middleware.process_response(Request(URL), plain) is plain
    assert getattr(plain, "_cached_ubody", None) is None  # never decoded
