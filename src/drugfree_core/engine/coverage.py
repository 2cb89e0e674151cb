"""Which units a dataset covers on a date (see :class:`~drugfree_core.model.Coverage`).

A unit that is not covered is *no data*: the dataset does not say that nobody there is
under management, so nothing is claimed about it. How coverage is established depends on
:attr:`Dataset.coverage_basis <drugfree_core.dataset.Dataset.coverage_basis>`:

* ``declared``: a unit in force is covered when a coverage row for the unit, its district
  or its province contains the date. A unit with no such row of its own is covered when
  it was formed by lineage and every unit it was formed from is covered on the date (by
  the same rule), so coverage declared for the communes before the 2025 merger carries
  over to a successor made only of covered communes;
* ``units``: every commune-level unit of the dataset's own units table, while in force;
* ``none``: nothing (the embedded official map says which units exist, never which ones
  the data cover).

A covered unit is covered *since* a day: the first day of the unbroken run of days,
ending on the date, that its rows cover (rows that meet or overlap join up; an open
start reaches back without end). A unit's rows vouch only for its own records, so a
successor's run stops at the day it came into force unless its predecessors were all
covered the day before, and then goes on as far back as they all are: its rows from
before it existed never speak for the records its predecessors kept. A successor covered
through its predecessors alone is covered since the latest of their days. Criteria that
look back over a window read this: a window that starts before it may miss records (see
:meth:`EvalContext.coverage_after <drugfree_core.engine.context.EvalContext.coverage_after>`).
With ``units`` the data vouch for every record however far back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs
import polars as pl

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.change_days import change_days, day_after, stretch_of
from drugfree_core.i18n import Message, msg, msgn

#: A coverage row's days: first and last (inclusive), None where open.
Span = tuple[dt.date | None, dt.date | None]


@attrs.frozen
class _Rows:
    """The coverage rows by unit, and each unit's parent and first day in force."""

    spans: dict[str, list[Span]]
    parents: dict[str, str | None]
    valid_from: dict[str, dt.date | None]


def _index(dataset: Dataset) -> _Rows:
    """The coverage rows and the units' look-ups: read once per dataset, not per date."""
    spans: dict[str, list[Span]] = {}
    for code, start, end in dataset.coverage.select(
        "unit_code", "covered_from", "covered_to"
    ).iter_rows():
        spans.setdefault(code, []).append((start, end))
    units = dataset.units.select("code", "parent_code", "valid_from")
    parents = dict(zip(units["code"].to_list(), units["parent_code"].to_list(), strict=True))
    valid_from = dict(zip(units["code"].to_list(), units["valid_from"].to_list(), strict=True))
    return _Rows(spans, parents, valid_from)


def coverage_stretch(dataset: Dataset, on: dt.date) -> int:
    """Which stretch of days between the coverage table's changes *on* falls in.

    A coverage row starts covering on its first day and stops the day after its last,
    so two dates of one stretch meet the same rows. With the same units and lineage in
    force (one :func:`~drugfree_core.engine.placement.territory_era`), they have the
    same units covered: a report's dates share one look-up per stretch.
    """
    changes: list[int] = dataset.derived(
        ("coverage changes",), lambda: _changes(dataset), map_only=True
    )
    return stretch_of(changes, on)


def _changes(dataset: Dataset) -> list[int]:
    """The days coverage may change on (see :func:`.change_days.change_days`)."""
    coverage = dataset.coverage
    return change_days([coverage["covered_from"], day_after(coverage["covered_to"])])


#: The day a unit is covered since when the data vouch for every record however far back.
SINCE_EVER = dt.date.min


def coverage_starts(dataset: Dataset, on: dt.date, units: Iterable[str]) -> dict[str, dt.date]:
    """Each covered code among *units* (commune-level, in force on *on*): covered since when.

    The day is the first of the unbroken run of covered days that ends on *on*
    (:data:`SINCE_EVER` when it has no beginning); a code not covered is left out.
    """
    codes = list(units)
    basis = dataset.coverage_basis
    if basis == "none":
        return {}
    if basis == "units":
        return dict.fromkeys(codes, SINCE_EVER)
    rows: _Rows = dataset.derived(("coverage rows",), lambda: _index(dataset), map_only=True)
    predecessors: dict[str, list[str]] = {}
    formed: dict[str, dt.date] = {}
    for pred, succ, effective in (
        dataset.lineage.filter(pl.col("effective") <= on)
        .select("predecessor_code", "successor_code", "effective")
        .iter_rows()
    ):
        predecessors.setdefault(succ, []).append(pred)
        formed[succ] = min(formed.get(succ, effective), effective)
    # A successor's first day is its valid_from; without one, its links say it (the
    # checks make the two agree where both are given).
    for code in formed:
        formed[code] = rows.valid_from.get(code) or formed[code]

    look = _Coverage(rows, predecessors, formed)
    found = {c: look.since(c, on, frozenset({c})) for c in codes}
    return {c: since for c, since in found.items() if since is not None}


def run_start(spans: list[Span], on: dt.date) -> dt.date | None:
    """The first day of the unbroken run of days *spans* cover that ends on *on*.

    None when no span contains *on*; :data:`SINCE_EVER` when the run has no beginning.
    Spans that overlap or meet (one ends the day before the next starts) join up.
    """
    first: dt.date | None = None
    day = on
    while True:
        starts = [
            start
            for start, end in spans
            if (start is None or start <= day) and (end is None or day <= end)
        ]
        if not starts:
            return first
        if None in starts:
            return SINCE_EVER
        first = min(s for s in starts if s is not None)
        if first == SINCE_EVER:
            return first
        day = first - dt.timedelta(days=1)


@attrs.frozen
class _Coverage:
    """Since when units are covered (see :func:`coverage_starts`).

    A class, not nested functions: one that calls itself is a reference cycle, which
    would keep the date's look-ups until a collection.
    """

    rows: _Rows
    #: Each unit's predecessors by the lineage in force on the date evaluated.
    predecessors: dict[str, list[str]]
    #: The first day in force of each unit that has predecessors.
    formed: dict[str, dt.date]
    memo: dict[tuple[str, dt.date], dt.date | None] = attrs.field(factory=dict)

    def own(self, code: str, day: dt.date) -> tuple[bool, dt.date | None]:
        """Whether the unit or an ancestor has rows, and since when they cover *day*.

        The day is None when none of them contains *day*.
        """
        spans: list[Span] = []
        seen: set[str] = set()
        current: str | None = code
        while current is not None and current not in seen:
            seen.add(current)
            spans.extend(self.rows.spans.get(current, ()))
            current = self.rows.parents.get(current)
        return bool(spans), run_start(spans, day) if spans else None

    def since(self, code: str, day: dt.date, path: frozenset[str]) -> dt.date | None:
        """Since when *code* is covered on *day*; None: not covered.

        Its own rows decide; a unit without any is covered when every predecessor is,
        since the latest of their days. Its rows vouch only for its own records: before
        the unit came into force its records are its predecessors', which only their
        coverage vouches for. So a run of its own rows that reaches back to the day it
        came into force (or further, or without end) goes on from that day through its
        predecessors' rows, when they are all covered the day before, and stops there
        when they are not (the successor of communes covered up to the day they merged
        is covered as far back as they are, never further, whatever its own rows say).
        """
        key = (code, day)
        if key in self.memo:
            return self.memo[key]
        has_rows, decided = self.own(code, day)
        preds = [p for p in self.predecessors.get(code, []) if p not in path]
        whole = len(preds) == len(self.predecessors.get(code, []))
        if not has_rows:
            decided = self._latest(preds, day, path) if whole else None
        elif decided is not None and preds and whole:
            formed = self.formed.get(code)
            if formed is not None and decided <= formed:
                # Only the predecessors vouch for the days before it came into force.
                before = self._latest(preds, formed - dt.timedelta(days=1), path)
                decided = formed if before is None else before
        self.memo[key] = decided
        return decided

    def _latest(self, preds: list[str], day: dt.date, path: frozenset[str]) -> dt.date | None:
        """The latest of *preds*' covered-since days on *day*; None unless all are covered."""
        starts = [self.since(p, day, path | {p}) for p in preds]
        return max(s for s in starts if s is not None) if starts and None not in starts else None


def no_coverage_reason(dataset: Dataset, units: int) -> Message:
    """Why *dataset* covers none of *units* units in force: for the error that says so.

    Names the coverage rows left out by quarantine, since they may be why nothing is
    covered (a table whose only row was bad covers nothing).
    """
    if dataset.coverage_basis == "none":
        return msg(
            "its units come from the embedded official map, which never says which units "
            "the data cover, and it has no coverage table"
        )
    why = msgn(
        "its coverage table covers none of the {n} unit in force",
        "its coverage table covers none of the {n} units in force",
        units,
    )
    left_out = sum(1 for q in dataset.quarantined if q.table == "coverage")
    if left_out:
        return msgn(
            "{why} ({n} coverage row was quarantined)",
            "{why} ({n} coverage rows were quarantined)",
            left_out,
            why=why,
        )
    return why
