"""Time series dates and the trend fitted to them.

Points fall on the last day of each month or quarter, the dates steering committees
report on. The trend is an ordinary least-squares line through the *share* of units
meeting the criteria, not the count: before 1 July 2025 there were about three times as
many communes, so counts jump at the merger while shares stay comparable.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg

#: Accepted series frequencies.
FREQUENCIES = ("month", "quarter")

#: Days in an average month, to turn a daily slope into a monthly one.
DAYS_PER_MONTH = 30.436875


def period_ends(start: dt.date, end: dt.date, every: str) -> tuple[dt.date, ...]:
    """Month or quarter ends from *start*'s period to *end*'s period, both included.

    >>> period_ends(dt.date(2025, 5, 3), dt.date(2025, 8, 1), "month")[-1]
    datetime.date(2025, 8, 31)
    >>> [d.isoformat() for d in period_ends(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "quarter")]
    ['2025-03-31', '2025-06-30', '2025-09-30', '2025-12-31']
    """
    if every not in FREQUENCIES:
        raise UsageError(
            msg(
                "series frequency must be one of {choices}: {value}",
                choices=", ".join(FREQUENCIES),
                value=repr(every),
            )
        )
    if end < start:
        raise UsageError(
            msg("the series ends ({end}) before it starts ({start})", end=end, start=start)
        )
    step = 1 if every == "month" else 3
    year, month = start.year, start.month
    if step == 3:
        month = ((month - 1) // 3) * 3 + 3
    dates = []
    while True:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        dates.append(last)
        if last >= end:
            break
        month += step
        if month > 12:
            year, month = year + 1, month - 12
    return tuple(dates)


def least_squares_slope(points: Sequence[tuple[dt.date, float]]) -> float | None:
    """The slope per day of the best straight line through *points*; ``None`` if < 2 dates."""
    if len({d for d, _ in points}) < 2:
        return None
    xs = [d.toordinal() for d, _ in points]
    ys = [y for _, y in points]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
