"""Run a command while sampling its memory: the peak RSS of the process and of its tree."""

from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.05


@dataclass(frozen=True)
class MeasuredRun:
    returncode: int
    stdout: str
    stderr: str
    # Highest RSS seen of the command's own process, and of it plus its children (the
    # extraction workers) summed.
    peak_rss: int
    peak_tree_rss: int


def run_measured(args: list[str], *, env: dict[str, str], cwd: Path, timeout: float) -> MeasuredRun:
    """Run ``args`` to completion, polling RSS every SAMPLE_SECONDS (psutil, because
    resource's RUSAGE_CHILDREN folds every earlier child of the test process into its peak)."""
    with subprocess.Popen(
        args, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        out: dict[str, str] = {}

        def communicate() -> None:
            # On a thread, so that the pipes are drained while this one samples memory.
            try:
                out["stdout"], out["stderr"] = process.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                out["stdout"], out["stderr"] = process.communicate()
                out["timed_out"] = "yes"

        reader = threading.Thread(target=communicate, daemon=True)
        reader.start()
        peak = peak_tree = 0
        watched = psutil.Process(process.pid)
        while reader.is_alive():
            try:
                own = watched.memory_info().rss
                tree = own + sum(_rss(child) for child in watched.children(recursive=True))
            except psutil.NoSuchProcess:
                break
            peak, peak_tree = max(peak, own), max(peak_tree, tree)
            reader.join(SAMPLE_SECONDS)
        reader.join()
    if "timed_out" in out:
        raise TimeoutError(f"{' '.join(args)} did not finish within {timeout} s")
    return MeasuredRun(process.returncode, out["stdout"], out["stderr"], peak, peak_tree)


def _rss(process: psutil.Process) -> int:
    try:
        return int(process.memory_info().rss)
    except psutil.NoSuchProcess:
        return 0
