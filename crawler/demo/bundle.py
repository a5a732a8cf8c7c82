"""Where the sample site's package data lives: found through importlib.resources, as real paths.

The server needs real files (it serves them, stats their mtimes), so a package installed inside
a zip archive is refused with a clear error rather than served from temporary copies.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SITE_DIR = "site"
SOURCES_FILE = "sources.yaml"
EXPECTED_FILE = "expected.json"


def bundled_path(name: str) -> Path:
    """The filesystem path of ``name`` (a file or directory) shipped in ``crawler/demo/``."""
    resource = files(__package__).joinpath(name)
    if not isinstance(resource, Path):
        raise RuntimeError(
            f"crawler.demo data {name!r} is not on the filesystem ({resource!r}); "
            "install newsmon as files, not as a zip archive"
        )
    if not resource.exists():
        raise FileNotFoundError(f"crawler.demo data {name!r} is missing: {resource}")
    return resource
