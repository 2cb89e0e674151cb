"""Run a step of many small polars queries on a worker of polars' own thread pool.

Most eager polars calls that read more than one column (a filter, a join, a select of
two expressions) are handed from the calling thread to polars' worker threads, and the
caller sleeps until one of them is done. On a few hundred rows the work takes
microseconds and the hand-over (waking a worker, then being woken) about 0.1 ms: one
unit's explanation makes some 180 such calls, and spent more time handing them over than
computing them. A call made *on* a worker of that pool runs there at once, so a step
moved onto a worker pays one hand-over instead of one per call; most large calls are
still shared with the other workers.

Polars offers no door to its pool but the functions it calls back, so the step runs as
one: the function of a two-column select, which polars evaluates on its pool. That the
function then runs on a worker, and once, is how polars behaves, not what it documents:
if it runs on the calling thread instead, the step is as right and only slower, and it
never runs twice.

What does not follow the step to the worker: thread-local state, a per-thread profiler
or tracer (``cProfile``), the main thread's larger stack. Ctrl-C reaches the step at its
next polars call. Meant for short steps that wait for no other thread: a step waiting
for a thread that waits for polars (a future, a lock held across a polars call) could
wait for ever once every worker is so taken. Two callers' steps may share a worker, one
nested in the other's polars call, and then one waits for the other. Set
``DRUGFREE_DISABLE_POOL_STEPS=1`` to run every step on its caller (to profile it, say).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Callable
from typing import TypeVar

import polars as pl
from polars.exceptions import PanicException

from drugfree_core._env import switched_on

_T = TypeVar("_T")

#: Set to ``1`` (or ``true``, ``yes``, ``on``) to run every step on its caller.
DISABLE_ENV = "DRUGFREE_DISABLE_POOL_STEPS"


def pool_steps_enabled() -> bool:
    """Whether steps go to polars' pool (``DRUGFREE_DISABLE_POOL_STEPS`` is not set)."""
    return not switched_on(os.environ.get(DISABLE_ENV))


def on_polars_pool(work: Callable[[], _T]) -> _T:
    """``work()``, run on a worker of polars' thread pool; its value, or its exception.

    It runs once, in a copy of the caller's :mod:`contextvars` context (the reader's
    language, say). Should polars not call it back, or fail before it ran, it runs here
    (in such a copy too); a value it gave stands whatever polars does after.
    """
    context = contextvars.copy_context()
    if not pool_steps_enabled():
        return context.run(work)
    started: list[bool] = []
    values: list[_T] = []
    errors: list[BaseException] = []

    def step(series: pl.Series) -> pl.Series:
        if started:  # called back twice: the work runs once
            return series
        started.append(True)
        # Nothing may escape into polars: it would come back as polars' own error.
        try:
            values.append(context.run(work))
        except BaseException as error:  # raised again in the caller, as it was
            errors.append(error)
        return series

    # A panic is no Exception; an interrupt outside the step is the caller's to have.
    with contextlib.suppress(Exception, PanicException):
        pl.select(
            pl.lit(0).map_batches(step, return_dtype=pl.Int32()).alias("step"),
            pl.lit(0).alias("beside"),
        )
    if errors:
        error = errors.pop()
        try:
            raise error
        finally:
            # The traceback holds this frame: keeping the error here would be a cycle
            # that keeps every frame of the step alive until the next collection.
            del error
    if values:
        return values.pop()
    assert not started, "a step that ran leaves a value or an error"
    return context.run(work)
