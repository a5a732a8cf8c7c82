"""A small messy site for the onboarding commands, served from 127.0.0.1: a home page that
declares no feed (its RSS sits at the common path ``/feed``), no robots.txt, no sitemap, and
articles with the faults ``sources check`` must warn about."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.demo.server import SampleSite

PARAGRAPHS = (
    "Two river cities on the Oder agreed on Monday to run a joint pilot for district heating "
    "fed by industrial waste heat, sharing the costs of a new pipeline across the border.",
    "The agreement sets out how the heat will be metered and priced, and which utility will "
    "operate the pumping stations on each bank of the river during the three-year pilot.",
    "Engineers from both cities will publish monthly data on the heat delivered and the "
    "emissions avoided, so that other border towns can judge whether to follow the example.",
    "The regional development fund will cover half of the investment, and the two utilities "
    "will share the remainder in proportion to the heat their customers receive.",
)


def article(title: str, paragraphs: tuple[str, ...], charset: str = "utf-8") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="{charset}">'
        f'<title>{title}</title></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    )


SITE = {
    "index.html": (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Border News'
        "</title></head><body><h1>Border News</h1><ul>"
        '<li><a href="/news/heat-pilot.html">Two river cities agree on a joint district '
        "heating pilot</a></li>"
        '<li><a href="/news/short-note.html">A short note on the regional climate fund '
        "meeting</a></li></ul></body></html>"
    ),
    "feed": (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Border News</title><link>{BASE}/</link><description>news</description>"
        "<item><title>Two river cities agree on a joint district heating pilot</title>"
        "<link>{BASE}/news/heat-pilot.html</link></item>"
        "<item><title>A short note on the regional climate fund meeting</title>"
        "<link>{BASE}/news/short-note.html</link></item>"
        "</channel></rss>"
    ),
    "news/heat-pilot.html": article(
        "Two river cities agree on a joint district heating pilot", PARAGRAPHS
    ),
    "news/short-note.html": article(
        "A short note on the regional climate fund meeting",
        (
            "The regional climate fund met on Friday and approved two border projects on heat.",
            "Details of the projects and their budgets will follow after the summer break.",
        ),
    ),
}
TABLE = """\
paths:
  /feed:
    headers:
      Content-Type: "application/rss+xml; charset=utf-8"
  # the header contradicts the page's <meta charset="utf-8">
  /news/short-note.html:
    headers:
      Content-Type: "text/html; charset=windows-1250"
"""


@pytest.fixture(scope="module")
def messy_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SampleSite]:
    root = tmp_path_factory.mktemp("messy") / "site"
    for name, text in SITE.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    Path(f"{root}.yaml").write_text(TABLE, encoding="utf-8")
    with SampleSite(root) as site:
        yield site
