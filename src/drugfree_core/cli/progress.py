"""Progress on standard error for the long steps, drawn only when a person is watching.

Long runs (a national report's time series, loading millions of rows) take seconds to
tens of seconds. On a terminal each long step (loading, evaluating, writing) gets a
:func:`click.progressbar` line that says which step runs, in the reader's language, how
far along it is and how long is left; the sub-steps of one evaluation (``evaluate``,
``series``, ``quality``…) share a line. In a pipe, a log or CI nothing is written, so
redirected output never fills with carriage returns.

Click draws the bar (clearing, terminal width, ETA, hidden cursor): the project keeps
no drawing code of its own, and click is already the CLI's library.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, TextIO

import click

from drugfree_core.i18n import Message, msg, pmsg, resolve_lang

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar as ClickBar

_WIDTH = 28

#: The steps' names: what the CLI and :func:`~drugfree_core.reports.build_report` report.
STEPS: dict[str, Message] = {
    "load": pmsg("progress step", "Loading"),
    "evaluate": pmsg("progress step", "Evaluating"),
    "series": pmsg("progress step", "Time series"),
    "gaps": pmsg("progress step", "Gaps to the roadmap"),
    "indicators": pmsg("progress step", "Indicators"),
    "quality": pmsg("progress step", "Data quality"),
    "provenance": pmsg("progress step", "Provenance"),
    "write": pmsg("progress step", "Writing"),
}

#: What a step counts, in words (``dates``: the dated evaluations of a report).
WHAT: dict[str, Message] = {
    "dates": msg("evaluation dates"),
}


class ProgressBar:
    """Call with ``(step, done, total, what)``; :meth:`phase` wraps a step without parts.

    :meth:`close` ends the line. *enabled* defaults to whether *stream* is a terminal;
    forced on for a stream that is not one, click writes each step's name once.
    """

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        enabled: bool | None = None,
        lang: str | None = None,
    ) -> None:
        self._stream = stream or sys.stderr
        self._enabled = self._stream.isatty() if enabled is None else enabled
        self._lang = resolve_lang(lang)
        self._bar: ClickBar[int] | None = None
        self._open = ExitStack()  # the drawn bar's context: closing it ends the line
        self._step = ""
        # Labels padded to the longest, so the bar keeps its place as the steps change.
        self._pad = 0
        self._pad = max(len(self.label(step, what)) for step in STEPS for what in ("", *WHAT))

    def label(self, step: str, what: str = "") -> str:
        """*step* (and what it counts) in the reader's language; an unknown step as it is."""
        name = STEPS[step].render(self._lang) if step in STEPS else step
        if what:
            words = WHAT[what].render(self._lang) if what in WHAT else what
            name = msg("{step} ({what})", step=name, what=words).render(self._lang)
        return name.ljust(self._pad)

    def __call__(self, step: str, done: int, total: int, what: str = "dates") -> None:
        """Show *done* of *total* parts (*what*) finished, now in *step*."""
        if not self._enabled or total <= 0:
            return
        done = max(0, min(done, total))
        bar = self._bar
        if bar is None or bar.length != total or done < bar.pos:
            # A new measure (or a new start): the finished line stays, a new one begins.
            self.close()
            bar = self._bar = self._open.enter_context(
                click.progressbar(
                    length=total,
                    label=self.label(step, what),
                    file=self._stream,
                    fill_char="█",
                    empty_char="·",
                    width=_WIDTH,
                    show_pos=total > 1,
                    show_percent=False,
                    show_eta=total > 1,
                    bar_template="%(label)s  %(bar)s  %(info)s",
                )
            )
        elif step != self._step:
            bar.label = self.label(step, what)
        self._step = step
        bar.update(done - bar.pos)
        bar.render_progress()  # a new step's name shows even when nothing advanced

    @contextmanager
    def phase(self, step: str) -> Iterator[None]:
        """Show *step* while the block runs (loading, writing), full when it ends."""
        self(step, 0, 1, "")
        yield
        self(step, 1, 1, "")

    def close(self) -> None:
        """Finish the bar's line (nothing when it was never drawn)."""
        self._open.close()
        self._bar = None
        self._step = ""
