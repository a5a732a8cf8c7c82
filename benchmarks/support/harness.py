"""What every benchmark script needs: a work directory, the machine's load, option types.

Benchmarks run on machines shared with other work; ``MachineClock`` lets each one say how much
of the CPU something else took while it measured, so numbers are read with that in mind.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil


@dataclass(frozen=True)
class MachineClock:
    """Wall time, busy CPU seconds of the whole machine and of this script, at one moment."""

    at: float
    machine_busy: float
    own: float

    @classmethod
    def now(cls) -> MachineClock:
        t = psutil.cpu_times()
        busy = t.user + t.nice + t.system + t.irq + t.softirq + getattr(t, "steal", 0.0)
        return cls(time.time(), busy, time.process_time())


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: an integer no smaller than ``minimum``."""

    def parse(value: str) -> int:
        number = int(value)
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {number}")
        return number

    return parse


@contextmanager
def workdir(keep: Path | None, prefix: str) -> Iterator[Path]:
    """``keep`` (created if needed), or a temporary directory removed afterwards."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep.resolve()
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as name:
        yield Path(name)


def pair_scores(found: set[Any], truth: set[Any]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the pairs ``found`` against the ``truth`` pairs (an empty
    side scores 1.0: nothing claimed is nothing wrong)."""
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
