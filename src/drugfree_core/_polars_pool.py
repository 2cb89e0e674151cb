"""Run a step of many small polars queries on a worker of polars' own thread pool.

Every eager polars call that reads more than one column (a filter, a join, a select of
two expressions) is handed from the calling thread to polars' worker threads, and the
caller sleeps until one of them is done. On a few hundred rows the work takes
microseconds and the hand-over (waking a worker, then being woken) about 0.1 ms: one
unit's explanation makes some 180 such calls, and spent more time handing them over than
computing them. A call made *on* a worker of that pool runs there at once, so a step
moved onto a worker pays one hand-over instead of one per call; a call still large
enough to be split is still shared with the other workers.

Polars offers no door to its pool but the functions it calls back, so the step runs as
one: the single function of a two-column select (two columns are evaluated on the
pool). Meant for short steps only: while the step runs it keeps a worker busy, and the
calling thread does not see a signal (Ctrl-C) until it ends. A step must not wait for
another thread that may be waiting for polars (a future, a lock held across a polars
call): with every worker so waiting, that thread's query would never run.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable
from typing import TypeVar

import polars as pl

T = TypeVar("T")


def on_polars_pool(work: Callable[[], T]) -> T:
    """``work()``, run on a worker of polars' thread pool; its value, or its exception.

    It runs in a copy of the caller's :mod:`contextvars` context (the reader's language,
    say). Should polars not call it back (a version that evaluates the select on the
    calling thread calls it there, which is as right and only slower), or fail around
    it, it runs here.
    """
    context = contextvars.copy_context()
    values: list[T] = []
    errors: list[BaseException] = []

    def step(series: pl.Series) -> pl.Series:
        if values or errors:  # called back twice: the work is done once
            return series
        # Nothing may escape into polars: it would come back as polars' own error.
        try:
            values.append(context.run(work))
        except BaseException as error:  # raised again in the caller, as it was
            errors.append(error)
        return series

    with contextlib.suppress(Exception):  # polars failing around the step: it runs here
        pl.select(
            pl.lit(0).map_batches(step, return_dtype=pl.Int32()).alias("step"),
            pl.lit(0).alias("beside"),
        )
    if errors:
        raise errors[0]
    return values[0] if values else work()
