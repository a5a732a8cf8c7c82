from __future__ import annotations

import pytest

from crawler.urls import normalize_url, same_site


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM:443/a/b?utm_source=rss&utm_medium=feed", "https://example.com/a/b"),
        (
            "https://example.com/news.php?newsid=123&fbclid=xyz#comments",
            "https://example.com/news.php?newsid=123",
        ),
        # ids that courlan's tracker pattern would strip are kept
        (
            "https://example.com/show?cid=7&uid=9&ref_id=3",
            "https://example.com/show?cid=7&ref_id=3&uid=9",
        ),
        ("http://example.com:80/a;jsessionid=ABC123?b=2&a=1", "http://example.com/a?a=1&b=2"),
        ("http://example.com", "http://example.com/"),
        ("https://example.com/%e7%a2%b3?q=%E7%A2%B3", "https://example.com/%E7%A2%B3?q=%E7%A2%B3"),
        ("http://127.0.0.1:8080/x?spm=a.b.c", "http://127.0.0.1:8080/x"),
        (
            "https://mp.example.cn/s?id=9&from=timeline&isappinstalled=0",
            "https://mp.example.cn/s?id=9",
        ),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected
    assert normalize_url(expected) == expected


def test_same_site_ignores_www() -> None:
    assert same_site("https://www.a.org/x", "http://a.org/y")
    assert not same_site("https://a.org/x", "https://b.org/x")
