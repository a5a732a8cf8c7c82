"""The fault mode of the sample-site server (crawler/demo/faults.py): each fault, on the wire."""

from __future__ import annotations

import gzip
import http.client
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from crawler.demo.behaviour import BehaviourTableError, parse_behaviour
from crawler.demo.faults import gzip_bomb, gzip_bomb_size, huge_body
from crawler.demo.server import SampleSite

PAGE = "<html><body><p>" + "An article about a climate pact. " * 60 + "</p></body></html>\n"
TABLE = {
    "paths": {
        "/flaky.html": {"fault": {"kind": "flaky", "status": 503, "times": 2, "retry_after": 1}},
        "/reset.html": {"fault": {"kind": "reset", "after_bytes": 100}},
        "/stall.html": {"fault": {"kind": "stall", "seconds": 30, "after_bytes": 10}},
        "/huge.html": {"fault": {"kind": "huge", "size": 300_000}},
        "/huge-unsized.html": {"fault": {"kind": "huge", "size": 300_000, "content_length": False}},
        "/bomb.html": {"fault": {"kind": "gzip_bomb", "inflated": "1GiB"}},
        "/bomb.xml.gz": {
            "fault": {"kind": "gzip_bomb", "inflated": "3MiB", "content_encoding": False}
        },
        "/archive": {
            "headers": {"Content-Type": "text/html"},
            "fault": {"kind": "calendar", "param": "page"},
        },
        "/list.html": {"fault": {"kind": "session_ids"}},
    }
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SampleSite]:
    base = tmp_path_factory.mktemp("faultsite")
    root = base / "site"
    root.mkdir()
    for name in ("flaky.html", "reset.html", "stall.html"):
        (root / name).write_text(PAGE, encoding="utf-8")
    (root / "archive").write_text(
        '<h1>Page {N}</h1><a href="/archive?page={NEXT}">older</a>', encoding="utf-8"
    )
    (root / "list.html").write_text(
        '<a href="/news/1.html?sid={SESSION}">one</a>', encoding="utf-8"
    )
    (base / "site.yaml").write_text(yaml.safe_dump(TABLE), encoding="utf-8")
    with SampleSite(root) as running:
        yield running


def connect(site: SampleSite, timeout: float = 5) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", urlsplit(site.base_url).port, timeout=timeout)


def get(site: SampleSite, target: str) -> tuple[int, dict[str, str], bytes]:
    conn = connect(site)
    try:
        conn.request("GET", target)
        response = conn.getresponse()
        return response.status, dict(response.headers), response.read()
    finally:
        conn.close()


def test_flaky_answers_its_status_then_the_file(site: SampleSite) -> None:
    first, second, third = (get(site, "/flaky.html") for _ in range(3))
    assert (first[0], first[1]["Retry-After"]) == (503, "1")
    assert second[0] == 503
    assert (third[0], third[2].decode()) == (200, PAGE)
    assert [r.status for r in site.requests if r.path == "/flaky.html"] == [503, 503, 200]


def test_reset_cuts_the_body_with_a_tcp_reset(site: SampleSite) -> None:
    conn = connect(site)
    conn.request("GET", "/reset.html")
    response = conn.getresponse()
    assert int(response.headers["Content-Length"]) == len(PAGE)
    with pytest.raises((http.client.IncompleteRead, ConnectionResetError)):
        response.read()
    conn.close()


def test_stall_sends_headers_then_nothing(site: SampleSite) -> None:
    conn = connect(site, timeout=0.5)
    conn.request("GET", "/stall.html")
    response = conn.getresponse()
    assert response.status == 200
    assert response.read(10) == PAGE[:10].encode()
    with pytest.raises(TimeoutError):
        response.read(1)
    conn.close()


@pytest.mark.parametrize("path", ["/huge.html", "/huge-unsized.html"])
def test_huge_body_is_streamed_to_its_size(site: SampleSite, path: str) -> None:
    status, headers, body = get(site, path)
    assert status == 200 and len(body) == 300_000
    if path == "/huge.html":
        assert headers["Content-Length"] == "300000"
    else:
        assert "Content-Length" not in headers and headers["Connection"] == "close"
    assert body.startswith(b"<!DOCTYPE html>") and b"<p>filler text" in body


def test_huge_body_generator_is_exact() -> None:
    for size in (1, 50, 65_536, 65_537, 200_003):
        assert sum(map(len, huge_body(size))) == size


def test_gzip_bomb_is_small_on_the_wire_and_inflates_to_spaces(site: SampleSite) -> None:
    status, headers, body = get(site, "/bomb.html")
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert int(headers["Content-Length"]) == len(body) == gzip_bomb_size(1 << 30)
    assert len(body) < 2 * 1024 * 1024
    inflater = zlib.decompressobj(wbits=31)
    assert inflater.decompress(body, 1 << 20) == b" " * (1 << 20)


def test_gzip_bomb_is_valid_gzip_down_to_its_crc() -> None:
    for size in (0, 100, (1 << 20) * 3 + 12_345):
        data = b"".join(gzip_bomb(size))
        assert len(data) == gzip_bomb_size(size)
        assert gzip.decompress(data) == b" " * size  # checks CRC-32 and length


def test_gzip_bomb_as_a_file(site: SampleSite) -> None:
    status, headers, body = get(site, "/bomb.xml.gz")
    assert (status, headers["Content-Type"]) == (200, "application/gzip")
    assert "Content-Encoding" not in headers
    assert gzip.decompress(body) == b" " * (3 << 20)


def test_calendar_links_the_next_page_forever(site: SampleSite) -> None:
    page = get(site, "/archive?page=41")[2]
    assert page == b'<h1>Page 41</h1><a href="/archive?page=42">older</a>'
    assert b"/archive?page=2" in get(site, "/archive")[2]


def test_session_ids_change_on_every_request(site: SampleSite) -> None:
    first, second = get(site, "/list.html")[2], get(site, "/list.html")[2]
    assert first != second and b"{SESSION}" not in first + second


def test_a_stalled_response_does_not_hold_up_stopping(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "stall.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "site.yaml").write_text(
        yaml.safe_dump({"paths": {"/stall.html": {"fault": {"kind": "stall", "seconds": 600}}}}),
        encoding="utf-8",
    )
    site = SampleSite(root)
    site.start()
    conn = connect(site)
    conn.request("GET", "/stall.html")
    response = conn.getresponse()
    assert response.status == 200
    site.stop()  # returns: the stalled handler is woken and its connection reset
    with pytest.raises((http.client.IncompleteRead, ConnectionResetError)):
        response.read()
    conn.close()


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (
            {"kind": "teapot"},
            "kind must be one of calendar, flaky, gzip_bomb, huge, reset, "
            "session_ids, stall, got 'teapot'",
        ),
        ("reset", "must be a mapping with a 'kind', got str"),
        ({"kind": "flaky", "status": 200, "times": 1}, "status must be an integer from 400"),
        ({"kind": "flaky", "status": 503}, "times must be an integer from 1 to 1000, got None"),
        ({"kind": "huge", "size": "lots"}, "size must be a size like 20MiB or 1GB, got 'lots'"),
        ({"kind": "huge", "size": "1KB", "chunked": True}, "unknown key(s) chunked"),
        ({"kind": "stall", "seconds": -1}, "seconds must be a number from 0 to 600"),
        (
            {"kind": "gzip_bomb", "inflated": "1GB", "content_encoding": "yes"},
            "content_encoding must be true or false, got 'yes'",
        ),
        ({"kind": "calendar", "param": "page[]"}, "param must be a query parameter name"),
    ],
)
def test_a_bad_fault_entry_names_the_path_and_the_field(fault: Any, message: str) -> None:
    with pytest.raises(BehaviourTableError) as caught:
        parse_behaviour({"paths": {"/a.html": {"fault": fault}}}, origin="site.yaml")
    assert str(caught.value).startswith("site.yaml: paths['/a.html']: fault: ")
    assert message in str(caught.value)


def test_a_fault_that_rewrites_a_file_needs_the_file(tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (tmp_path / "site.yaml").write_text(
        yaml.safe_dump(
            {
                "paths": {
                    "/gone.html": {"fault": {"kind": "reset", "after_bytes": 1}},
                    "/big.html": {"fault": {"kind": "huge", "size": 10}},
                }
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(BehaviourTableError, match=r"\['/gone.html'\]: fault reset but no file"):
        SampleSite(root)
