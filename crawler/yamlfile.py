"""Reading YAML: the files users edit (the sources file, topics files), with one wording for
what goes wrong, naming the file, so every such error reads the same; and the data files
shipped in the package.

Both refuse a mapping that gives a key twice. YAML forbids it, but PyYAML keeps the last value
without a word, so a second ``crawl:`` section or a repeated ``feeds:`` would silently replace
the first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_MERGE_TAG = "tag:yaml.org,2002:merge"


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping gives one key twice; ``line`` (from 1) is where the second one is."""

    def __init__(self, key: object, line: int, first_line: int) -> None:
        super().__init__(problem=f"duplicate key {key!r} (first at line {first_line})")
        self.line = line


class _UniqueKeys(yaml.constructor.SafeConstructor):
    """Safe construction, refusing a key given twice in one mapping. Keys merged in with
    ``<<`` may still be overridden: that is what merging is for."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:
                continue  # an unhashable key: the constructor below reports it
            if first is not key_node:
                raise DuplicateKeyError(
                    key, key_node.start_mark.line + 1, first.start_mark.line + 1
                )
        return super().construct_mapping(node, deep=deep)


class _UserLoader(_UniqueKeys, yaml.SafeLoader):
    """The files users edit: the pure-Python parser, whose errors carry line and column."""


# libyaml's parser when PyYAML was built with it: the parties table (39 KB) loads in 17 ms
# instead of 190, in every crawl process and each CLI command that reads it.
class _DataLoader(_UniqueKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The data files shipped with newsmon."""


def load_data_file(path: Path) -> Any:
    """A YAML data file shipped with newsmon (months, junk phrases, parties), parsed;
    ``ValueError`` naming ``path`` and the line of a key given twice."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_DataLoader)
    except DuplicateKeyError as exc:
        raise ValueError(f"{path}:{exc.line}: {exc.problem}") from None


def read_user_file(path: Path, what: str, missing_hint: str = "") -> str:
    """The UTF-8 text of ``path``; ``ValueError`` with a one-line reason naming the file
    (``what`` says which kind of file it is: "sources file", "topics file")."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: {what} not found{missing_hint}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the {what}: {exc.strerror}") from None


def parse_yaml(text: str, origin: str) -> Any:
    """``text`` parsed as YAML; ``ValueError`` naming ``origin`` and the line and column of a
    syntax error, or the line of a key given twice."""
    try:
        return yaml.load(text, Loader=_UserLoader)
    except DuplicateKeyError as exc:
        raise ValueError(f"{origin}:{exc.line}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ValueError(f"{origin}: not valid YAML{where}: {problem}") from None


def parse_mapping(text: str, origin: str, expected: str) -> dict[str, Any]:
    """``text`` parsed as a YAML mapping (``ValueError`` as ``parse_yaml``, or saying what was
    ``expected`` at the top)."""
    data = parse_yaml(text, origin)
    if not isinstance(data, dict):
        raise ValueError(f"{origin}: expected {expected} at the top")
    return data
