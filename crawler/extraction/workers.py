"""The process pool running trafilatura beside Scrapy's event loop.

One pool per crawl process, shared by every source crawled in it: twenty sources crawled at once
must not mean twenty pools. Processes, never threads: lxml crashed a thread-pool prototype with
``double free or corruption``. A worker that dies (segfault, out of memory) breaks the pool;
``submit`` then rebuilds it so one bad page costs one page.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from crawler.errors import WorkersUnavailable

logger = logging.getLogger(__name__)
T = TypeVar("T")


class WorkerCrashed(RuntimeError):
    """The worker process running a task died before answering."""


class ExtractionPool:
    """A lazily started, reference-counted ProcessPoolExecutor."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._users = 0
        self.workers = 0
        # Tasks given to ``run`` and not yet answered.
        self.running = 0

    def acquire(self, workers: int | None) -> None:
        self._users += 1
        self.workers = max(self.workers, workers or os.cpu_count() or 2)

    def release(self) -> None:
        self._users -= 1
        if self._users <= 0:
            self.shutdown()

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # forkserver, not fork: forking a process that runs a reactor and threads is
            # unsafe. Not spawn either: the fork server imports extraction and loads the
            # language model once (crawler.extraction.preload), and workers fork from it warm.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["crawler.extraction.preload"])
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers or os.cpu_count() or 2, mp_context=context
            )
        return self._executor

    def warm(self) -> None:
        """Start the workers now, while the crawl is still fetching feeds and listings;
        ``WorkersUnavailable`` when they cannot be started at all."""
        if self._executor is not None:
            return
        try:
            executor = self._start()
            for _ in range(self.workers or 1):
                executor.submit(os.getpid)
        except Exception as exc:
            # Starting processes fails as the OS says: OSError (no fork server socket, no
            # process or semaphore left), ImportError (no working sem_open), RuntimeError.
            if self._executor is not None:
                self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None
            raise WorkersUnavailable(
                f"the extraction worker processes could not be started: "
                f"{type(exc).__name__}: {exc}" + _hint(exc)
            ) from exc

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        executor = self._start()
        self.running += 1
        try:
            return await asyncio.wrap_future(executor.submit(fn, *args))
        except BrokenProcessPool as exc:
            if self._executor is executor:
                logger.warning("an extraction worker died; starting a new pool")
                executor.shutdown(wait=False, cancel_futures=True)
                self._executor = None
            raise WorkerCrashed(str(exc) or "worker process died") from None
        finally:
            self.running -= 1

    def pids(self) -> list[int]:
        """Worker process ids (for memory measurements)."""
        if self._executor is None:
            return []
        return [p.pid for p in getattr(self._executor, "_processes", {}).values() if p.pid]

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def _hint(exc: Exception) -> str:
    """What to do about the usual cause, when it is known."""
    if isinstance(exc, OSError) and "AF_UNIX path too long" in str(exc):
        return (
            f" (the temporary directory {tempfile.gettempdir()!r} has too long a path: set "
            "TMPDIR to a shorter one)"
        )
    return ""


# The process-wide pool (see module docstring for why it is shared).
POOL = ExtractionPool()
