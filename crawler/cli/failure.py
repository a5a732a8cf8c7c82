"""How the CLI reports a user error: one ``newsmon: error:`` line on stderr, exit status 2.

Errors newsmon detects itself reach ``fail`` through ``crawler.cli.handle_errors``. Errors Click
detects while parsing (a bad option value, an unknown command or option) would otherwise print
a usage block, a hint and the error on separate lines with exit status 2; ``OneLineErrorGroup``
reports them through ``fail`` too. ``-v`` adds the traceback in both cases.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any, NoReturn

import click
from click.exceptions import NoArgsIsHelpError


def fail(message: str, *, verbose: bool, code: int = 2) -> NoReturn:
    """Print ``message`` as ``newsmon: error: ...`` (further lines indented) and exit."""
    if verbose:
        traceback.print_exc()
    lines = message.splitlines() or ["unknown error"]
    click.echo(f"newsmon: error: {lines[0]}", err=True)
    for line in lines[1:]:
        click.echo(f"  {line}", err=True)
    sys.exit(code)


def describe_click_error(exc: click.ClickException) -> str:
    """Click's message on one line; for a usage error other than a bad value, where help is."""
    message = " ".join(exc.format_message().split()).rstrip(".")
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and not isinstance(exc, click.BadParameter) and ctx:
        message += f" (see '{ctx.command_path} --help')"
    return message


class OneLineErrorGroup(click.Group):
    """A Click group whose parsing errors, its own and its subcommands', end as one line."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except NoArgsIsHelpError:
            raise  # the help text, as Click prints it
        except click.ClickException as exc:
            # The group's own options are not parsed yet: whether -v was given is unknown.
            fail(describe_click_error(exc), verbose=False)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NoArgsIsHelpError:
            raise
        except click.ClickException as exc:
            fail(describe_click_error(exc), verbose=bool(ctx.params.get("verbose")))
