"""Stored pages: the server's gzip kept only when it holds exactly the page Scrapy inflated,
and both stored forms (gzip, zlib) read back."""

from __future__ import annotations

import gzip
import zlib

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse

from crawler.components.keepgzip import ServerGzipKeeper
from crawler.crawlstate import ROLE
from crawler.pagebody import GZIP_BODY, GZIP_MAGIC, compress_body, inflate_body, server_gzip

PAGE = "<html><body><p>Coopération climatique 气候合作</p></body></html>".encode() * 50


def test_a_complete_gzip_is_kept_and_reads_back() -> None:
    raw = gzip.compress(PAGE)
    assert server_gzip(raw, PAGE) is raw
    assert inflate_body(raw) == PAGE


def test_a_gzip_of_several_members_reads_back_whole() -> None:
    raw = gzip.compress(b"") + gzip.compress(PAGE[:100]) + gzip.compress(PAGE[100:])
    assert server_gzip(raw, PAGE) is None  # its last member's length is not the page's
    assert inflate_body(raw) == PAGE  # but a stored one (ISIZE matching) reads back whole


@pytest.mark.parametrize(
    "raw",
    [
        gzip.compress(PAGE)[:-20],  # truncated: Scrapy inflates what there is
        gzip.compress(PAGE) + b"<!-- trailing bytes -->",
        zlib.compress(PAGE),  # not gzip at all
        b"\x1f\x8b",  # too short to be one
        None,  # the server did not gzip
    ],
    ids=["truncated", "trailing", "zlib", "short", "none"],
)
def test_a_gzip_that_does_not_hold_the_page_is_not_kept(raw: bytes | None) -> None:
    assert server_gzip(raw, PAGE) is None


def test_a_body_scrapy_could_not_inflate_is_not_kept() -> None:
    broken = GZIP_MAGIC + b"\0" * 30 + len(GZIP_MAGIC + b"\0" * 34).to_bytes(4, "little")
    assert server_gzip(broken, broken) is None  # passed on as it came, its "length" matching


def test_pages_compressed_by_newsmon_read_back() -> None:
    assert compress_body(PAGE)[:1] == b"\x78"  # zlib: told apart from gzip by its first byte
    assert inflate_body(compress_body(PAGE)) == PAGE


def _response(request: Request, encoding: bytes | None) -> HtmlResponse:
    headers = {"Content-Encoding": encoding} if encoding else {}
    return HtmlResponse(request.url, body=gzip.compress(PAGE), headers=headers, request=request)


def test_the_middleware_keeps_gzip_of_articles_only_and_forgets_earlier_hops() -> None:
    keeper = ServerGzipKeeper(ROLE)
    article = Request("http://127.0.0.1/a.html", meta={ROLE: "article"})
    response = _response(article, b"gzip")
    keeper.process_response(article, response)
    assert article.meta[GZIP_BODY] == response.body
    keeper.process_response(article, _response(article, None))  # a later hop, not gzipped
    assert GZIP_BODY not in article.meta
    keeper.process_response(article, _response(article, b"gzip, br"))  # two codings
    assert GZIP_BODY not in article.meta
    listing = Request("http://127.0.0.1/list.html", meta={ROLE: "listing"})
    keeper.process_response(listing, _response(listing, b"gzip"))
    assert GZIP_BODY not in listing.meta
