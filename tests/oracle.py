"""A small, deliberately naive reference evaluator (the "oracle").

It reads the typed records (:class:`~drugfree_core.dataset.dataset.DatasetRecords`) with
plain loops and dicts and implements the semantics of the rule primitives as written in
their docstrings and in the engine spec, without looking at the columnar engine. Tests
compare the engine against it; a benchmark script may import it too (no pytest here).

Three-valued logic uses ``True`` / ``False`` / ``None`` (unknown) throughout; outcomes
are reported with the wire values ``"pass"`` / ``"fail"`` / ``"unknown"``, and
``"no_data"`` for a unit the dataset does not cover on the date (its coverage rows, or
by default every unit of its own units table; see :func:`oracle_evaluate`). A leaf rule
that reads a table the dataset did not supply is ``"unknown"``.

Usage::

    from oracle import oracle_evaluate
    result = oracle_evaluate(records, scheme, on)
    result.units["U1"].verdict, result.units["U1"].criteria["TH.C3"].failing
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from drugfree_core.model import (
    COMMUNE_LEVEL_KINDS,
    AdminUnit,
    FactKind,
    RehabEpisode,
    RehabForm,
    StatusPeriod,
    Subject,
    SubjectKind,
    TestResult,
    TestSchedule,
    UnitFact,
    UnitKind,
    UnitLevel,
    ViolationKind,
)
from drugfree_core.rules import primitives as p
from drugfree_core.rules.params import ParamRef, Period
from drugfree_core.rules.scheme import Level, Scheme

Tri = bool | None
PASS, FAIL, UNKNOWN, NO_DATA = "pass", "fail", "unknown", "no_data"
ALL_TABLES = frozenset(
    {
        "units",
        "lineage",
        "subjects",
        "residences",
        "status_periods",
        "drug_tests",
        "rehab_episodes",
        "custody_periods",
        "unit_facts",
        "coverage",
    }
)


# ----------------------------------------------------------------------- Kleene logic


def k_and(values: Iterable[Tri]) -> Tri:
    vals = list(values)
    if any(v is False for v in vals):
        return False
    if any(v is None for v in vals):
        return None
    return True


def k_or(values: Iterable[Tri]) -> Tri:
    vals = list(values)
    if any(v is True for v in vals):
        return True
    if any(v is None for v in vals):
        return None
    return False


def k_not(value: Tri) -> Tri:
    return None if value is None else not value


def to_outcome(value: Tri) -> str:
    return UNKNOWN if value is None else (PASS if value else FAIL)


def from_outcome(outcome: str) -> Tri:
    return {PASS: True, FAIL: False, UNKNOWN: None}[outcome]


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class OracleNode:
    """The oracle's result for one rule node; mirrors the shape of the rule tree."""

    rule: str
    outcome: str
    failing: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    numerator: int | None = None
    denominator: int | None = None
    children: tuple[OracleNode, ...] = ()


@dataclass(frozen=True)
class OracleCriterion:
    outcome: str  # after the quarantine / unplaced downgrade
    failing: tuple[str, ...]
    unknown: tuple[str, ...]
    tree: OracleNode  # before the downgrade


@dataclass(frozen=True)
class OracleUnit:
    verdict: str
    level: str | None
    level_candidates: tuple[str, ...]
    criteria: dict[str, OracleCriterion]
    affected: bool
    levels_reached: tuple[str, ...] = ()

    def as_tuple(
        self,
    ) -> tuple[str, str | None, dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]]]:
        """``(verdict, level, {criterion_id: (outcome, failing_ids, unknown_ids)})``."""
        return (
            self.verdict,
            self.level,
            {cid: (c.outcome, c.failing, c.unknown) for cid, c in self.criteria.items()},
        )


@dataclass(frozen=True)
class OracleEvaluation:
    units: dict[str, OracleUnit]
    unplaced: dict[str, tuple[str, ...]]  # subject id -> sorted candidate units
    placement: dict[str, str]  # subject id -> unit code (placed people only)
    # (table, index among its records): facts and findings a rule counts whose unit
    # leads nowhere on the date, so that they may be any unit's
    lost: frozenset[tuple[str, int]] = frozenset()

    def simple(self) -> dict[str, Any]:
        return {code: u.as_tuple() for code, u in self.units.items()}


@dataclass
class Member:
    """A person in a population at one unit."""

    certain: bool
    has_record: Tri
    support: Tri
    anchor: dt.date


# ---------------------------------------------------------------------------- helpers


def covers(start: dt.date, end: dt.date | None, on: dt.date) -> bool:
    return start <= on and (end is None or end >= on)


def minus(period: Period, day: dt.date) -> dt.date:
    return Period(years=-period.years, months=-period.months, days=-period.days).add_to(day)


def first_day(window: Any, on: dt.date) -> dt.date:
    """The first day (inclusive) of a window ending on *on*, spelled out plainly."""
    if isinstance(window, Period):
        return minus(window, on) + dt.timedelta(days=1)
    name = window.value if isinstance(window, p.Window) else window
    if name == "reference_date":
        return on
    assert name == "assessment_period", name
    # 15 December of the previous year, or of this year from 15 December on.
    year = on.year if (on.month, on.day) >= (12, 15) else on.year - 1
    return dt.date(year, 12, 15)


def as_fraction(value: Any) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(value)  # exact binary value
    return Fraction(int(value))


def fact_total_bounds(
    facts: Sequence[UnitFact], preds: Mapping[str, Sequence[str]]
) -> tuple[Fraction, Fraction]:
    """The least and most a unit's facts add up to (records of one place may repeat).

    Two reporting units are one place when they are the same or one became the other
    (*preds*: the lineage in force, successor to predecessors). A place's records of one
    period are one item, worth its smallest record. Two items clash when they are of one
    place and share a day. Clashing items, linked pair by pair, form a group: it adds
    at most the sum of its records, and at least the most that items of it no two of
    which clash add up to (every such choice is tried).
    """

    def before(code: str) -> set[str]:
        found: set[str] = set()
        frontier = list(preds.get(code, ()))
        while frontier:
            step = frontier.pop()
            if step not in found:
                found.add(step)
                frontier.extend(preds.get(step, ()))
        return found

    smallest: dict[tuple[str, dt.date, dt.date], Fraction] = {}
    for fact in facts:
        key = (fact.unit_code, fact.period_start, fact.period_end)
        value = as_fraction(fact.value)
        smallest[key] = min(smallest.get(key, value), value)
    items = sorted(smallest)

    def clash(a: tuple[str, dt.date, dt.date], b: tuple[str, dt.date, dt.date]) -> bool:
        one_place = a[0] == b[0] or a[0] in before(b[0]) or b[0] in before(a[0])
        return one_place and a[1] <= b[2] and b[1] <= a[2]

    group = list(range(len(items)))
    for i, a in enumerate(items):
        for j, b in enumerate(items[:i]):
            if clash(a, b):
                group[_root(group, i)] = _root(group, j)
    members: dict[int, list[tuple[str, dt.date, dt.date]]] = {}
    for i, item in enumerate(items):
        members.setdefault(_root(group, i), []).append(item)
    least = Fraction(0)
    for found in members.values():
        least += max(
            sum((smallest[k] for k in chosen), Fraction(0))
            for n in range(len(found) + 1)
            for chosen in itertools.combinations(found, n)
            if not any(clash(a, b) for a, b in itertools.combinations(chosen, 2))
        )
    most = sum((as_fraction(f.value) for f in facts), Fraction(0))
    return least, most


def _root(group: list[int], i: int) -> int:
    while group[i] != i:
        i = group[i]
    return i


def compare(x: Fraction, op: p.Op, y: Fraction) -> bool:
    if op is p.Op.GE:
        return x >= y
    if op is p.Op.GT:
        return x > y
    if op is p.Op.LE:
        return x <= y
    if op is p.Op.LT:
        return x < y
    return x == y


Range = tuple[Fraction, Fraction] | None


def compare_range(measure: Range, op: p.Op, value: Fraction | None) -> Tri:
    """``measure op value`` for a value known to lie in ``[lo, hi]``."""
    if measure is None or value is None:
        return None
    lo, hi = measure
    if op is p.Op.EQ:  # the range may hold the value between ends that both differ
        if not lo <= value <= hi:
            return False
        return True if lo == hi else None
    a, b = compare(lo, op, value), compare(hi, op, value)
    return a if a == b else None


# ----------------------------------------------------------------------------- oracle


class _Oracle:
    def __init__(
        self,
        records: Any,
        scheme: Scheme,
        on: dt.date,
        quarantined: Sequence[Any],
        supplied: frozenset[str] = ALL_TABLES,
        coverage_basis: str = "units",
    ) -> None:
        self.records = records
        self.quarantined = quarantined
        self.on = on
        self.scheme = scheme
        self.supplied = supplied
        self.coverage_basis = coverage_basis
        self.coverage = list(getattr(records, "coverage", ()))
        self.params = {k: v.value for k, v in scheme.resolve_parameters(on).items()}
        self.dated = {prm.id: prm for prm in scheme.parameters}
        self.units: dict[str, AdminUnit] = {u.code: u for u in records.units}
        self.province_level = scheme.unit_level is UnitLevel.PROVINCE
        self.communes = sorted(
            u.code for u in records.units if u.kind in COMMUNE_LEVEL_KINDS and u.in_force(on)
        )
        if self.province_level:
            self.evaluated = sorted(
                u.code for u in records.units if u.kind is UnitKind.PROVINCE and u.in_force(on)
            )
        else:
            self.evaluated = list(self.communes)
        self.links: dict[str, list[str]] = {}
        self.preds: dict[str, list[str]] = {}
        for link in records.lineage:
            if link.effective <= on:
                self.links.setdefault(link.predecessor_code, []).append(link.successor_code)
                self.preds.setdefault(link.successor_code, []).append(link.predecessor_code)
        self.subjects: list[Subject] = list(records.subjects)
        self.facts: list[UnitFact] = list(records.unit_facts)
        self.lost: set[tuple[str, int]] = set()
        self.placement: dict[str, str] = {}
        self.commune_placement: dict[str, str] = {}
        self.unplaced: dict[str, tuple[str, ...]] = {}
        for s in self.subjects:
            code = self.residence_unit(s)
            if code is None:
                if any(covers(r.start, r.end, on) for r in s.statuses):
                    self.unplaced[s.id] = ()  # a status, but no residence on the date
                continue
            targets = self.map_unit(code)
            if len(targets) == 1 and targets[0] in self.communes:
                self.commune_placement[s.id] = targets[0]
                row = self.row_of(targets[0])
                if row is not None:
                    self.placement[s.id] = row
            elif len(targets) != 1:
                row = self.one_row(targets)
                if row is not None:  # a split whose parts all count for one province
                    self.placement[s.id] = row
                else:
                    self.unplaced[s.id] = targets
        # Indexes only (same answers as scanning every subject), so the benchmark can
        # run the oracle on national data.
        self.by_id: dict[str, Subject] = {s.id: s for s in self.subjects}
        self.cache: dict[Any, Any] = {}
        self.residents: dict[str, list[Subject]] = {}
        for s in self.subjects:
            if s.id in self.placement:
                self.residents.setdefault(self.placement[s.id], []).append(s)
        affected: set[str] = set()
        for record in quarantined:
            for code in record.unit_codes:
                affected.update(self.rows(self.map_unit(code)))
        for candidates in self.unplaced.values():
            affected.update(self.rows(candidates))
        self.affected = affected

    # -- parameters

    def value(self, x: Any) -> Any:
        if isinstance(x, ParamRef):
            return self.params[x.id]
        return x

    def law(self, key: str) -> Any:
        return self.params[key]

    # -- territory

    def in_force(self, code: str) -> bool:
        unit = self.units.get(code)
        return unit is not None and unit.in_force(self.on)

    def map_unit(self, code: str) -> tuple[str, ...]:
        """The units in force that *code* is on the date (itself, or its successors)."""
        if self.in_force(code):
            return (code,)
        found: set[str] = set()
        seen = {code}
        todo = [code]
        while todo:
            current = todo.pop()
            for succ in self.links.get(current, ()):
                if succ in seen:
                    continue
                seen.add(succ)
                if self.in_force(succ):
                    found.add(succ)
                else:
                    todo.append(succ)
        return tuple(sorted(found))

    def province_of(self, code: str) -> str | None:
        unit = self.units.get(code)
        parent = self.units.get(unit.parent_code) if unit and unit.parent_code else None
        if parent is None:
            return None
        if parent.kind is UnitKind.PROVINCE:
            return parent.code
        return parent.parent_code

    def row_of(self, code: str) -> str | None:
        """The evaluated row an in-force unit counts for (None: none)."""
        if not self.province_level:
            return code if code in self.communes else None
        if code in self.evaluated:
            return code
        if code in self.communes:
            province = self.province_of(code)
            return province if province in self.evaluated else None
        return None

    def rows(self, codes: Iterable[str]) -> set[str]:
        return {r for c in codes if (r := self.row_of(c)) is not None}

    def one_row(self, candidates: Sequence[str]) -> str | None:
        """At province level, the one row every candidate counts for (else None)."""
        if not self.province_level or not candidates:
            return None
        rows = [self.row_of(c) for c in candidates]
        if any(r is None for r in rows) or len(set(rows)) != 1:
            return None
        return rows[0]

    def note_lost(self, table: str, index: int, code: str) -> None:
        """A record a rule counts: lost when its unit ended before the date and its
        lineage leads to no unit in force (then it may be any unit's)."""
        unit = self.units.get(code)
        ended = unit is not None and unit.valid_to is not None and unit.valid_to < self.on
        if ended and not self.map_unit(code):
            self.lost.add((table, index))

    def residence_unit(self, s: Subject) -> str | None:
        current = [r for r in s.residences if covers(r.start, r.end, self.on)]
        if not current:
            return None
        return max(current, key=lambda r: r.start).unit_code

    # -- coverage

    def covered_since(
        self, code: str, day: dt.date | None = None, path: tuple[str, ...] = ()
    ) -> dt.date | None:
        """Since when the unit's records are vouched for on *day* (None: not covered).

        Written apart from the library's walk: the rows naming the unit or an ancestor
        are merged into runs of days (rows that overlap or meet join up) and the run
        holding the day gives its first day. A unit without such rows is covered since
        the latest day of its predecessors'. The days before a unit's first day in force
        are its predecessors' (their records, their coverage): its own runs are cut at
        that day, and a run cut there goes on through the predecessors when all are
        covered the day before it.
        """
        day = self.on if day is None else day
        if self.coverage_basis == "none":
            return None
        if self.coverage_basis == "units":
            return dt.date.min
        chain: list[str] = []
        current: str | None = code
        while current is not None and current not in chain:
            chain.append(current)
            unit = self.units.get(current)
            current = unit.parent_code if unit is not None else None
        spans = sorted(
            (row.covered_from or dt.date.min, row.covered_to or dt.date.max)
            for row in self.coverage
            if row.unit_code in chain
        )
        preds = self.preds.get(code, [])
        cycle = any(p in path or p == code for p in preds)

        def latest(on: dt.date) -> dt.date | None:
            days = [self.covered_since(p, on, (*path, code)) for p in preds]
            return None if not days or None in days else max(d for d in days if d is not None)

        if not spans:
            return None if cycle else latest(day)
        runs: list[list[dt.date]] = []
        for first, last in spans:
            if runs and first - runs[-1][1] <= dt.timedelta(days=1):
                runs[-1][1] = max(runs[-1][1], last)
            else:
                runs.append([first, last])
        since = next((a for a, b in runs if a <= day <= b), None)
        unit = self.units.get(code)
        formed = unit.valid_from if unit is not None else None
        if formed is None:  # the first day its links in force give it
            formed = min(
                (k.effective for k in self.records.lineage if k.successor_code == code),
                default=None,
            )
            formed = formed if formed is not None and formed <= self.on else None
        if since is None or not preds or cycle or formed is None:
            return since
        if since < formed:  # the run, cut at the unit's first day in force
            since = formed
        if since == formed:
            before = latest(formed - dt.timedelta(days=1))
            return since if before is None else before
        return since

    def row_since(self, unit: str | None) -> dt.date | None:
        """A row's covered-since day: a province's is the latest of its communes'."""
        if unit is None:
            return None
        if not self.province_level:
            return self.covered_since(unit)
        days = [self.covered_since(c) for c in self.communes if self.row_of(c) == unit]
        if not days or None in days:
            return None
        return max(d for d in days if d is not None)

    def short(self, unit: str | None, start: dt.date) -> bool:
        """Whether the row's records are vouched for only from a day after *start*."""
        since = self.row_since(unit)
        return since is not None and since > start

    # -- tables

    def tables_of(self, node: Any) -> set[str]:
        """The tables a leaf rule reads (written out here, apart from the library's map)."""
        if isinstance(node, p.Population):
            out = {"subjects", "residences", "status_periods"}
            if self.value(node.exempt_forms):
                out.add("rehab_episodes")
            if self.value(node.exempt_custody):
                out.add("custody_periods")
            return out
        if isinstance(node, p.InTreatment):
            return {"rehab_episodes"}
        if isinstance(node, p.InCustody):
            return {"custody_periods"}
        if isinstance(node, p.NegativeTestWithin | p.TestedDuringManagement):
            return {"drug_tests"}
        if isinstance(node, p.FactTotal | p.FactRate | p.FactLatest):
            return {"unit_facts"}
        if isinstance(node, p.PythonRule):
            return set(node.tables)
        if isinstance(node, p.AllSatisfy):
            return self.tables_of(node.population) | self.tables_of(node.predicate)
        if isinstance(node, p.SubjectCount | p.SubjectRate):
            return self.tables_of(node.population)
        if isinstance(node, p.Compare | p.InBand):
            return self.tables_of(node.measure)
        if isinstance(node, p.SubjectAllOf | p.SubjectAnyOf):
            return set().union(*(self.tables_of(x) for x in node.predicates))
        if isinstance(node, p.SubjectNot):
            return self.tables_of(node.predicate)
        return set()

    # -- statuses and episodes

    @staticmethod
    def anchor(row: StatusPeriod) -> dt.date:
        return row.management_start if row.management_start is not None else row.start

    def still_runs(self, period: Period, anchor: dt.date) -> bool:
        """Whether a period of *period* from *anchor* still runs on the date (§6.5)."""
        last = period.add_to(anchor)  # the anniversary
        if self.law("law.period_end_rule") == "civil_code":
            return self.on <= last  # the anniversary is the last day inside
        return self.on < last  # the anniversary is the first day free

    def management_runs(self, s: Subject, row: StatusPeriod) -> Tri:
        anchor = self.anchor(row)
        if row.kind is SubjectKind.ILLEGAL_USER:
            period: Period = self.law("law.user_management_period")
            runs = self.still_runs(period, anchor)
            if row.management_start is not None:
                return runs
            if row.has_management_record is False:
                return True  # detected, never managed: counts while the status runs
            if row.has_management_record is None:
                return True if runs else None  # a decision may never have been made
            return runs  # a record without its date: from the status start
        if row.kind is SubjectKind.POST_REHAB:
            basis: RehabEpisode | None = None
            for e in s.rehab_episodes:
                done = e.completed and e.end is not None and e.end <= anchor
                if done and (basis is None or e.end > basis.end):  # type: ignore[operator]
                    basis = e
            if basis is None:
                # The term is one of the law's, not known which: certain within the
                # shortest, unknown up to the longest assumed.
                terms = [t for t in self.law("law.post_rehab_period").values() if t is not None]
                longest = self.law("law.post_rehab_period_without_episode")
                shortest = min(terms, key=lambda t: t.add_to(dt.date(2001, 1, 1)), default=longest)
                if self.still_runs(shortest, anchor):
                    return True
                return None if self.still_runs(longest, anchor) else False
            else:
                key = basis.form.value
                if basis.form is RehabForm.COMPULSORY_FACILITY and basis.minor:
                    key = "compulsory_facility_minor"
                period = self.law("law.post_rehab_period")[key]
            return self.still_runs(period, anchor)
        return True

    def episode_term(self, e: RehabEpisode, parameter_id: str) -> Period | None:
        """The term of *e* in *parameter_id*: by the law when it started, form and rank."""
        table: Mapping[str, Period | None]
        if self.params.get("law.rehab_term_law") == "episode_start":
            versions = self.dated[parameter_id].values
            chosen = versions[0]
            for dv in versions:
                if dv.start <= e.start:
                    chosen = dv
            table = chosen.value  # type: ignore[assignment]
        else:
            table = self.law(parameter_id)
        rank = None if e.rank is None else ("first" if e.rank == 1 else "later")
        ranked = table.get(f"{e.form.value}:{rank}") if rank else None
        return ranked if ranked is not None else table.get(e.form.value)

    def max_duration(self, e: RehabEpisode) -> Period | None:
        return self.episode_term(e, "law.rehab_max_duration")

    def ongoing(self, e: RehabEpisode) -> bool:
        if e.start > self.on:
            return False
        if e.end is not None:
            return e.end >= self.on
        mx = self.max_duration(e)
        return mx is None or mx.add_to(e.start) >= self.on

    def stale(self, e: RehabEpisode) -> bool:
        if e.end is not None or e.start > self.on:
            return False
        mx = self.max_duration(e)
        return mx is not None and mx.add_to(e.start) < self.on

    def in_custody(self, s: Subject) -> bool:
        return any(covers(c.start, c.end, self.on) for c in s.custody)

    # -- populations

    def members(self, pop: p.Population, unit: str) -> dict[str, Member]:
        kinds = pop.kinds
        under = bool(self.value(pop.under_management))
        exempt_forms = {RehabForm(f) for f in (self.value(pop.exempt_forms) or ())}
        if self.value(pop.exempt_facility):
            exempt_forms |= {RehabForm.VOLUNTARY_FACILITY, RehabForm.COMPULSORY_FACILITY}
        exempt_custody = bool(self.value(pop.exempt_custody))
        out: dict[str, Member] = {}
        for s in self.residents.get(unit, ()):
            rows = [r for r in s.statuses if r.kind in kinds and covers(r.start, r.end, self.on)]
            runs = {id(r): self.management_runs(s, r) if under else True for r in rows}
            rows = [r for r in rows if runs[id(r)] is not False]
            if pop.with_record:
                rows = [r for r in rows if r.has_management_record is not False]
            # certain when some row is known to hold on every condition
            certain = any(
                runs[id(r)] is True and (not pop.with_record or r.has_management_record is True)
                for r in rows
            )
            if not rows:
                continue
            if exempt_forms:
                episodes = [e for e in s.rehab_episodes if e.form in exempt_forms]
                if any(self.ongoing(e) for e in episodes):
                    continue
                if any(self.stale(e) for e in episodes):
                    certain = False
            if exempt_custody and self.in_custody(s):
                continue
            excepting = [
                self.management_runs(s, r)
                for r in s.statuses
                if r.kind in pop.exempt_running and covers(r.start, r.end, self.on)
            ]
            if any(runs is True for runs in excepting):
                continue
            if any(runs is None for runs in excepting):
                certain = False  # may be excepted: an uncertain member
            out[s.id] = Member(
                certain=certain,
                has_record=k_and(r.has_management_record for r in rows),
                support=k_and(r.support_provided for r in rows),
                anchor=min(self.anchor(r) for r in rows),
            )
        return out

    # -- subject predicates

    def predicate(self, pred: Any, s: Subject, m: Member) -> Tri:
        on = self.on
        if isinstance(pred, p.HasManagementRecord):
            return m.has_record
        if isinstance(pred, p.SupportProvided):
            return m.support
        if isinstance(pred, p.InCustody):
            return self.in_custody(s)
        if isinstance(pred, p.InTreatment):
            eps = [e for e in s.rehab_episodes if pred.forms is None or e.form in set(pred.forms)]
            if any(self.ongoing(e) for e in eps):
                return True
            if any(self.stale(e) for e in eps):
                return None
            return False
        if isinstance(pred, p.NegativeTestWithin):
            days = int(self.value(pred.days))
            rule = p.TestWindowRule(self.value(pred.rule))
            lo = on - dt.timedelta(days=days)
            window = [t for t in s.tests if lo <= t.date <= on]
            negative = [t.result is TestResult.NEGATIVE for t in window]
            row = self.placement.get(s.id)
            if self.short(row, lo):
                # Tests before the records begin may be missing: only what they could
                # not change decides.
                if rule is p.TestWindowRule.LATEST_NEGATIVE_NO_POSITIVE:
                    return False if not all(negative) else None
                if rule is p.TestWindowRule.ANY_NEGATIVE:
                    return True if any(negative) else None
                since = self.row_since(row)
                if not window or since is None or max(t.date for t in window) < since:
                    return None  # a missing test could be later than every one found
            if not window:
                return False
            if rule is p.TestWindowRule.LATEST_NEGATIVE_NO_POSITIVE:
                return all(negative)
            if rule is p.TestWindowRule.LATEST_NEGATIVE:
                last = max(t.date for t in window)
                return all(t.result is TestResult.NEGATIVE for t in window if t.date == last)
            return any(negative)
        if isinstance(pred, p.TestedDuringManagement):
            schedules: Iterable[TestSchedule] = pred.schedules
            tested = all(
                any(t.schedule is sch and m.anchor <= t.date <= on for t in s.tests)
                for sch in schedules
            )
            if not tested and self.short(self.placement.get(s.id), m.anchor):
                return None  # tests since the anchor, before the records begin, may be missing
            return tested
        if isinstance(pred, p.SubjectAllOf):
            return k_and(self.predicate(x, s, m) for x in pred.predicates)
        if isinstance(pred, p.SubjectAnyOf):
            return k_or(self.predicate(x, s, m) for x in pred.predicates)
        if isinstance(pred, p.SubjectNot):
            return k_not(self.predicate(pred.predicate, s, m))
        raise TypeError(f"oracle: unsupported predicate {pred!r}")

    # -- measures

    def population_of(self, unit: str) -> int | None:
        pop = self.units[unit].resident_population
        if pop is None and self.province_level:
            mine = [
                self.units[c].resident_population for c in self.communes if self.row_of(c) == unit
            ]
            pop = sum(mine) if mine and all(x is not None for x in mine) else None  # type: ignore[misc]
        return None if pop is None or pop == 0 else pop

    def target_row(self, code: str) -> str | None:
        """The row a record about unit *code* counts for; a split one marks its rows."""
        targets = self.map_unit(code)
        if len(targets) > 1:
            row = self.one_row(targets)
            if row is not None:
                return row
            # it may belong to any successor: they cannot be decided on it
            self.affected.update(self.rows(targets))
            return None
        return self.row_of(targets[0]) if targets else None

    def facts_in_window(self, unit: str, kind: Any, lookback: Any) -> list[UnitFact]:
        lo = first_day(self.value(lookback), self.on)
        for i, f in enumerate(self.facts):
            if f.kind is kind and lo <= f.period_end <= self.on:
                self.note_lost("unit_facts", i, f.unit_code)
        return [
            f
            for f in self.facts
            if f.kind is kind
            and lo <= f.period_end <= self.on
            and self.target_row(f.unit_code) == unit
        ]

    # -- findings

    def violators(self, m: p.ResidentViolations, unit: str) -> tuple[int, int, list[str]] | None:
        if self.records.drug_law_violations is None:
            return None
        lo = first_day(self.value(m.window), self.on)
        administrative = bool(self.value(m.administrative))
        rule = p.ResidenceRule(self.value(m.residence))
        custody = bool(self.value(m.in_custody))
        sure: set[str] = set()
        maybe: set[str] = set()
        for i, v in enumerate(self.records.drug_law_violations):
            if not lo <= v.date <= self.on:
                continue
            if not administrative and v.kind is not ViolationKind.CRIME:
                continue
            self.note_lost("drug_law_violations", i, v.unit_code)
            if self.target_row(v.unit_code) != unit:
                continue
            s = self.by_id.get(v.subject_id)
            if s is None or (not custody and self.in_custody(s)):
                continue
            if rule is not p.ResidenceRule.VIOLATION_DATE and self.placement.get(s.id) == unit:
                sure.add(s.id)
            if rule is not p.ResidenceRule.REFERENCE_DATE:
                for r in s.residences:
                    if not covers(r.start, r.end, v.date):
                        continue
                    homes = self.map_unit(r.unit_code)
                    one = self.row_of(homes[0]) if len(homes) == 1 else self.one_row(homes)
                    if one == unit:
                        sure.add(s.id)
                    elif len(homes) > 1 and unit in self.rows(homes):
                        maybe.add(s.id)
        everyone = sure | maybe
        return len(sure), len(everyone), sorted(everyone)

    def fugitives(self, m: p.WantedFugitives, unit: str) -> list[str] | None:
        if self.records.wanted_fugitives is None:
            return None
        lo = first_day(self.value(m.window), self.on)
        for i, f in enumerate(self.records.wanted_fugitives):
            if f.start <= self.on and (f.end is None or f.end >= lo):
                self.note_lost("wanted_fugitives", i, f.unit_code)
        return sorted(
            {
                f.id
                for f in self.records.wanted_fugitives
                if f.start <= self.on
                and (f.end is None or f.end >= lo)
                and self.target_row(f.unit_code) == unit
            }
        )

    def locations(self, m: p.DrugUseLocations, unit: str) -> int | None:
        found = self.records.drug_use_locations
        if found is None:
            return None
        lo = first_day(self.value(m.window), self.on)
        presence = p.LocationPresence(self.value(m.presence))
        ids = set()
        for i, x in enumerate(found):
            if x.kind not in m.kinds or x.basis not in m.bases or x.identified_on > self.on:
                continue
            if presence is p.LocationPresence.IDENTIFIED and x.identified_on < lo:
                continue
            if (
                presence is p.LocationPresence.ACTIVE
                and x.closed_on is not None
                and x.closed_on < lo
            ):
                continue
            self.note_lost("drug_use_locations", i, x.unit_code)
            if self.target_row(x.unit_code) == unit:
                ids.add(x.id)
        return len(ids)

    def commune_share(self, m: p.CommuneShare, unit: str) -> Range:
        assert self.province_level, "a commune share is measured for provinces only"
        key = ("share", m.scheme_id, m.levels)
        if key not in self.cache:
            inner = oracle_evaluate(self.records, m.scheme, self.on, quarantined=self.quarantined)
            self.cache[key] = inner
        inner = self.cache[key]
        mine = [c for c in self.communes if self.row_of(c) == unit]
        if not mine:
            return None
        self.lost |= inner.lost  # the communes' rules counted them: lost here too
        sure = maybe = 0
        for code in mine:
            u = inner.units[code]
            if m.levels:
                # Each level asked for, on its own criteria, whatever the label's order.
                s = may = False
                for level in m.scheme.levels:
                    if level.id not in m.levels:
                        continue
                    outcomes = [
                        u.criteria[c].outcome if c in u.criteria else UNKNOWN
                        for c in level.criteria
                    ]
                    passed, open_ = outcomes.count(PASS), outcomes.count(UNKNOWN)
                    s = s or passed >= level.min_pass
                    may = may or passed + open_ >= level.min_pass
            else:
                s, may = u.verdict == PASS, u.verdict == UNKNOWN
            sure += s
            maybe += s or may
        return Fraction(sure, len(mine)), Fraction(maybe, len(mine))

    def reports_from(self, window: Any) -> dt.date:
        """The first day the reports must cover: a month look-back from a month's end
        starts on the first of a month (six months to 30 June: from 1 January)."""
        window = self.value(window)
        day = first_day(window, self.on)
        at_month_end = (self.on + dt.timedelta(days=1)).month != self.on.month
        if isinstance(window, Period) and not window.days and at_month_end and day.day != 1:
            return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return day

    def report_ways(self, code: str) -> list[list[str]]:
        """The ways *code*'s area was made of: its predecessors; a province's communes."""
        ways = [self.preds[code]] if self.preds.get(code) else []
        if self.province_level and code in self.evaluated:
            communes = [c for c in self.communes if self.row_of(c) == code]
            if communes:
                ways.append(communes)
        return ways

    def unreported(self, unit: str, facts: Sequence[UnitFact], start: dt.date) -> bool:
        """Whether a day from *start* to the last day *facts* reach has no report of the row.

        A day is reported for a unit by a record of its own (among the row's), or when
        every unit of one way its area was made of reports it (day by day here; the
        engine merges stretches).
        """

        def reported(code: str, day: dt.date, path: frozenset[str]) -> bool:
            if any(f.unit_code == code and f.period_start <= day <= f.period_end for f in facts):
                return True
            return any(
                all(reported(part, day, path | {part}) for part in way)
                for way in self.report_ways(code)
                if not any(part in path for part in way)
            )

        day, last = start, max(f.period_end for f in facts)
        while day <= last:
            if not reported(unit, day, frozenset({unit})):
                return True
            day += dt.timedelta(days=1)
        return False

    def open_above(self, measure: Range, unit: str, window: Any) -> Range:
        """*measure* with no upper bound when the row's records begin after *window* does."""
        if measure is None or not self.short(unit, first_day(self.value(window), self.on)):
            return measure
        return measure[0], math.inf  # type: ignore[return-value]

    def measure(self, m: Any, unit: str) -> Range:
        if isinstance(m, p.ResidentViolations):
            got = self.violators(m, unit)
            found = None if got is None else (Fraction(got[0]), Fraction(got[1]))
            return self.open_above(found, unit, m.window)
        if isinstance(m, p.WantedFugitives):
            ids = self.fugitives(m, unit)
            found = None if ids is None else (Fraction(len(ids)), Fraction(len(ids)))
            return self.open_above(found, unit, m.window)
        if isinstance(m, p.DrugUseLocations):
            n = self.locations(m, unit)
            if n is None:
                if not m.facts_when_absent:
                    return None
                fact = p.FactTotal(kind=FactKind.DRUG_USE_LOCATIONS, lookback=m.window)
                return self.measure(fact, unit)
            return self.open_above((Fraction(n), Fraction(n)), unit, m.window)
        if isinstance(m, p.CommuneShare):
            return self.commune_share(m, unit)
        if isinstance(m, p.SubjectCount | p.SubjectRate):
            members = self.members(m.population, unit)
            certain = sum(1 for x in members.values() if x.certain)
            lo, hi = Fraction(certain), Fraction(len(members))
            if isinstance(m, p.SubjectCount):
                return lo, hi
            pop = self.population_of(unit)
            return None if pop is None else (lo / pop, hi / pop)
        if isinstance(m, p.FactTotal | p.FactRate):
            facts = self.facts_in_window(unit, m.kind, m.lookback)
            if not facts:
                return None
            least, most = fact_total_bounds(facts, self.preds)
            if self.unreported(unit, facts, self.reports_from(m.lookback)):
                most = math.inf  # type: ignore[assignment]  # the days unreported may add any
            if isinstance(m, p.FactRate):
                pop = self.population_of(unit)
                if pop is None:
                    return None
                return self.open_above((least / pop, most / pop), unit, m.lookback)
            return self.open_above((least, most), unit, m.lookback)
        if isinstance(m, p.FactLatest):
            facts = self.facts_in_window(unit, m.kind, m.lookback)
            if not facts:
                return None
            latest = max(f.period_end for f in facts)
            since = self.row_since(unit)
            if self.short(unit, first_day(self.value(m.lookback), self.on)) and (
                since is not None and latest < since
            ):
                # A period missing from before the records begin may be the latest.
                return Fraction(0), math.inf  # type: ignore[return-value]
            # Records of the latest period that disagree leave the value between them.
            values = [as_fraction(f.value) for f in facts if f.period_end == latest]
            return min(values), max(values)
        raise TypeError(f"oracle: unsupported measure {m!r}")

    def threshold(self, x: Any) -> Fraction | None:
        v = self.value(x)
        return None if v is None else as_fraction(v)

    # -- unit rules

    def rule(self, rule: Any, unit: str) -> OracleNode:
        name = type(rule).__name__
        combinator = isinstance(rule, p.AllOf | p.AnyOf | p.AtLeast | p.Not)
        if not combinator and self.tables_of(rule) - self.supplied:
            return OracleNode(rule=name, outcome=UNKNOWN)  # reads a table not supplied
        if isinstance(rule, p.AllSatisfy):
            members = self.members(rule.population, unit)
            by_id = self.by_id
            values: dict[str, Tri] = {}
            for sid, m in members.items():
                v = self.predicate(rule.predicate, by_id[sid], m)
                values[sid] = v if m.certain else (True if v is True else None)
            failing = tuple(sorted(k for k, v in values.items() if v is False))
            unknown = tuple(sorted(k for k, v in values.items() if v is None))
            outcome = FAIL if failing else UNKNOWN if unknown else PASS
            return OracleNode(
                rule=name,
                outcome=outcome,
                failing=failing,
                unknown=unknown,
                numerator=sum(1 for v in values.values() if v is True),
                denominator=len(values),
            )
        if isinstance(rule, p.Compare):
            measure = self.measure(rule.measure, unit)
            value = compare_range(measure, rule.op, self.threshold(rule.value))
            failing: tuple[str, ...] = ()
            if value is False and isinstance(rule.measure, p.ResidentViolations):
                failing = tuple(self.violators(rule.measure, unit)[2])  # type: ignore[index]
            elif value is False and isinstance(rule.measure, p.WantedFugitives):
                failing = tuple(self.fugitives(rule.measure, unit) or ())
            return OracleNode(rule=name, outcome=to_outcome(value), failing=failing)
        if isinstance(rule, p.ParamFlag):
            flag = self.value(rule.parameter)
            return OracleNode(rule=name, outcome=to_outcome(flag))
        if isinstance(rule, p.InBand):
            measure = self.measure(rule.measure, unit)
            value = k_and(
                (
                    compare_range(measure, p.Op.GE, self.threshold(rule.lower)),
                    compare_range(measure, p.Op.LT, self.threshold(rule.upper)),
                )
            )
            return OracleNode(rule=name, outcome=to_outcome(value))
        if isinstance(rule, p.NotYetKnown):
            return OracleNode(rule=name, outcome=UNKNOWN)
        if isinstance(rule, p.AllOf | p.AnyOf | p.AtLeast | p.Not):
            children = tuple(self.rule(r, unit) for r in p.child_rules(rule))
            vals = [from_outcome(c.outcome) for c in children]
            if isinstance(rule, p.AllOf):
                value = k_and(vals)
            elif isinstance(rule, p.AnyOf):
                value = k_or(vals)
            elif isinstance(rule, p.Not):
                value = k_not(vals[0])
            else:
                passed = sum(v is True for v in vals)
                open_ = sum(v is None for v in vals)
                value = True if passed >= rule.k else None if passed + open_ >= rule.k else False
            return OracleNode(rule=name, outcome=to_outcome(value), children=children)
        raise TypeError(f"oracle: unsupported rule {rule!r}")

    # -- scheme

    def ordered_levels(self) -> list[Level]:
        """The levels in the order the scheme's level_order parameter gives, then the rest."""
        levels = list(self.scheme.levels)
        if self.scheme.level_order is None or self.scheme.level_order not in self.params:
            return levels
        order = list(self.params[self.scheme.level_order])
        first = [lv for i in order for lv in levels if lv.id == i]
        return first + [lv for lv in levels if lv.id not in order]

    def evaluate(self) -> OracleEvaluation:
        criteria = self.scheme.criteria_on(self.on)
        units: dict[str, OracleUnit] = {}
        # Every tree first: reading facts can mark units as affected.
        trees = {code: {c.id: self.rule(c.rule, code) for c in criteria} for code in self.evaluated}
        for code in self.evaluated:
            affected = code in self.affected
            results: dict[str, OracleCriterion] = {}
            if self.row_since(code) is None:  # not covered (a province: not in full)
                for c in criteria:
                    node = OracleNode(rule=type(c.rule).__name__, outcome=NO_DATA)
                    results[c.id] = OracleCriterion(
                        outcome=NO_DATA, failing=(), unknown=(), tree=node
                    )
                units[code] = OracleUnit(
                    verdict=NO_DATA,
                    level=None,
                    level_candidates=(),
                    criteria=results,
                    affected=affected,
                )
                continue
            for c in criteria:
                tree = trees[code][c.id]
                outcome = UNKNOWN if affected and tree.outcome == PASS else tree.outcome
                results[c.id] = OracleCriterion(
                    outcome=outcome, failing=tree.failing, unknown=tree.unknown, tree=tree
                )
            outcomes = {cid: r.outcome for cid, r in results.items()}
            reached: tuple[str, ...] = ()
            if self.scheme.levels:
                level, candidates = classify(self.ordered_levels(), outcomes, self.scheme.no_level)
                verdict = UNKNOWN if level is None else PASS
                reached = tuple(
                    lv.id for lv in self.scheme.levels if level_status(lv, outcomes) is True
                )
            else:
                level, candidates = None, ()
                verdict = to_outcome(k_and(from_outcome(o) for o in outcomes.values()))
            units[code] = OracleUnit(
                verdict=verdict,
                level=level,
                level_candidates=candidates,
                criteria=results,
                affected=affected,
                levels_reached=reached,
            )
        return OracleEvaluation(
            units=units,
            unplaced=dict(self.unplaced),
            placement=dict(self.placement),
            lost=frozenset(self.lost),
        )


def level_status(level: Level, outcomes: Mapping[str, str]) -> Tri:
    """Whether at least ``min_pass`` of the level's criteria pass (three-valued)."""
    results = [outcomes.get(cid, UNKNOWN) for cid in level.criteria]
    passed = results.count(PASS)
    open_ = results.count(UNKNOWN)
    if passed >= level.min_pass:
        return True
    if passed + open_ >= level.min_pass:
        return None
    return False


def classify(
    levels: Sequence[Level], outcomes: Mapping[str, str], no_level: str = "none"
) -> tuple[str | None, tuple[str, ...]]:
    """First level reached (all above it failed), ``"none"``, or ``None`` + candidates.

    Candidates: the levels still possible, from the top down to the first certain one.
    """
    candidates: list[str] = []
    for level in levels:
        status = level_status(level, outcomes)
        if status is True:
            if not candidates:
                return level.id, ()
            candidates.append(level.id)
            break
        if status is None:
            candidates.append(level.id)
    if not candidates:
        return no_level, ()
    return None, tuple(candidates)


def population_members(
    records: Any, scheme: Scheme, on: dt.date, population: p.Population
) -> dict[str, dict[str, Member]]:
    """Per unit in force, the members of *population* (``Member.certain`` tells which are
    certain); parameters are resolved from *scheme*."""
    o = _Oracle(records, scheme, on, ())
    return {code: o.members(population, code) for code in o.evaluated}


def oracle_evaluate(
    records: Any,
    scheme: Scheme,
    on: dt.date,
    *,
    quarantined: Sequence[Any] = (),
    supplied: frozenset[str] = ALL_TABLES,
    coverage_basis: str = "units",
) -> OracleEvaluation:
    """Evaluate *scheme* on *records* (a ``DatasetRecords``) at *on*, the naive way.

    *quarantined* are records with ``unit_codes`` (e.g. ``Dataset.quarantined``); the
    units they name (mapped to successors) get their passing criteria turned unknown.
    *supplied* names the tables the dataset was given (``Dataset.supplied``), and
    *coverage_basis* is ``"declared"`` (the ``coverage`` rows of *records* decide: a row
    for the unit or an ancestor containing the date; without own rows, all the unit's
    lineage predecessors covered), ``"units"`` (every unit covered) or ``"none"``.
    """
    return _Oracle(records, scheme, on, quarantined, supplied, coverage_basis).evaluate()


__all__ = [
    "ALL_TABLES",
    "FAIL",
    "NO_DATA",
    "PASS",
    "UNKNOWN",
    "Member",
    "OracleCriterion",
    "OracleEvaluation",
    "OracleNode",
    "OracleUnit",
    "classify",
    "oracle_evaluate",
    "population_members",
]
