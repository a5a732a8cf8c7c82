"""The sources file: the promised shape loads, and every kind of mistake is named precisely."""

from __future__ import annotations

import textwrap

import pytest

from crawler.config import load_config, parse_config, resolve_config_path
from crawler.errors import ConfigError

PROMISED_SHAPE = textwrap.dedent(
    r"""
    sources:
      - name: prwire-fr                      # unique, [a-z0-9_-]+
        feeds: ["https://example.org/rss.xml"]        # RSS 2.0, RSS 1.0/RDF, Atom
      - name: cnportal
        sitemaps: ["https://example.cn/sitemap.xml"]  # urlset, sitemap index, gzip, Google News
        language: zh                          # optional hint
      - name: carbontrade
        start_urls: ["https://example.com/news/list_1.html"]
        follow: ['/news/list_\d+\.html']      # regexes: listing/pagination pages to walk
        article_urls: ['/news/\d{4}/\d+\.html']  # regexes: which links are articles
    """
)


def test_promised_shape_loads() -> None:
    config = parse_config(PROMISED_SHAPE)
    assert [s.name for s in config.sources] == ["prwire-fr", "cnportal", "carbontrade"]
    carbontrade = config.source("carbontrade")
    assert carbontrade.follow == (r"/news/list_\d+\.html",)
    assert carbontrade.article_urls == (r"/news/\d{4}/\d+\.html",)
    assert config.source("cnportal").language == "zh"
    assert config.crawl.obey_robots is True
    assert config.crawl.concurrency_per_domain == 2


def test_a_source_may_combine_discovery_kinds() -> None:
    config = parse_config(
        "sources:\n  - name: mixed\n    feeds: ['https://a.org/rss']\n"
        "    sitemaps: ['https://a.org/sitemap.xml']\n"
        "    start_urls: ['https://a.org/news/']\n    article_urls: ['/news/\\d+']\n"
    )
    assert config.sources[0].discovery_urls == (
        "https://a.org/rss",
        "https://a.org/sitemap.xml",
        "https://a.org/news/",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n    colour: red\n",
            "source 'a' (sources[0]): colour: unknown key",
        ),
        (
            "sources:\n  - name: a\n    feeds: ['ftp://a.org/rss']\n",
            "source 'a' (sources[0]): feeds[0]: not an http(s) URL: 'ftp://a.org/rss'",
        ),
        (
            "sources:\n  - name: a\n    feeds: ['not a url']\n",
            "source 'a' (sources[0]): feeds[0]: not an http(s) URL",
        ),
        (
            "sources:\n  - name: ok\n    feeds: ['https://a.org/rss']\n"
            "  - name: b\n    start_urls: ['https://b.org/']\n    article_urls: ['/news/(\\d+']\n",
            "source 'b' (sources[1]): article_urls[0]: invalid regex '/news/(\\\\d+'",
        ),
        (
            "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n"
            "  - name: a\n    feeds: ['https://b.org/rss']\n",
            "sources: duplicate source name 'a'",
        ),
        ("sources: []\n", "sources: the file lists no sources"),
        ("sources: {}\n", "sources: the file lists no sources"),
        ("sources:\n# none yet\n", "sources: the file lists no sources"),
        (
            "sources:\n  real: {feeds: ['https://a.org/rss']}\n",
            "sources: a mapping, not a list of sources: write each as '- name: ...'",
        ),
        ("sources: carbon-brief\n", "sources: 'carbon-brief' is not a list of sources"),
        (
            "sources:\n  - name: empty\n",
            "source 'empty' (sources[0]): a source needs at least one of feeds, sitemaps or "
            "start_urls",
        ),
        (
            "sources:\n  - name: Bad Name\n    feeds: ['https://a.org/rss']\n",
            "source 'Bad Name' (sources[0]): name: 'Bad Name' is not a slug",
        ),
        (
            "sources:\n  - name: a\n    start_urls: ['https://a.org/']\n",
            "source 'a' (sources[0]): start_urls needs article_urls",
        ),
        (
            "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n    language: chinese\n",
            "source 'a' (sources[0]): language: 'chinese' is not an ISO 639-1 code",
        ),
        (
            "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n    language: xx\n",
            "source 'a' (sources[0]): language: 'xx' is not a language code newsmon knows",
        ),
        (
            "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n    timezone: Mars/Base\n",
            "source 'a' (sources[0]): timezone: unknown time zone 'Mars/Base'",
        ),
        (
            "sources:\n  - feeds: ['https://a.org/rss']\n",
            "sources[0]: name: required key is missing",
        ),
        (
            "crawl:\n  concurrency_per_domain: 0\nsources:\n  - name: a\n    feeds: ['https://a.org/r']\n",
            "crawl.concurrency_per_domain: Input should be greater than or equal to 1",
        ),
        ("feeds: [x]\n", "sources: required key is missing"),
        ("- just\n- a list\n", "expected a mapping with a 'sources' list"),
        ("sources: [\n", "not valid YAML at line"),
        # YAML forbids a key twice in a mapping; PyYAML would keep the last one silently.
        (
            "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n"
            "    feeds: ['https://a.org/atom']\n",
            "4: duplicate key 'feeds' (first at line 3)",
        ),
        (
            "crawl: {concurrency: 4}\nsources:\n  - name: a\n    feeds: ['https://a.org/r']\n"
            "crawl: {concurrency: 8}\n",
            "5: duplicate key 'crawl' (first at line 1)",
        ),
    ],
)
def test_invalid_files_name_source_and_field(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, origin="sources.yaml")
    assert f"sources.yaml: {expected}" in str(info.value) or expected in str(info.value)
    assert str(info.value).startswith("sources.yaml:")


def test_keys_merged_in_may_be_overridden() -> None:
    # `<<` merges a mapping's keys in, and giving one of them again is the point of merging.
    config = parse_config(
        "sources:\n  - &a {name: a, feeds: ['https://a.org/rss'], language: fr}\n"
        "  - <<: *a\n    name: b\n    language: de\n"
    )
    assert [(s.name, s.language) for s in config.sources] == [("a", "fr"), ("b", "de")]


def test_every_problem_is_reported_not_just_the_first() -> None:
    text = "sources:\n  - name: a\n    feeds: ['nope']\n  - name: b\n    sitemaps: ['also nope']\n"
    with pytest.raises(ConfigError) as info:
        parse_config(text, origin="f.yaml")
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert "source 'a'" in lines[0] and "source 'b'" in lines[1]


def test_config_path_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("NEWSMON_CONFIG", raising=False)
    assert str(resolve_config_path(None)) == "sources.yaml"
    monkeypatch.setenv("NEWSMON_CONFIG", str(tmp_path / "env.yaml"))
    assert resolve_config_path(None) == tmp_path / "env.yaml"
    assert str(resolve_config_path("cli.yaml")) == "cli.yaml"


def test_missing_and_non_utf8_files(tmp_path) -> None:
    with pytest.raises(ConfigError, match="sources file not found"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("sources:\n  - name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(bad)


def test_select_unknown_source_names_the_known_ones() -> None:
    config = parse_config(PROMISED_SHAPE)
    with pytest.raises(ConfigError, match="unknown source 'nope'; known: carbontrade, cnportal"):
        config.select(["nope"])
    assert [s.name for s in config.select(["cnportal", "cnportal"])] == ["cnportal"]


def test_shipped_sources_file_is_valid() -> None:
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[1] / "sources.yaml"
    config = load_config(shipped)
    assert len(config.sources) >= 10


def test_extraction_rules_are_validated_and_regex_spaces_kept() -> None:
    config = parse_config(
        "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n    extraction:\n"
        "      drop: ['div.promo']\n      keep: ['article .body']\n"
        "      drop_lines: ['^SOURCE ']\n"
    )
    rules = config.sources[0].extraction
    assert rules.drop == ("div.promo",) and rules.keep == ("article .body",)
    assert rules.drop_lines == ("^SOURCE ",)
    with pytest.raises(ConfigError, match=r"extraction\.drop\[0\]: invalid CSS selector 'div\[\['"):
        parse_config(
            "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n"
            "    extraction:\n      drop: ['div[[']\n",
            origin="s.yaml",
        )
