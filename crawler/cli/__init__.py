"""The ``newsmon`` command line: the click commands (``commands``) and their option helpers.
``main`` is re-exported for the ``newsmon`` entry point and ``python -m crawler``."""

from crawler.cli.commands import main

__all__ = ["main"]
