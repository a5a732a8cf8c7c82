"""Publication dates as pages show them to readers, in their languages; never the crawl time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from lxml.html import fromstring

from crawler.extraction.dates import date_snippets, parse_date, url_date, visible_published
from crawler.extraction.page import ExtractedArticle, PageInput, extract_page

NOW = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("2024-09-14 18:48:49 来源：新华网", "zh", datetime(2024, 9, 14, 18, 48, 49)),
        ("publié le 14 septembre 2024", "fr", datetime(2024, 9, 14)),
        ("发布时间：2023年5月18日", "zh", datetime(2023, 5, 18)),
        ("2023年05月18日 17:48", "zh", datetime(2023, 5, 18, 17, 48)),
        ("Warszawa, 8 sierpnia 2023 r.", "pl", datetime(2023, 8, 8)),
        ("Stand: 15. März 2024", "de", datetime(2024, 3, 15)),
        ("Madrid, 3 de mayo de 2024", "es", datetime(2024, 5, 3)),
        ("Lisboa, 5 de junho de 2024, 14:00", "pt", datetime(2024, 6, 5, 14, 0)),
        ("2 luglio 2024", "it", datetime(2024, 7, 2)),
        ("March 12, 2024 at 9:30", "en", datetime(2024, 3, 12, 9, 30)),
        ("12 March 2024", "en", datetime(2024, 3, 12)),
        ("15 января 2012, 14:05", "ru", datetime(2012, 1, 15, 14, 5)),
        ("Πέμπτη, 5 Ιανουαρίου 2012", "el", datetime(2012, 1, 5)),
        ("10.08.2023, 11:05", "pl", datetime(2023, 8, 10, 11, 5)),
        ("2024/03/16", None, datetime(2024, 3, 16)),
        ("2024년 3월 16일", "ko", datetime(2024, 3, 16)),
        # English numeric dates are month-first only when day-first cannot be right
        ("09/14/2024", "en", datetime(2024, 9, 14)),
        ("14/09/2024", "en", datetime(2024, 9, 14)),
    ],
)
def test_formats(text: str, language: str | None, expected: datetime) -> None:
    assert parse_date(text, language, now=NOW) == expected


def test_month_names_match_without_accents_and_across_languages() -> None:
    assert parse_date("14 aout 2024", "fr", now=NOW) == datetime(2024, 8, 14)
    # the page's language is unknown: every language's month names are tried
    assert parse_date("8 sierpnia 2023", None, now=NOW) == datetime(2023, 8, 8)


@pytest.mark.parametrize(
    "text",
    [
        "© 2024 Green Wire",
        "Copyright 2003-2013",
        "v2.3.1",
        "tel. 2024 5678",
        "3 May",
        "2024-13-45",
        "31.02.2024",
    ],
)
def test_no_complete_date(text: str) -> None:
    assert parse_date(text, "en", now=NOW) is None


def test_future_dates_are_ignored() -> None:
    assert parse_date("Event on 2030-05-01, published 2024-05-01", "en", now=NOW) == datetime(
        2024, 5, 1
    )


def test_url_dates() -> None:
    assert url_date("https://x.example/news/2024/0914/371245.html", NOW) == datetime(2024, 9, 14)
    assert url_date("https://x.example/2023/08/10/story/", NOW) == datetime(2023, 8, 10)
    assert url_date("https://x.example/a/20240316-yokohama.html", NOW) == datetime(2024, 3, 16)
    assert url_date("https://x.example/2023/08/story.html", NOW) is None
    assert url_date("https://x.example/id/2024123456", NOW) is None


def test_the_line_under_the_headline_comes_before_other_dates() -> None:
    tree = fromstring(
        "<html><body><div class='sidebar'><span class='date'>2020-01-01</span></div>"
        "<h1>Headline</h1><div>2024-09-14 18:48:49 来源：中国商报网</div>"
        "<p>Body mentioning 1999-12-31.</p></body></html>"
    )
    snippets = date_snippets(tree)
    assert visible_published(snippets, "zh", now=NOW) == datetime(2024, 9, 14, 18, 48, 49)


def _page(body: str) -> bytes:
    paragraph = (
        "The two cities agreed to share air quality data and to train technicians "
        "together over the next three years, the mayors said on Thursday. "
    )
    return (
        f"<html><head><meta charset='utf-8'><title>T</title></head><body><h1>Cities agree"
        f"</h1>{body}<p>{paragraph * 2}</p><p>{paragraph}</p></body></html>"
    ).encode()


def test_no_date_stays_empty_even_with_a_copyright_year() -> None:
    result = extract_page(
        PageInput(
            url="https://x.example/news/cities-agree",
            body=_page("<footer>© 2024 X</footer>"),
            content_type="text/html",
        )
    )
    assert isinstance(result, ExtractedArticle) and result.published_at is None


def test_visible_date_is_local_time_of_the_source() -> None:
    result = extract_page(
        PageInput(
            url="https://x.example/news/cities-agree",
            body=_page("<p class='time'>2024-09-14 18:48:49</p>"),
            content_type="text/html",
            timezone="Asia/Shanghai",
        )
    )
    assert isinstance(result, ExtractedArticle)
    assert result.published_at == datetime(2024, 9, 14, 10, 48, 49, tzinfo=UTC)


def test_metadata_and_feed_dates_come_before_visible_text() -> None:
    head = '<meta property="article:published_time" content="2024-07-01T09:00:00+02:00">'
    body = _page("<p class='time'>2024-09-14</p>").replace(b"<title>", head.encode() + b"<title>")
    result = extract_page(PageInput(url="https://x.example/a", body=body, content_type="text/html"))
    assert isinstance(result, ExtractedArticle)
    assert result.published_at == datetime(2024, 7, 1, 7, 0, tzinfo=UTC)
    hint = datetime(2024, 8, 1, 6, 0, tzinfo=UTC)
    result = extract_page(
        PageInput(
            url="https://x.example/a",
            body=_page("<p>2024-09-14</p>"),
            content_type="text/html",
            published_hint=hint,
        )
    )
    assert isinstance(result, ExtractedArticle) and result.published_at == hint
