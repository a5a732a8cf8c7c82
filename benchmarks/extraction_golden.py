"""Golden output of ``extract_page``, and its CPU cost per page and per stage.

Claim checked: a change made for speed leaves every output of extraction as it was. The page
set is every page of the shared corpora (``../shared/corpus/<name>``), the fixture pages of
``tests/extraction/pages`` and ``--generated`` pages of ``support/sitegen.py`` (the crawl
benchmark's pages). The outputs (text, title, dates, authors, language, script, canonical URL,
hash, and whether ``body_z`` holds the page) go to a JSON file that must stay OUTSIDE the
repository: it holds corpus text, which is never committed.

    .venv/bin/python -m benchmarks.extraction_golden record  [--golden /tmp/golden.json]
    .venv/bin/python -m benchmarks.extraction_golden compare [--golden /tmp/golden.json]
        [--ignore FIELD]
    .venv/bin/python -m benchmarks.extraction_golden time    [--repeat 3] [--set generated]

It measures the tree it is run from, not the installed newsmon, so one venv can time an older
copy of the tree: ``python -m`` puts the current directory first on ``sys.path``, ahead of the
editable install's finder, so from the root of that copy (``git worktree add /tmp/old <commit>``,
then ``cd /tmp/old``) it imports the copy's ``crawler`` and ``benchmarks.support``. It exits 2
when ``crawler`` comes from another tree than the script's (the script run by its path, or
``PYTHONPATH`` pointing elsewhere).

Every mode takes ``--generated N`` (default 200) and ``--site DIR`` (keep the generated site
there and reuse it, so repeated runs do not generate it again).

``time`` measures CPU time (``time.process_time``: other work on a shared machine does not count)
of ``extract_page`` in this one process after a warm-up, the median of ``--repeat`` runs over
the same pages, and a breakdown by stage (the functions ``extract_page`` calls, wrapped with
timers for that run only). Exit status: 0 when it ran (``compare``: and nothing differed); 1
when ``compare`` found differences; 2 on bad input (no corpus, no golden file).
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import crawler
from benchmarks.support.sitegen import PLACEHOLDER, generate_site
from crawler.config import ExtractionRules
from crawler.extraction import page as extraction
from crawler.extraction.page import ExtractedArticle, PageInput, extract_page
from crawler.pagebody import inflate_body

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS_DIR = REPO.parent / "shared" / "corpus"
FIXTURE_DIR = REPO / "tests" / "extraction" / "pages"
DEFAULT_GOLDEN = Path("/tmp/golden.json")
GENERATED_BASE = "http://127.0.0.1:8000"
SETS = ("corpus", "fixtures", "generated")

# The functions ``extract_page`` (and ``_main_text``) look up in ``crawler.extraction.page``'s
# namespace, grouped into the stages reported by ``time``. Looked up at call time, so
# replacing them there times them without touching the module's code.
STAGES: dict[str, tuple[str, ...]] = {
    "decode": ("decode_html",),
    "parse": ("parse_html",),
    "mojibake": ("might_have_mojibake", "repair_tree"),
    "metadata": ("read_metadata",),
    "strip scripts": ("strip_elements",),
    "title": ("choose_title", "find_headline"),
    "dates+bylines": (
        "date_snippets",
        "headline_lines",
        "visible_authors",
        "visible_published",
        "url_date",
    ),
    "rules": ("apply_tree_rules",),
    "boilerplate": ("clean_tree",),
    "trafilatura": ("_trafilatura_text",),
    "region": (
        "page_blocks",
        "find_region",
        "sibling_chunks",
        "TextIndex",
        "combine",
        "agreed_paragraphs",
        "_document_of",
    ),
    "cleanup": ("clean_text",),
    "language": ("detect_language", "detect_script"),
    "hash": ("content_hash",),
    "weight": ("weight",),
    # added by the relevance and similarity work; timed when extraction calls them
    "relevance": ("assess",),
    "similarity": ("text_signature",),
    "compress": ("compress_body",),
    "search terms": ("search_terms",),
}


@dataclasses.dataclass(frozen=True)
class GoldenPage:
    """One page of the golden set: its key (``set/name``) and the input given to extraction."""

    key: str
    page: PageInput


# --- the page set ---------------------------------------------------------------------------


def corpus_pages(root: Path) -> Iterator[GoldenPage]:
    """Every corpus page, as ``benchmarks/extraction.py`` feeds it (re-encoded to UTF-8)."""
    for directory in sorted(d for d in root.iterdir() if (d / "ground-truth.json").is_file()):
        truth = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
        for page_id, entry in sorted(truth.items()):
            body = gzip.decompress((directory / "html" / f"{page_id}.html.gz").read_bytes())
            url = entry.get("url") or f"https://{directory.name}.corpus.invalid/{page_id}.html"
            yield GoldenPage(
                f"{directory.name}/{page_id}",
                PageInput(url=url, body=body, content_type="text/html", encoding="utf-8"),
            )


def fixture_pages(directory: Path = FIXTURE_DIR) -> Iterator[GoldenPage]:
    """The extraction test fixtures, served as ``tests/extraction/test_pages.py`` serves them
    (declared encodings, source rules, time zones: paths the corpora do not take)."""
    for spec_file in sorted(directory.glob("*.json")):
        spec = json.loads(spec_file.read_text(encoding="utf-8"))
        rules = ExtractionRules(**spec["rules"]) if "rules" in spec else None
        yield GoldenPage(
            f"fixtures/{spec_file.stem}",
            PageInput(
                url=spec["url"],
                body=spec_file.with_suffix(".html").read_bytes(),
                content_type=spec.get("content_type"),
                timezone=spec.get("timezone"),
                language_hint=spec.get("language_hint"),
                rules=rules,
            ),
        )


def generated_pages(count: int, seed: int, keep: Path | None = None) -> list[GoldenPage]:
    """``count`` pages of the crawl benchmark's generated site, served as the crawl sees them,
    in path order. ``keep``: a directory holding the site, generated there when missing (so
    that repeated timings do not generate it again)."""
    if count <= 0:
        return []
    if keep is not None:
        if not keep.is_dir():
            generate_site(keep, count, seed)
        return _site_pages(keep)[:count]
    with tempfile.TemporaryDirectory(prefix="newsmon-golden-") as name:
        return _site_pages(generate_site(Path(name) / "site", count, seed).root)


def _site_pages(root: Path) -> list[GoldenPage]:
    pages = []
    for file in sorted(root.rglob("*.html")):
        path = "/" + file.relative_to(root).as_posix()
        html = file.read_text(encoding="utf-8").replace(PLACEHOLDER, GENERATED_BASE)
        pages.append(
            GoldenPage(
                f"generated{path}",
                PageInput(
                    url=GENERATED_BASE + path,
                    body=html.encode("utf-8"),
                    content_type="text/html; charset=utf-8",
                ),
            )
        )
    return pages


def _fail(message: str) -> NoReturn:
    print(f"extraction_golden: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _require_this_tree() -> None:
    """Stop unless ``crawler`` was imported from this script's tree (see the module docstring):
    timing or recording another tree's extraction under this tree's name would mislead."""
    tree = Path(crawler.__file__).resolve().parents[1]
    if tree != REPO:
        _fail(
            f"crawler was imported from {tree}, not from {REPO}: "
            f"run 'python -m benchmarks.extraction_golden' from {REPO}"
        )


def page_set(args: argparse.Namespace, sets: Sequence[str] = SETS) -> list[GoldenPage]:
    pages: list[GoldenPage] = []
    if "corpus" in sets:
        if not args.corpus.is_dir():
            _fail(f"no corpus directory {args.corpus}")
        pages += corpus_pages(args.corpus)
    if "fixtures" in sets:
        pages += fixture_pages()
    if "generated" in sets:
        pages += generated_pages(args.generated, args.seed, args.site)
    return pages


# --- golden output --------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):  # the signature's packed shingles
        return value.hex()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def output_of(page: PageInput) -> dict[str, Any]:
    """Every field of ``extract_page``'s result as JSON values; ``body_z`` as whether it
    decompresses to the page (its bytes depend on the zlib level, which is not an output)."""
    result = extract_page(page)
    fields = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    if isinstance(result, ExtractedArticle):
        fields["body_z"] = inflate_body(fields["body_z"]) == page.body
    return {"kind": type(result).__name__, **{k: _plain(v) for k, v in fields.items()}}


def record(pages: Sequence[GoldenPage], golden: Path) -> int:
    outputs = {p.key: output_of(p.page) for p in pages}
    golden.write_text(json.dumps(outputs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    articles = sum(1 for o in outputs.values() if o["kind"] == "ExtractedArticle")
    print(f"recorded {len(outputs)} pages ({articles} articles) to {golden}")
    return 0


def differences(
    before: dict[str, Any], after: dict[str, Any], ignore: Sequence[str] = ()
) -> tuple[list[str], list[str]]:
    """(differences, notes): a field present on one side only is a note (a field added to
    ``ExtractedArticle`` since the recording), any other change not in ``ignore`` a
    difference."""
    diffs, notes = [], []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if old is None or new is None:
            notes.append(f"{key}: only in the {'new' if old is None else 'golden'} output")
            continue
        for name in sorted(old.keys() | new.keys()):
            if name in ignore:
                continue
            if name not in old or name not in new:
                notes.append(
                    f"{key}: field {name!r} only in the "
                    f"{'new' if name not in old else 'golden'} output"
                )
            elif old[name] != new[name]:
                diffs.append(f"{key}: {name}: {_short(old[name])} -> {_short(new[name])}")
    return diffs, notes


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


def compare(pages: Sequence[GoldenPage], golden: Path, ignore: Sequence[str] = ()) -> int:
    before = json.loads(golden.read_text(encoding="utf-8"))
    after = {p.key: output_of(p.page) for p in pages}
    diffs, notes = differences(before, after, ignore)
    fields = {name for o in after.values() for name in o} - set(ignore)
    for line in notes[:20]:
        print(f"note: {line}")
    for line in diffs:
        print(f"DIFF {line}")
    changed = len({line.split(": ", 1)[0] for line in diffs})
    print(
        f"compared {len(after)} pages, {len(fields)} fields each: "
        f"{'identical' if not diffs else f'{changed} pages differ ({len(diffs)} fields)'}"
    )
    return 1 if diffs else 0


# --- CPU time -------------------------------------------------------------------------------


class StageClock:
    """CPU seconds spent in each stage's functions (outermost call only: a stage called from
    inside another stage counts for the outer one)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self._depth = 0

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            if self._depth:
                return fn(*args, **kwargs)
            self._depth += 1
            started = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] += time.process_time() - started
                self._depth -= 1

        return timed


@contextmanager
def stage_timers(clock: StageClock) -> Iterator[None]:
    """Replace the stage functions in ``crawler.extraction.page``'s namespace with timed ones."""
    saved: dict[str, Any] = {}
    for stage, names in STAGES.items():
        for name in names:
            if hasattr(extraction, name):
                saved[name] = getattr(extraction, name)
                setattr(extraction, name, clock.wrap(stage, saved[name]))
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(extraction, name, fn)


def cpu_run(pages: Sequence[GoldenPage]) -> float:
    started = time.process_time()
    for page in pages:
        extract_page(page.page)
    return time.process_time() - started


def time_pages(label: str, pages: Sequence[GoldenPage], repeat: int) -> None:
    for page in pages[:3]:  # imports, models and first-call caches are not per-page costs
        extract_page(page.page)
    runs = [cpu_run(pages) for _ in range(repeat)]
    clock = StageClock()
    with stage_timers(clock):
        staged = cpu_run(pages)
    n = len(pages)
    print(
        f"\n{label}: {n} pages; CPU ms/page, median of {repeat}: "
        f"{1000 * statistics.median(runs) / n:.2f} (runs: "
        + ", ".join(f"{1000 * r / n:.2f}" for r in runs)
        + ")"
    )
    print(f"  per stage (one timed run, {1000 * staged / n:.2f} ms/page with timers):")
    accounted = 0.0
    for stage, seconds in sorted(clock.seconds.items(), key=lambda item: -item[1]):
        if seconds:
            accounted += seconds
            print(f"    {stage:<15} {1000 * seconds / n:7.2f}  {100 * seconds / staged:5.1f}%")
    rest = staged - accounted
    print(f"    {'rest':<15} {1000 * rest / n:7.2f}  {100 * rest / staged:5.1f}%")


def timing(args: argparse.Namespace) -> int:
    for name in args.set or ["generated", "corpus"]:
        pages = page_set(args, [name])
        if name == "corpus":
            for corpus in sorted({p.key.split("/")[0] for p in pages}):
                time_pages(
                    corpus, [p for p in pages if p.key.startswith(corpus + "/")], args.repeat
                )
        else:
            time_pages(name, pages, args.repeat)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("record", "compare", "time"))
    parser.add_argument("--golden", type=Path, default=DEFAULT_GOLDEN)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS_DIR)
    parser.add_argument("--generated", type=int, default=200, help="generated pages")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--site", type=Path, help="keep the generated site in this directory (reused when present)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="FIELD",
        help="compare: leave this output field out (repeatable)",
    )
    parser.add_argument(
        "--set",
        action="append",
        choices=SETS,
        help="time: page set (repeatable; default generated and corpus)",
    )
    args = parser.parse_args(argv)
    _require_this_tree()
    if args.mode == "time":
        return timing(args)
    if args.golden.resolve().is_relative_to(REPO):
        parser.error(f"--golden {args.golden}: corpus text must stay outside the repository")
    if args.mode == "compare" and not args.golden.is_file():
        _fail(f"no golden file {args.golden} (run 'record' first)")
    pages = page_set(args)
    if args.mode == "record":
        return record(pages, args.golden)
    return compare(pages, args.golden, args.ignore)


if __name__ == "__main__":
    sys.exit(main())
