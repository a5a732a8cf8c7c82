"""The README's examples name what exists: every ``--source NAME`` in its shell examples is a
source of the shipped sources.yaml, and every ``(#anchor)`` link is one of its headings."""

from __future__ import annotations

import re

from crawler.config import load_config
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_SOURCE_OPTION = re.compile(r"--source[ =]([A-Za-z0-9_-]+)")


def _commands() -> list[str]:
    """The ``newsmon`` command lines of the README's code blocks, without a ``$`` prompt."""
    lines = [
        line.strip().removeprefix("$ ")
        for block in _FENCE.findall(README)
        for line in block.splitlines()
    ]
    return [line for line in lines if line.startswith("newsmon ")]


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_source_named_in_an_example_is_shipped() -> None:
    shipped = {source.name for source in load_config(REPO / "sources.yaml").sources}
    named = {
        (name, line)
        for line in _commands()
        if "--config" not in line  # an example with its own sources file names its own
        for name in _SOURCE_OPTION.findall(line)
    }
    assert named, "no --source example found: has the README's layout changed?"
    unknown = sorted(f"{name!r} in: {line}" for name, line in named if name not in shipped)
    assert not unknown, unknown


def test_every_anchor_link_names_a_heading() -> None:
    headings = {
        _anchor(h) for h in re.findall(r"^#+ (.+)$", README, re.MULTILINE) if not h.startswith("!")
    }
    links = set(re.findall(r"\]\(#([^)]+)\)", README))
    assert links, "no anchor link found"
    assert links <= headings, sorted(links - headings)
