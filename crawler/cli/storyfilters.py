"""``--relevant/--no-relevant``, ``--cluster``, ``--party`` and the near-duplicate options
(``--all`` for search, ``--duplicates/--no-duplicates`` for export), kept apart from
``crawler.cli`` so its commands' signatures stay as they are: the options store their values
on the click context, and ``make_filter`` reads them back with ``story_filter_values``."""

from __future__ import annotations

from typing import Any

import click

from crawler.cli.ids import ARTICLE_ID
from crawler.errors import UsageError

_KEY = "newsmon.story_filters"


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_KEY, {})[param.name or ""] = value
    return value


def _party(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from crawler.similarity.parties import party_table

    if value is not None:
        value = value.strip().lower()
        if value not in party_table().parties:
            raise click.BadParameter(
                f"unknown party {value!r} (the ids are in crawler/data/parties.yaml, "
                "e.g. cn, eu, unep)",
                ctx,
                param,
            )
    return _remember(ctx, param, value)


def story_filter_options(*, duplicates_shown: bool = False) -> list[Any]:
    """The click options, to add to a command beside its other filters.

    Near-duplicates are hidden unless ``--all`` is given (search), or, with
    ``duplicates_shown`` (export, a dump of what is stored), included unless
    ``--no-duplicates`` is given; export still accepts ``--all``, its default.
    """
    return [
        click.option(
            "--relevant/--no-relevant",
            "relevant",
            default=None,
            expose_value=False,
            callback=_remember,
            help="Only articles scored relevant (or, with --no-relevant, not).",
        ),
        click.option(
            "--cluster",
            "cluster",
            type=ARTICLE_ID,
            default=None,
            expose_value=False,
            callback=_remember,
            metavar="ID",
            help="Only the reports of this story (see `newsmon stories`).",
        ),
        click.option(
            "--party",
            "party",
            default=None,
            expose_value=False,
            callback=_party,
            metavar="ID",
            help="Only articles naming this party (e.g. unep, eu).",
        ),
        *_duplicate_options(duplicates_shown),
    ]


def _duplicate_options(shown: bool) -> list[Any]:
    include_all = click.option(
        "--all",
        "include_duplicates",
        is_flag=True,
        default=False,
        expose_value=False,
        callback=_remember,
        hidden=shown,
        help="Include near-duplicates (hidden by default).",
    )
    if not shown:
        return [include_all]
    return [
        click.option(
            "--duplicates/--no-duplicates",
            "duplicates",
            default=True,
            expose_value=False,
            callback=_remember,
            help="Include near-duplicates, each with duplicate_of naming its first "
            "copy (the default), or leave them out.",
        ),
        include_all,
    ]


def story_filter_values() -> dict[str, Any]:
    """What the options were given, as ``ArticleFilter`` keyword arguments."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return {}
    values = dict(ctx.meta.get(_KEY, {}))
    if "duplicates" in values:
        shown = values.pop("duplicates")
        if values.get("include_duplicates") and not shown:
            raise UsageError(
                "--all and --no-duplicates contradict each other: near-duplicates "
                "are exported unless --no-duplicates is given"
            )
        values["include_duplicates"] = shown
    return values
