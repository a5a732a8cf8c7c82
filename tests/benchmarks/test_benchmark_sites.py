"""The crawl benchmark's sites: generated pages keep the shape of real news pages (markup, not
only bytes, decides what extraction costs), and the corpus site serves the corpus pages as
they are."""

from __future__ import annotations

import gzip
import re
import statistics
from html.parser import HTMLParser
from pathlib import Path

import lxml.html
import pytest

from benchmarks.support.corpussite import corpus_site
from benchmarks.support.sitegen import GeneratedSite, generate_site
from crawler.extraction.page import ExtractedArticle, PageInput, extract_page

PAGES = 60
VOID = frozenset({"meta", "link", "img", "input", "source", "br", "hr", "path"})


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> GeneratedSite:
    return generate_site(tmp_path_factory.mktemp("bench") / "site", PAGES, seed=7)


def _page(site: GeneratedSite, path: str) -> str:
    return site.root.joinpath(*path.split("/")[1:]).read_text(encoding="utf-8")


class _Nesting(HTMLParser):
    """Every end tag closes the element opened last: no element left open or closed twice."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.errors.append(f"</{tag}> inside {self.open[-3:]}")


def test_generated_pages_are_well_formed_and_in_the_planned_weight(site: GeneratedSite) -> None:
    for path, size in zip(site.article_paths, site.page_bytes, strict=True):
        parser = _Nesting()
        parser.feed(_page(site, path))
        assert parser.errors == [], path
        assert parser.open == [], path
        assert 50 * 1024 < size < 150_000


def test_generated_pages_have_the_markup_of_real_news_pages(site: GeneratedSite) -> None:
    # Medians of the corpus pages (aeb / daniel): 743 / 664 elements, 133 / 113 divs, mean
    # depth 9.6 / 8.9, 31% / 15% of the bytes in scripts and styles. The page that was mostly
    # script in a shallow tree (543 elements, 23 divs, 62%) fails every band.
    elements, divs, depths, script_shares = [], [], [], []
    for path in site.article_paths:
        page = _page(site, path)
        tree = lxml.html.fromstring(page.encode())
        nodes = [e for e in tree.iter() if isinstance(e.tag, str)]
        elements.append(len(nodes))
        divs.append(sum(1 for e in nodes if e.tag == "div"))
        depths.append(statistics.mean(len(list(e.iterancestors())) for e in nodes))
        scripts = sum(len(m.group()) for m in re.finditer(r"<(script|style)\b.*?</\1>", page, re.S))
        script_shares.append(scripts / len(page))
    assert 600 < statistics.median(elements) < 1000
    assert 90 < statistics.median(divs) < 220
    assert 8 < statistics.median(depths) < 12
    assert 0.15 < statistics.median(script_shares) < 0.45


def test_generated_pages_state_their_dates_in_many_ways(site: GeneratedSite) -> None:
    pages = [_page(site, path) for path in site.article_paths]
    meta = sum("article:published_time" in page for page in pages) / len(pages)
    json_ld = sum("application/ld+json" in page for page in pages) / len(pages)
    time_element = sum('class="byline__date" datetime=' in page for page in pages) / len(pages)
    assert 0.2 < meta < 0.6
    assert 0.2 < json_ld < 0.6
    assert 0.4 < time_element < 0.8


def test_newsmon_finds_the_article_and_its_date_in_generated_pages(site: GeneratedSite) -> None:
    for path in site.article_paths[:20]:
        html = _page(site, path).replace("{BASE}", "http://127.0.0.1:8000")
        result = extract_page(
            PageInput(
                url=f"http://127.0.0.1:8000{path}",
                body=html.encode(),
                content_type="text/html",
                encoding="utf-8",
            )
        )
        assert isinstance(result, ExtractedArticle), path
        tree = lxml.html.fromstring(html)
        lead = tree.xpath('//p[@class="article__lead"]')[0].text_content()
        first = tree.xpath('//div[@class="rich-text"]/p')[0].text_content()
        assert first[:60] in result.text, path
        assert result.published_at is not None, path
        assert (
            len(result.text)
            < 1.5 * sum(len(p.text_content()) for p in tree.xpath('//div[@class="rich-text"]//p'))
            + len(lead)
            + 500
        ), path


def test_corpus_site_serves_every_corpus_page_unchanged(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    pages = {
        "aeb": {"a1": "<html><body><p>One</p></body></html>"},
        "daniel": {
            "d1": "<html><body><p>Два 二</p></body></html>",
            "d2": "<html><body><p>Τρία</p></body></html>",
        },
    }
    for name, files in pages.items():
        (corpus / name / "html").mkdir(parents=True)
        for page_id, text in files.items():
            (corpus / name / "html" / f"{page_id}.html.gz").write_bytes(
                gzip.compress(text.encode("utf-8"))
            )
    site = corpus_site(tmp_path / "site", corpus)
    assert site.article_paths == ("/aeb/a1.html", "/daniel/d1.html", "/daniel/d2.html")
    for path in site.article_paths:
        name, page_id = path.strip("/").removesuffix(".html").split("/")
        assert (
            site.root.joinpath(name, f"{page_id}.html").read_text(encoding="utf-8")
            == (pages[name][page_id])
        )
    sitemap = (site.root / "sitemaps" / "articles-1.xml").read_text(encoding="utf-8")
    assert all(f"{{BASE}}{path}</loc>" in sitemap for path in site.article_paths)
    assert "sitemap_index.xml" in (site.root / "robots.txt").read_text(encoding="utf-8")
    assert site.table.is_file()


def test_corpus_site_names_an_empty_corpus(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    with pytest.raises(ValueError, match="no corpus page"):
        corpus_site(tmp_path / "site", tmp_path / "corpus")


def test_generated_articles_are_not_copies_of_each_other(site: GeneratedSite) -> None:
    # Real articles of one site share almost no shingles (corpus: 0.06%); sampled from one
    # short text per language without renaming, half of them were near-duplicates.
    from crawler.similarity.minhash import band_keys
    from crawler.similarity.scoring import is_near_duplicate, resemblance
    from crawler.similarity.tokens import text_shingles

    by_language: dict[str, list[set[int]]] = {}
    for path in site.article_paths:
        tree = lxml.html.fromstring(_page(site, path).encode())
        text = "\n".join(p.text_content() for p in tree.xpath('//div[@class="rich-text"]/p'))
        by_language.setdefault(str(tree.get("lang")), []).append(text_shingles(text))
    pairs = [
        (a, b)
        for texts in by_language.values()
        for i, a in enumerate(texts)
        for b in texts[i + 1 :]
    ]
    assert len(pairs) > 200
    assert not any(is_near_duplicate(a, b) for a, b in pairs)
    assert statistics.mean(resemblance(a, b)[0] for a, b in pairs) < 0.02
    bands = {id(s): set(enumerate(band_keys(s))) for texts in by_language.values() for s in texts}
    assert sum(1 for a, b in pairs if bands[id(a)] & bands[id(b)]) / len(pairs) < 0.02
