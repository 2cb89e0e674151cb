"""A one-line progress bar on standard error, drawn only when a person is watching.

Long report runs (a national time series) take tens of seconds. On a terminal the bar
says how far along they are; in a pipe, a log or CI it stays silent, so redirected
output never fills with carriage returns.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

_WIDTH = 28


class ProgressBar:
    """Call with ``(step, done, total)``; :meth:`close` ends the line."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self._stream = stream or sys.stderr
        self._enabled = self._stream.isatty() if enabled is None else enabled
        self._start = time.monotonic()
        self._drawn = False

    def __call__(self, step: str, done: int, total: int) -> None:
        """Redraw the bar: *done* of *total* dated evaluations finished, now in *step*."""
        if not self._enabled or total <= 0:
            return
        done = min(done, total)
        filled = round(_WIDTH * done / total)
        elapsed = time.monotonic() - self._start
        bar = "█" * filled + "·" * (_WIDTH - filled)
        self._stream.write(f"\r{step:<10} {bar} {done}/{total} dates  {elapsed:5.1f}s")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Finish the bar's line (nothing when it was never drawn)."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False
