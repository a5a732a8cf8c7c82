"""``newsmon sources import``: a feed reader's OPML export becomes one proposed source per site,
appended to the sources file as ``sources add`` appends its entry; bad files change nothing.

Without ``--check`` nothing is fetched, so the fixture may name real sites; the ``--check``
test serves its feeds from 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crawler.cli import main
from crawler.config import load_config
from crawler.demo.server import SampleSite
from crawler.onboarding.opml import feed_key, site_of
from tests.conftest import FAST_CRAWL, RunNewsmon

OPML = Path(__file__).parent / "data" / "subscriptions.opml"
SOURCES = """\
# my sources: keep this comment
sources:
  # climate desk
  - name: carbonbrief   # the one we read daily
    feeds: ["https://www.carbonbrief.org/feed/"]

# crawl settings below
crawl:
  download_delay: 2
"""
# name -> feeds, in the order the sites first appear in the OPML
EXPECTED = {
    "sueddeutsche": (
        "https://rss.sueddeutsche.de/rss/Politik",
        "https://rss.sueddeutsche.de/rss/Wissen",
    ),
    "lemonde": ("https://www.lemonde.fr/planete/rss_full.xml",),
    "wyborcza": ("http://wyborcza.pl/pub/rss/wyborcza_srodowisko.xml",),
    "chinadaily": ("http://www.chinadaily.com.cn/rss/china_rss.xml",),
    "tanpaifang": ("http://www.tanpaifang.com/rss.xml",),
    # the name of the site's own source is taken
    "carbonbrief-org": ("https://www.carbonbrief.org/category/policy/feed/",),
    # two blogs on one shared host are two sites
    "klimablog": ("https://klimablog.blogspot.com/feeds/posts/default",),
    "energynotes": ("https://energynotes.blogspot.com/feeds/posts/default?alt=rss",),
}


def import_(config: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(
        main,
        ["--config", str(config), "sources", "import", *args],
        input=input,
        env={"NEWSMON_CONFIG": None},
    )


def sources_file(tmp_path: Path, text: str = SOURCES) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_proposes_one_source_per_site_and_appends_them(tmp_path: Path) -> None:
    config = sources_file(tmp_path)
    result = import_(config, str(OPML), "--yes")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(f"{OPML}: 12 feed(s) (OPML 2.0, 'Klima-Abos')\n")
    assert (
        "skipped https://www.carbonbrief.org/feed/ (Carbon Brief): already configured in "
        "source 'carbonbrief'"
    ) in out
    assert (
        "skipped http://www.lemonde.fr/planete/rss_full.xml (Le Monde (Planète)): listed "
        "twice: same feed as https://www.lemonde.fr/planete/rss_full.xml"
    ) in out
    assert (
        "skipped file:///home/anna/feeds/archive.xml (Local archive): not an http(s) feed "
        "(a file: URL)"
    ) in out
    assert (
        "skipped https://lists.example.org/climate.opml (Shared climate list): a "
        "subscription list included by reference"
    ) in out
    assert "proposed entries for" in out and "8 source(s) with 9 feed(s)" in out
    assert ("note: carbonbrief-org: the site already has source 'carbonbrief'") in out
    assert "note: the feeds were not fetched" in out
    assert result.stderr == (
        f"added 8 source(s) with 9 feed(s) to {config}; try: newsmon sources check sueddeutsche\n"
    )

    after = config.read_text(encoding="utf-8")
    # the entries went in after the last source, before the crawl section; nothing else moved
    head, tail = SOURCES.split("\n# crawl settings below\n")
    assert after.startswith(head) and after.endswith("\n# crawl settings below\n" + tail)
    added = after[len(head) : -len("\n# crawl settings below\n" + tail)]
    assert added.count("  # imported by `newsmon sources import` on ") == 8
    # titles and folders, non-ASCII as written, as comments above each entry
    assert (
        "  # Süddeutsche Zeitung – Politik (Nachrichten/Europa)\n"
        "  # Süddeutsche Zeitung – Wissen (Nachrichten/Europa)\n"
        "  - name: sueddeutsche\n"
        '    feeds: ["https://rss.sueddeutsche.de/rss/Politik", '
        '"https://rss.sueddeutsche.de/rss/Wissen"]\n'
    ) in added
    # a feed filed in two folders keeps both
    assert "  # Le Monde – Planète (Nachrichten/Europa, Climate)\n  - name: lemonde\n" in added
    assert "  # 中国日报 – 中国 (中文)\n  - name: chinadaily\n" in added

    loaded = load_config(config)
    assert {s.name: s.feeds for s in loaded.sources} == {
        "carbonbrief": ("https://www.carbonbrief.org/feed/",),
        **EXPECTED,
    }
    assert loaded.crawl.download_delay == 2
    listed = CliRunner().invoke(
        main, ["--config", str(config), "sources", "list", "--format", "json"]
    )
    assert listed.exit_code == 0, listed.output
    assert [row["name"] for row in json.loads(listed.stdout)] == ["carbonbrief", *EXPECTED]


def test_importing_again_finds_nothing_new_and_leaves_the_file_alone(tmp_path: Path) -> None:
    config = sources_file(tmp_path)
    assert import_(config, str(OPML), "--yes").exit_code == 0
    before = config.read_bytes()
    result = import_(config, str(OPML), "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("already configured in source") == 11
    assert result.stderr.startswith(f"nothing to import from {OPML}: ")
    assert config.read_bytes() == before


def test_import_asks_first_and_no_keeps_the_file(tmp_path: Path) -> None:
    config = sources_file(tmp_path)
    result = import_(config, str(OPML), input="n\n")
    assert result.exit_code == 0, result.output
    assert f"append them to {config}? [Y/n]" in result.stdout
    assert result.stderr == f"{config} unchanged\n"
    assert config.read_text(encoding="utf-8") == SOURCES


def test_import_creates_a_missing_sources_file(tmp_path: Path) -> None:
    config = tmp_path / "sources.yaml"
    result = import_(config, str(OPML), input="y\n")
    assert result.exit_code == 0, result.output
    text = config.read_text(encoding="utf-8")
    assert text.startswith("sources:\n  # imported by `newsmon sources import` on ")
    # without a source of its own, carbonbrief.org gets its plain name and both feeds
    assert load_config(config).source("carbonbrief").feeds == (
        "https://www.carbonbrief.org/feed/",
        "https://www.carbonbrief.org/category/policy/feed/",
    )


def test_an_opml_in_latin_1_keeps_its_titles(tmp_path: Path) -> None:
    opml = tmp_path / "old-reader.opml"
    opml.write_bytes(
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<opml version="1.0"><body>'
        '<outline text="Münchner Blätter"><outline text="Süd &amp; Nord" type="rss" '
        'xmlUrl="https://www.example.de/feed.xml"/></outline></body></opml>\n'.encode("latin-1")
    )
    config = sources_file(tmp_path)
    result = import_(config, str(opml), "--yes")
    assert result.exit_code == 0, result.output
    assert "  # Süd & Nord (Münchner Blätter)\n  - name: example\n" in config.read_text(
        encoding="utf-8"
    )


def test_a_title_cannot_break_out_of_its_comment(tmp_path: Path) -> None:
    opml = tmp_path / "lines.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline type="rss" text="One&#10;- name: injected&#10;'
        '  feeds: [&quot;https://evil.example/&quot;]" xmlUrl="https://www.example.org/rss"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    config = sources_file(tmp_path)
    result = import_(config, str(opml), "--yes")
    assert result.exit_code == 0, result.output
    assert [s.name for s in load_config(config).sources] == ["carbonbrief", "example"]
    assert '  # One - name: injected feeds: ["https://evil.example/"]\n' in config.read_text(
        encoding="utf-8"
    )


BAD_FILES = {
    "empty": (b"", "empty file, not an OPML subscription list"),
    "blank": (b"\n  \n", "empty file, not an OPML subscription list"),
    "truncated": (OPML.read_bytes()[:1500], "not well-formed XML: "),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not well-formed XML: "),
    "JSON": (b'{"feeds": ["https://example.org/rss"]}', "not well-formed XML: "),
    "HTML page": (
        b"<!DOCTYPE html><html><body><p>Export<br></p></body></html>",
        "not well-formed XML: ",
    ),
    "a feed, not a list": (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
        "not an OPML subscription list (its root element is <rss>, not <opml>)",
    ),
    "no outlines": (
        b'<?xml version="1.0"?><opml version="2.0"><head><title>Empty</title></head><body/></opml>',
        "the OPML lists no feeds (no <outline> with an xmlUrl)",
    ),
    "folders only": (
        b'<opml version="1.0"><body><outline text="News"><outline text="Europe"/>'
        b"</outline></body></opml>",
        "the OPML lists no feeds (no <outline> with an xmlUrl)",
    ),
    "undefined entity": (
        b'<opml version="2.0"><body><outline text="A&nbsp;B" '
        b'xmlUrl="https://example.org/rss"/></body></opml>',
        "not well-formed XML: Entity 'nbsp' not defined",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_opml_is_one_line_exit_2_and_changes_nothing(tmp_path: Path, case: str) -> None:
    data, message = BAD_FILES[case]
    opml = tmp_path / "export.opml"
    opml.write_bytes(data)
    config = sources_file(tmp_path)
    before = config.read_bytes()
    result = import_(config, str(opml), "--yes")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"newsmon: error: {opml}: {message}"), result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""
    assert config.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.opml", "sources.yaml"]


def test_a_missing_opml_file_is_one_line_exit_2(tmp_path: Path) -> None:
    config = sources_file(tmp_path)
    result = import_(config, str(tmp_path / "nope.opml"), "--yes")
    assert result.exit_code == 2
    assert result.stderr.startswith("newsmon: error: Invalid value for 'FILE': File ")
    assert "nope.opml' does not exist" in result.stderr
    assert config.read_text(encoding="utf-8") == SOURCES


def test_an_invalid_sources_file_is_reported_and_kept(tmp_path: Path) -> None:
    config = sources_file(tmp_path, "sources:\n  - name: Bad Name\n    feeds: [x]\n")
    before = config.read_bytes()
    result = import_(config, str(OPML), "--yes")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"newsmon: error: {config}: source 'Bad Name'")
    assert config.read_bytes() == before


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://rss.sueddeutsche.de/rss/Politik", "https://www.sueddeutsche.de/politik"),
        ("https://feeds.bbci.co.uk/news/rss.xml", "https://www.bbci.co.uk/"),
        ("http://127.0.0.1:8001/feed", "http://127.0.0.1:8001/other"),
    ],
)
def test_one_site(a: str, b: str) -> None:
    assert site_of(a) == site_of(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "https://alice.blogspot.com/feeds/posts/default",
            "https://bob.blogspot.com/feeds/posts/default",
        ),
        ("https://www.example.com/rss", "https://www.example.org/rss"),
        ("http://127.0.0.1:8001/feed", "http://127.0.0.1:8002/feed"),
    ],
)
def test_two_sites(a: str, b: str) -> None:
    assert site_of(a) != site_of(b)


def test_one_feed_spelled_two_ways() -> None:
    assert feed_key("HTTP://Example.org:80/rss?utm_source=reader") == feed_key(
        "https://example.org/rss"
    )
    assert feed_key("https://example.org/rss?page=2") != feed_key("https://example.org/rss")


RSS = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
    "</title><link>{{BASE}}/</link><description>d</description>{items}</channel></rss>"
)
ITEM = "<item><title>Story {n}</title><link>{{BASE}}/news/{n}.html</link></item>"
ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>copy</title><id>urn:x</id><updated>2026-11-20T00:00:00Z</updated>{entries}"
    "</feed>"
)
ENTRY = (
    "<entry><title>Story {n}</title><id>urn:{n}</id><updated>2026-11-20T00:00:00Z"
    '</updated><link href="{{BASE}}/news/{n}.html"/></entry>'
)


@pytest.mark.slow
def test_check_fetches_each_feed_once_and_leaves_out_what_fails(
    run_newsmon: RunNewsmon, tmp_path: Path
) -> None:
    root = tmp_path / "site"
    root.mkdir()
    files = {
        "rss.xml": RSS.format(title="News", items="".join(ITEM.format(n=n) for n in (1, 2))),
        # an Atom copy of rss.xml: the same articles
        "atom.xml": ATOM.format(entries="".join(ENTRY.format(n=n) for n in (1, 2))),
        "climate.xml": RSS.format(title="Klima", items=ITEM.format(n=3)),
        "empty.xml": RSS.format(title="Empty", items=""),
        "index.html": "<!DOCTYPE html><html><body><p>Home</p></body></html>",
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    config = sources_file(tmp_path, SOURCES.split("\n# crawl settings")[0] + FAST_CRAWL)
    with SampleSite(root) as site:
        urls = {name: site.url(f"/{name}") for name in (*files, "gone.xml")}
        outlines = "".join(
            f'<outline type="rss" text="{name}" xmlUrl="{url}"/>' for name, url in urls.items()
        )
        opml = tmp_path / "local.opml"
        opml.write_text(f'<opml version="2.0"><body>{outlines}</body></opml>', encoding="utf-8")
        result = run_newsmon(
            "--config", str(config), "sources", "import", str(opml), "--check", "--yes"
        )
        fetched = sorted(r.path for r in site.requests if r.path != "/robots.txt")
    assert result.returncode == 0, result.stderr
    assert fetched == sorted(f"/{name}" for name in (*files, "gone.xml"))
    out = result.stdout
    assert f"ok feed     {urls['rss.xml']}  feed: 2 entries" in out
    assert (
        f"skipped {urls['atom.xml']} (atom.xml): lists the same articles as "
        f"{urls['rss.xml']}" in out
    )
    assert f"skipped {urls['empty.xml']} (empty.xml): feed: 0 entries" in out
    assert f"skipped {urls['index.html']} (index.html): not a feed (an HTML page)" in out
    assert f"skipped {urls['gone.xml']} (gone.xml): HTTP 404" in out
    assert "note: the feeds were not fetched" not in out
    # a host without a registered domain: the source is named after the first feed's title
    source = load_config(config).source("rss-xml")
    assert source.feeds == (urls["rss.xml"], urls["climate.xml"])


@pytest.mark.slow
def test_check_with_no_feed_left_exits_1(run_newsmon: RunNewsmon, tmp_path: Path) -> None:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<html><body><p>Home</p></body></html>", encoding="utf-8")
    config = sources_file(tmp_path)
    with SampleSite(root) as site:
        opml = tmp_path / "local.opml"
        opml.write_text(
            f'<opml version="2.0"><body><outline text="Home" '
            f'xmlUrl="{site.url("/index.html")}"/></body></opml>',
            encoding="utf-8",
        )
        result = run_newsmon(
            "--config", str(config), "sources", "import", str(opml), "--check", "--yes"
        )
    assert result.returncode == 1
    assert result.stderr == (
        f"newsmon: error: {opml}: no new feed passed the check; {config} unchanged\n"
    )
    assert config.read_text(encoding="utf-8") == SOURCES
