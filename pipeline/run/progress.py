"""Progress lines for long runs: step, elapsed time, and an estimate of what is left.

Plain lines (one per event) suit CI logs and files; on a terminal the same lines are
printed, so nothing depends on cursor control. Every line also goes to the run's log file.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from pipeline.atomic import open_append


class Progress:
    """Report steps as they start and finish.

    Parameters
    ----------
    total
        Expected number of units of work (steps, notebooks, company reports), for the
        estimate of what is left.
    expected_seconds
        Duration of the previous comparable run, if known; improves the first estimates.
    stream
        Where lines go (default: standard error); ``None`` silences the console.
    log
        A log file that receives every line with a timestamp.
    """

    def __init__(self, total: int, *, expected_seconds: float | None = None,
                 stream: TextIO | None = sys.stderr, log: Path | None = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.expected = expected_seconds
        self.start = time.perf_counter()
        self.stream = stream
        self.log = open_append(log) if log else None  # owner-only in data/work

    def _line(self, message: str) -> None:
        elapsed = time.perf_counter() - self.start
        line = f"[{elapsed:6.1f}s] {message}"
        if self.stream is not None:
            print(line, file=self.stream, flush=True)
        if self.log is not None:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
            self.log.write(f"{stamp} {line}\n")
            self.log.flush()

    def remaining(self) -> float | None:
        """Seconds left, from the pace so far (or the previous run's duration)."""
        elapsed = time.perf_counter() - self.start
        if self.expected is not None:
            return max(self.expected - elapsed, 0.0)
        if self.done == 0:
            return None
        return elapsed / self.done * (self.total - self.done)

    def info(self, message: str) -> None:
        self._line(message)

    def step(self, message: str, *, cached: bool = False, units: int = 1) -> None:
        """A unit of work finished (or was skipped because its inputs did not change)."""
        self.done = min(self.done + units, self.total)
        left = self.remaining()
        eta = f", about {left:.0f}s left" if left is not None and self.done < self.total else ""
        self._line(f"{message}{' (unchanged, reused)' if cached else ''} "
                   f"[{self.done}/{self.total}{eta}]")

    def close(self) -> None:
        if self.log is not None:
            self.log.close()
            self.log = None
