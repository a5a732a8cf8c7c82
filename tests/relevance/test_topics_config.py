"""Topics files and the sources-file settings that choose them: every mistake is one clear
error naming the file and the key; a topics file of one's own reuses the whole machinery."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.config import load_config, parse_config
from crawler.errors import ConfigError
from crawler.relevance import DEFAULT_TOPICS, TopicsError, assess, load_topics
from crawler.relevance.topics import parse_topics
from crawler.settings import source_settings

OCEAN = """
name: ocean-cooperation
concepts:
  ocean:
    group: subject
    terms:
      en: [ocean*, "marine protected area*", fisheries]
      fr: [océan*, pêche*]
  together:
    group: cooperation
    terms:
      en: [agreement*, partnership]
      fr: [accord*]
  parties:
    group: party
    terms: {en: [between], fr: [entre]}
    pairs: {en: [and], fr: [et]}
"""

SOURCE = """
sources:
  - name: wire
    feeds: ["https://example.org/rss"]
"""


def test_a_topics_file_of_ones_own_reuses_the_machinery() -> None:
    ocean = parse_topics(OCEAN, "ocean.yaml")
    found = assess("Chile and Peru sign ocean agreement", "Marine protected areas.", "en", ocean)
    assert found.relevant and found.topics == ("ocean", "together")
    assert not assess("Chile and Peru sign climate agreement", "", "en", ocean).relevant


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: x\nconcepts: {a: {group: subject, terms: {en: [a]}}}",
            "concepts: no concept of group 'cooperation'",
        ),
        (
            OCEAN.replace("fisheries]", "fisheries]\n      xx-yy: [a]"),
            "concepts.ocean.terms: 'xx-yy' is not a language",
        ),
        (
            OCEAN.replace("fisheries", "fish*eries"),
            "concepts.ocean.terms.en[2]: term 'fish*eries': '*' may only start or end a word",
        ),
        (
            OCEAN.replace("partnership", "partnership: -1"),
            "concepts.together.terms.en[1]: term 'partnership': weight must be a positive number",
        ),
        (
            OCEAN.replace("    group: subject", "    group: subject\n    colour: blue"),
            "concepts.ocean.colour: unknown key",
        ),
        (
            OCEAN.replace(
                "[accord*]",
                "[accord*]\n  more:\n    group: cooperation\n    terms: {fr: [accord*]}",
            ),
            "term 'accord*' (fr) is in both 'together' and 'more'",
        ),
        (
            OCEAN.replace("    pairs: {en: [and], fr: [et]}", "").replace(
                "  parties:\n    group: party",
                "  parties:\n    group: penalty\n    pairs: {en: [and]}",
            ),
            "pairs are only for concepts of group 'party'",
        ),
        ("name: [unclosed", "not valid YAML at line 1"),
        (
            OCEAN.replace("    group: subject", "    group: subject\n    group: cooperation"),
            "duplicate key 'group'",
        ),
        ("- a list", "expected a mapping"),
    ],
)
def test_an_invalid_topics_file_names_the_file_and_key(text: str, message: str) -> None:
    with pytest.raises(TopicsError) as caught:
        parse_topics(text, "mine.yaml")
    assert str(caught.value).startswith("mine.yaml:")
    assert message in str(caught.value)


def test_a_missing_topics_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(TopicsError, match=r"nowhere\.yaml: topics file not found"):
        load_topics(tmp_path / "nowhere.yaml")


def test_the_default_is_the_shipped_climate_cooperation_file() -> None:
    topics = load_topics(None)
    assert topics.name == "climate-cooperation" and topics.path == str(DEFAULT_TOPICS)
    assert topics.languages >= {"en", "fr", "de", "es", "pl", "pt", "it", "ja", "ru", "zh"}
    assert load_topics(None) is topics  # cached


def test_topics_paths_are_relative_to_the_sources_file(tmp_path: Path) -> None:
    (tmp_path / "ocean.yaml").write_text(OCEAN, encoding="utf-8")
    (tmp_path / "topics").mkdir()
    (tmp_path / "topics" / "local.yaml").write_text(OCEAN, encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "topics: ocean.yaml\n" + SOURCE + "    topics: topics/local.yaml\n"
        "  - name: other\n    feeds: ['https://example.org/b']\n",
        encoding="utf-8",
    )
    config = load_config(sources)
    wire, other = config.sources
    assert config.resolved(wire).topics == str(tmp_path / "topics" / "local.yaml")
    assert config.resolved(other).topics == str(tmp_path / "ocean.yaml")


def test_without_topics_the_shipped_default_is_used() -> None:
    config = parse_config(SOURCE)
    settings = source_settings(config.resolved(config.sources[0]))
    assert settings["NEWSMON_TOPICS"] is None
    assert settings["NEWSMON_IRRELEVANT"] == "keep"


def test_irrelevant_defaults_to_keep_and_a_source_may_drop() -> None:
    config = parse_config(
        "crawl: {irrelevant: drop}\n" + SOURCE + "    irrelevant: keep\n"
        "  - name: other\n    feeds: ['https://example.org/b']\n"
    )
    wire, other = config.sources
    assert config.resolved(wire).irrelevant == "keep"
    assert config.resolved(other).irrelevant == "drop"
    overridden = config.with_irrelevant("keep")
    assert {overridden.resolved(s).irrelevant for s in overridden.sources} == {"keep"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "    irrelevant: maybe\n",
            "<config>: source 'wire' (sources[0]): irrelevant: Input should be 'keep' or 'drop'",
        ),
        ("crawl: {irrelevant: yes}\n", "<config>: crawl.irrelevant: Input should be 'keep' or"),
    ],
)
def test_a_bad_irrelevant_value_names_the_field(extra: str, message: str) -> None:
    text = extra + SOURCE if extra.startswith("crawl") else SOURCE + extra
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert str(caught.value).startswith(message)


def test_a_broken_topics_file_is_a_config_error_naming_both_files(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("name: bad\nconcepts: {}\n", encoding="utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(SOURCE + "    topics: bad.yaml\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(sources)
    assert str(caught.value).startswith(
        f"{sources}: source 'wire' (sources[0]): topics: {tmp_path / 'bad.yaml'}: concepts: "
        "no concept of group 'subject'"
    )
    sources.write_text("topics: missing.yaml\n" + SOURCE, encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"sources\.yaml: topics: .*missing\.yaml: topics "
        r"file not found",
    ):
        load_config(sources)
