"""Evidence terms as stored in ``article_evidence``: short values as they are, an overlong
value as the hash of its UTF-8 bytes (the same key whichever xxhash release computes it)."""

from __future__ import annotations

from crawler.similarity.evidence import Evidence
from storage.stories import evidence_terms

LONG_NAME = "Międzynarodowa Agencja Energii Odnawialnej Współpraca Klimatyczna Ħamrun"
# Its xxh3-64 over UTF-8, the key stored terms hold: new terms must keep matching them.
LONG_NAME_KEY = "7b9d72eb31193b49"


def test_short_values_are_terms_as_they_are() -> None:
    terms = evidence_terms(Evidence(numbers=("45", "2030"), acronyms=("UNEP",), names=("mombasa",)))
    assert terms == {"n:45", "y:2030", "a:UNEP", "x:mombasa"}


def test_an_overlong_value_is_the_hash_of_its_utf8_bytes() -> None:
    terms = evidence_terms(Evidence(names=(LONG_NAME,)))
    assert terms == {f"x#{LONG_NAME_KEY}"}
