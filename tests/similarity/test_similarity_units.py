"""crawler.similarity without a database: parties, evidence, copies, fixture-set floors."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest

from crawler.similarity.evidence import Evidence, dates, numbers
from crawler.similarity.minhash import band_keys
from crawler.similarity.parties import PartiesFileError, find_parties, parse_parties
from crawler.similarity.scoring import StoryFacts, is_near_duplicate, story_score
from crawler.similarity.signature import text_signature
from crawler.similarity.tokens import shingles, text_shingles
from crawler.text.folding import tokens

DATA = Path(__file__).resolve().parents[1] / "data" / "similarity"


@pytest.mark.parametrize(
    ("text", "party"),
    [
        ("Le PNUE et la Chine", "unep"),
        ("联合国环境规划署发布报告", "unep"),
        ("聯合國環境規劃署發布報告", "unep"),
        ("współpraca z Unią Europejską", "eu"),
        ("Unii Europejskiej", "eu"),
        ("欧盟与中国", "eu"),
        ("die EU und Polen", "eu"),
        ("Chiny i Polska", "cn"),
        ("印度尼西亚", "id"),
        ("国連環境計画", "unep"),
    ],
)
def test_parties_are_found_in_every_language(text: str, party: str) -> None:
    assert party in find_parties(text)


def test_acronyms_match_only_in_capitals_and_the_longest_name_wins() -> None:
    assert "eu" not in find_parties("eu sou brasileiro e gosto de energia solar")
    found = find_parties("印度尼西亚和印度")
    assert found["id"] == 1 and found["in"] == 1


@pytest.mark.parametrize(
    "text",
    [
        "Both signed the Paris Agreement.",
        "the Paris climate agreement",
        "l'Accord de Paris sur le climat",
        "das Paris-Abkommen",
        "el Acuerdo de París",
        "el acuerdo climático de París",
        "《巴黎协定》",
        "巴黎協定",
        "巴黎气候协定",
        "パリ協定",
        "Парижское соглашение",
        "Парижского соглашения по климату",
        "Porozumienie paryskie",
        "porozumienia z Paryża",
        "Accordo di Parigi",
        "Acordo de Paris",
        "Übereinkommen von Paris",
        "the Stockholm Convention",
        "the Glasgow Climate Pact",
        "the Treaty of Lisbon",
        "Kunming-Montreal Global Biodiversity Framework",
    ],
)
def test_a_treaty_named_after_a_city_is_not_that_city(text: str) -> None:
    assert not find_parties(text)


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("China and France signed the Paris Agreement in Paris.", "paris"),
        ("Paris and Berlin signed a climate agreement.", "paris"),
        ("Le maire de Paris a signé un accord.", "paris"),
        ("The agreement was signed in Stockholm.", "stockholm"),
        ("巴黎市与上海签署合作协议", "paris"),
    ],
)
def test_the_city_itself_is_still_found_beside_agreements(text: str, city: str) -> None:
    assert find_parties(text)[city] == 1


def test_agreements_between_countries_keep_their_parties() -> None:
    assert set(find_parties("the China-EU climate agreement")) == {"cn", "eu"}


@pytest.mark.parametrize(
    "text",
    [
        "The Paris-Berlin agreement on heat networks was signed by both mayors.",
        "the Paris–Berlin climate agreement",
    ],
)
def test_cities_joined_before_a_lower_case_agreement_are_its_parties(text: str) -> None:
    """City-to-city cooperation ("the Paris-Berlin agreement") names its parties; a treaty
    named after two cities is written as a name ("Kunming-Montreal ... Framework")."""
    assert set(find_parties(text)) == {"paris", "berlin"}


def test_a_malformed_parties_file_names_the_entry() -> None:
    with pytest.raises(PartiesFileError, match=r"party 'x' \(parties\[0\]\): kind"):
        parse_parties([{"id": "x", "name": "X", "kind": "planet", "names": {"en": ["X"]}}])
    with pytest.raises(PartiesFileError, match=r"parties\[0\]: needs exactly"):
        parse_parties([{"id": "x"}])


def test_numbers_are_normalised_across_writing_systems() -> None:
    assert numbers("3,5 mln zł") == numbers("3.5 million") == numbers("350万元") == {"3.5e+06"}
    assert numbers("十二个国家") == {"12"}
    assert numbers("3 projects, 2 countries") == set()
    assert (
        dates("2024年9月9日") == dates("le 9 septembre 2024") == dates("September 9") == {"09-09"}
    )


def test_traditional_and_simplified_chinese_shingle_alike() -> None:
    # crawler/text/hanzi_pairs.txt maps the frequent characters whose forms differ
    assert text_shingles("联合国与中国生态环境部举行年度会议，双方将发展合作") == text_shingles(
        "聯合國與中國生態環境部舉行年度會議，雙方將發展合作"
    )


def test_band_keys_are_stable_and_equal_for_equal_texts() -> None:
    text = "Grid operators from the Baltic Sea region signed a memorandum on Tuesday."
    assert band_keys(shingles(tokens(text))) == band_keys(shingles(tokens(text)))
    assert band_keys(set()) == (0,) * 16


def test_a_story_needs_evidence_beyond_its_parties() -> None:
    same_parties = StoryFacts(("cn", "eu"), Evidence())
    assert story_score(same_parties, same_parties) == 0
    a = StoryFacts(("unep", "ke"), Evidence(numbers=("4.5e+07",), dates=("03-04",)))
    assert story_score(a, a) > 0


def test_the_signature_is_computed_from_title_and_text() -> None:
    sig = text_signature(
        "UNEP and Kenya launch a fund",
        "The fund opened on 4 March in Nairobi with 45 million dollars for mangroves.",
        "en",
    )
    assert {"unep", "ke", "nairobi"} <= set(sig.parties)
    assert "4.5e+07" in sig.evidence.numbers and "03-04" in sig.evidence.dates
    assert len(sig.bands) == 16


def _pairs(docs: list[dict[str, str]], key: str) -> set[tuple[int, int]]:
    return {
        (i, j)
        for i, j in combinations(range(len(docs)), 2)
        if docs[i][key] is not None and docs[i][key] == docs[j][key]
    }


def test_duplicate_fixture_precision_and_recall() -> None:
    """benchmarks/duplicates.py measures 1.000 / 1.000; floors just under."""
    docs = json.loads((DATA / "duplicates.json").read_text(encoding="utf-8"))["documents"]
    grams = [text_shingles(d["text"]) for d in docs]
    keys = [band_keys(g) for g in grams]
    found = {
        (i, j)
        for i, j in combinations(range(len(docs)), 2)
        if set(enumerate(keys[i])) & set(enumerate(keys[j]))
        and is_near_duplicate(grams[i], grams[j])
    }
    truth = _pairs(docs, "group")
    assert len(truth) >= 40
    assert len(found & truth) / len(found) >= 0.97
    assert len(found & truth) / len(truth) >= 0.97
