"""Article ids on the command line (``show ID``, ``--cluster ID``): whole numbers within the
range of the ``articles.id`` column, checked while parsing so that an impossible id is a
one-line usage error instead of a value the database driver refuses mid-query."""

from __future__ import annotations

from typing import Any

import click

from storage.models import ARTICLE_ID_MAX, ARTICLE_ID_MIN


class ArticleIdParam(click.ParamType):
    """An article id: an integer from 1 to the id column's largest value."""

    name = "ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        number: int = click.INT.convert(value, param, ctx)  # its message for 'abc'
        if not ARTICLE_ID_MIN <= number <= ARTICLE_ID_MAX:
            self.fail(
                f"{number} is not an id: ids run from {ARTICLE_ID_MIN} to {ARTICLE_ID_MAX}",
                param,
                ctx,
            )
        return number


ARTICLE_ID = ArticleIdParam()
