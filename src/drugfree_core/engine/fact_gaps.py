"""Where a row's reports of a unit fact leave days of a window without a record.

A fact total adds up the periods reported. A period nobody reported, between two that
were or before the first, may have had something to count: the sum is then only the
least the total can be. The days that must be reported run from the window's first day
to the last day any counted record of the row reaches; a period after that, not reported
yet, cannot be told from one not yet due (no source gives a reporting deadline), and is
left out, as the window's definition (periods *ending* in it) already leaves it.

A day is reported for a unit when a record of the unit's own covers it, or when every
unit of one way its area was made of reports it: its predecessors (a merger's communes
each reporting their part), or, for a province, its commune-level units in force. The
union of all records would vouch for a merged commune's whole area with one
predecessor's report of its own part. Only the records counted for the row are read: a
predecessor still in force reports for its own row, not for its successor's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

import polars as pl

#: Days as their ordinals, inclusive stretches, sorted and apart.
Stretches = list[tuple[int, int]]
#: Each unit's ways of being made of others: each a list of units that, together, make
#: up its area (a commune's predecessors; a province's predecessors, or its communes).
Parts = Mapping[str, Sequence[Sequence[str]]]


def first_gaps(facts: pl.DataFrame, start: dt.date, parts: Callable[[], Parts]) -> pl.DataFrame:
    """Per row with a gap, the first stretch of days its reports leave uncovered.

    *facts* holds the counted records: ``unit_code`` (the row), ``_reporter``,
    ``period_start``, ``period_end``. The days checked run from *start* to the latest
    ``period_end`` of the row. *parts* gives each unit the ways its area was made of
    (asked only when a row has records of another unit than its own). The result has
    ``unit_code``, ``gap_from`` and ``gap_to`` (dates).
    """
    others = facts.filter(pl.col("_reporter") != pl.col("unit_code"))["unit_code"].unique()
    alone = facts.filter(~pl.col("unit_code").is_in(others.implode()))
    found = [_own_gaps(alone, start)]
    if others.len():
        found.append(
            _area_gaps(facts.filter(pl.col("unit_code").is_in(others.implode())), start, parts())
        )
    return pl.concat(found)


def _own_gaps(facts: pl.DataFrame, start: dt.date) -> pl.DataFrame:
    """The first gap of each row whose records are all its own: in polars, for every row."""
    before = pl.col("period_end").cum_max().shift(1).over("unit_code")
    reached = facts.sort("unit_code", "period_start").with_columns(before.alias("_before"))
    gap_from = (
        pl.when(pl.col("_before").is_null())
        .then(pl.lit(start))
        .otherwise(pl.col("_before") + pl.duration(days=1))
    )
    return (
        reached.filter(pl.col("period_start") > gap_from)
        .select(
            "unit_code",
            gap_from.alias("gap_from"),
            (pl.col("period_start") - pl.duration(days=1)).alias("gap_to"),
        )
        .unique("unit_code", keep="first", maintain_order=True)
    )


def _area_gaps(facts: pl.DataFrame, start: dt.date, parts: Parts) -> pl.DataFrame:
    """The first gap of each row with records of other units: by their areas, in Python."""
    # Per row, each reporter's days: only the records counted for that row.
    reported: dict[str, dict[str, Stretches]] = {}
    for row, reporter, first, last in facts.select(
        "unit_code", "_reporter", "period_start", "period_end"
    ).iter_rows():
        days = reported.setdefault(row, {}).setdefault(reporter, [])
        days.append((first.toordinal(), last.toordinal()))
    rows = []
    for code, last in facts.group_by("unit_code").agg(pl.col("period_end").max()).iter_rows():
        mine = {reporter: _union(days) for reporter, days in reported[code].items()}
        covered = _covered(code, mine, parts, frozenset({code}))
        gap = _first_uncovered(covered, start.toordinal(), last.toordinal())
        if gap is not None:
            rows.append((code, dt.date.fromordinal(gap[0]), dt.date.fromordinal(gap[1])))
    return pl.DataFrame(
        rows,
        schema={"unit_code": pl.String, "gap_from": pl.Date, "gap_to": pl.Date},
        orient="row",
    )


def _covered(
    code: str, reported: Mapping[str, Stretches], parts: Parts, path: frozenset[str]
) -> Stretches:
    """The days *code*'s area is reported: its own records, or all of one way's parts."""
    days = list(reported.get(code, []))
    for made_of in parts.get(code, ()):
        if not made_of or any(p in path for p in made_of):  # a cycle vouches for nothing
            continue
        together: Stretches | None = None
        for part in made_of:
            found = _covered(part, reported, parts, path | {part})
            together = found if together is None else _intersection(together, found)
            if not together:
                break
        days += together or []
    return _union(days)


def _union(stretches: Stretches) -> Stretches:
    """*stretches* merged where they overlap or meet."""
    out: Stretches = []
    for first, last in sorted(stretches):
        if out and first <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def _intersection(a: Stretches, b: Stretches) -> Stretches:
    """The days both *a* and *b* hold (each sorted and apart)."""
    out: Stretches = []
    i = j = 0
    while i < len(a) and j < len(b):
        first, last = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if first <= last:
            out.append((first, last))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _first_uncovered(covered: Stretches, first: int, last: int) -> tuple[int, int] | None:
    """The first stretch of days from *first* to *last* that *covered* leaves out."""
    day = first
    for start, end in covered:
        if day > last:
            return None
        if end < day:
            continue
        if start > day:
            return day, min(start - 1, last)
        day = end + 1
    return (day, last) if day <= last else None
