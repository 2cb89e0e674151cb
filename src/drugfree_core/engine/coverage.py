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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs
import polars as pl

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.change_days import change_days, day_after, stretch_of
from drugfree_core.i18n import Message, msg, msgn


def _index(
    dataset: Dataset,
) -> tuple[dict[str, list[tuple[dt.date | None, dt.date | None]]], dict[str, str | None]]:
    """Coverage rows by unit, and each unit's parent: read once per dataset, not per date."""
    rows: dict[str, list[tuple[dt.date | None, dt.date | None]]] = {}
    for code, start, end in dataset.coverage.select(
        "unit_code", "covered_from", "covered_to"
    ).iter_rows():
        rows.setdefault(code, []).append((start, end))
    parents = dict(dataset.units.select("code", "parent_code").iter_rows())
    return rows, parents


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


def covered_units(dataset: Dataset, on: dt.date, units: Iterable[str]) -> frozenset[str]:
    """The codes among *units* (commune-level units in force on *on*) that are covered."""
    codes = list(units)
    basis = dataset.coverage_basis
    if basis == "none":
        return frozenset()
    if basis == "units":
        return frozenset(codes)
    rows, parents = dataset.derived(("coverage rows",), lambda: _index(dataset), map_only=True)
    predecessors: dict[str, list[str]] = {}
    for pred, succ in (
        dataset.lineage.filter(pl.col("effective") <= on)
        .select("predecessor_code", "successor_code")
        .iter_rows()
    ):
        predecessors.setdefault(succ, []).append(pred)

    look = _Coverage(on, rows, parents, predecessors)
    return frozenset(c for c in codes if look.covered(c, frozenset({c})))


@attrs.frozen
class _Coverage:
    """Whether units are covered on a date (see :func:`covered_units`).

    A class, not nested functions: one that calls itself is a reference cycle, which
    would keep the date's look-ups until a collection.
    """

    on: dt.date
    rows: dict[str, list[tuple[dt.date | None, dt.date | None]]]
    parents: dict[str, str | None]
    predecessors: dict[str, list[str]]
    memo: dict[str, bool] = attrs.field(factory=dict)

    def own(self, code: str) -> bool | None:
        """Whether the unit's own rows (or its ancestors') cover the date; None: no row."""
        found: bool | None = None
        seen: set[str] = set()
        current: str | None = code
        while current is not None and current not in seen:
            seen.add(current)
            for start, end in self.rows.get(current, ()):
                inside = (start is None or start <= self.on) and (end is None or self.on <= end)
                found = found or inside
            current = self.parents.get(current)
        return found

    def covered(self, code: str, path: frozenset[str]) -> bool:
        """Whether *code* is covered: by its own rows, or else by all its predecessors'."""
        if code in self.memo:
            return self.memo[code]
        decided = self.own(code)
        if decided is None:
            preds = self.predecessors.get(code, [])
            decided = bool(preds) and all(
                p not in path and self.covered(p, path | {p}) for p in preds
            )
        self.memo[code] = decided
        return decided


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
