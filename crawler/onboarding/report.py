"""What ``sources check`` and ``sources add`` print: plain text for people (one line per fact,
stable enough to grep), and JSON for scripts."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from crawler.onboarding.findings import ArticleCheck, CheckFindings, ProbeFindings
from crawler.output.formats import iso
from crawler.output.wording import counted

# Text output lists this many article links; JSON lists every one kept.
LINKS_SHOWN = 20
FIRST_LINES = 3
LINE_CHARS = 100


def check_lines(findings: CheckFindings) -> list[str]:
    """The text report of a dry run."""
    lines = [
        f"source {findings.source}: dry run, nothing stored (at most "
        f"{counted(findings.article_limit, 'article')} and "
        f"{counted(findings.page_limit, 'further discovery page')} fetched)"
    ]
    if findings.pages:
        lines += ["", "discovery pages"]
        for page in findings.pages.values():
            if page.error:
                lines.append(f"  {page.role:8} {page.url}  {page.error}")
            else:
                lines.append(
                    f"  {page.role:8} {page.url}  HTTP {page.status}: "
                    f"{page.article_links} article link(s), {page.follow_links} "
                    "page(s) to follow"
                )
    if findings.follows:
        lines += ["", f"pages to follow ({len(findings.follows)})"]
        for follow in findings.follows.values():
            state = "fetched" if follow.fetched else "not fetched (check limit)"
            lines.append(f"  {follow.role:8} {follow.url}  {state}")
    lines += [
        "",
        f"article links ({findings.article_links_total} found, "
        f"{findings.fetched_articles} requested)",
    ]
    for article in list(findings.articles.values())[:LINKS_SHOWN]:
        lines.append(f"  {article.url}  {_outcome(article)}")
    hidden = findings.article_links_total - min(LINKS_SHOWN, len(findings.articles))
    if hidden > 0:
        lines.append(f"  ... and {hidden} more")
    extracted = findings.extracted
    lines += ["", f"articles ({len(extracted)} extracted)"]
    for number, article in enumerate(extracted, 1):
        lines += _article_lines(number, article)
    if findings.errors:
        lines += ["", f"errors ({len(findings.errors)})"]
        lines += [f"  {error}" for error in findings.errors]
    if findings.notes:
        lines += ["", "notes"] + [f"  {note}" for note in findings.notes]
    warnings = sum(len(a.sample.warnings) for a in extracted if a.sample)
    lines += [
        "",
        f"summary: {findings.article_links_total} article link(s), "
        f"{findings.fetched_articles} requested, {len(extracted)} article(s) extracted, "
        f"{warnings} warning(s), {len(findings.errors)} error(s)",
    ]
    return lines


def _outcome(article: ArticleCheck) -> str:
    stored = " (already stored: a crawl would skip it)" if article.stored else ""
    if not article.fetched:
        return "not fetched (check limit)" + stored
    if article.outcome == "article":
        return "article" + stored
    if article.outcome is None:
        return "no answer" + stored
    return f"{article.outcome}: {article.detail}" + stored


def _article_lines(number: int, article: ArticleCheck) -> list[str]:
    sample = article.sample
    assert sample is not None
    when = sample.published_at.strftime("%Y-%m-%d %H:%M UTC") if sample.published_at else "-"
    lines = [
        f"  [{number}] {sample.title or '(no title)'}",
        f"      url       {article.url}",
        f"      date      {when}",
        f"      language  {sample.language or '-'}",
        f"      length    {len(sample.text)} characters, {len(_paragraphs(sample.text))} "
        f"paragraph(s), {sample.encoding}",
    ]
    for line in _paragraphs(sample.text)[:FIRST_LINES]:
        lines.append(f"      | {_cut(line)}")
    lines += [f"      warning: {warning}" for warning in sample.warnings]
    return lines


def check_record(findings: CheckFindings) -> dict[str, Any]:
    """The dry run as JSON-ready data."""
    return {
        "source": findings.source,
        "article_limit": findings.article_limit,
        "page_limit": findings.page_limit,
        "discovery_pages": [asdict(page) for page in findings.pages.values()],
        "follow_links": [asdict(follow) for follow in findings.follows.values()],
        "article_links_found": findings.article_links_total,
        "article_links": [
            {
                "url": a.url,
                "found_on": a.found_on,
                "fetched": a.fetched,
                "outcome": a.outcome,
                "detail": a.detail,
                "status": a.status,
                "stored": a.stored,
            }
            for a in findings.articles.values()
        ],
        "articles": [
            {
                "url": a.url,
                "title": a.sample.title,
                "published_at": iso(a.sample.published_at),
                "language": a.sample.language,
                "length": len(a.sample.text),
                "encoding": a.sample.encoding,
                "first_lines": _paragraphs(a.sample.text)[:FIRST_LINES],
                "warnings": a.sample.warnings,
            }
            for a in findings.extracted
            if a.sample
        ],
        "errors": findings.errors,
        "notes": findings.notes,
    }


def probe_lines(findings: ProbeFindings) -> list[str]:
    """What ``sources add`` found at the URL, before its proposal."""
    page = findings.final_url or findings.url
    if findings.kind == "html":
        what = f"language {findings.language or 'unknown'}, {len(findings.anchors)} link(s)"
    else:
        what = f"a {findings.kind}"
    lines = [f"page       {page}  HTTP {findings.status}, {what}"]
    if findings.robots_error:
        lines.append(f"robots.txt {findings.robots_error}")
    elif findings.robots_status is not None:
        lines.append(f"robots.txt HTTP {findings.robots_status}")
    for candidate in findings.candidates:
        mark = "ok " if candidate.ok else "-- "
        lines.append(
            f"{mark}{candidate.kind:8} {candidate.url}  ({candidate.found_by}) {candidate.detail}"
        )
    return lines


def _paragraphs(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _cut(line: str) -> str:
    return line if len(line) <= LINE_CHARS else line[: LINE_CHARS - 1] + "…"
