"""Extraction on small realistic pages: body without junk, metadata, rejections by reason."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from crawler.extraction.page import ExtractedArticle, PageInput, Rejection, extract_page
from crawler.text.folding import search_terms

PARAS = [
    "On 9 September 2024 the two organisations signed a strategic cooperation agreement on "
    "carbon accounting standards, green logistics and natural capital in Beijing.",
    "Under the agreement both parties will build a joint research platform for sustainable "
    "development and train experts in carbon markets over the next five years.",
    "The president of the academy said the agreement would deepen practical cooperation and "
    "help international recognition of ecological and environmental standards.",
]


def article_page(head: str = "", body_extra: str = "", paras: list[str] = PARAS) -> bytes:
    ps = "".join(f"<p>{p}</p>" for p in paras)
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Academy and WSSO sign climate deal - Green Wire</title>{head}
<meta property="og:site_name" content="Green Wire"></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/climate">Climate</a></li>
<li><a href="/energy">Energy</a></li></ul></nav>
<article><h1>Academy and WSSO sign climate deal</h1>{ps}{body_extra}</article>
<aside><h3>Related</h3><ul><li><a href="/x">Esports final won by EDG</a></li></ul></aside>
<footer>Copyright 2024 Green Wire. All rights reserved.</footer></body></html>""".encode()


def test_body_title_and_metadata() -> None:
    head = (
        '<meta property="article:published_time" content="2024-09-14T18:48:49+08:00">'
        '<meta name="author" content="Jane Doe; Li Wei">'
        '<link rel="canonical" href="https://green.example/news/2024/123.html">'
    )
    result = extract_page(
        PageInput(
            url="https://green.example/news/2024/123.html?utm_source=x",
            body=article_page(head),
            content_type="text/html",
        )
    )
    assert isinstance(result, ExtractedArticle)
    assert result.title == "Academy and WSSO sign climate deal"
    assert result.text.split("\n\n") == PARAS
    assert "Esports" not in result.text and "Copyright" not in result.text
    assert result.published_at == datetime(2024, 9, 14, 10, 48, 49, tzinfo=UTC)
    assert result.authors == ("Jane Doe", "Li Wei")
    assert result.site_name == "Green Wire"
    assert result.language == "en"
    assert result.canonical_url is None  # same URL once tracking parameters are gone
    assert len(result.content_hash) == 64


def test_search_terms_are_the_folded_title_and_text() -> None:
    # Storage writes them as the search row: they must be what crawler.text.folding would make.
    paras = [*PARAS, "Współpraca klimatyczna: 碳中和合作, 氣候變化, Kooperation für Klimaschutz."]
    result = extract_page(
        PageInput(
            url="https://green.example/news/1.html",
            body=article_page(paras=paras),
            content_type="text/html",
        )
    )
    assert isinstance(result, ExtractedArticle)
    assert result.search_terms == (search_terms(result.title or ""), search_terms(result.text))
    assert "wspolpraca" in result.search_terms[1] and "气 候" in result.search_terms[1]


def test_canonical_to_another_url_on_the_same_site_is_kept() -> None:
    head = '<link rel="canonical" href="https://green.example/news/2024/123.html">'
    result = extract_page(
        PageInput(
            url="https://green.example/print/123", body=article_page(head), content_type="text/html"
        )
    )
    assert isinstance(result, ExtractedArticle)
    assert result.canonical_url == "https://green.example/news/2024/123.html"


def test_canonical_to_home_page_or_other_site_is_ignored() -> None:
    for href in ("https://green.example/", "https://other.example/news/1.html"):
        head = f'<link rel="canonical" href="{href}">'
        result = extract_page(
            PageInput(
                url="https://green.example/news/9.html",
                body=article_page(head),
                content_type="text/html",
            )
        )
        assert isinstance(result, ExtractedArticle)
        assert result.canonical_url is None


def test_feed_date_used_when_page_has_none_and_timezone_for_naive_dates() -> None:
    hint = datetime(2024, 9, 9, 2, 0, tzinfo=UTC)
    result = extract_page(
        PageInput(
            url="https://g.example/a",
            body=article_page(),
            content_type="text/html",
            published_hint=hint,
        )
    )
    assert isinstance(result, ExtractedArticle) and result.published_at == hint

    naive = '<meta property="article:published_time" content="2024-09-14T18:48:49">'
    result = extract_page(
        PageInput(
            url="https://g.example/a",
            body=article_page(naive),
            content_type="text/html",
            timezone="Asia/Shanghai",
        )
    )
    assert isinstance(result, ExtractedArticle)
    assert result.published_at == datetime(2024, 9, 14, 10, 48, 49, tzinfo=UTC)


def test_repeated_paragraph_kept_once() -> None:
    result = extract_page(
        PageInput(
            url="https://g.example/a",
            body=article_page(paras=[*PARAS, PARAS[1]]),
            content_type="text/html",
        )
    )
    assert isinstance(result, ExtractedArticle)
    assert result.text.count(PARAS[1]) == 1


def test_pages_without_article_are_rejected_by_reason() -> None:
    video = (
        b"<html><head><title>Video</title></head><body><h1>Video</h1>"
        b"<iframe src='x'></iframe></body></html>"
    )
    rejected = extract_page(
        PageInput(url="https://g.example/v", body=video, content_type="text/html")
    )
    assert isinstance(rejected, Rejection) and rejected.reason == "NoArticleBody"
    pdf = extract_page(
        PageInput(url="https://g.example/a.pdf", body=b"%PDF-1.4", content_type="application/pdf")
    )
    assert isinstance(pdf, Rejection) and pdf.reason == "NotHtml"
    empty = extract_page(PageInput(url="https://g.example/e", body=b"  ", content_type="text/html"))
    assert isinstance(empty, Rejection) and empty.reason == "EmptyPage"


@pytest.mark.parametrize(
    "body",
    [
        random.Random(7).randbytes(20_000),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40,
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 40,
    ],
)
def test_binary_data_served_as_html_is_not_html(body: bytes) -> None:
    rejected = extract_page(
        PageInput(
            url="https://g.example/a.html", body=body, content_type="text/html; charset=utf-8"
        )
    )
    assert rejected == Rejection(
        "NotHtml", "the body is binary data, not text, although served as text/html"
    )


def test_legacy_and_utf16_text_is_not_taken_for_binary() -> None:
    page = (
        "<html><body><h1>碳中和合作</h1>"
        + "<p>两国签署碳中和合作备忘录，双方将在绿色氢能领域开展合作。</p>" * 20
        + "</body></html>"
    )
    for body in (page.encode("utf-16"), page.encode("gb18030")):
        result = extract_page(
            PageInput(url="https://g.example/zh.html", body=body, content_type="text/html")
        )
        assert not isinstance(result, Rejection), result


def test_language_hint_breaks_only_ties() -> None:
    result = extract_page(
        PageInput(
            url="https://g.example/a",
            body=article_page(),
            content_type="text/html",
            language_hint="pl",
        )
    )
    assert isinstance(result, ExtractedArticle) and result.language == "en"


def test_feed_timestamp_beats_a_heuristic_date_but_not_structured_metadata() -> None:
    hint = datetime(2024, 7, 2, 8, 15, tzinfo=UTC)
    # htmldate would guess 2024-01-01 from the copyright line
    page = article_page(body_extra="<footer>© 2024 Green Wire</footer>")
    result = extract_page(
        PageInput(
            url="https://g.example/2024/a", body=page, content_type="text/html", published_hint=hint
        )
    )
    assert isinstance(result, ExtractedArticle) and result.published_at == hint
    head = '<meta property="article:published_time" content="2024-07-01T09:00:00+02:00">'
    result = extract_page(
        PageInput(
            url="https://g.example/a",
            body=article_page(head),
            content_type="text/html",
            published_hint=hint,
        )
    )
    assert isinstance(result, ExtractedArticle)
    assert result.published_at == datetime(2024, 7, 1, 7, 0, tzinfo=UTC)


def test_author_role_words_and_trailing_marks_are_dropped() -> None:
    from crawler.extraction.authors import clean_authors

    assert clean_authors(
        [
            "记者 王晓晨",
            "文/李文",
            "By Jane Doe",
            "Giulia Ferraris ·",
            "https://x.org/me",
            "Jane Doe",
        ]
    ) == ("王晓晨", "李文", "Jane Doe", "Giulia Ferraris")
