"""Hypothesis strategies for small, valid datasets and small schemes (test-local).

Dates cluster around the reference date (and around its 1/2/3-year anniversaries and the
30-day test window) so that the boundaries of the rules are hit often. The territory is a
fixed template with random options: a 3-into-1 merger on 1 July 2025 (A, B -> M), a split
(C -> S1, S2), an older merger chain (O -> A), an unchanged town and a special zone.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import strategies as st

from drugfree_core.dataset.dataset import DatasetRecords, QuarantinedRecord
from drugfree_core.model import (
    TWO_TIER_START,
    AdminUnit,
    CustodyPeriod,
    DrugTest,
    FactKind,
    LineageLink,
    Provenance,
    RehabEpisode,
    RehabForm,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    TestMethod,
    TestResult,
    TestSchedule,
    UnitFact,
    UnitKind,
)
from drugfree_core.rules import primitives as p
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.params import Period
from drugfree_core.rules.scheme import Criterion, Level, Scheme

R = TWO_TIER_START
MPS_START = dt.date(2024, 10, 15)
QD28_START = dt.date(2025, 8, 24)

#: Reference dates: scheme starts, the day before/of the reorganisation, leap days, the
#: day before/of the 2026 law change.
REFERENCE_DATES = (
    MPS_START,
    dt.date(2025, 2, 28),
    dt.date(2025, 6, 30),
    R,
    QD28_START,
    dt.date(2025, 10, 1),
    dt.date(2026, 3, 1),
    dt.date(2026, 6, 30),
    dt.date(2026, 7, 1),
    dt.date(2027, 2, 28),
)


@dataclass(frozen=True)
class Case:
    """A generated dataset (as records), a reference date and quarantined records."""

    records: DatasetRecords
    on: dt.date
    quarantined: tuple[QuarantinedRecord, ...] = ()

    @property
    def evaluated_units(self) -> list[str]:
        return sorted(
            u.code
            for u in self.records.units
            if u.kind is not UnitKind.PROVINCE and u.in_force(self.on)
        )


def reference_dates(min_date: dt.date = MPS_START) -> st.SearchStrategy[dt.date]:
    return st.sampled_from([d for d in REFERENCE_DATES if d >= min_date])


_DAY_OFFSETS = (
    -800, -731, -730, -729, -400, -367, -366, -365, -364, -200, -90, -61, -60, -31, -30,
    -29, -15, -2, -1, 0, 1, 2, 30,
)  # fmt: skip


@functools.lru_cache(maxsize=64)
def _near_dates(on: dt.date) -> tuple[dt.date, ...]:
    by_days = {on + dt.timedelta(days=n) for n in _DAY_OFFSETS}
    by_years = {
        Period(years=-k).add_to(on) + dt.timedelta(days=d) for k in (1, 2, 3) for d in (-1, 0, 1)
    }
    return tuple(sorted(by_days | by_years))


def near(on: dt.date) -> st.SearchStrategy[dt.date]:
    """A date near *on* or near one of its anniversaries (1-3 years back, +-1 day)."""
    return st.sampled_from(_near_dates(on))


_DURATIONS = (0, 1, 29, 30, 31, 180, 364, 365, 366, 729, 730, 731)


def end_after(start: dt.date, on: dt.date) -> st.SearchStrategy[dt.date | None]:
    """None (open), *start* plus a boundary duration, or a date near *on* not before it."""
    return st.one_of(
        st.none(),
        st.sampled_from(_DURATIONS).map(lambda n: start + dt.timedelta(days=n)),
        near(on).map(lambda d: d if d >= start else start),
    )


# ----------------------------------------------------------------------------- territory

PROVINCE = "P38"


def _unit(
    code: str,
    kind: UnitKind,
    population: int | None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> AdminUnit:
    return AdminUnit(
        code=code,
        name=f"Unit {code}",
        kind=kind,
        parent_code=PROVINCE,
        resident_population=population,
        valid_from=valid_from,
        valid_to=valid_to,
    )


POPULATIONS = (None, 0, 100, 199, 200, 201, 400, 1000, 2000, 10_000)


@st.composite
def territories(draw: st.DrawFn) -> tuple[tuple[AdminUnit, ...], tuple[LineageLink, ...]]:
    pops = st.sampled_from(POPULATIONS)
    with_split = draw(st.booleans())
    with_chain = draw(st.booleans())
    with_zone = draw(st.booleans())
    units = [AdminUnit(code=PROVINCE, name="Province", kind=UnitKind.PROVINCE)]
    links = []
    a_from = dt.date(2020, 1, 1) if with_chain else None
    units += [
        _unit("A", UnitKind.COMMUNE, draw(pops), a_from, R - dt.timedelta(days=1)),
        _unit("B", UnitKind.COMMUNE, draw(pops), None, R - dt.timedelta(days=1)),
        _unit("M", UnitKind.WARD, draw(pops), R, None),
        _unit("U", UnitKind.TOWN, draw(pops)),
    ]
    links += [
        LineageLink(predecessor_code="A", successor_code="M", effective=R),
        LineageLink(predecessor_code="B", successor_code="M", effective=R),
    ]
    if with_chain:
        units.append(_unit("O", UnitKind.COMMUNE, draw(pops), None, dt.date(2019, 12, 31)))
        links.append(
            LineageLink(predecessor_code="O", successor_code="A", effective=dt.date(2020, 1, 1))
        )
    if with_split:
        units += [
            _unit("C", UnitKind.COMMUNE, draw(pops), None, R - dt.timedelta(days=1)),
            _unit("S1", UnitKind.COMMUNE, draw(pops), R, None),
            _unit("S2", UnitKind.WARD, draw(pops), R, None),
        ]
        links += [
            LineageLink(predecessor_code="C", successor_code="S1", effective=R),
            LineageLink(predecessor_code="C", successor_code="S2", effective=R),
        ]
    if with_zone:
        units.append(_unit("Z", UnitKind.SPECIAL_ZONE, draw(pops)))
    return tuple(units), tuple(links)


# ------------------------------------------------------------------------------ subjects


@st.composite
def residences(draw: st.DrawFn, on: dt.date, codes: list[str]) -> tuple[Residence, ...]:
    n = draw(st.integers(0, 3))
    out: list[Residence] = []
    start = draw(near(on))
    for _ in range(n):
        end = draw(end_after(start, on))
        out.append(Residence(unit_code=draw(st.sampled_from(codes)), start=start, end=end))
        if end is None:
            break
        start = end + dt.timedelta(days=draw(st.sampled_from((1, 1, 2, 30))))
    return tuple(out)


@st.composite
def statuses(draw: st.DrawFn, on: dt.date) -> StatusPeriod:
    start = draw(near(on))
    end = draw(end_after(start, on))
    ms = draw(st.one_of(st.none(), near(on)))
    if ms is not None and end is not None and ms > end:
        ms = end
    return StatusPeriod(
        kind=draw(st.sampled_from(SubjectKind)),
        start=start,
        end=end,
        has_management_record=draw(st.sampled_from((True, True, False, None))),
        management_start=ms,
        support_provided=draw(st.sampled_from((True, True, False, None))),
    )


@st.composite
def tests_(draw: st.DrawFn, on: dt.date) -> DrugTest:
    return DrugTest(
        date=draw(near(on)),
        result=draw(st.sampled_from(TestResult)),
        method=draw(st.sampled_from(TestMethod)),
        schedule=draw(st.sampled_from(TestSchedule)),
    )


@st.composite
def episodes(draw: st.DrawFn, on: dt.date) -> RehabEpisode:
    start = draw(near(on))
    end = draw(end_after(start, on))
    return RehabEpisode(
        form=draw(st.sampled_from(RehabForm)),
        start=start,
        end=end,
        completed=end is not None and draw(st.booleans()),
        minor=draw(st.booleans()),
    )


def _period_key(e: RehabEpisode) -> tuple[str, bool]:
    return e.form.value, e.form is RehabForm.COMPULSORY_FACILITY and e.minor


@st.composite
def subjects(draw: st.DrawFn, sid: str, on: dt.date, codes: list[str]) -> Subject:
    eps = draw(st.lists(episodes(on), max_size=2))
    # two completed episodes ending the same day with different post-rehab periods would
    # make "the latest completed episode" ambiguous: keep the first of them
    kept: list[RehabEpisode] = []
    for e in eps:
        if e.completed and any(
            k.completed and k.end == e.end and _period_key(k) != _period_key(e) for k in kept
        ):
            continue
        kept.append(e)
    sts = list(draw(st.lists(statuses(on), max_size=3)))
    completed = [e for e in kept if e.completed]
    for i, s in enumerate(sts):
        # post-rehab management usually starts when an episode ends: hit end <= anchor
        if s.kind is SubjectKind.POST_REHAB and completed and draw(st.booleans()):
            e = draw(st.sampled_from(completed))
            assert e.end is not None
            ms = e.end + dt.timedelta(days=draw(st.integers(-1, 1)))
            start = min(s.start, ms)
            end = s.end if s.end is not None and s.end >= ms else None
            sts[i] = StatusPeriod(
                kind=s.kind,
                start=start,
                end=end,
                has_management_record=s.has_management_record,
                management_start=ms,
                support_provided=s.support_provided,
            )
    custody: tuple[CustodyPeriod, ...] = ()
    if draw(st.integers(0, 3)) == 0:
        c_start = draw(near(on))
        custody = (CustodyPeriod(start=c_start, end=draw(end_after(c_start, on))),)
    return Subject(
        id=sid,
        residences=draw(residences(on, codes)),
        statuses=tuple(sts),
        tests=tuple(draw(st.lists(tests_(on), max_size=4))),
        rehab_episodes=tuple(kept),
        custody=custody,
    )


# --------------------------------------------------------------------------------- facts

_FACT_VALUES: dict[FactKind, tuple[float, ...]] = {
    FactKind.DRUG_USE_LOCATIONS: (0, 1, 1, 2, 3),
    FactKind.ARRESTED_DRUG_OFFENDERS: (0, 1, 2, 5, 10),
    FactKind.NARCOTIC_PLANTS_COUNT: (0, 499, 500, 1500, 2999, 3000),
    FactKind.NARCOTIC_PLANTS_AREA_M2: (0, 124.5, 125, 749.5, 750, 375),
    FactKind.ON_COMPLEX_ROUTE: (0, 1),
}


@st.composite
def facts(draw: st.DrawFn, on: dt.date, codes: list[str]) -> tuple[UnitFact, ...]:
    raw = draw(
        st.lists(
            st.tuples(
                st.sampled_from(codes),
                st.sampled_from(FactKind),
                st.sampled_from((-400, -366, -365, -364, -200, -30, -1, 0, 1)),
                st.sampled_from((0, 30, 365)),
                st.integers(0, 5),
            ),
            max_size=10,
        )
    )
    out: list[UnitFact] = []
    seen: set[tuple[FactKind, dt.date]] = set()
    for code, kind, end_offset, length, value_index in raw:
        end = on + dt.timedelta(days=end_offset)
        # unique (kind, period_end): "the latest fact" is never a tie after lineage mapping
        if (kind, end) in seen:
            continue
        seen.add((kind, end))
        values = _FACT_VALUES[kind]
        out.append(
            UnitFact(
                unit_code=code,
                kind=kind,
                period_start=end - dt.timedelta(days=length),
                period_end=end,
                value=values[value_index % len(values)],
            )
        )
    return tuple(out)


# ---------------------------------------------------------------------------------- cases


@st.composite
def cases(
    draw: st.DrawFn,
    min_date: dt.date = MPS_START,
    max_subjects: int = 10,
    quarantine: bool = True,
) -> Case:
    """A small valid dataset around a reference date on or after *min_date*."""
    on = draw(reference_dates(min_date))
    units, links = draw(territories())
    codes = [u.code for u in units if u.kind is not UnitKind.PROVINCE]
    n = draw(st.integers(0, max_subjects))
    people = tuple(draw(subjects(f"subj-{i:02d}", on, codes)) for i in range(n))
    records = DatasetRecords(
        units=units, lineage=links, subjects=people, unit_facts=draw(facts(on, codes))
    )
    quarantined: tuple[QuarantinedRecord, ...] = ()
    if quarantine and draw(st.integers(0, 4)) == 0:
        quarantined = (
            QuarantinedRecord(
                table="drug_tests",
                location="drug_tests.csv:row 2",
                reason="generated",
                record_id=None,
                unit_codes=(draw(st.sampled_from(codes)),),
            ),
        )
    return Case(records=records, on=on, quarantined=quarantined)


# -------------------------------------------------------------------------------- schemes

populations = st.builds(
    p.Population,
    kinds=st.sets(st.sampled_from(SubjectKind), min_size=1, max_size=3),
    under_management=st.booleans(),
    with_record=st.booleans(),
    exempt_forms=st.lists(st.sampled_from(RehabForm), unique=True, max_size=2).map(tuple),
    exempt_custody=st.booleans(),
)

_leaf_predicates = st.one_of(
    st.just(p.HasManagementRecord()),
    st.just(p.SupportProvided()),
    st.just(p.InCustody()),
    st.builds(
        p.InTreatment,
        forms=st.one_of(
            st.none(),
            st.lists(st.sampled_from(RehabForm), unique=True, min_size=1, max_size=2).map(tuple),
        ),
    ),
    st.builds(
        p.NegativeTestWithin,
        days=st.sampled_from((0, 1, 30)),
        rule=st.sampled_from(p.TestWindowRule),
    ),
    st.builds(
        p.TestedDuringManagement,
        schedules=st.sets(st.sampled_from(TestSchedule), min_size=1),
    ),
)

predicates = st.recursive(
    _leaf_predicates,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: p.SubjectAllOf(tuple(xs))),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: p.SubjectAnyOf(tuple(xs))),
        inner.map(p.SubjectNot),
    ),
    max_leaves=4,
)

_lookbacks = st.sampled_from((Period(years=1), Period(months=6), Period(days=30)))
measures = st.one_of(
    st.builds(p.SubjectCount, populations),
    st.builds(p.SubjectRate, populations),
    st.builds(p.FactTotal, kind=st.sampled_from(FactKind), lookback=_lookbacks),
    st.builds(p.FactRate, kind=st.sampled_from(FactKind), lookback=_lookbacks),
    st.builds(p.FactLatest, kind=st.sampled_from(FactKind), lookback=_lookbacks),
)

thresholds = st.sampled_from(
    (0, 1, 2, 3, 500, 750, 3000, Fraction(1, 200), Fraction(1, 1000), Fraction(1, 100),
     Fraction(5, 10000), Fraction(1, 2))
)  # fmt: skip


def _ordered_band(rule: p.InBand) -> bool:
    """Bands with lower >= upper are empty and not worth generating."""
    lo, hi = rule.lower, rule.upper
    return lo is None or hi is None or lo < hi  # type: ignore[operator]


_leaf_rules = st.one_of(
    st.builds(p.AllSatisfy, populations, predicates),
    st.builds(p.Compare, measures, st.sampled_from(p.Op), thresholds),
    st.builds(
        p.InBand,
        measure=measures,
        lower=st.one_of(st.none(), thresholds),
        upper=st.one_of(st.none(), thresholds),
    ).filter(_ordered_band),
    st.just(p.NotYetKnown(reason_en="not found", reason_vi="chưa tìm thấy")),
)


def _at_least(rules: list[p.Rule], k: int) -> p.AtLeast:
    return p.AtLeast(min(k, len(rules)), tuple(rules))


rules = st.recursive(
    _leaf_rules,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: p.AllOf(tuple(xs))),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: p.AnyOf(tuple(xs))),
        st.builds(_at_least, st.lists(inner, min_size=1, max_size=3), st.integers(1, 3)),
        inner.map(p.Not),
    ),
    max_leaves=5,
)


@st.composite
def schemes(draw: st.DrawFn) -> Scheme:
    """A small scheme of random criteria with literal thresholds, sometimes with levels."""
    n = draw(st.integers(1, 4))
    criteria = tuple(
        Criterion(
            id=f"G{i}",
            title_vi=f"Tiêu chí {i}",
            title_en=f"Criterion {i}",
            rule=draw(rules),
            citation="generated",
            provenance=Provenance.INFERRED,
            effective_from=draw(st.sampled_from((None, None, None, dt.date(2025, 7, 1)))),
        )
        for i in range(n)
    )
    ids = [c.id for c in criteria]
    levels: tuple[Level, ...] = ()
    if draw(st.booleans()):
        levels = tuple(
            Level(
                id=f"L{j}",
                name_vi=f"Mức {j}",
                name_en=f"Level {j}",
                criteria=(chosen := tuple(sorted(draw(st.sets(st.sampled_from(ids), min_size=1))))),
                min_pass=draw(st.integers(1, len(chosen))),
            )
            for j in range(draw(st.integers(1, 3)))
        )
    return Scheme(
        id="generated",
        version="0",
        title_vi="Sinh ngẫu nhiên",
        title_en="Generated",
        criteria=criteria,
        parameters=LAW_PARAMETERS,
        levels=levels,
    )
