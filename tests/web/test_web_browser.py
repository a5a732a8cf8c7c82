"""The web UI in headless Chromium, as a reader uses it: search, filter by a facet, open an
article, check a hostile article stays inert, follow the feed link; screenshots saved.

Uses Debian's ``chromium`` (``make test`` installs it when run as root), never a browser
downloaded by Playwright; without it the test is skipped with that reason.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from crawler.web.app import create_app
from crawler.web.server import bind_socket, make_server, url_of
from tests.web.conftest import JAVASCRIPT_URL, WebDb

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"needs Debian's chromium at {CHROMIUM} (`make test` installs it when run as root)",
)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="needs the playwright package (`make install`)"
)


@pytest.fixture(scope="module")
def live_server(sqlite_web_db: WebDb) -> Iterator[str]:
    """The app under uvicorn in a thread, on a free 127.0.0.1 port; its base URL."""
    server = make_server(create_app(sqlite_web_db.url), log_level="warning")
    with bind_socket("127.0.0.1", 0) as sock:
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "server did not start"
            time.sleep(0.05)
        try:
            yield url_of(sock)
        finally:
            server.should_exit = True
            thread.join(timeout=30)


@pytest.fixture
def page(tmp_path: Path) -> Iterator[sync_api.Page]:
    # Chromium refuses to run as root with its sandbox on (containers, CI).
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


def test_search_filter_open_article_and_follow_feed(
    live_server: str, page: sync_api.Page, tmp_path: Path
) -> None:
    expect = sync_api.expect
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # Search through the form.
    page.goto(live_server)
    page.fill('input[name="q"]', "climate OR klimatyczna OR 碳市场")
    page.press('input[name="q"]', "Enter")
    expect(page.locator("p.summary")).to_contain_text("articles match")
    expect(page.locator('fieldset[data-facet="lang"] .value')).to_contain_text(["en"])
    page.screenshot(path=tmp_path / "search.png", full_page=True)

    # Filter: tick a language facet and apply.
    page.check('fieldset[data-facet="lang"] input[value="pl"]')
    page.click("text=Apply filters")
    expect(page).to_have_url(re.compile(r"[?&]lang=pl(&|$)"))
    expect(page.locator("li.hit h2 a")).to_have_text(
        ["Polska i Niemcy: współpraca klimatyczna na Bałtyku"]
    )
    expect(page.locator('fieldset[data-facet="lang"] input[value="pl"]')).to_be_checked()
    filtered = page.url

    # Open the article.
    page.click("li.hit h2 a")
    expect(page.locator("h1")).to_have_text("Polska i Niemcy: współpraca klimatyczna na Bałtyku")
    expect(page.locator(".original a")).to_have_attribute(
        "href", "https://news.example/pap/pl-wind"
    )
    page.screenshot(path=tmp_path / "article.png", full_page=True)

    # A hostile article: its markup is text, its javascript: URL is not a link.
    page.goto(live_server)
    page.fill('input[name="q"]', "hostile")
    page.press('input[name="q"]', "Enter")
    page.click("li.hit h2 a")
    expect(page.locator("h1")).to_contain_text('<script>alert("title")</script>')
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0
    assert page.locator('a[href^="javascript" i]').count() == 0
    unsafe = page.locator(".original .unsafe-url")
    expect(unsafe).to_have_text(JAVASCRIPT_URL)
    before = page.url
    unsafe.click()
    assert page.url == before
    page.screenshot(path=tmp_path / "hostile.png", full_page=True)
    assert dialogs == []

    # Follow the feed link of the filtered results.
    page.goto(filtered)
    with page.expect_response(lambda response: "/feed.atom" in response.url) as answer:
        page.click("a.feed")
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == [
        "Polska i Niemcy: współpraca klimatyczna na Bałtyku"
    ]
    assert dialogs == []
    assert (tmp_path / "search.png").stat().st_size > 10_000
