"""The memory a measured run holds in each stage: its process's RSS sampled from outside, matched to its stage spans.

The parent samples the run's process with psutil every SAMPLE_SECONDS (nothing runs inside the measured process);
the run reports when each stage began and ended (RunSummary.stage_spans, in seconds since the epoch). A stage's peak
is the largest sample taken within its span. The run's own peak RSS stays the kernel's figure (`wait4`), which
samples cannot miss; a stage's figure can fall short of it by what lived for less than a sampling interval.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import psutil

__all__ = ["RssSampler", "stage_peaks_mb"]

SAMPLE_SECONDS = 0.02
MB = 2**20


class RssSampler:
    """Samples one process's resident set size in a background thread until `stop()` or the process ends."""

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS) -> None:
        self.samples: list[tuple[float, int]] = []  # (seconds since the epoch, RSS bytes)
        self._process = psutil.Process(pid)
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)

    def start(self) -> RssSampler:
        self._thread.start()
        return self

    def stop(self) -> list[tuple[float, int]]:
        self._stopped.set()
        self._thread.join()
        return self.samples

    def _sample(self) -> None:
        while not self._stopped.is_set():
            try:
                rss = self._process.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):  # ZombieProcess is a NoSuchProcess
                return  # the run has ended (a zombie until the parent reaps it)
            self.samples.append((time.time(), rss))
            self._stopped.wait(self._interval)


def stage_peaks_mb(
    samples: Sequence[tuple[float, int]], spans: Sequence[Sequence[str | float]]
) -> dict[str, float | None]:
    """Each stage's largest sample within its spans (a stage timed twice: both spans), in MB; None when no sample
    fell within a span."""
    within: dict[str, list[int]] = {}
    for stage, started, ended in spans:
        within.setdefault(str(stage), []).extend(rss for at, rss in samples if started <= at <= ended)
    return {stage: round(max(rss) / MB, 1) if rss else None for stage, rss in within.items()}
