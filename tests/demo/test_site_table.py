"""SampleSite serving a generated site with its own behaviour table (as benchmarks do)."""

from __future__ import annotations

import gzip
import http.client
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from crawler.demo.behaviour import BehaviourTableError, load_behaviour, parse_behaviour
from crawler.demo.server import SampleSite


def make_site(tmp_path: Path, table: dict[str, Any] | None) -> Path:
    root = tmp_path / "site"
    (root / "news").mkdir(parents=True)
    (root / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (root / "news" / "a.html").write_text('<a href="{BASE}/news/b.html">b</a>', encoding="utf-8")
    (root / "news" / "feed.xml").write_text("<rss/>", encoding="utf-8")
    (root / "news" / "slow.html").write_text("slow", encoding="utf-8")
    (root / "news" / "data.bin").write_bytes(b"\x00\x01")
    (root / "map.xml.gz").write_bytes(gzip.compress(b"<loc>{BASE}/news/a.html</loc>"))
    if table is not None:
        (tmp_path / "site.yaml").write_text(yaml.safe_dump(table), encoding="utf-8")
    return root


def get(site: SampleSite, target: str, method: str = "GET") -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(site.base_url).port, timeout=5)
    try:
        conn.request(method, target)
        response = conn.getresponse()
        response.read()
        return response
    finally:
        conn.close()


def read(site: SampleSite, target: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(site.base_url).port, timeout=5)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        return response.status, dict(response.headers), response.read()
    finally:
        conn.close()


TABLE = {
    "content_types": {".xml": "application/rss+xml"},
    "paths": {
        "/news/a.html": {
            "headers": {"content-type": "text/html; charset=utf-8", "X-Sample": "yes"}
        },
        "/old.html": {"status": 301, "headers": {"Location": "{BASE}/news/a.html"}},
        "/gone.html": {"status": 410},
        "/news/slow.html": {"delay": 0.3},
    },
}


def test_a_generated_site_is_served_with_its_own_table(tmp_path: Path) -> None:
    with SampleSite(make_site(tmp_path, TABLE)) as site:
        status, headers, body = read(site, "/news/a.html?utm_source=x")
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert "Content-Type" not in headers  # overridden, not sent twice
        assert headers["X-Sample"] == "yes"
        assert body == f'<a href="{site.base_url}/news/b.html">b</a>'.encode()
        status, headers, _ = read(site, "/old.html")
        assert (status, headers["Location"]) == (301, site.url("/news/a.html"))
        assert read(site, "/gone.html")[0] == 410
        assert read(site, "/news/feed.xml")[1]["Content-Type"] == "application/rss+xml"
        assert read(site, "/news/data.bin")[1]["Content-Type"] == "application/octet-stream"
        assert read(site, "/")[2] == b"<p>home</p>"
        assert read(site, "/news")[0] == 404  # a directory without index.html
        status, headers, body = read(site, "/map.xml.gz")
        assert headers["Content-Type"] == "application/gzip"
        assert gzip.decompress(body) == f"<loc>{site.base_url}/news/a.html</loc>".encode()


def test_a_root_without_table_serves_plain_files(tmp_path: Path) -> None:
    with SampleSite(make_site(tmp_path, None)) as site:
        assert read(site, "/old.html")[0] == 404
        assert read(site, "/news/a.html")[1]["Content-Type"] == "text/html"


def test_an_explicit_table_overrides_the_neighbouring_one(tmp_path: Path) -> None:
    root = make_site(tmp_path, TABLE)
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({"paths": {"/news/a.html": {"status": 404}}}), "utf-8")
    with SampleSite(root, table=other) as site:
        assert read(site, "/news/a.html")[0] == 404
        assert read(site, "/old.html")[0] == 404
    with pytest.raises(BehaviourTableError, match=r"missing\.yaml"):
        SampleSite(root, table=tmp_path / "missing.yaml")


def test_delayed_requests_are_served_concurrently(tmp_path: Path) -> None:
    with SampleSite(make_site(tmp_path, TABLE)) as site:
        threads = [threading.Thread(target=get, args=(site, "/news/slow.html")) for _ in range(4)]
        begun = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - begun
        records = site.requests
    assert 0.3 <= elapsed < 1.0  # four 0.3 s answers in parallel, not 1.2 s in a row
    assert len(records) == 4
    latest_start = max(r.started_at for r in records)
    earliest_finish = min(r.finished_at for r in records)
    assert latest_start < earliest_finish  # all four were in flight at the same moment


def test_stop_closes_idle_keep_alive_connections(tmp_path: Path) -> None:
    site = SampleSite(make_site(tmp_path, None))
    site.start()
    conn = http.client.HTTPConnection("127.0.0.1", urlsplit(site.base_url).port, timeout=5)
    try:
        conn.request("GET", "/index.html")
        response = conn.getresponse()
        response.read()
        assert response.getheader("Connection") != "close"  # HTTP/1.1 keep-alive
        begun = time.monotonic()
        site.stop()
        assert time.monotonic() - begun < 2
    finally:
        conn.close()
    with pytest.raises(RuntimeError, match="not running"):
        _ = site.base_url
    site.stop()  # a second stop is harmless


def test_lifecycle_errors_are_explicit(tmp_path: Path) -> None:
    with SampleSite(make_site(tmp_path, None)) as site:
        with pytest.raises(RuntimeError, match="already running"):
            site.start()
        with pytest.raises(ValueError, match="start with '/'"):
            site.url("news/a.html")
        response = get(site, "/index.html", "DELETE")
        assert (response.status, response.getheader("Allow")) == (405, "GET, HEAD")
    with pytest.raises(NotADirectoryError, match="nowhere"):
        SampleSite(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([1, 2], "must be a mapping"),
        ({"pages": {}}, "unknown key.*pages"),
        ({"paths": []}, "'paths' must be a mapping"),
        ({"paths": {"news/a.html": {}}}, "must be a URL path"),
        ({"paths": {"/a.html?x=1": {}}}, "without query"),
        ({"paths": {"/a.html": {"stauts": 404}}}, r"paths\['/a.html'\].*unknown key.*stauts"),
        ({"paths": {"/a.html": {"status": 999}}}, "status must be an HTTP status code"),
        ({"paths": {"/a.html": {"status": True}}}, "status must be an HTTP status code"),
        ({"paths": {"/a.html": {"status": 304}}}, "status must be an HTTP status code"),
        ({"paths": {"/a.html": {"status": 150}}}, "status must be an HTTP status code"),
        ({"paths": {"/a.html": {"status": 302}}}, "302 needs a Location header"),
        ({"paths": {"/a.html": {"headers": {"X-A": "1\r\nSet-Cookie: x"}}}}, "one-line"),
        ({"paths": {"/a.html": {"headers": {"Bad Name": "1"}}}}, "not a valid header name"),
        ({"paths": {"/a.html": {"headers": ["X-A"]}}}, "headers must be a mapping"),
        ({"paths": {"/a.html": {"delay": -1}}}, "delay must be between"),
        ({"paths": {"/a.html": {"delay": "1s"}}}, "delay must be a number"),
        ({"content_types": {"html": "text/html"}}, "file extension"),
    ],
)
def test_bad_tables_are_rejected_naming_the_entry(table: Any, message: str) -> None:
    with pytest.raises(BehaviourTableError, match=message):
        parse_behaviour(table, origin="t.yaml")


def test_table_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "site.yaml"
    bad.write_text("paths: {/a.html: {status: [}", encoding="utf-8")
    with pytest.raises(BehaviourTableError, match=r"site\.yaml: not valid YAML"):
        load_behaviour(bad)
    bad.write_text("paths:\n  /a.html: {status: 404}\n  /a.html: {status: 200}\n", "utf-8")
    with pytest.raises(BehaviourTableError, match=r"site\.yaml:3: duplicate key '/a\.html'"):
        load_behaviour(bad)
    bad.write_text("", encoding="utf-8")
    assert load_behaviour(bad).paths == {}


def test_a_success_entry_without_its_file_is_refused(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"paths": {"/news/typo.html": {"headers": {"X-A": "1"}}}})
    with pytest.raises(BehaviourTableError, match=r"no file /news/typo\.html"):
        SampleSite(root)
