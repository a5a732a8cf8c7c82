"""What an article's text says for finding its copies and its story, computed once in the
extraction worker (cheap, picklable) and stored with the article."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from crawler.similarity.evidence import Evidence, find_evidence
from crawler.similarity.minhash import band_keys_of
from crawler.similarity.parties import party_table
from crawler.similarity.tokens import pack_shingle_array, shingle_array
from crawler.text.folding import split_tokens


@dataclass(frozen=True)
class TextSignature:
    """``bands``: MinHash band keys of the text; ``parties``: party ids, most named first;
    ``evidence``: numbers, days, acronyms and names; ``shingles``: the text's shingles as
    stored (``tokens.pack_shingles``; empty: computed from the text when stored)."""

    bands: tuple[int, ...]
    parties: tuple[str, ...] = ()
    evidence: Evidence = field(default_factory=Evidence)
    shingles: bytes = b""


def text_signature(title: str | None, text: str, language: str | None) -> TextSignature:
    """The signature of an article. The title counts for the story (it names the parties and
    the event) but not for near-duplicates: syndicated copies often retitle."""
    terms, raws = split_tokens(text)
    table = party_table()
    counts: Counter[str] = table.find_tokens(*split_tokens(title)) if title else Counter()
    counts += table.find_tokens(terms, raws)
    parties = tuple(sorted(counts, key=lambda pid: (-counts[pid], pid)))
    full = f"{title}\n{text}" if title else text
    evidence = find_evidence(full, language, exclude_acronyms=table.acronyms())
    evidence = Evidence(
        evidence.numbers,
        evidence.dates,
        evidence.acronyms,
        tuple(n for n in evidence.names if not table.names_word(n)),
    )
    hashes = shingle_array(terms)
    return TextSignature(
        bands=band_keys_of(hashes),
        parties=parties,
        evidence=evidence,
        shingles=pack_shingle_array(hashes),
    )
