"""The plain functions behind the crawler's fault handling, on the edge cases a crawl of the
fault site does not reach."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.components.retry import retry_after_seconds
from crawler.extraction.encoding import decode_html
from crawler.failures import FetchLimits, describe_failure, format_size, refusal
from crawler.urls import normalize_url, strip_session_ids
from spiders.feed import FeedError, read_feed
from spiders.sitemap import parse_sitemap

LIMITS = FetchLimits(max_size=16 * 1024 * 1024, timeout=30, max_redirects=10, max_retry_after=60)
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("5", 5.0),
        (" 120 ", 120.0),
        ("Wed, 01 May 2024 12:00:30 GMT", 30.0),
        ("Wed, 01 May 2024 11:00:00 GMT", 0.0),
        ("soon", None),
        ("-3", None),
        ("", None),
    ],
)
def test_retry_after_values(value: str, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds


def test_a_page_declared_utf8_but_written_in_gbk_is_detected() -> None:
    text = "两市签署城市绿色低碳合作协议，双方将在可再生能源和公共交通等领域开展长期合作。" * 3
    body = f'<html><head><meta charset="utf-8"></head><body><p>{text}</p></body></html>'
    decoded, encoding = decode_html(body.encode("gbk"), "text/html; charset=utf-8")
    assert encoding in ("gb18030", "gbk") and text in decoded


def test_a_utf8_page_with_one_broken_byte_stays_utf8() -> None:
    body = ("<p>" + "Współpraca klimatyczna miast. " * 20 + "</p>").encode() + b"\xff<p>end</p>"
    decoded, encoding = decode_html(body, "text/html; charset=utf-8")
    assert encoding == "utf-8" and "Współpraca" in decoded


@pytest.mark.parametrize(
    ("url", "normalised"),
    [
        (
            "https://x.org/(S(lit3py55t21z5v55vlm25s55))/news/a.aspx?id=4",
            "https://x.org/news/a.aspx?id=4",
        ),
        ("https://x.org/list.html;sessionid=AB12?page=2", "https://x.org/list.html?page=2"),
        ("https://x.org/a.php?id=7&zenid=9f8e&osCsid=1", "https://x.org/a.php?id=7"),
        ("https://x.org/a.php?session=2024", "https://x.org/a.php?session=2024"),
    ],
)
def test_session_ids_are_removed_from_urls(url: str, normalised: str) -> None:
    assert normalize_url(url) == normalised


def test_listing_urls_lose_session_ids_and_nothing_else() -> None:
    # "from" is a tracking parameter for articles but a pagination offset on some listings
    assert strip_session_ids("https://x.org/news?from=40&sid=9f&b=1") == (
        "https://x.org/news?from=40&b=1"
    )
    assert strip_session_ids("https://x.org/news/;jsessionid=A1?page=2") == (
        "https://x.org/news/?page=2"
    )
    assert strip_session_ids("https://x.org/news?z=1&a=2") == "https://x.org/news?z=1&a=2"


def failure_of(error: Exception, **meta: object) -> Failure:
    failure = Failure(error)
    failure.request = Request("https://x.org/a.html", meta=meta)  # type: ignore[attr-defined]
    return failure


def test_deliberate_refusals_are_not_errors() -> None:
    assert refusal(failure_of(IgnoreRequest("Forbidden by robots.txt"))) == "RobotsDisallowed"
    assert refusal(failure_of(IgnoreRequest("page budget of 10 reached"))) == "PageBudget"
    assert refusal(failure_of(IgnoreRequest("max redirections reached"))) is None
    response = Response("https://x.org/a.html", status=404)
    assert refusal(failure_of(HttpError(response, "Ignoring non-200 response"))) is None


@pytest.mark.parametrize(
    ("error", "meta", "reason"),
    [
        (
            DownloadTimeoutError("Getting x took longer than 10.0 seconds."),
            {"download_timeout": 10.0, "retry_times": 1},
            "timed out after 10 s; gave up after 1 retry",
        ),
        (
            DownloadTimeoutError("late"),
            {"redirect_urls": ["https://x.org/old.html"]},
            "timed out after 30 s at https://x.org/a.html",
        ),
        (
            IgnoreRequest("max redirections reached"),
            {},
            "more than 10 redirects (redirect_max_times)",
        ),
        (IgnoreRequest("something else"), {}, "ignored: something else"),
        (ValueError("odd"), {}, "ValueError: odd"),
    ],
)
def test_failures_read_as_one_line(error: Exception, meta: dict[str, object], reason: str) -> None:
    assert describe_failure(failure_of(error, **meta), LIMITS) == reason


def test_sizes_read_in_binary_units() -> None:
    assert [format_size(n) for n in (512, 16 * 1024 * 1024, 16_000_000, 1536)] == [
        "512 bytes",
        "16 MiB",
        "15.3 MiB",
        "1.5 KiB",
    ]


def test_an_html_page_is_not_a_feed_and_says_so() -> None:
    with pytest.raises(FeedError, match=r"^not an RSS/Atom feed but an HTML page$"):
        read_feed(
            b"<!-- cms -->\n<!DOCTYPE html><html><body><p>Moved</p></body></html>",
            "https://x.org/rss.xml",
            "application/rss+xml",
        )
    with pytest.raises(FeedError, match=r"^not an RSS/Atom feed: "):
        read_feed(b"Service unavailable", "https://x.org/rss.xml", "text/plain")


def test_a_clean_feed_and_sitemap_have_no_problem() -> None:
    feed = read_feed(
        b'<rss version="2.0"><channel><item><link>https://x.org/a.html</link>'
        b"</item></channel></rss>",
        "https://x.org/rss.xml",
    )
    assert [link.url for link in feed.links] == ["https://x.org/a.html"]
    assert feed.problem is None
    parsed = parse_sitemap(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://x.org/a.html</loc></url></urlset>"
    )
    assert parsed.problem is None and len(parsed.links) == 1
