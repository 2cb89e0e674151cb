"""The total of a unit fact over a window, when some of its records may repeat others.

Records whose periods share a day may count the same things when they come from one
place: two records of one period may be one fact entered twice, or a correction, or two
parts to add; a month within its quarter may be counted in it; a commune formed by a
merger may report again, for its whole area, the quarters its predecessors reported.
Such records make the total a range. Records of different places (two communes merged
into one, a province's communes) and records of periods apart count different things,
and add up exactly.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence

import attrs
import polars as pl

#: Above this many records in one group of records of related places, the least total
#: is worked out as if every two records sharing a day were of one place (a lower bound).
_MOST_SEARCHED = 16


def fact_totals(facts: pl.DataFrame, lineage: pl.DataFrame, on: dt.date) -> pl.DataFrame:
    """Per row (``unit_code``): ``lo`` and ``hi``, the least and most *facts* add up to.

    *facts* holds ``unit_code`` (the row the fact counts for), ``_reporter`` (the unit
    that reported it), ``period_start``, ``period_end`` and ``value`` (≥ 0). Two
    reporting units are one place when they are the same, or when one became the other
    through the *lineage* links in force on *on*. Records of one place whose periods
    share a day, directly or through a chain, form a group: it adds at most the sum of
    its records, and at least the most that records of it able to count different
    things add up to (each period of a place by its smallest record). A record sharing
    no day with another of its place adds its value exactly.
    """
    periods = facts.group_by("unit_code", "_reporter", "period_start", "period_end").agg(
        pl.col("value").min().alias("least"), pl.col("value").sum().alias("most")
    )
    places, related = _places(periods, lineage, on)
    # Sorted by start, a period opens a new group when it starts after every day the
    # earlier periods of its place reach.
    reach = pl.col("period_end").cum_max().shift(1).over("unit_code", "_place")
    grouped = places.sort("unit_code", "_place", "period_start", "period_end").with_columns(
        (reach.is_null() | (pl.col("period_start") > reach))
        .cum_sum()
        .over("unit_code", "_place")
        .alias("_group")
    )
    key = ["unit_code", "_place", "_group"]
    alone = grouped.filter(pl.len().over(key) == 1)
    shared = grouped.filter(pl.len().over(key) > 1)
    groups = [alone.select(*key, pl.col("least").alias("lo"), pl.col("most").alias("hi"))]
    if shared.height:
        # Rare (records that repeat days), and a few each: their bound is found in Python.
        rows = []
        for (code, place, group), part in shared.group_by(key, maintain_order=True):
            records = [
                _Record(reporter, start, end, least)
                for reporter, start, end, least in part.select(
                    "_reporter", "period_start", "period_end", "least"
                ).iter_rows()
            ]
            rows.append((code, place, group, related.most_apart(records), part["most"].sum()))
        groups.append(pl.DataFrame(rows, schema=groups[0].schema, orient="row"))
    return pl.concat(groups).group_by("unit_code").agg(pl.col("lo").sum(), pl.col("hi").sum())


def _places(
    periods: pl.DataFrame, lineage: pl.DataFrame, on: dt.date
) -> tuple[pl.DataFrame, _Related]:
    """*periods* with ``_place``: one name for the reporters of a row that are one place.

    Only rows with records of several reporters can hold two of one place: the lineage
    is read for those alone (else no unit is said to have become another).
    """
    several = periods.filter(pl.col("_reporter").n_unique().over("unit_code") > 1)
    if several.is_empty():
        return periods.with_columns(pl.col("_reporter").alias("_place")), _Related({})
    related = _Related(_ancestors(lineage, on))
    pairs = several.select("unit_code", "_reporter").unique()
    named: dict[tuple[str, str], str] = {}
    for (code,), part in pairs.group_by("unit_code"):
        named.update(((code, r), place) for r, place in related.places(part["_reporter"]).items())
    table = pl.DataFrame(
        [(code, reporter, place) for (code, reporter), place in named.items()],
        schema={"unit_code": pl.String(), "_reporter": pl.String(), "_place": pl.String()},
        orient="row",
    )
    placed = periods.join(table, on=["unit_code", "_reporter"], how="left").with_columns(
        pl.coalesce("_place", "_reporter").alias("_place")
    )
    return placed, related


def _ancestors(lineage: pl.DataFrame, on: dt.date) -> dict[str, set[str]]:
    """Each unit code and every unit that became it, however many steps back, by *on*."""
    before: dict[str, list[str]] = {}
    for pred, succ in (
        lineage.filter(pl.col("effective") <= on)
        .select("predecessor_code", "successor_code")
        .iter_rows()
    ):
        before.setdefault(succ, []).append(pred)
    found: dict[str, set[str]] = {}
    for code in before:
        seen: set[str] = set()
        frontier = list(before[code])
        while frontier:
            step = frontier.pop()
            if step not in seen:
                seen.add(step)
                frontier.extend(before.get(step, ()))
        found[code] = seen
    return found


@attrs.frozen
class _Record:
    """A period of one reporting unit, with its smallest value."""

    reporter: str
    start: dt.date
    end: dt.date
    least: float


@attrs.frozen
class _Related:
    """Which reporting units are one place: the same, or one became the other."""

    ancestors: Mapping[str, set[str]]

    def same_place(self, a: str, b: str) -> bool:
        """Whether *a* and *b* are one place."""
        return a == b or a in self.ancestors.get(b, ()) or b in self.ancestors.get(a, ())

    def places(self, reporters: pl.Series) -> dict[str, str]:
        """Each of *reporters* and a name shared by all that are one place with it."""
        codes = sorted(set(reporters.to_list()))
        root = {code: code for code in codes}

        def find(code: str) -> str:
            while root[code] != code:
                code = root[code]
            return code

        for i, a in enumerate(codes):
            for b in codes[:i]:
                if self.same_place(a, b):
                    root[find(a)] = find(b)
        return {code: find(code) for code in codes}

    def most_apart(self, records: Sequence[_Record]) -> float:
        """The most that records able to count different things add up to.

        Two records can when they share no day, or are of different places. Records of
        one place are weighted interval scheduling; several places are searched (a few
        records each), beyond :data:`_MOST_SEARCHED` records as if of one place.
        """
        if len({r.reporter for r in records}) == 1 or len(records) > _MOST_SEARCHED:
            return _most_apart(records)
        clash = [
            frozenset(
                j
                for j, other in enumerate(records)
                if j != i
                and record.start <= other.end
                and other.start <= record.end
                and self.same_place(record.reporter, other.reporter)
            )
            for i, record in enumerate(records)
        ]
        # Every choice, record by record: take it (leaving out those it clashes with),
        # or leave it out.
        best = 0.0
        choices: list[tuple[int, frozenset[int], float]] = [(0, frozenset(), 0.0)]
        while choices:
            i, left_out, total = choices.pop()
            if i == len(records):
                best = max(best, total)
                continue
            choices.append((i + 1, left_out, total))
            if i not in left_out:
                choices.append((i + 1, left_out | clash[i], total + records[i].least))
        return best


def _most_apart(records: Sequence[_Record]) -> float:
    """The largest sum of the values of *records* no two of which share a day.

    Weighted interval scheduling: by end, each period either joins the best choice among
    the periods that end before it starts, or is left out.
    """
    ordered = sorted(records, key=lambda record: record.end)
    ends = [record.end for record in ordered]
    best = [0.0]  # best[i]: the most the first i periods give
    for i, record in enumerate(ordered):
        before = bisect.bisect_left(ends, record.start, hi=i)  # those ending before it
        best.append(max(best[i], best[before] + record.least))
    return best[-1]
