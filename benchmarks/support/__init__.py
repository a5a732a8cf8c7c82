"""What the benchmark scripts share, none of it a benchmark itself.

- ``harness``: work directories, the machine's CPU load while measuring, option types, pair scores.
- ``sitegen``: a deterministic generated news site (crawl, extraction_golden, analysis_cost).
- ``corpussite``: the extraction corpora's real pages as one site in sitegen's frame (crawl).
- ``searchgen``: a deterministic mixed-language article corpus and its bulk loader (search, store).
"""
