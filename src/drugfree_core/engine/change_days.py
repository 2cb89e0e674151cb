"""The days a table's contents may change on, and which stretch between them a date is in.

A report asks the same questions of many dates, and dates of one stretch get the same
answers (the units in force, the units covered). The days are kept as day numbers, so a
date's stretch is a binary search in Python: a polars search costs a query (about 0.1 ms)
and was asked several times for each unit explained.

Day numbers, not Python dates: a table may hold a date past year 9999, which Python's
dates cannot hold (polars keeps a date as its day number since 1 January 1970).
"""

from __future__ import annotations

import bisect
import datetime as dt

import polars as pl

_EPOCH = dt.date(1970, 1, 1).toordinal()


def change_days(days: list[pl.Series]) -> list[int]:
    """The distinct dates of *days*, nulls left out, as ascending day numbers since 1970."""
    merged = pl.concat([d.cast(pl.Date) for d in days]).drop_nulls().unique().sort()
    found: list[int] = merged.to_physical().to_list()
    return found


def day_after(ends: pl.Series) -> pl.Series:
    """Each end date's next day: the first day a row ending then no longer holds.

    An end on or after the last Python date changes nothing on any date that can be asked
    for (and its next day may not exist), so it is left out.
    """
    return ends.filter(ends < dt.date.max).dt.offset_by("1d")


def stretch_of(changes: list[int], on: dt.date) -> int:
    """How many of *changes* (see :func:`change_days`) fall on or before *on*."""
    return bisect.bisect_right(changes, on.toordinal() - _EPOCH)
