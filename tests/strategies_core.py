"""Hypothesis strategies for small, valid datasets and small schemes (test-local).

The dataset strategies are the public ones of :mod:`drugfree_core.testing.strategies`
(dates clustered around the reference date and its anniversaries, a territory template
with the 2025 merger and a split); this module adds :class:`Case` (records, date and
quarantined records together) and a generator of random schemes for the oracle tests.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

import attrs
from hypothesis import strategies as st

from drugfree_core.dataset.dataset import ALL_TABLES, DatasetRecords, QuarantinedRecord
from drugfree_core.dataset.schema import FINDING_TABLES
from drugfree_core.model import (
    Coverage,
    FactKind,
    LocationBasis,
    LocationKind,
    Provenance,
    RehabForm,
    SubjectKind,
    TestSchedule,
    UnitKind,
    UnitLevel,
)
from drugfree_core.rules import primitives as p
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.params import ParamRef, Period, Window, constant
from drugfree_core.rules.scheme import Criterion, Level, Scheme
from drugfree_core.testing.strategies import (
    REFERENCE_DATES,
    dataset_records,
    quarantined_records,
    reference_dates,
)

MPS_START = dt.date(2024, 10, 15)
QD28_START = dt.date(2025, 8, 24)
assert MPS_START in REFERENCE_DATES and QD28_START in REFERENCE_DATES


@dataclass(frozen=True)
class Case:
    """A generated dataset (as records), a reference date and quarantined records.

    ``supplied`` names the tables the dataset was given (the records of the others are
    empty); ``coverage_declared`` says whether ``records.coverage`` is a supplied coverage
    table (possibly empty) rather than absent (every unit covered by default).
    """

    records: DatasetRecords
    on: dt.date
    quarantined: tuple[QuarantinedRecord, ...] = ()
    supplied: frozenset[str] = field(default=ALL_TABLES - {"coverage"})
    coverage_declared: bool = False

    @property
    def evaluated_units(self) -> list[str]:
        return sorted(
            u.code
            for u in self.records.units
            if u.kind is not UnitKind.PROVINCE and u.in_force(self.on)
        )


#: Tables a generated case may leave unsupplied (the others are always given).
DROPPABLE = ("drug_tests", "rehab_episodes", "custody_periods", "unit_facts", "status_periods")
_CHILD_FIELD = {
    "residences": "residences",
    "status_periods": "statuses",
    "drug_tests": "tests",
    "rehab_episodes": "rehab_episodes",
    "custody_periods": "custody",
}


def _without(records: DatasetRecords, tables: frozenset[str]) -> DatasetRecords:
    """*records* with the rows of *tables* removed (as a dataset that lacked them)."""
    cleared = {_CHILD_FIELD[t]: () for t in tables if t in _CHILD_FIELD}
    subjects = tuple(attrs.evolve(s, **cleared) for s in records.subjects) if cleared else None
    return attrs.evolve(
        records,
        subjects=records.subjects if subjects is None else subjects,
        unit_facts=() if "unit_facts" in tables else records.unit_facts,
    )


@st.composite
def coverage_rows(draw: st.DrawFn, on: dt.date, codes: list[str]) -> tuple[Coverage, ...]:
    """Up to four coverage rows on *codes*, with bounds around *on* (or open).

    Some begin inside the windows criteria look back over (a month, half a year), so
    that what records before coverage could change is drawn too.
    """
    day = dt.timedelta(days=1)
    near = st.sampled_from(
        (None, on - 400 * day, on - 200 * day, on - 30 * day, on - day, on, on + day)
    )
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        start, end = draw(near), draw(near)
        if start is not None and end is not None and end < start:
            start, end = end, start
        code = draw(st.sampled_from(codes))
        rows.append(Coverage(unit_code=code, covered_from=start, covered_to=end))
    return tuple(rows)


@st.composite
def cases(
    draw: st.DrawFn,
    min_date: dt.date = MPS_START,
    max_subjects: int = 10,
    quarantine: bool = True,
    vary_data: bool = True,
) -> Case:
    """A small valid dataset around a reference date on or after *min_date*.

    With *vary_data*, one case in three declares random coverage (possibly none) and one
    in four leaves a table or two unsupplied.
    """
    on = draw(reference_dates(min_date=min_date))
    records = draw(dataset_records(on=on, max_subjects=max_subjects))
    quarantined: tuple[QuarantinedRecord, ...] = ()
    if quarantine:
        codes = [u.code for u in records.units if u.kind is not UnitKind.PROVINCE]
        quarantined = draw(quarantined_records(unit_codes=codes))
    # A finding table the records leave as None is not supplied.
    absent = {t for t in FINDING_TABLES if getattr(records, t) is None}
    supplied = ALL_TABLES - {"coverage"} - absent
    declared = False
    if vary_data and draw(st.integers(0, 2)) == 0:
        declared = True
        supplied = supplied | {"coverage"}
        rows = draw(coverage_rows(on, [u.code for u in records.units]))
        records = attrs.evolve(records, coverage=rows)
    if vary_data and draw(st.integers(0, 3)) == 0:
        dropped = frozenset(draw(st.sets(st.sampled_from(DROPPABLE), min_size=1, max_size=2)))
        supplied = supplied - dropped
        records = _without(records, dropped)
    return Case(
        records=records,
        on=on,
        quarantined=quarantined,
        supplied=supplied,
        coverage_declared=declared,
    )


# -------------------------------------------------------------------------------- schemes

populations = st.builds(
    p.Population,
    kinds=st.sets(st.sampled_from(SubjectKind), min_size=1, max_size=3),
    under_management=st.booleans(),
    with_record=st.booleans(),
    exempt_forms=st.lists(st.sampled_from(RehabForm), unique=True, max_size=2).map(tuple),
    exempt_custody=st.booleans(),
    exempt_facility=st.booleans(),
    exempt_running=st.lists(st.sampled_from(SubjectKind), unique=True, max_size=2).map(tuple),
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

_lookbacks = st.sampled_from(
    (
        Period(years=1),
        Period(months=6),
        Period(days=30),
        Window.ASSESSMENT_PERIOD,
        Window.REFERENCE_DATE,
        ParamRef("gen.window"),
    )
)
measures = st.one_of(
    st.builds(p.SubjectCount, populations),
    st.builds(p.SubjectRate, populations),
    st.builds(p.FactTotal, kind=st.sampled_from(FactKind), lookback=_lookbacks),
    st.builds(p.FactRate, kind=st.sampled_from(FactKind), lookback=_lookbacks),
    st.builds(p.FactLatest, kind=st.sampled_from(FactKind), lookback=_lookbacks),
    st.builds(
        p.ResidentViolations,
        window=_lookbacks,
        administrative=st.booleans(),
        residence=st.sampled_from(p.ResidenceRule),
        in_custody=st.booleans(),
    ),
    st.builds(p.WantedFugitives, window=_lookbacks),
    st.builds(
        p.DrugUseLocations,
        window=_lookbacks,
        presence=st.sampled_from(p.LocationPresence),
        kinds=st.lists(st.sampled_from(LocationKind), unique=True, min_size=1).map(tuple),
        bases=st.lists(st.sampled_from(LocationBasis), unique=True, min_size=1).map(tuple),
        facts_when_absent=st.booleans(),
    ),
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
    st.just(p.ParamFlag(ParamRef("gen.flag"))),
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


def generated_parameters(
    flag: bool | None, window: object, order: tuple[str, ...] = ("L0",)
) -> tuple[object, ...]:
    """The parameters generated rules may name, besides the law's."""
    since = dt.date(2000, 1, 1)
    return (
        constant(
            "gen.flag", flag, since=since, en="f", vi="f", citation="generated",
            provenance=Provenance.INFERRED,
        ),
        constant(
            "gen.window", window, since=since, en="w", vi="w", citation="generated",
            provenance=Provenance.INFERRED,
        ),
        constant(
            "gen.order", order, since=since, en="o", vi="o",
            citation="generated", provenance=Provenance.INFERRED,
        ),
    )  # fmt: skip


@st.composite
def schemes(draw: st.DrawFn, unit_level: UnitLevel | None = None) -> Scheme:
    """A small scheme of random criteria with literal thresholds, sometimes with levels.

    Sometimes its level order is a parameter, and sometimes (unless *unit_level* says)
    it judges provinces instead of commune-level units.
    """
    n = draw(st.integers(1, 4))
    # The first criterion is always in force: a scheme with none on a date is refused.
    later = st.sampled_from((None, None, None, dt.date(2025, 7, 1)))
    starts = [None] + [draw(later) for _ in range(n - 1)]
    criteria = tuple(
        Criterion(
            id=f"G{i}",
            title_vi=f"Tiêu chí {i}",
            title_en=f"Criterion {i}",
            rule=draw(rules),
            citation="generated",
            provenance=Provenance.INFERRED,
            effective_from=starts[i],
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
    params = generated_parameters(
        draw(st.sampled_from((True, False, None))),
        draw(st.sampled_from(("assessment_period", "reference_date", Period(years=1)))),
        tuple(draw(st.permutations([lv.id for lv in levels]))) if levels else ("L0",),
    )
    order = "gen.order" if levels and draw(st.booleans()) else None
    level = unit_level or draw(st.sampled_from((UnitLevel.COMMUNE_LEVEL, UnitLevel.PROVINCE)))
    return Scheme(
        id="generated",
        version="0",
        title_vi="Sinh ngẫu nhiên",
        title_en="Generated",
        criteria=criteria,
        parameters=(*LAW_PARAMETERS, *params),  # type: ignore[arg-type]
        levels=levels,
        level_order=order,
        unit_level=level,
    )
