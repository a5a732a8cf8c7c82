"""A benchmark site of real news pages: the extraction corpus served as one loopback site.

The generated site (``sitegen.py``) is shaped after these pages, but a shape is a model; the
crawl benchmark's ``--corpus`` runs on the real pages themselves, 431 of them, to check that
the ratio measured on the generated site holds on real markup.

``corpus_site(root, corpus_dir)`` writes each page of every corpus under ``corpus_dir``
(``<name>/html/<id>.html.gz``, UTF-8, see ``../shared/corpus``) to ``<root>/<name>/<id>.html``
with the frame ``sitegen.write_site_frame`` gives a generated site. The pages are copied into
the benchmark's temporary work directory only, never into the repository (the ``daniel``
corpus is licensed for evaluation only).
"""

from __future__ import annotations

import gzip
from pathlib import Path

from benchmarks.support.sitegen import GeneratedSite, new_site_root, table_path, write_site_frame


def corpus_pages(corpus_dir: Path) -> list[Path]:
    """Every page file of every corpus under ``corpus_dir``, by corpus and id."""
    return sorted(corpus_dir.glob("*/html/*.html.gz"))


def corpus_site(root: Path, corpus_dir: Path) -> GeneratedSite:
    """Write the corpus pages under ``root`` (which must not exist) as a site with sitemaps,
    robots.txt and its behaviour table; ValueError when ``corpus_dir`` holds no page."""
    pages = corpus_pages(corpus_dir)
    if not pages:
        raise ValueError(f"no corpus page (<name>/html/<id>.html.gz) under {corpus_dir}")
    root = new_site_root(root)
    paths, sizes = [], []
    for source in pages:
        corpus = source.parent.parent.name
        page_id = source.name.removesuffix(".html.gz")
        body = gzip.decompress(source.read_bytes())
        file = root / corpus / f"{page_id}.html"
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(body)
        paths.append(f"/{corpus}/{page_id}.html")
        sizes.append(len(body))
    write_site_frame(
        root,
        [(path, None) for path in paths],
        f"the corpus pages of {corpus_dir} (benchmarks/support/corpussite.py)",
    )
    return GeneratedSite(root, table_path(root), tuple(paths), tuple(sizes))
