"""``--relevant/--no-relevant``, ``--cluster``, ``--party`` and the near-duplicate options
(``--all`` for search, ``--duplicates/--no-duplicates`` for export): the commands take their
values as parameters (``relevant``, ``cluster``, ``party``, ``include_duplicates`` and, for
export, ``duplicates``) and build their ``ArticleFilter`` from them."""

from __future__ import annotations

from typing import Any

import click

from crawler.cli.ids import ARTICLE_ID
from crawler.errors import UsageError


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
    return value


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
            help="Only articles scored relevant (or, with --no-relevant, not).",
        ),
        click.option(
            "--cluster",
            "cluster",
            type=ARTICLE_ID,
            default=None,
            metavar="ID",
            help="Only the reports of this story (see `newsmon stories`).",
        ),
        click.option(
            "--party",
            "party",
            default=None,
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
            help="Include near-duplicates, each with duplicate_of naming its first "
            "copy (the default), or leave them out.",
        ),
        include_all,
    ]


def duplicates_included(include_all: bool, shown: bool | None) -> bool:
    """Whether near-duplicates are read: ``--all`` (``include_all``) for search, where
    ``shown`` is None; for export ``--duplicates/--no-duplicates`` (``shown``), which
    ``--all`` may repeat but not contradict."""
    if shown is None:
        return include_all
    if include_all and not shown:
        raise UsageError(
            "--all and --no-duplicates contradict each other: near-duplicates "
            "are exported unless --no-duplicates is given"
        )
    return shown
