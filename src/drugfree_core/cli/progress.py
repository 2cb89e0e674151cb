"""A one-line progress bar on standard error, drawn only when a person is watching.

Long runs (a national report's time series, loading millions of rows) take seconds to
tens of seconds. On a terminal the bar says which step is running (``load``,
``evaluate``, ``series``, ``quality``, ``write``…), how far along it is and for how long;
in a pipe, a log or CI it stays silent, so redirected output never fills with carriage
returns.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

_WIDTH = 28


class ProgressBar:
    """Call with ``(step, done, total)``; :meth:`phase` wraps a step without parts.

    :meth:`close` ends the line.
    """

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self._stream = stream or sys.stderr
        self._enabled = self._stream.isatty() if enabled is None else enabled
        self._start = time.monotonic()
        self._drawn = False

    def __call__(self, step: str, done: int, total: int, what: str = "dates") -> None:
        """Redraw the bar: *done* of *total* parts (*what*) finished, now in *step*."""
        if not self._enabled or total <= 0:
            return
        done = min(done, total)
        filled = round(_WIDTH * done / total)
        elapsed = time.monotonic() - self._start
        bar = "█" * filled + "·" * (_WIDTH - filled)
        count = f"{done}/{total} {what}" if what else ""
        self._stream.write(f"\r{step:<10} {bar} {count:<12} {elapsed:5.1f}s")
        self._stream.flush()
        self._drawn = True

    @contextmanager
    def phase(self, step: str) -> Iterator[None]:
        """Show *step* while the block runs (loading, writing), full when it ends."""
        self(step, 0, 1, "")
        yield
        self(step, 1, 1, "")

    def close(self) -> None:
        """Finish the bar's line (nothing when it was never drawn)."""
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()
            self._drawn = False
