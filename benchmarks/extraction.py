"""Benchmark: newsmon's article extraction against ground truth, side by side with trafilatura.

Claim measured, on the corpora under ``../shared/corpus/`` (``<name>/html/<id>.html.gz`` and
``<name>/ground-truth.json``, see each corpus README): newsmon's ``extract_page`` reaches mean
F1 >= 0.975 on aeb and >= 0.92 on daniel, every language of daniel >= 0.88; no page scores more
than ``MAX_PAGE_DEFICIT`` below plain ``trafilatura.extract`` with default options (scored in
the same run); and newsmon takes at most ``MAX_SLOWDOWN`` times trafilatura's time per page.

Scores are bag-of-tokens overlap between the extracted body and the annotated article text:
Chinese, Japanese and Korean characters are one token each, other scripts lower-cased words.
newsmon's body leaves the headline out (it is stored apart); daniel's references include it,
which costs newsmon (and trafilatura) about a point of recall there. Speed is pages per
CPU-second of each extractor alone, timed inside the worker processes after a warm-up.

Exit status: 0 when the benchmark ran, whether or not the targets were met (it reports, it does
not gate: ``tests/extraction/test_corpus_scores.py`` does); 1 when no corpus was found.

    .venv/bin/python -m benchmarks.extraction [--corpus DIR] [--only aeb] [--workers 2]
        [--newsmon-only] [--worst 15] [--json FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS_DIR = REPO.parent / "shared" / "corpus"
NEWSMON = "newsmon"
TRAFILATURA = "trafilatura"
EXTRACTORS = (NEWSMON, TRAFILATURA)
# A page where newsmon is further below trafilatura's default than this is a regression.
MAX_PAGE_DEFICIT = 0.1
MAX_SLOWDOWN = 1.6
LOW_F1 = 0.5

_CJK_CHAR = re.compile(
    r"[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]"
)
_TOKEN = re.compile(
    r"[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    r"\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]|\w+"
)


def tokens(text: str) -> Counter[str]:
    """Bag of tokens: one per CJK character, one per lower-cased word of other scripts."""
    found: Counter[str] = Counter()
    for token in _TOKEN.findall(text):
        found[token if _CJK_CHAR.match(token) else token.lower()] += 1
    return found


def _split_cjk_words(text: str) -> str:
    # \w+ would glue CJK characters to adjacent Latin letters or digits; space them apart.
    return _CJK_CHAR.sub(lambda m: f" {m.group(0)} ", text)


def score(extracted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``extracted`` against ``truth`` (0 for an empty side)."""
    got, want = tokens(_split_cjk_words(extracted)), tokens(_split_cjk_words(truth))
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / sum(got.values()), overlap / sum(want.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class CorpusPage:
    """One annotated page: where its HTML is and what its article text is."""

    corpus: str
    page_id: str
    path: Path
    truth: str
    url: str | None
    lang: str | None


def load_corpus(directory: Path) -> list[CorpusPage]:
    """Every page of one corpus directory, in id order; ValueError naming a missing file."""
    truth_file = directory / "ground-truth.json"
    if not truth_file.is_file():
        raise ValueError(f"{directory}: no ground-truth.json")
    entries = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = []
    for page_id, entry in sorted(entries.items()):
        path = directory / "html" / f"{page_id}.html.gz"
        if not path.is_file():
            raise ValueError(f"{directory}: ground truth names {page_id} but {path} is missing")
        pages.append(
            CorpusPage(
                directory.name,
                page_id,
                path,
                entry["articleBody"],
                entry.get("url"),
                entry.get("lang"),
            )
        )
    return pages


def find_corpora(root: Path, only: Iterable[str] = ()) -> list[Path]:
    """Corpus directories under ``root`` (those holding a ground-truth.json), by name."""
    wanted = set(only)
    return [
        d
        for d in sorted(root.iterdir())
        if (d / "ground-truth.json").is_file() and (not wanted or d.name in wanted)
    ]


# --- extraction, in worker processes ------------------------------------------------------


def _newsmon(html: bytes, url: str) -> str:
    from crawler.extraction.page import ExtractedArticle, PageInput, extract_page

    # The corpora were re-encoded to UTF-8 whatever their <meta> still declares.
    result = extract_page(PageInput(url=url, body=html, content_type="text/html", encoding="utf-8"))
    return result.text if isinstance(result, ExtractedArticle) else ""


def _trafilatura(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html.decode("utf-8", errors="replace")) or ""


_RUNNERS: dict[str, Callable[[bytes, str], str]] = {NEWSMON: _newsmon, TRAFILATURA: _trafilatura}


@dataclass(frozen=True)
class PageScore:
    """One extractor's result on one page."""

    precision: float
    recall: float
    f1: float
    seconds: float


@dataclass(frozen=True)
class PageResult:
    page_id: str
    lang: str | None
    scores: dict[str, PageScore]
    texts: dict[str, str] = field(repr=False)


def run_page(page: CorpusPage, extractors: Sequence[str], keep_text: bool = False) -> PageResult:
    """Run each extractor on one page and score it; the text is kept only when asked."""
    html = gzip.decompress(page.path.read_bytes())
    url = page.url or f"https://{page.corpus}.corpus.invalid/{page.page_id}.html"
    scores, texts = {}, {}
    for name in extractors:
        started = time.process_time()
        text = _RUNNERS[name](html, url)
        seconds = time.process_time() - started
        scores[name] = PageScore(*score(text, page.truth), seconds)
        if keep_text:
            texts[name] = text
    return PageResult(page.page_id, page.lang, scores, texts)


_WARM_UP_PAGE = (
    "<html><head><title>Warm-up page</title></head><body><h1>Warm-up page</h1>"
    + "<p>A paragraph long enough for every stage of extraction to run, language "
    "detection included, so that models and caches are loaded before timing.</p>"
    * 6
    + "</body></html>"
).encode()


def _warm_up() -> None:
    # Imports, models and first-call caches are not what a long crawl pays per page.
    _newsmon(_WARM_UP_PAGE, "https://warm.invalid/")
    _trafilatura(_WARM_UP_PAGE, "https://warm.invalid/")


def run_corpus(
    pages: Sequence[CorpusPage],
    extractors: Sequence[str] = EXTRACTORS,
    workers: int = 2,
    keep_text: bool = False,
) -> list[PageResult]:
    """Score every page in a pool of ``workers`` spawned processes, in page order."""
    if workers <= 1:
        _warm_up()
        return [run_page(p, extractors, keep_text) for p in pages]
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=_warm_up
    ) as pool:
        return list(
            pool.map(
                run_page, pages, [extractors] * len(pages), [keep_text] * len(pages), chunksize=4
            )
        )


# --- summaries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Mean P, R, F1, median F1, pages below LOW_F1 and pages per CPU-second."""

    pages: int
    precision: float
    recall: float
    f1: float
    median_f1: float
    low_pages: int
    pages_per_second: float


def summarize(results: Sequence[PageResult], extractor: str) -> Summary:
    scores = [r.scores[extractor] for r in results]
    f1s = [s.f1 for s in scores]
    seconds = sum(s.seconds for s in scores)
    return Summary(
        pages=len(scores),
        precision=statistics.fmean(s.precision for s in scores),
        recall=statistics.fmean(s.recall for s in scores),
        f1=statistics.fmean(f1s),
        median_f1=statistics.median(f1s),
        low_pages=sum(f < LOW_F1 for f in f1s),
        pages_per_second=len(scores) / seconds if seconds else float("inf"),
    )


def by_language(results: Sequence[PageResult]) -> dict[str, list[PageResult]]:
    groups: dict[str, list[PageResult]] = {}
    for result in results:
        if result.lang:
            groups.setdefault(result.lang, []).append(result)
    return dict(sorted(groups.items()))


def deficits(results: Sequence[PageResult]) -> list[tuple[str, float]]:
    """Pages where newsmon's F1 is more than MAX_PAGE_DEFICIT below trafilatura's."""
    found = []
    for r in results:
        gap = r.scores[TRAFILATURA].f1 - r.scores[NEWSMON].f1
        if gap > MAX_PAGE_DEFICIT:
            found.append((r.page_id, gap))
    return sorted(found, key=lambda item: -item[1])


def _row(label: str, s: Summary) -> str:
    return (
        f"  {label:<22} {s.pages:>5} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} "
        f"{s.median_f1:>7.3f} {s.low_pages:>6} {s.pages_per_second:>8.1f}"
    )


def report(
    corpus: str, results: Sequence[PageResult], extractors: Sequence[str], worst: int
) -> dict[str, object]:
    """Print one corpus's table; return its numbers for --json."""
    print(f"\n{corpus}: {len(results)} pages")
    print(
        f"  {'extractor':<22} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6} {'med F1':>7} "
        f"{'F1<.5':>6} {'pages/s':>8}"
    )
    numbers: dict[str, object] = {}
    for name in extractors:
        summary = summarize(results, name)
        numbers[name] = asdict(summary)
        print(_row(name, summary))
    languages = by_language(results)
    if len(languages) > 1:
        for lang, group in languages.items():
            for name in extractors:
                summary = summarize(group, name)
                numbers[f"{name}/{lang}"] = asdict(summary)
                print(_row(f"{name} [{lang}]", summary))
    if NEWSMON in extractors and TRAFILATURA in extractors:
        ours, theirs = summarize(results, NEWSMON), summarize(results, TRAFILATURA)
        slowdown = theirs.pages_per_second / ours.pages_per_second
        behind = deficits(results)
        print(
            f"  F1 newsmon - trafilatura: {ours.f1 - theirs.f1:+.3f}; "
            f"newsmon takes {slowdown:.2f}x trafilatura's time (target <= {MAX_SLOWDOWN}); "
            f"pages more than {MAX_PAGE_DEFICIT} below trafilatura: {len(behind)}"
        )
        for page_id, gap in behind:
            print(f"    -{gap:.3f} {page_id}")
        numbers["slowdown"] = slowdown
        numbers["pages_behind"] = [page_id for page_id, _ in behind]
    numbers["pages"] = {
        r.page_id: {name: round(r.scores[name].f1, 4) for name in extractors} for r in results
    }
    if worst and NEWSMON in extractors:
        print(f"  newsmon's {worst} lowest pages (F1 P R):")
        for r in sorted(results, key=lambda r: r.scores[NEWSMON].f1)[:worst]:
            s = r.scores[NEWSMON]
            print(f"    {s.f1:.3f} {s.precision:.3f} {s.recall:.3f} {r.lang or ''} {r.page_id}")
    return numbers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS_DIR,
        help="directory holding one sub-directory per corpus",
    )
    parser.add_argument("--only", action="append", default=[], help="corpus name (repeatable)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--newsmon-only", action="store_true", help="skip trafilatura")
    parser.add_argument("--worst", type=int, default=10, help="list the N lowest pages")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir() or not (corpora := find_corpora(args.corpus, args.only)):
        print(f"no corpus found under {args.corpus}", file=sys.stderr)
        return 1
    extractors = (NEWSMON,) if args.newsmon_only else EXTRACTORS
    numbers = {}
    for directory in corpora:
        results = run_corpus(load_corpus(directory), extractors, args.workers)
        numbers[directory.name] = report(directory.name, results, extractors, args.worst)
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
