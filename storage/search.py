"""The search engine: which matches get ranked, so a query costs the same at any size.

Ranking every match is what makes common words slow (bm25 or ts_rank per match: hundreds of
milliseconds for 200k matches). So:

* Filters go into the index query as meta terms (``storage.fts``): a language, a source or a
  span of months is intersected inside FTS5 or the GIN index, before anything is ranked.
  Dates are exact to the month there; the exact bounds, and any filter the index does not
  know, are checked on the articles row of each match that is left. On PostgreSQL,
  near-duplicates alone (hidden by default) are left out without reading those rows.
* A query with at most twice ``CANDIDATES`` matches is ranked exactly: a window of whole
  months would hold about as many, and finding it costs more statements than ranking them.
* A query with more ranks only its newest matches: the newest whole months (by publication
  date) holding at least ``CANDIDATES`` of them, found by counting capped matches per year
  and then per month (three to a statement) of the year where they add up. The trade-off,
  chosen for news: an older article that would score higher is found by adding words or
  dates, not on the first pages of a common word.
* Which of the two is decided by counting the newest years first, and every match only
  when they do not hold enough: a common query's newest year does, and counting all its
  matches would cost the most (PostgreSQL builds a bitmap of every match before the first
  is counted, a cost that grows with the corpus).
* For relevance, matches are counted with the query loosened (``SearchQuery.loosened``:
  a phrase as its words in any order), which PostgreSQL counts without reading positions.
  A window so found can hold fewer phrase matches than the page; the query is then ranked
  whole.
* ``sort="date"`` is exact: the newest months holding enough matches for the page contain
  every match of the page, so only those are read and sorted.

Undated articles have no month: they are reached by exact ranking only (and come last when
sorting by date, after every dated match).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from storage.fts import (
    MetaGroup,
    dialect_of,
    language_term,
    match_params,
    match_template,
    month_term,
    source_term,
    year_term,
)
from storage.models import Article, Source
from storage.search_query import SearchQuery

if TYPE_CHECKING:
    from storage.filters import ArticleFilter

# Matches ranked exactly; above this, the newest months holding at least this many.
CANDIDATES = 1_000
# Months counted per statement when looking for the newest window: a statement costs about
# 0.4 ms of its own, and a month counted that the window turns out not to need costs up to
# ``CANDIDATES`` rows read (about 1 µs each on SQLite, with the duplicate check).
MONTHS_PER_STATEMENT = 3
# Years counted one by one, newest first, before every match may be counted at once (see
# ``_count_up_to``); a common query needs only the first.
YEARS_BEFORE_TOTAL = 1
# Hits counted exactly by count_matches before it reports "more than".
COUNT_CAP = 10_000
# PostgreSQL settings for the search statements, restored after them. Parallel workers cost
# more to start (a few ms on a busy 2-core machine) than they save on statements that stop
# after a few thousand rows; JIT compiles for tens of ms; work_mem keeps the bitmap of a
# common word's matches exact at 1M articles (a lossy one rereads every document).
_POSTGRES_SETTINGS = {"jit": "off", "max_parallel_workers_per_gather": "0", "work_mem": "32MB"}
_SET_SETTINGS = ", ".join(f"set_config('{name}', %({name})s, true)" for name in _POSTGRES_SETTINGS)
# The current values, then the new ones (a select list is evaluated in order).
_SWAP_SETTINGS = (
    "SELECT "
    + ", ".join(f"current_setting('{name}')" for name in _POSTGRES_SETTINGS)
    + f", {_SET_SETTINGS}"
)
# Statements kept built, per backend, filter and shape (see ``_count_statement``).
STATEMENT_CACHE = 256
# The newest and oldest publication dates. Driver SQL, the same on both backends: building it
# through SQLAlchemy costs more than running it. Two subqueries: SQLite reads min() or max()
# from the index only when it is alone in its select.
_DATE_SPAN = (
    "SELECT (SELECT min(published_at) FROM articles), (SELECT max(published_at) FROM articles)"
)

Sort = Literal["relevance", "date"]


@dataclass(frozen=True)
class HitCount:
    """How many articles match: exact, or at least ``count`` when ``exact`` is false."""

    count: int
    exact: bool


@dataclass(frozen=True)
class _Plan:
    """A query with its filter split into index terms and what must be checked on rows."""

    query: SearchQuery
    required: tuple[MetaGroup, ...]
    flt: ArticleFilter | None  # None: the index terms say everything but ``hide_duplicates``
    years: range  # publication years that can match, newest last
    months: tuple[int, int] = (1, 12)  # first month of the first year, last of the last
    impossible: bool = False  # a named source that was never crawled
    dated: bool = False  # a date filter: every match is in ``years``
    hide_duplicates: bool = False  # with no ``flt``: leave out near-duplicates

    def months_of(self, year: int) -> range:
        """The months of ``year`` that can match, newest first."""
        first = self.months[0] if year == self.years[0] else 1
        last = self.months[1] if year == self.years[-1] else 12
        return range(last, first - 1, -1)


def _plan(session: Session, query: SearchQuery, flt: ArticleFilter) -> _Plan:
    required: list[MetaGroup] = []
    impossible = False
    if flt.sources:
        ids = list(session.scalars(select(Source.id).where(Source.name.in_(flt.sources))))
        impossible = not ids
        required.append(tuple(source_term(i) for i in ids))
    if flt.languages:
        required.append(tuple(language_term(code) for code in flt.languages))
    bounds = session.connection().exec_driver_sql(_DATE_SPAN).one()
    first, last = _as_datetime(bounds[0]), _as_datetime(bounds[1])
    if flt.since is not None:
        first = max(first, flt.since) if first else flt.since
    if flt.until is not None:
        # until is exclusive: the last instant that can match is just before it.
        before = flt.until - timedelta(microseconds=1)
        last = min(last, before) if last else before
    years, months = range(0), (1, 12)
    if first is not None and last is not None:
        first, last = first.astimezone(UTC), last.astimezone(UTC)
        years, months = range(first.year, last.year + 1), (first.month, last.month)
        if flt.since is not None or flt.until is not None:
            required.append(_month_span(first, last) if first <= last else ())
            impossible = impossible or first > last
    elif flt.since is not None or flt.until is not None:
        impossible = True  # no dated article at all
    unindexed = dataclasses.replace(flt, sources=(), languages=())
    exact_dates = all(
        value is None or _on_month_boundary(value) for value in (flt.since, flt.until)
    )
    # Only a filter that asks for nothing beyond the index terms skips the row checks, but
    # for hiding near-duplicates (the default): PostgreSQL leaves them out without reading
    # the rows (see ``_matches``); SQLite reads a row faster than it runs that anti-join.
    only_terms = exact_dates and dataclasses.replace(
        unindexed, since=None, until=None, include_duplicates=True
    ) == type(flt)(include_duplicates=True)
    anti_join = only_terms and not flt.include_duplicates and dialect_of(session) == "postgresql"
    no_checks = only_terms and (flt.include_duplicates or anti_join)
    return _Plan(
        query,
        tuple(required),
        None if no_checks else flt,
        years,
        months,
        impossible,
        dated=flt.since is not None or flt.until is not None,
        hide_duplicates=anti_join,
    )


def _as_datetime(value: Any) -> datetime | None:
    """Driver SQL on SQLite returns the stored text (UTC, naive); parse it as UTC."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _on_month_boundary(value: datetime) -> bool:
    utc = value.astimezone(UTC)
    return utc == utc.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _month_span(first: datetime, last: datetime) -> tuple[str, ...]:
    """Index terms covering every month from ``first`` to ``last``: whole years as year terms."""
    terms: list[str] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        if month == 1 and (year, 12) <= (last.year, last.month):
            terms.append(year_term(year))
            year += 1
            continue
        terms.append(month_term(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(terms)


def _required(plan: _Plan, window: Sequence[str] | None) -> tuple[MetaGroup, ...]:
    return plan.required if window is None else (*plan.required, tuple(window))


def _matches(
    dialect: str, flt: ArticleFilter | None, hide_duplicates: bool, name: str
) -> Select[Any]:
    """``(article_id, score)`` of the matches of the query in parameters ``name`` (see
    ``storage.fts.match_template``) that pass ``flt`` (None: no row check) and, with
    ``hide_duplicates`` and no ``flt``, are not near-duplicates."""
    statement = match_template(dialect, name)
    article_id = statement.selected_columns[0]
    if flt is not None:
        return flt.apply(statement.join(Article, Article.id == article_id))
    if hide_duplicates:
        # ArticleFilter's duplicate check as an anti-join: joining each match's articles row
        # reads that row (1 to 2 µs per match on PostgreSQL), while few near-duplicates are
        # found at once from ix_articles_duplicate_of. With many, the planner probes each
        # match's row, as the join did.
        duplicate = aliased(Article, name="duplicate")
        statement = statement.where(
            ~select(duplicate.id)
            .where(duplicate.id == article_id, duplicate.duplicate_of.is_not(None))
            .exists()
        )
    return statement


# Built once and run with the query and window as parameters: building a statement costs
# about 0.6 ms of SQLAlchemy work, as much as SQLite takes to count a thousand matches, and
# a search runs up to eight counts. A statement holds no query text, so the cache keys are
# the filters searched with (their values are in the statement).
@lru_cache(maxsize=STATEMENT_CACHE)
def _count_statement(
    dialect: str, flt: ArticleFilter | None, hide_duplicates: bool, windows: int
) -> Select[Any]:
    """Counts, in one statement, the matches of ``windows`` queries: ``m<i>`` counted up to
    ``c<i>``."""
    counts = []
    for i in range(windows):
        statement = _matches(dialect, flt, hide_duplicates, f"m{i}")
        # Without the score: SQLite would compute bm25 for every row counted.
        hits = (
            statement.with_only_columns(statement.selected_columns[0])
            .limit(bindparam(f"c{i}", type_=Integer))
            .subquery()
        )
        counts.append(select(func.count()).select_from(hits).scalar_subquery())
    return select(*counts)


@lru_cache(maxsize=STATEMENT_CACHE)
def _page_statement(
    dialect: str, flt: ArticleFilter | None, hide_duplicates: bool, sort: Sort
) -> Select[Any]:
    """One page (``limit``, ``offset``) of the matches of the query ``m0``."""
    statement = _matches(dialect, flt, hide_duplicates, "m0")
    article_id, score = statement.selected_columns
    if sort == "relevance":
        statement = statement.order_by(score.desc(), article_id)
    else:
        if flt is None:
            statement = statement.join(Article, Article.id == article_id)
        statement = statement.order_by(Article.published_at.desc().nulls_last(), Article.id)
    return statement.limit(bindparam("limit", type_=Integer)).offset(
        bindparam("offset", type_=Integer)
    )


def _capped_count(session: Session, plan: _Plan, window: Sequence[str] | None, cap: int) -> int:
    """How many matches in ``window``, counted up to ``cap``."""
    return _capped_counts(session, plan, [window], cap)[0]


def _capped_counts(
    session: Session, plan: _Plan, windows: Sequence[Sequence[str] | None], cap: int
) -> list[int]:
    """``_capped_count`` of each window, in one statement (one round trip)."""
    dialect = dialect_of(session)
    params: dict[str, Any] = {}
    for i, window in enumerate(windows):
        params.update(match_params(dialect, f"m{i}", plan.query, _required(plan, window)))
        params[f"c{i}"] = cap
    statement = _count_statement(dialect, plan.flt, plan.hide_duplicates, len(windows))
    row = session.execute(statement, params).one()
    return [int(n or 0) for n in row]


def _count_up_to(session: Session, plan: _Plan, cap: int) -> tuple[int, dict[int, int]]:
    """The plan's matches counted up to ``cap``, and the years counted on the way.

    Years are counted newest first, each capped at what is still missing, so together they
    read no more rows than one count of every match, without its bitmap of all of them.
    Every match is counted only when the years counted so far, extrapolated, fall short: a
    rare query would otherwise cost a statement per year. Undated matches are in no year.
    """
    counted: dict[int, int] = {}
    found = 0
    years = list(reversed(plan.years))
    for done, year in enumerate(years):
        if done >= YEARS_BEFORE_TOTAL and found * len(years) < cap * done:
            break
        counted[year] = _capped_count(session, plan, [year_term(year)], cap - found)
        found += counted[year]
        if found >= cap:
            return found, counted
    else:
        if plan.dated:
            return found, counted
    return _capped_count(session, plan, None, cap), counted


def _window(session: Session, plan: _Plan, need: int, exact_up_to: int) -> list[str] | None:
    """None when the plan has at most ``exact_up_to`` matches, else ``_newest_window``."""
    total, counted = _count_up_to(session, plan, exact_up_to + 1)
    return None if total <= exact_up_to else _newest_window(session, plan, need, counted)


def _newest_window(
    session: Session, plan: _Plan, need: int, counted: dict[int, int]
) -> list[str] | None:
    """The meta terms of the newest whole months holding at least ``need`` matches (years
    as year terms where a whole year is needed); None when the dated matches are fewer.

    ``counted``: matches of the newest years, already counted (``_count_up_to``): each
    capped at more than ``need`` less the years before it, which is all this needs to know.
    """
    window: list[str] = []
    found = 0
    for year in reversed(plan.years):
        in_year = counted.get(year)
        if in_year is None:
            in_year = _capped_count(session, plan, [year_term(year)], need - found)
        if found + in_year < need:
            if in_year:
                window.append(year_term(year))
                found += in_year
            continue
        months = plan.months_of(year)
        for start in range(0, len(months), MONTHS_PER_STATEMENT):
            chunk = months[start : start + MONTHS_PER_STATEMENT]
            counts = _capped_counts(
                session, plan, [[month_term(year, month)] for month in chunk], need - found
            )
            for month, in_month in zip(chunk, counts, strict=True):
                if in_month:
                    window.append(month_term(year, month))
                    found += in_month
                if found >= need:
                    return window
    return None


def find_matches(
    session: Session,
    query: SearchQuery,
    flt: ArticleFilter,
    *,
    limit: int,
    offset: int,
    sort: Sort,
) -> list[tuple[int, float]]:
    """``(article_id, score)`` of one page of matches: best first (see the module docstring
    for which are ranked) or newest first (undated last, then by id)."""
    plan = _plan(session, query, flt)
    if plan.impossible:
        return []
    need = offset + limit
    # Dates: the newest matches for the page are exactly what is needed; relevance: a pool,
    # ranked whole while it is at most twice the size of a window's.
    threshold = max(CANDIDATES, need) if sort == "relevance" else need
    exact_up_to = 2 * threshold if sort == "relevance" else threshold
    counted = dataclasses.replace(plan, query=query.loosened()) if sort == "relevance" else plan
    with _tuned(session):
        window = _window(session, counted, threshold, exact_up_to)
        rows = _page(session, plan, window, sort, limit, offset)
        if window is not None and len(rows) < limit and counted.query != plan.query:
            rows = _page(session, plan, None, sort, limit, offset)
    return rows


@contextmanager
def _tuned(session: Session) -> Iterator[None]:
    """``_POSTGRES_SETTINGS`` for the statements run inside, as transaction-local settings
    put back afterwards (an error leaves them to the rollback the transaction needs anyway).
    """
    if dialect_of(session) != "postgresql":
        yield
        return
    connection = session.connection()
    row = connection.exec_driver_sql(_SWAP_SETTINGS, _POSTGRES_SETTINGS).one()
    previous = dict(zip(_POSTGRES_SETTINGS, row[: len(_POSTGRES_SETTINGS)], strict=True))
    yield
    connection.exec_driver_sql(f"SELECT {_SET_SETTINGS}", previous)


def _page(
    session: Session,
    plan: _Plan,
    window: Sequence[str] | None,
    sort: Sort,
    limit: int,
    offset: int,
) -> list[tuple[int, float]]:
    """One page of the plan's matches within ``window`` (None: all of them)."""
    dialect = dialect_of(session)
    params: dict[str, Any] = {
        **match_params(dialect, "m0", plan.query, _required(plan, window)),
        "limit": limit,
        "offset": offset,
    }
    rows = session.execute(_page_statement(dialect, plan.flt, plan.hide_duplicates, sort), params)
    return [(int(i), float(s)) for i, s in rows]


def count_matches(
    session: Session, query: SearchQuery, flt: ArticleFilter, *, cap: int = COUNT_CAP
) -> HitCount:
    """How many articles match, counted exactly up to ``cap``."""
    plan = _plan(session, query, flt)
    if plan.impossible:
        return HitCount(0, True)
    with _tuned(session):
        count, _ = _count_up_to(session, plan, cap + 1)
    return HitCount(count, True) if count <= cap else HitCount(cap, False)
