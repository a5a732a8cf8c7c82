"""Where ``export -o FILE`` writes: a temporary file beside FILE, renamed over it at the end.

A failed export (disk full, database lost, Ctrl-C) then never leaves a truncated file behind,
and the previous export at that path survives it. Hand-written because ``click.File`` opens
lazily (an unwritable path was noticed only at the first record, and no file at all was
written for zero records) and its atomic mode renames even after an error.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from crawler.errors import OutputError


@contextmanager
def output_file(path: str) -> Iterator[TextIO]:
    """A text stream for ``path`` (``-``: stdout); ``OutputError`` names the path on failure."""
    if path == "-":
        yield sys.stdout
        return
    target = Path(path)
    try:
        if target.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        fd, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        try:
            with open(fd, "w", encoding="utf-8", newline="") as handle:
                yield handle
            os.chmod(temporary, _mode_of(target))
            os.replace(temporary, target)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_of(target: Path) -> int:
    """The existing file's permissions, else what ``open`` would give (mkstemp gives 0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)  # the only way to read the umask; set straight back
        os.umask(umask)
        return 0o666 & ~umask
