"""Validated copies of the sources file (and its topics files) that scheduled crawls read.

A crawl subprocess reads its configuration when it starts. Pointed at the user's sources file,
every crawl started after an edit broke it would fail, although the daemon refused the edit
and kept its schedule: healthy sources would turn degraded, then broken. So the daemon hands
each crawl a private copy of the configuration it validated, and replaces the copy only when
a reload validates a new one.

The copy is the validated configuration written back as YAML, with each topics file copied
byte for byte beside it and named by absolute path; not the user's text, whose relative
``topics:`` paths would resolve against the copy's directory instead of the original's. It is
read back before use and must equal what was validated. The files live in a private
(0700) temporary directory and are written again when missing (tmp cleaners), so a daemon
running for months does not lose them.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
import weakref
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from crawler.config import NewsmonConfig, parse_config, resolve_config_path
from crawler.errors import ConfigError
from crawler.relevance import TopicsError
from crawler.relevance.topics import parse_topics
from crawler.yamlfile import read_user_file

SOURCES_NAME = "sources.yaml"


@dataclass(frozen=True)
class Snapshot:
    """One validated configuration: the files to write (name -> text) and the config."""

    key: str
    config: NewsmonConfig
    files: tuple[tuple[str, str], ...]


class ConfigSnapshots:
    """The daemon's validated configurations, the current one and those crawls still use."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or Path(tempfile.mkdtemp(prefix="newsmon-config-"))
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._current: Snapshot | None = None
        self._in_use: Counter[str] = Counter()
        # Removed at close(), or when the daemon fails to start or exits without it.
        self._remove = weakref.finalize(self, shutil.rmtree, self.root, ignore_errors=True)

    def take(self, config_path: Path) -> NewsmonConfig:
        """Read and validate the sources file and its topics files, and make that the
        configuration of the crawls started from now on; ``ConfigError`` (the current one
        stays) when something is wrong."""
        snapshot = read_snapshot(config_path, self.root)
        with self._lock:
            self._write(snapshot)
            self._current = snapshot
        self._prune()
        return snapshot.config

    @property
    def config(self) -> NewsmonConfig:
        if self._current is None:
            raise RuntimeError("no configuration was taken yet")
        return self._current.config

    @contextmanager
    def use(self) -> Iterator[Path]:
        """The current snapshot's sources file, kept on disk while the caller runs a crawl."""
        with self._lock:
            snapshot = self._current
            if snapshot is None:
                raise RuntimeError("no configuration was taken yet")
            self._write(snapshot)  # again, if something removed it meanwhile
            self._in_use[snapshot.key] += 1
        try:
            yield self.root / snapshot.key / SOURCES_NAME
        finally:
            with self._lock:
                self._in_use[snapshot.key] -= 1
            self._prune()

    def close(self) -> None:
        """Remove every snapshot (the daemon is stopping)."""
        self._remove()

    def _write(self, snapshot: Snapshot) -> None:
        directory = self.root / snapshot.key
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name, text in snapshot.files:
            path = directory / name
            if not path.exists():
                partial = path.with_name(f".{name}.partial")
                partial.write_text(text, encoding="utf-8")
                partial.replace(path)

    def _prune(self) -> None:
        """Remove the snapshots that are neither current nor used by a running crawl."""
        with self._lock:
            keep = {key for key, count in self._in_use.items() if count > 0}
            if self._current is not None:
                keep.add(self._current.key)
            stale = [p for p in self.root.iterdir() if p.is_dir() and p.name not in keep]
        for path in stale:
            shutil.rmtree(path, ignore_errors=True)


def read_snapshot(config_path: Path, root: Path) -> Snapshot:
    """The sources file at ``config_path`` validated, with its topics files read once each
    (so what is copied is what was validated) and pointed at their copies under ``root``."""
    path = resolve_config_path(config_path)
    try:
        text = read_user_file(path, "sources file")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    config = parse_config(text, origin=str(path))
    topics_texts: dict[str, str] = {}
    for topics in filter(None, [config.topics, *(s.topics for s in config.sources)]):
        if topics in topics_texts:
            continue
        try:
            topics_texts[topics] = read_user_file(Path(topics), "topics file")
            # Fresh, not load_topics: that caches, and would not see an edit of the file.
            parse_topics(topics_texts[topics], origin=topics)
        except (ValueError, TopicsError) as exc:
            raise ConfigError(f"{path}: topics: {exc}") from None
    digest = hashlib.sha256(text.encode())
    for name, topics_text in sorted(topics_texts.items()):
        digest.update(f"\0{name}\0{topics_text}".encode())
    key = digest.hexdigest()[:16]
    names = {old: f"topics-{i}-{Path(old).name}" for i, old in enumerate(topics_texts, 1)}

    def copy_of(topics: str | None) -> str | None:
        return str(root / key / names[topics]) if topics else None

    copied = config.model_copy(
        update={
            "topics": copy_of(config.topics),
            "sources": tuple(
                s.model_copy(update={"topics": copy_of(s.topics)}) if s.topics else s
                for s in config.sources
            ),
        }
    )
    header = (
        f"# newsmon schedule: the configuration validated from {path}\n"
        f"# at {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC; the crawls it starts read it.\n"
    )
    dumped = header + yaml.safe_dump(
        copied.model_dump(mode="json"), allow_unicode=True, sort_keys=False
    )
    files = (*((names[old], body) for old, body in topics_texts.items()), (SOURCES_NAME, dumped))
    _check_round_trip(dumped, copied, root / key / SOURCES_NAME)
    return Snapshot(key, copied, files)


def _check_round_trip(dumped: str, config: NewsmonConfig, origin: Path) -> None:
    """The copy must read back as the validated config, or crawls would not run with what
    was validated (a value YAML cannot carry would show here, not in every crawl)."""
    if NewsmonConfig.model_validate(yaml.safe_load(dumped)) != config:
        raise RuntimeError(f"the configuration copy {origin} does not read back as validated")
