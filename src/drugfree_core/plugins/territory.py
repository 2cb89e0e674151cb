"""Which province a unit belongs to on a date, across the 2025 reorganisation.

A unit in force on the date belongs to the province at the top of its parent chain. A unit
not in force on the date is first carried along the lineage: forwards to its successors
when it has ended, backwards to its predecessors when it has not begun yet. If those land
in more than one province the answer is ambiguous and the caller gets a clear error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import polars as pl

from drugfree_core.errors import DrugfreeError, UsageError
from drugfree_core.i18n import msg
from drugfree_core.model import UnitKind


class _Unit(NamedTuple):
    # A tuple, not an attrs class: a national map makes 14,000 of them at each report's
    # start, before anything else can run (30 ms as frozen attrs records).
    code: str
    name: str
    kind: str
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    def in_force(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


#: The units table's columns an index reads, in :class:`_Unit`'s order.
_UNIT_COLUMNS = ("code", "name", "kind", "parent_code", "valid_from", "valid_to")


class TerritoryIndex:
    """Units and lineage indexed for province look-ups."""

    def __init__(self, units: Iterable[Mapping[str, object]], lineage: Iterable[tuple[str, str]]):
        self._fill(
            (
                tuple(row[name] for name in _UNIT_COLUMNS)  # in _Unit's order
                for row in units
            ),
            lineage,
        )

    def _fill(self, units: Iterable[tuple[Any, ...]], lineage: Iterable[tuple[str, str]]) -> None:
        """Index *units* (code, name, kind, parent code, first and last day) and *lineage*."""
        self._units: dict[str, _Unit] = {}
        for code, name, kind, parent_code, valid_from, valid_to in units:
            unit = _Unit(str(code), str(name), str(kind), parent_code or None, valid_from, valid_to)
            self._units.setdefault(unit.code, unit)
        self._successors: dict[str, list[str]] = {}
        self._predecessors: dict[str, list[str]] = {}
        for pred, succ in lineage:
            self._successors.setdefault(pred, []).append(succ)
            self._predecessors.setdefault(succ, []).append(pred)
        # The map never changes once indexed: each unit's province is walked up once.
        self._province: dict[str, str] = {}

    @classmethod
    def from_frames(cls, *pairs: tuple[pl.DataFrame, pl.DataFrame]) -> TerritoryIndex:
        """Index ``(units, lineage)`` frame pairs; earlier pairs win on a code clash."""
        rows: list[tuple[Any, ...]] = []
        links: list[tuple[str, str]] = []
        for units, lineage in pairs:
            rows.extend(units.select(_UNIT_COLUMNS).rows())  # tuples: a third faster than dicts
            links.extend(lineage.select("predecessor_code", "successor_code").rows())
        index = cls.__new__(cls)
        index._fill(rows, links)
        return index

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def name(self, code: str) -> str:
        """The unit's name."""
        return self._units[code].name

    def day_in_force(self, code: str) -> dt.date:
        """A day on which *code* itself is in force: its last day, else its first."""
        unit = self._units[code]
        return unit.valid_to or unit.valid_from or dt.date.today()

    def home_province(self, code: str, on: dt.date) -> str:
        """The province *code* counts in on *on*, even when the map cannot place it then.

        Its province on *on* (:meth:`province_of`); for a unit split across provinces, or
        one that ended without a successor, the province it was in on a day it was in
        force, under that province's code on *on* if the province has one.
        """
        try:
            return self.province_of(code, on)
        except DrugfreeError:
            own = self.province_of(code, self.day_in_force(code))
            try:
                return self.province_of(own, on)
            except DrugfreeError:
                return own

    def province_of(self, code: str, on: dt.date) -> str:
        """The code of the province *code* belongs to on *on* (see the module docstring)."""
        unit = self._units.get(code)
        if unit is None:
            raise UsageError(msg("unit {unit} is not in the administrative map", unit=code))
        if unit.in_force(on):  # the usual case, asked for every unit of a report's date
            return self._province_of_unit(code)
        provinces = {self._province_of_unit(c) for c in self._in_force_on(code, on, set())}
        if not provinces:
            raise UsageError(
                msg("unit {unit} has no unit in force on {date} in its lineage", unit=code, date=on)
            )
        if len(provinces) > 1:
            raise UsageError(
                msg(
                    "unit {unit} maps to several provinces on {date}: {provinces}",
                    unit=code,
                    date=on,
                    provinces=", ".join(sorted(provinces)),
                )
            )
        return provinces.pop()

    def in_force_on(self, code: str, on: dt.date) -> frozenset[str]:
        """The units standing for *code* on *on*: itself if in force, else along the lineage.

        A province merged away is carried to its successor, one not yet created to its
        predecessors (so Hải Phòng ``31`` on a day in 2024 is ``pre2025:31`` and
        ``pre2025:30``, Hải Dương, which it absorbed). Unknown codes give an empty set.
        """
        return frozenset(self._in_force_on(code, on, set()))

    def _in_force_on(self, code: str, on: dt.date, seen: set[str]) -> set[str]:
        if code in seen or code not in self._units:
            return set()
        seen.add(code)
        unit = self._units[code]
        if unit.in_force(on):
            return {code}
        ended = unit.valid_to is not None and unit.valid_to < on
        neighbours = (self._successors if ended else self._predecessors).get(code, [])
        found: set[str] = set()
        for other in neighbours:
            found |= self._in_force_on(other, on, seen)
        return found

    def _province_of_unit(self, code: str) -> str:
        if code not in self._province:
            self._province[code] = self._walk_to_province(code)
        return self._province[code]

    def _walk_to_province(self, code: str) -> str:
        seen: set[str] = set()
        current = self._units[code]
        while current.kind != UnitKind.PROVINCE.value:
            if current.parent_code is None or current.parent_code not in self._units:
                raise UsageError(msg("unit {unit} has no province above it in the map", unit=code))
            if current.code in seen:
                raise UsageError(msg("unit {unit} has a cycle in its parent chain", unit=code))
            seen.add(current.code)
            current = self._units[current.parent_code]
        return current.code
