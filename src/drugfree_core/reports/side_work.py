"""A worker thread for the parts of a report that can run beside the others.

The engine keeps both cores of a small server busy only part of the time (a national
report used about 1.3 of 2), so work that needs nothing from what runs meanwhile (the
quality assessment, the fingerprint, a province's own scheme on its own part of the
data, a series' dates once that is done) goes to a worker thread instead of waiting its
turn.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_T = TypeVar("_T")


class SideWork:
    """One worker thread that runs the work given to it in turn.

    Each piece of work runs in a copy of the caller's context (its language, a lookup
    log). Closing drops what has not started and waits for what has, so no work outlives
    its owner, even one that ends in an error: use it as
    ``with contextlib.closing(SideWork()) as side:``.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drugfree-report")

    def start(self, work: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> Future[_T]:
        """Start ``work(*args, **kwargs)``; its result (or error) is the future's."""
        context = contextvars.copy_context()

        def run() -> _T:
            return context.run(work, *args, **kwargs)

        return self._pool.submit(run)

    def share(
        self, works: Sequence[Callable[[], _T]], done: Callable[[], None] | None = None
    ) -> list[_T]:
        """The results of *works*, in order, run by this thread and the worker together.

        The worker is given every work, to take first to last once it has done what it
        was given before; this thread takes them last to first, each one the worker has
        not started, until the two meet. *done* is called on this thread once per work:
        as each of its own ends, then for the worker's as their results are collected.
        An error in a work this thread runs reaches the caller at once (the worker's
        work goes on until the owner closes it); else the first error, in the order of
        *works*, among those the worker ran.
        """
        queued = {k: self.start(work) for k, work in enumerate(works)}
        return _take_back(works, queued, {}, done)

    def close(self) -> None:
        """Drop the work not started and wait for the work running."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def side_by_side(works: Sequence[Callable[[], _T]], *, here: int) -> list[_T]:
    """The results of *works*, in order, ``works[here]`` run on this thread.

    The others run in turn on a worker thread beside it (see :class:`SideWork`). Once
    ``works[here]`` is done, this thread takes back the works the worker has not started,
    from the last, instead of waiting for the worker to reach them. An error in a work
    this thread runs, else the first error in the order of *works*, reaches the caller
    once the worker has finished what it started (the rest is dropped).
    """
    if len(works) < 2:
        return [work() for work in works]
    with contextlib.closing(SideWork()) as side:
        beside = {k: side.start(work) for k, work in enumerate(works) if k != here}
        return _take_back(works, beside, {here: works[here]()})


def _take_back(
    works: Sequence[Callable[[], _T]],
    queued: dict[int, Future[_T]],
    results: dict[int, _T],
    done: Callable[[], None] | None = None,
) -> list[_T]:
    """The results of *works*: *results* known, the *queued* ones taken back or awaited.

    The worker takes its works first to last: this thread takes back the last ones it
    has not started (a cancelled future never runs), until it has started the next
    one, then waits for the worker's results in order. *done* is called on this thread
    after each queued work, taken back or awaited.
    """
    for k in sorted(queued, reverse=True):
        if not queued[k].cancel():
            break  # the worker has started it, and every work before it
        results[k] = works[k]()
        if done is not None:
            done()
    for k in sorted(queued):
        if k not in results:
            results[k] = queued[k].result()
            if done is not None:
                done()
    return [results[k] for k in range(len(works))]
