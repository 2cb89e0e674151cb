"""Date arithmetic that stays within the calendar Python can hold (years 1 to 9999).

A window of 30 days before 3 January of year 1, or a management period of two years
from 9999-06-01, would overflow :class:`datetime.date`. Nothing can be recorded outside
that calendar, so such a bound is the calendar's own first or last day.
"""

from __future__ import annotations

import datetime as dt


def shift(day: dt.date, days: int) -> dt.date:
    """*day* moved by *days* (negative: earlier), stopping at the calendar's ends."""
    ordinal = day.toordinal() + days
    if ordinal < dt.date.min.toordinal():
        return dt.date.min
    if ordinal > dt.date.max.toordinal():
        return dt.date.max
    return dt.date.fromordinal(ordinal)


def month_start(year: int, month: int) -> dt.date:
    """The first day of *month* in *year*, or the calendar's end if outside it."""
    if year < dt.MINYEAR:
        return dt.date.min
    if year > dt.MAXYEAR:
        return dt.date.max
    return dt.date(year, month, 1)
