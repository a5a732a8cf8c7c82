"""newsmon's benchmarks: one script per measured claim, each run from the repository root.

    analysis_cost      CPU cost per text of relevance scoring and text signatures in the worker
    clusters           story clustering on the fixture set: pairwise precision, recall, F1, ms/doc
    crawl              crawl throughput against bare trafilatura on the same pages, and peak RSS
    daemon             the scheduling daemon's memory and scheduling delay over many crawl cycles
    duplicates         near-duplicate detection on the fixture set: precision, recall, F1, ms/doc
    extraction         extraction F1 against the corpora's ground truth, and speed, vs trafilatura
    extraction_golden  extraction outputs unchanged by a change (record/compare), CPU per stage
    relevance          relevance precision and recall per language and split, articles per second
    search             full-text search p50/p95 latency at 100k and 1M articles, both backends
    store              CPU ms per stored article, with and without the duplicate and story lookups

Run one with ``.venv/bin/python -m benchmarks.crawl`` (``-m benchmarks.NAME --help`` for its
options). ``benchmarks/support/`` holds the generators and harness they share. crawl, daemon
and search keep their results in ``benchmarks/results/`` (gitignored).
"""
