"""A bounded cache of a per-token value for the passes that run over every word of every
article (folded words, party-name candidates, topic-term plans).

A dict whose ``__missing__`` computes the value, emptied when full, rather than
``functools.lru_cache``: looked up with ``map(cache.__getitem__, tokens)``, a hit is one C dict
lookup with no recency bookkeeping, and Python code runs only for tokens not seen yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

V = TypeVar("V")


class TokenCache(dict[str, V]):
    """``compute(token)`` of each token asked for, kept until ``size`` tokens are held, then
    forgotten all at once (so output never depends on which tokens came earlier)."""

    def __init__(self, compute: Callable[[str], V], size: int) -> None:
        super().__init__()
        self._compute = compute
        self._size = size

    def __missing__(self, token: str) -> V:
        found = self._compute(token)
        if len(self) >= self._size:
            self.clear()
        self[token] = found
        return found
