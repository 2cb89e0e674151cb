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
from collections.abc import Callable, Mapping, Sequence

import attrs
import polars as pl

#: Above this many records clashing with one another, directly or through others, the
#: least total is worked out as if every two records sharing a day were of one place
#: (a lower bound, so the range only widens).
_MOST_SEARCHED = 16

#: Each unit code (``_reporter``) beside every unit that became it (``_earlier``),
#: however many steps back: one row per pair.
Ancestors = pl.DataFrame


def fact_totals(facts: pl.DataFrame, ancestors: Callable[[], Ancestors]) -> pl.DataFrame:
    """Per row (``unit_code``): ``lo`` and ``hi``, the least and most *facts* add up to.

    *facts* holds ``unit_code`` (the row the fact counts for), ``_reporter`` (the unit
    that reported it), ``period_start``, ``period_end`` and ``value`` (≥ 0). Two
    reporting units are one place when they are the same, or when one became the other
    (*ancestors*, asked only when a row has records of several units). A place's records
    of one period are one item, worth its smallest record. Two items clash when they are
    of one place and share a day; items clashing with one another, directly or through
    others, are a group. A group adds at most the sum of its records, and at least the
    most that items of it no two of which clash add up to. An item clashing with none
    adds its records exactly: nearly all of them, and they never leave polars.
    """
    items = _runs(facts.sort("unit_code", "_reporter", "period_start", "period_end"))
    items = _merged(items, _across_reporters(items, ancestors))
    alone = items.filter(_alone()).select(
        "unit_code", pl.col("value").alias("lo"), pl.col("value").alias("hi")
    )
    parts = [alone]
    shared = items.filter(~_alone())
    if shared.height:
        # Rare (records that repeat days), and a few each: their bound is found in Python.
        related = _Related.among(shared["_reporter"], ancestors)
        # A place's records of one period are one item, worth the smallest of them.
        period = ["_reporter", "period_start", "period_end"]
        items = shared.group_by("unit_code", "_group", *period).agg(pl.col("value").min())
        groups: dict[tuple[str, int], list[_Record]] = {}
        for code, group, *record in items.iter_rows():
            groups.setdefault((code, group), []).append(_Record(*record))
        totals = shared.group_by("unit_code", "_group").agg(pl.col("value").sum())
        rows = [
            (code, related.most_apart(groups[code, group]), most)
            for code, group, most in totals.iter_rows()
        ]
        parts.append(pl.DataFrame(rows, schema=alone.schema, orient="row"))
    return pl.concat(parts).group_by("unit_code").agg(pl.col("lo").sum(), pl.col("hi").sum())


def _runs(facts: pl.DataFrame) -> pl.DataFrame:
    """*facts* (sorted by row, reporter and period) numbered: ``_item``, and ``_group``.

    A record joins the run of its row and reporter before it when it starts before every
    day the earlier ones reach: a run holds the records of one reporter that share days,
    directly or through others. The latest day so far is one running maximum over the
    whole column, each row and reporter's days lifted above the ones before: no
    grouping by text (nationally a few milliseconds, against 70 over each key's window).
    """
    same = pl.col("unit_code").eq_missing(pl.col("unit_code").shift(1)) & pl.col(
        "_reporter"
    ).eq_missing(pl.col("_reporter").shift(1))
    band = (~same).cum_sum().cast(pl.Int64) * _DAYS_BAND
    start = pl.col("period_start").cast(pl.Int64) + _DAY_SHIFT + band
    end = pl.col("period_end").cast(pl.Int64) + _DAY_SHIFT + band
    opens = ~same | (start > end.cum_max().shift(1))
    return (
        facts.lazy()
        .with_columns(opens.cum_sum().cast(pl.UInt32).alias("_group"))
        .with_row_index("_item")
        .collect()
    )


def _alone() -> pl.Expr:
    """Whether a record is the only one of its group (groups are runs of rows)."""
    group = pl.col("_group")
    return group.ne_missing(group.shift(1)) & group.ne_missing(group.shift(-1))


#: Days are shifted by this to be positive (1 January of year 1 is day -719,162) ...
_DAY_SHIFT = 800_000
#: ... and stay below this (31 December 9999 is day 2,932,896): the band of one run.
_DAYS_BAND = 10_000_000


def _across_reporters(items: pl.DataFrame, ancestors: Callable[[], Ancestors]) -> pl.DataFrame:
    """Pairs of items (``_item``, ``_other``) of two reporters of one place sharing a day.

    Only rows with records of several reporters can hold such a pair: the lineage is
    asked for those alone, and the items of related reporters are joined by row.
    """
    none = pl.DataFrame(schema={"_item": pl.UInt32(), "_other": pl.UInt32()})
    # Sorted by row and reporter, a row has several exactly when its reporter changes.
    changes = pl.col("unit_code").eq_missing(pl.col("unit_code").shift(1)) & pl.col(
        "_reporter"
    ).ne_missing(pl.col("_reporter").shift(1))
    rows = items.filter(changes).select("unit_code").unique()
    if rows.is_empty():
        return none
    several = items.join(rows, on="unit_code", how="semi")
    present = several.select("unit_code", "_reporter").unique()
    related = present.join(ancestors(), on="_reporter").join(
        present.rename({"_reporter": "_earlier"}), on=["unit_code", "_earlier"], how="semi"
    )
    if related.is_empty():
        return none
    mine = several.select("_item", "unit_code", "_reporter", "period_start", "period_end")
    theirs = mine.rename(
        {
            "_item": "_other",
            "_reporter": "_earlier",
            "period_start": "_start",
            "period_end": "_end",
        }
    )
    return (
        mine.join(related, on=["unit_code", "_reporter"])
        .join(theirs, on=["unit_code", "_earlier"])
        .filter(
            (pl.col("period_start") <= pl.col("_end")) & (pl.col("_start") <= pl.col("period_end"))
        )
        .select("_item", "_other")
    )


def _merged(items: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """*items* with ``_group`` one number for every item linked by a run or *pairs*.

    Runs are numbered across the whole frame; those that *pairs* link are given one
    number in Python (only theirs), and the frame sorted again so that every group is a
    run of rows.
    """
    if pairs.is_empty():
        return items
    # The runs of the paired items only: the others keep their number.
    runs = items.select("_item", "_group")
    linked = pairs.join(runs, on="_item").join(
        runs.rename({"_item": "_other", "_group": "_other_group"}), on="_other"
    )
    root: dict[int, int] = {}

    def find(group: int) -> int:
        while root.get(group, group) != group:
            group = root[group]
        return group

    for a, b in linked.select("_group", "_other_group").iter_rows():
        a, b = find(a), find(b)
        if a != b:
            root[max(a, b)] = min(a, b)
    renamed = {group: find(group) for group in root}
    return items.with_columns(
        pl.col("_group").replace_strict(renamed, default=pl.col("_group"), return_dtype=pl.UInt32)
    ).sort("_group", "_item")


def lineage_ancestors(lineage: pl.DataFrame, on: dt.date) -> Ancestors:
    """Each unit code and every unit that became it, however many steps back, by *on*."""
    before: dict[str, list[str]] = {}
    for pred, succ in (
        lineage.filter(pl.col("effective") <= on)
        .select("predecessor_code", "successor_code")
        .iter_rows()
    ):
        before.setdefault(succ, []).append(pred)
    pairs: list[tuple[str, str]] = []
    for code in before:
        seen: set[str] = set()
        frontier = list(before[code])
        while frontier:
            step = frontier.pop()
            if step not in seen:
                seen.add(step)
                frontier.extend(before.get(step, ()))
        pairs += [(code, earlier) for earlier in seen]
    return pl.DataFrame(
        pairs, schema={"_reporter": pl.String(), "_earlier": pl.String()}, orient="row"
    )


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

    @classmethod
    def among(cls, reporters: pl.Series, ancestors: Callable[[], Ancestors]) -> _Related:
        """What is known of *reporters* (the lineage asked only when there are several)."""
        if reporters.n_unique() < 2:
            return cls({})
        theirs = ancestors().filter(pl.col("_reporter").is_in(reporters.unique().implode()))
        found: dict[str, set[str]] = {}
        for reporter, earlier in theirs.iter_rows():
            found.setdefault(reporter, set()).add(earlier)
        return cls(found)

    def same_place(self, a: str, b: str) -> bool:
        """Whether *a* and *b* are one place."""
        return a == b or a in self.ancestors.get(b, ()) or b in self.ancestors.get(a, ())

    def most_apart(self, records: Sequence[_Record]) -> float:
        """The most that records of a group no two of which clash add up to.

        Records of one place are weighted interval scheduling; several places are
        searched (every choice, record by record), beyond :data:`_MOST_SEARCHED`
        records as if of one place.
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
