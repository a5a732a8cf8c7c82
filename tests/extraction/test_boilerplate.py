"""Page furniture removed from the parsed page, and bodies found whole (split in chunks too)."""

from __future__ import annotations

from lxml.html import fromstring, tostring

from crawler.extraction.boilerplate import (
    clean_tree,
    drop_comment_threads,
    drop_junk_containers,
    drop_teaser_lists,
    is_junk_container,
    protected_elements,
    unwrap_layout_tables,
)
from crawler.extraction.page import ExtractedArticle, PageInput, extract_page

PROSE = (
    "The two agencies will share their flood maps and hold joint drills every spring, "
    "the agreement signed on Thursday in the border town says."
)


def text_of(html: str) -> str:
    return " ".join(fromstring(html).itertext())


def test_junk_classes_in_several_languages_and_casings() -> None:
    for attrs in (
        'class="iloscKomentarzy"',
        'id="kommentare-box"',
        'class="post-comments"',
        'class="cookie-consent"',
        'class="lead-promo"',
        'id="disqus_thread"',
        'class="fenxiang"',
        'class="breadcrumbs"',
        'class="newsletter-signup"',
    ):
        assert is_junk_container(fromstring(f"<div {attrs}>x</div>")), attrs
    for attrs in (
        'class="article-body"',
        'class="commentary"',
        'class="content"',
        'class="promotional-period"',
        'id="main"',
    ):
        assert not is_junk_container(fromstring(f"<div {attrs}>x</div>")), attrs


def test_long_blocks_whose_class_merely_mentions_furniture_stay() -> None:
    body = "".join(f"<p>{PROSE}</p>" for _ in range(12))
    tree = fromstring(
        f"<html><body><div class='section-social-affairs'>{body}</div>"
        "<div class='social'><a href='/fb'>Facebook</a></div></body></html>"
    )
    assert drop_junk_containers(tree) == 1
    assert PROSE in text_of(tostring(tree, encoding=str))


def test_the_headline_and_its_ancestors_are_never_dropped() -> None:
    tree = fromstring(
        f"<html><body><div class='has-comments'><h1>Floods</h1><p>{PROSE}</p>"
        "</div><div class='comments'><p>First!</p></div></body></html>"
    )
    clean_tree(tree)
    assert PROSE in text_of(tostring(tree, encoding=str)) and "First!" not in tostring(
        tree, encoding=str
    )


def test_comment_threads_are_found_by_their_reply_links() -> None:
    comments = "".join(
        f"<div class='x{i}'><b>reader{i}</b><p>I think the drills should happen twice a year, "
        f"not once ({i}).</p><a href='#r{i}'>Odpowiedz</a></div>"
        for i in range(3)
    )
    tree = fromstring(
        f"<html><body><h1>Floods</h1><div><p>{PROSE}</p></div>"
        f"<div class='opinions'>{comments}</div></body></html>"
    )
    assert drop_comment_threads(tree, protected_elements(tree)) == 1
    html = tostring(tree, encoding=str)
    assert PROSE in html and "twice a year" not in html and "reader1" not in html


def test_teaser_lists_go_but_listicles_stay() -> None:
    teasers = "".join(
        f"<li><a href='/n{i}'>Other story {i}</a><p>A short summary of another "
        f"story number {i}.</p></li>"
        for i in range(4)
    )
    listicle = "".join(
        f"<li>Point {i}: the city will <a href='/p{i}'>plant trees</a> along the river.</li>"
        for i in range(4)
    )
    tree = fromstring(
        f"<html><body><h1>T</h1><ul class='a'>{listicle}</ul>"
        f"<ul class='b'>{teasers}</ul></body></html>"
    )
    assert drop_teaser_lists(tree, protected_elements(tree)) == 1
    html = tostring(tree, encoding=str)
    assert "Point 3" in html and "Other story" not in html


def test_layout_tables_become_blocks_and_data_tables_stay() -> None:
    layout = (
        f"<table><tr><td><a href='/'>Home</a></td><td><p>{PROSE}</p><p>{PROSE}</p></td>"
        "</tr></table>"
    )
    data = (
        "<table><tr><th>City</th><th>Sensors</th></tr><tr><td>Lyon</td><td>20</td></tr>"
        "<tr><td>Dakar</td><td>12</td></tr></table>"
    )
    tree = fromstring(f"<html><body>{layout}{data}</body></html>")
    assert unwrap_layout_tables(tree) == 1
    tables = tree.findall(".//table")
    assert len(tables) == 1 and "Sensors" in text_of(tostring(tables[0], encoding=str))


def split_article(chunks: list[list[str]]) -> bytes:
    """A story cut into look-alike blocks with pull quotes between them, as some magazines
    publish them (trafilatura alone keeps the first block)."""
    parts = []
    for i, paragraphs in enumerate(chunks):
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        parts.append(
            f"<div class='grid grid-margins'><div class='grid--item body article__body'>"
            f"{body}</div><div class='grid--item ad-rail'></div></div>"
        )
        parts.append(
            f"<aside class='pullquote'><p>Quote {i} from the story, in large type.</p></aside>"
        )
    return (
        "<html><head><meta charset='utf-8'><title>Split story | Wire</title></head><body>"
        f"<main><article><header><h1>Split story</h1></header><div class='article__chunks'>"
        f"{''.join(parts)}</div></article></main><footer><p>About us</p></footer>"
        "</body></html>"
    ).encode()


def test_an_article_split_in_look_alike_chunks_comes_out_whole() -> None:
    sentences = [
        "The coastal cities agreed to pool their tide gauge data for the next three years.",
        "Engineers from both ports will be trained together at the maritime academy.",
        "A first joint report on storm surges is planned for the end of the winter season.",
        "Funding comes from a regional programme for climate adaptation and resilience.",
        "Officials expect smaller harbours along the coast to join the network later on.",
        "The data will be published under an open licence on a shared public website.",
        "Fishermen's associations welcomed the plan but asked for earlier flood warnings.",
        "Both mayors said the cooperation could serve as a model for other river deltas.",
        "The next meeting of the steering committee will take place in the spring.",
    ]
    paragraphs = [
        f"{s} It was signed on Tuesday after months of talks between the two councils."
        for s in sentences
    ]
    chunks = [paragraphs[0:3], paragraphs[3:6], paragraphs[6:9]]
    result = extract_page(
        PageInput(
            url="https://wire.example/split", body=split_article(chunks), content_type="text/html"
        )
    )
    assert isinstance(result, ExtractedArticle)
    assert result.text.split("\n\n") == paragraphs
