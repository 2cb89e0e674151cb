"""Evaluate a scope (a province or the nation) on a date, each province by its own scheme.

A report covers many provinces, and each applies the scheme of its jurisdiction on the
date (Hải Phòng its own, the others the national one). :class:`ScopeRunner` groups the
commune-level units in force by the scheme their province applies, evaluates each
scheme once for its units, and remembers the result per date, so the time series, the
milestones and the merger mapping share evaluations instead of repeating them.

Every unit is also tagged with the province it belongs to *as of the report's
reference date*, following the lineage for units that no longer exist: the old communes
of Bắc Giang count under today's Bắc Ninh, which keeps a trend comparable across the
1 July 2025 merger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import polars as pl

from drugfree_core.adminmap import official_code
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.evaluate import evaluate
from drugfree_core.engine.results import Evaluation, UnitResult
from drugfree_core.errors import DrugfreeError, UsageError
from drugfree_core.model.enums import UnitKind, UnitLevel
from drugfree_core.plugins.host import PluginHost
from drugfree_core.plugins.territory import TerritoryIndex
from drugfree_core.rules.roadmap import NATIONAL
from drugfree_core.rules.scheme import Scheme

_COMMUNE_LEVEL = [k.value for k in UnitKind if k.level is UnitLevel.COMMUNE_LEVEL]


@attrs.frozen(kw_only=True)
class ScopeRun:
    """Every commune-level unit of the scope in force on ``on``, evaluated.

    ``results`` maps unit code to ``(scheme, result)``; ``provinces`` maps unit code to
    its province as of the report's reference date. ``evaluations`` are the whole
    evaluations behind the results, kept for the reference date only (empty on other
    dates, whose frames would only hold memory). ``notes`` say what could not be
    evaluated and why (for example no scheme in force yet on an early date).
    """

    on: dt.date
    results: dict[str, tuple[Scheme, UnitResult]]
    provinces: dict[str, str]
    evaluations: tuple[tuple[Scheme, Evaluation], ...]
    notes: tuple[str, ...]
    _counts: dict[str, tuple[int, int, int, int]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )

    def counts(self, scope: str) -> tuple[int, int, int, int]:
        """``(units, meeting, failing, unknown)`` for a province, or ``"*"`` for all."""
        if not self._counts:
            # Every scope's counts in one pass: a national series asks for each province.
            tally: dict[str, list[int]] = {NATIONAL: [0, 0, 0, 0]}
            slot = {"pass": 1, "fail": 2, "unknown": 3}
            for code, (_, result) in self.results.items():
                index = slot[result.verdict.value]
                for key in (NATIONAL, self.provinces[code]):
                    counts = tally.setdefault(key, [0, 0, 0, 0])
                    counts[0] += 1
                    counts[index] += 1
            self._counts.update({key: (a, b, c, d) for key, (a, b, c, d) in tally.items()})
        return self._counts.get(scope, (0, 0, 0, 0))


class ScopeRunner:
    """Evaluates one scope on any date, caching each date's run."""

    def __init__(
        self,
        dataset: Dataset,
        host: PluginHost,
        *,
        reference_date: dt.date,
        scope: str,
        scheme: Scheme | None = None,
        on_run: Callable[[dt.date], None] | None = None,
    ) -> None:
        self.dataset = dataset
        self.host = host
        self.reference_date = reference_date
        self.scope = scope
        self.scheme = scheme
        self._on_run = on_run
        self._index = TerritoryIndex.from_frames((dataset.units, dataset.lineage))
        self._runs: dict[dt.date, ScopeRun] = {}
        self._home: dict[str, str] = {}
        self._parts: dict[frozenset[str], Dataset] = {}
        if scope != NATIONAL:
            # Every date only ever looks at this province's units (of either era): cut
            # the rest of the country out once instead of filtering it on every run.
            self.dataset = dataset.restrict_to_units(self._scope_units())
        if scope != NATIONAL and not self.units_on(reference_date):
            raise UsageError(
                f"no commune-level unit of province {scope} is in force on "
                f"{reference_date.isoformat()} in this dataset"
            )

    @property
    def index(self) -> TerritoryIndex:
        """The dataset's map, indexed for province look-ups."""
        return self._index

    def home_province(self, unit_code: str) -> str:
        """The province *unit_code* belongs to on the reference date (see module doc)."""
        if unit_code not in self._home:
            self._home[unit_code] = self._resolve_home(unit_code)
        return self._home[unit_code]

    def _resolve_home(self, unit_code: str) -> str:
        try:
            return self._index.province_of(unit_code, self.reference_date)
        except DrugfreeError:
            # A split unit whose parts went to different provinces, or a unit with no
            # successor: count it where it was, under that province's successor if any.
            own = self._index.province_of(unit_code, self._index.day_in_force(unit_code))
            try:
                return self._index.province_of(own, self.reference_date)
            except DrugfreeError:
                return own

    def _scope_units(self) -> list[str]:
        """Codes of the commune-level units, of any date, whose home is the scope."""
        codes = self.dataset.units.filter(pl.col("kind").cast(pl.String).is_in(_COMMUNE_LEVEL))
        return [c for c in codes["code"].to_list() if self._in_scope(c)]

    def _in_scope(self, unit_code: str) -> bool:
        """Whether the unit's home province is the scope (matched by official code)."""
        return official_code(self.home_province(unit_code)) == official_code(self.scope)

    def units_on(self, on: dt.date) -> list[str]:
        """Codes of the scope's commune-level units in force on *on*, sorted."""
        frame = self.dataset.units.filter(
            pl.col("kind").cast(pl.String).is_in(_COMMUNE_LEVEL)
            & (pl.col("valid_from").is_null() | (pl.col("valid_from") <= on))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= on))
        )
        codes = sorted(frame["code"].to_list())
        if self.scope == NATIONAL:
            return codes
        return [c for c in codes if self._in_scope(c)]

    def runs(self) -> tuple[ScopeRun, ...]:
        """Every date evaluated so far, in the order they ran."""
        return tuple(self._runs.values())

    def run(self, on: dt.date) -> ScopeRun:
        """The scope evaluated on *on* (cached)."""
        if on not in self._runs:
            self._runs[on] = self._evaluate(on)
            if self._on_run is not None:
                self._on_run(on)
        return self._runs[on]

    def _evaluate(self, on: dt.date) -> ScopeRun:
        groups: dict[str, list[str]] = {}
        notes: list[str] = []
        by_province: dict[str, str | None] = {}  # one jurisdiction look-up per province
        for code in self.units_on(on):
            scheme_id = self._scheme_id(code, on, notes, by_province)
            if scheme_id is not None:
                groups.setdefault(scheme_id, []).append(code)
        results: dict[str, tuple[Scheme, UnitResult]] = {}
        evaluations: list[tuple[Scheme, Evaluation]] = []
        for scheme_id, codes in sorted(groups.items()):
            scheme = self.scheme if self.scheme is not None else self.host.scheme(scheme_id)
            if not scheme.in_force(on):
                notes.append(
                    f"{on.isoformat()}: scheme {scheme.id} is not in force; "
                    f"{len(codes)} units not evaluated"
                )
                continue
            # A province's own scheme covers few units: evaluate only the records that
            # concern them (same results, units are independent; much less work).
            data = (
                self._part(codes)
                if len(codes) * 2 < sum(len(c) for c in groups.values())
                else self.dataset
            )
            evaluation = evaluate(data, scheme, on, units=codes)
            evaluations.append((scheme, evaluation))
            for unit in evaluation.units:
                results[unit.unit_code] = (scheme, unit)
        provinces = {code: self.home_province(code) for code in results}
        return ScopeRun(
            on=on,
            results=results,
            provinces=provinces,
            # Each evaluation holds every frame it derived (placements, statuses, test
            # windows): only the reference date's are read again (criteria tallies,
            # provenance), so the other dates keep just their unit results.
            evaluations=tuple(evaluations) if on == self.reference_date else (),
            notes=tuple(dict.fromkeys(notes)),
        )

    def _part(self, codes: list[str]) -> Dataset:
        """The records that evaluating *codes* needs, cut once for every date they recur."""
        key = frozenset(codes)
        if key not in self._parts:
            self._parts[key] = self.dataset.restrict_to_units(codes, people="own")
        return self._parts[key]

    def _scheme_id(
        self, code: str, on: dt.date, notes: list[str], by_province: dict[str, str | None]
    ) -> str | None:
        if self.scheme is not None:
            return self.scheme.id
        province = self._index.province_of(code, on)
        if province not in by_province:
            try:
                by_province[province] = self.host.jurisdiction_for(province, on).scheme_id
            except DrugfreeError as exc:
                notes.append(f"{on.isoformat()}: {exc}")
                by_province[province] = None
        return by_province[province]
