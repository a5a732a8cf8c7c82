"""Publication dates written for readers: ``2024-09-14 18:48:49``, ``14 septembre 2024``,
``2023年5月18日``, ``8 sierpnia 2023 r.``, ``15. März 2024``, ``3 de mayo de 2024``.

Used only when a page's structured data and meta tags name no date. Where to look matters as much
as how to parse: the line under the headline, ``<time>`` elements, elements whose class says
"date", the line above the headline, in that order; then a date in the URL. A copyright year
or a bare year is never a date, and nothing here falls back to the crawl time: an unknown date
stays unknown. Month names come from ``crawler.text.months``; the page's language picks which
to try first. The page is read after its scripts and styles are gone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache

from lxml.html import HtmlElement

from crawler.extraction.blocks import capped_text, with_attributes
from crawler.text.folding import fold_line
from crawler.text.months import month_names

EARLIEST_YEAR = 1990
# Characters of page text read after (and before) the headline when looking for its date line.
AFTER_HEADLINE_CHARS = 400
BEFORE_HEADLINE_CHARS = 200
MAX_SNIPPET_CHARS = 200
# Class / id words of elements that hold a date line.
_DATE_WORDS = re.compile(
    r"^(?:date|dates|time|datetime|timestamp|pubdate|pubtime|published|publish|publication|"
    r"posted|postdate|created|updated|dateline|meta|info|byline|source|riqi|shijian|fabu|"
    r"fbsj|datum|fecha|data|czas|дата)$"
)
_SPLIT = re.compile(r"[\s_\-:.]+|(?<=[a-z])(?=[A-Z])")

_TIME = (
    r"(?:[^\d\n]{0,12}?(?P<hour>[01]?\d|2[0-3])[:h](?P<minute>[0-5]\d)"
    r"(?::(?P<second>[0-5]\d))?)?"
)
_ISO = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d\d)\s*[-/.]\s*(?P<month>[01]?\d)\s*[-/.]\s*(?P<day>[0-3]?\d)(?!\d)"
    + _TIME
)
_CJK = re.compile(
    r"(?P<year>(?:19|20)\d\d)\s*[年년]\s*(?P<month>[01]?\d)\s*[月월]\s*(?P<day>[0-3]?\d)\s*[日일]?"
    + _TIME
)
_NUMERIC = re.compile(
    r"(?<![\d.])(?P<first>[0-3]?\d)\s*([./-])\s*(?P<middle>[01]?\d)\s*\2\s*(?P<year>(?:19|20)\d\d)"
    r"(?!\d)" + _TIME
)


@cache
def _textual(language: str | None) -> tuple[dict[str, int], re.Pattern[str], re.Pattern[str]]:
    """Month table and the day-month-year / month-day-year patterns for one language (all
    languages when None or unknown; English is always included)."""
    table = month_names()
    names: dict[str, int] = {}
    chosen = [language, "en"] if language in table else list(table)
    for lang in chosen:
        for form, number in table[lang or "en"].items():
            names.setdefault(form, number)
    alternation = "|".join(re.escape(f) for f in sorted(names, key=len, reverse=True))
    month = rf"(?P<mname>{alternation})(?![^\W\d_])\.?"
    day_first = re.compile(
        rf"(?<!\d)(?P<day>[0-3]?\d)(?:\.|er|st|nd|rd|th|-?go|-?е|η)?\s*(?:de\s+|of\s+)?{month}"
        rf",?\s*(?:de\s+|del\s+)?(?P<year>(?:19|20)\d\d)(?!\d)" + _TIME
    )
    month_first = re.compile(
        rf"(?<![^\W\d_]){month}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)"
        rf"(?!\d)" + _TIME
    )
    return names, day_first, month_first


def parse_date(
    text: str, language: str | None = None, now: datetime | None = None
) -> datetime | None:
    """The first complete date (year, month and day) in ``text``, naive, with its time of day
    when one follows it; None when there is none. Day-first for numeric dates except in
    English when only month-first is valid. Dates after ``now`` (+1 day) are ignored."""
    found = sorted(_candidates(text, language), key=lambda item: item[0])
    latest = (now or datetime.now(UTC)).replace(tzinfo=None) + timedelta(days=1)
    for _, value in found:
        if value <= latest:
            return value
    return None


def _candidates(text: str, language: str | None) -> Iterator[tuple[int, datetime]]:
    for pattern in (_ISO, _CJK):
        for m in pattern.finditer(text):
            value = _build(m.group("year"), m.group("month"), m.group("day"), m)
            if value:
                yield m.start(), value
    for m in _NUMERIC.finditer(text):
        first, second = int(m.group("first")), int(m.group("middle"))
        day, month = first, second
        if language == "en" and first <= 12 < second:
            day, month = second, first
        value = _build(m.group("year"), str(month), str(day), m)
        if value:
            yield m.start(), value
    folded = fold_line(text)
    names, day_first, month_first = _textual(language)
    for pattern in (day_first, month_first):
        for m in pattern.finditer(folded):
            number = names.get(m.group("mname"))
            value = _build(m.group("year"), str(number), m.group("day"), m) if number else None
            if value:
                # folding can shift offsets a little; the order of candidates is what counts
                yield m.start(), value


def _build(year: str, month: str, day: str, m: re.Match[str]) -> datetime | None:
    try:
        value = datetime(int(year), int(month), int(day))
    except ValueError:
        return None
    if value.year < EARLIEST_YEAR:
        return None
    if m.group("hour") is not None:
        value = value.replace(
            hour=int(m.group("hour")),
            minute=int(m.group("minute")),
            second=int(m.group("second") or 0),
        )
    return value


# --- where a page states its date ---------------------------------------------------------


def date_snippets(tree: HtmlElement) -> list[str]:
    """Short texts likely to hold the publication date, most trusted first: the text right
    after the first ``<h1>``, ``<time>`` elements, elements whose class or id says date, and
    the text right before the ``<h1>``."""
    snippets: list[str] = []
    heading = next(tree.iter("h1"), None)
    if heading is not None:
        snippets.append(_text_after(heading, AFTER_HEADLINE_CHARS))
    for element in tree.iter("time"):
        snippets.append(_text(element)[:MAX_SNIPPET_CHARS])
    for element in with_attributes(tree):
        if _holds_date(f"{element.get('class') or ''} {element.get('id') or ''}"):
            text = capped_text(element, MAX_SNIPPET_CHARS * 2)
            if text and len(text) <= MAX_SNIPPET_CHARS * 2:
                snippets.append(text[:MAX_SNIPPET_CHARS])
    if heading is not None:
        snippets.append(_text_before(heading, BEFORE_HEADLINE_CHARS))
    return [s for s in snippets if s and any(c.isdigit() for c in s)]


def headline_lines(tree: HtmlElement) -> list[str]:
    """The text right after the first ``<h1>`` (a date or byline line), as a one-item list;
    [] when the page has no ``<h1>``."""
    heading = next(tree.iter("h1"), None)
    return [_text_after(heading, AFTER_HEADLINE_CHARS)] if heading is not None else []


@lru_cache(maxsize=4096)
def _holds_date(words: str) -> bool:
    return any(_DATE_WORDS.match(w.lower()) for w in _SPLIT.split(words) if w)


def visible_published(
    snippets: list[str], language: str | None = None, now: datetime | None = None
) -> datetime | None:
    """The first date found in ``snippets`` (see ``date_snippets``), naive."""
    for snippet in snippets:
        found = parse_date(snippet, language, now)
        if found is not None:
            return found
    return None


_URL_DATE = re.compile(
    r"/(?P<year>(?:19|20)\d\d)[/-]?(?P<month>[01]\d)[/-]?(?P<day>[0-3]\d)(?=[/_.-]|\d{2,}|$)"
    r"|/(?P<year2>(?:19|20)\d\d)/(?P<month2>[01]?\d)/(?P<day2>[0-3]?\d)/"
)


def plausible_date(value: datetime) -> bool:
    """Whether ``value`` can be a news article's publication date: from EARLIEST_YEAR to next
    year. CMS templates fill unset dates with placeholders ("0001-01-01T00:00:00Z" in a USA
    Today page's JSON-LD), which are no date at all."""
    return EARLIEST_YEAR <= value.year <= datetime.now(UTC).year + 1


def url_date(url: str, now: datetime | None = None) -> datetime | None:
    """A date in the URL path (``/2024/09/14/``, ``/2024/0914/``, ``/20240914``), naive."""
    latest = (now or datetime.now(UTC)).replace(tzinfo=None) + timedelta(days=1)
    for m in _URL_DATE.finditer(url):
        year = m.group("year") or m.group("year2")
        month = m.group("month") or m.group("month2")
        day = m.group("day") or m.group("day2")
        try:
            value = datetime(int(year), int(month), int(day))
        except ValueError:
            continue
        if value.year >= EARLIEST_YEAR and value <= latest:
            return value
    return None


def _text(element: HtmlElement) -> str:
    return capped_text(element, MAX_SNIPPET_CHARS)


def _text_after(element: HtmlElement, limit: int) -> str:
    """Visible text following ``element`` in document order, up to ``limit`` characters."""
    parts: list[str] = []
    size = 0
    node: HtmlElement | None = element
    # element's own tail, then following siblings, climbing to ancestors' following siblings
    while node is not None and size < limit:
        for text in _following_texts(node):
            parts.append(text)
            size += len(text)
            if size >= limit:
                break
        node = node.getparent()
    return " ".join(" ".join(parts).split())[:limit]


def _following_texts(node: HtmlElement) -> Iterator[str]:
    if node.tail and node.tail.strip():
        yield node.tail
    for sibling in node.itersiblings():
        if not isinstance(sibling.tag, str):
            if sibling.tail and sibling.tail.strip():
                yield sibling.tail
            continue
        text = capped_text(sibling, AFTER_HEADLINE_CHARS)
        if text:
            yield text
        if sibling.tail and sibling.tail.strip():
            yield sibling.tail


def _text_before(element: HtmlElement, limit: int) -> str:
    """Short text right before ``element`` (a date line above a headline), up to ``limit``
    characters; it stops at the first long block (a menu, an earlier story)."""
    parts: list[str] = []
    size = 0
    node: HtmlElement | None = element
    while node is not None and size < limit:
        for sibling in node.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            text = capped_text(sibling, 2 * limit)
            if len(text) > 2 * limit:
                return " ".join(reversed(parts))[-limit:]
            if text:
                parts.append(text)
                size += len(text)
            if size >= limit:
                break
        node = node.getparent()
    return " ".join(reversed(parts))[-limit:]
