"""Examples pinning the edges of Decision 28/2025 types I/II/III (criteria.md §2.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

import pytest
from conftest import build_dataset, commune, days, make_records, person, province, status
from oracle import OracleUnit, oracle_evaluate

from drugfree_core.engine import Evaluation, UnitResult, evaluate
from drugfree_core.model import (
    AdminUnit,
    FactKind,
    LineageLink,
    Provenance,
    Subject,
    SubjectKind,
    UnitFact,
    UnitKind,
)
from drugfree_core.rules.params import DatedValue
from drugfree_core.rules.scheme import Scheme
from drugfree_core.schemes.qd28_complex_areas import SCHEME as QD28
from drugfree_core.schemes.qd28_complex_areas import SIGNED

ON = dt.date(2025, 10, 1)
LOC, ARREST, PLANTS, AREA, ROUTE = (
    FactKind.DRUG_USE_LOCATIONS,
    FactKind.ARRESTED_DRUG_OFFENDERS,
    FactKind.NARCOTIC_PLANTS_COUNT,
    FactKind.NARCOTIC_PLANTS_AREA_M2,
    FactKind.ON_COMPLEX_ROUTE,
)


RECENT = ON - days(10)


def fact(kind: FactKind, value: float, unit: str = "U1", end: dt.date = RECENT) -> UnitFact:
    return UnitFact(
        unit_code=unit, kind=kind, period_start=end - days(30), period_end=end, value=value
    )


def users(
    n: int,
    *,
    record: bool | None = True,
    unit: str = "U1",
    prefix: str = "x",
    kind: SubjectKind = SubjectKind.ADDICT,
    start: dt.date = dt.date(2025, 1, 1),
) -> list[Subject]:
    return [person(f"{prefix}{i}", unit, status(kind, start, record=record)) for i in range(n)]


def run(
    subjects: Sequence[Subject] = (),
    facts: Sequence[UnitFact] = (),
    *,
    population: int | None = 10_000,
    on: dt.date = ON,
    scheme: Scheme = QD28,
    units: Sequence[AdminUnit] = (),
    lineage: Sequence[LineageLink] = (),
) -> tuple[UnitResult, Evaluation, OracleUnit]:
    records = make_records(
        [province(), *(units or [commune("U1", population=population)])],
        subjects,
        lineage,
        facts,
    )
    evaluation = evaluate(build_dataset(records), scheme, on)
    oracle = oracle_evaluate(records, scheme, on)
    first = evaluation.units[0]
    return first, evaluation, oracle.units[first.unit_code]


def expect(
    expected: dict[str, str],
    subjects: Sequence[Subject] = (),
    facts: Sequence[UnitFact] = (),
    **kw: object,
) -> UnitResult:
    got, _, oracle = run(subjects, facts, **kw)  # type: ignore[arg-type]
    assert {c: oracle.criteria[c].outcome for c in expected} == expected, "oracle disagrees"
    assert {c: got.criterion(c).outcome.value for c in expected} == expected
    return got


# ----------------------------------------------------------------- T1.a / T2.a rates


@pytest.mark.parametrize(("n", "t1a", "t2a"), [(50, "pass", "fail"), (49, "fail", "unknown")])
def test_t1a_user_rate_half_a_percent(n: int, t1a: str, t2a: str) -> None:
    got = expect({"T1.a": t1a, "T2.a": t2a}, users(n))
    assert got.criterion("T1.a").result.observed == pytest.approx(n / 10_000)


def test_t1a_counts_addicts_and_running_users_with_records() -> None:
    addicts = users(30, prefix="a")
    running = users(20, prefix="u", kind=SubjectKind.ILLEGAL_USER, start=ON - days(100))
    expired = users(20, prefix="e", kind=SubjectKind.ILLEGAL_USER, start=ON - days(400))
    no_record = users(20, prefix="n", record=False)
    others = users(20, prefix="p", kind=SubjectKind.POST_REHAB)
    expect({"T1.a": "pass"}, [*addicts, *running])
    expect({"T1.a": "fail"}, [*addicts, *running[:19], *expired, *no_record, *others])


def test_t1a_unknown_records_give_a_range() -> None:
    expect({"T1.a": "unknown"}, [*users(49), *users(1, record=None, prefix="q")])
    expect({"T1.a": "pass"}, [*users(50), *users(5, record=None, prefix="q")])
    expect({"T1.a": "fail"}, [*users(40), *users(9, record=None, prefix="q")])


@pytest.mark.parametrize("population", [None, 0])
def test_unknown_population_makes_rates_unknown(population: int | None) -> None:
    expect(
        {"T1.a": "unknown", "T1.c": "unknown", "T2.a": "unknown", "T2.c": "unknown"},
        users(80),
        [fact(ARREST, 50)],
        population=population,
    )


def test_t2a_band_with_a_known_lower_bound() -> None:
    # a province that knows the garbled lower bound (say 0.1 %) overrides the parameter
    scheme = QD28.with_parameter(
        "qd28.type2_user_rate_lower",
        DatedValue(
            start=SIGNED,
            value=Fraction(1, 1000),
            citation="test",
            provenance=Provenance.INFERRED,
        ),
        by="test",
    )
    expect({"T2.a": "pass"}, users(10), scheme=scheme)
    expect({"T2.a": "pass"}, users(49), scheme=scheme)
    expect({"T2.a": "fail"}, users(9), scheme=scheme)
    expect({"T2.a": "fail"}, users(50), scheme=scheme)
    # 5 known + 100 with unknown records: the rate is somewhere in [0.05 %, 1.05 %], which
    # overlaps the band [0.1 %, 0.5 %): unknown, not fail
    expect({"T2.a": "unknown"}, [*users(5), *users(100, record=None, prefix="q")], scheme=scheme)


# ------------------------------------------------------------------ T1.b / T2.b locations


@pytest.mark.parametrize(
    ("values", "t1b", "t2b"),
    [
        ((2,), "pass", "fail"),
        ((1, 1), "pass", "fail"),
        ((1,), "fail", "pass"),
        ((0,), "fail", "fail"),
        ((3,), "pass", "fail"),
    ],
)
def test_locations(values: tuple[int, ...], t1b: str, t2b: str) -> None:
    facts = [fact(LOC, v, end=ON - days(10 + i)) for i, v in enumerate(values)]
    expect({"T1.b": t1b, "T2.b": t2b}, facts=facts)


def test_missing_facts_are_unknown_not_zero() -> None:
    got = expect(
        {
            "T1.b": "unknown",
            "T1.c": "unknown",
            "T1.d": "unknown",
            "T2.b": "unknown",
            "T2.c": "unknown",
            "T2.d": "unknown",
        }
    )
    assert got.criterion("T1.b").result.observed is None


@pytest.mark.parametrize(
    ("end", "counted"),
    [(ON, True), (ON - days(364), True), (ON - days(365), False), (ON + days(1), False)],
    ids=["on-the-date", "364-days", "365-days", "after-the-date"],
)
def test_fact_lookback_window(end: dt.date, counted: bool) -> None:
    # window (ON - 1 year, ON]: 2024-10-01 itself is out
    expect({"T1.b": "pass" if counted else "unknown"}, facts=[fact(LOC, 2, end=end)])


# --------------------------------------------------------------------- T1.c / T2.c arrests


@pytest.mark.parametrize(
    ("arrests", "t1c", "t2c"),
    [
        (10, "pass", "fail"),
        (9, "fail", "pass"),
        (5, "fail", "pass"),
        (4, "fail", "fail"),
        (0, "fail", "fail"),
    ],
)
def test_arrest_rate(arrests: int, t1c: str, t2c: str) -> None:
    expect({"T1.c": t1c, "T2.c": t2c}, facts=[fact(ARREST, arrests)])


def test_arrests_are_summed_over_the_window() -> None:
    facts = [
        fact(ARREST, 4, end=ON - days(200)),
        fact(ARREST, 6, end=ON - days(20)),
        fact(ARREST, 100, end=ON - days(400)),
    ]
    expect({"T1.c": "pass"}, facts=facts)


# ------------------------------------------------------------------------ T1.d / T2.d plants


@pytest.mark.parametrize(
    ("facts", "t1d", "t2d"),
    [
        ([fact(PLANTS, 3000)], "pass", "unknown"),  # area unknown: T2.d could still pass
        ([fact(PLANTS, 3000), fact(AREA, 0)], "pass", "fail"),
        ([fact(PLANTS, 2999), fact(AREA, 0)], "fail", "pass"),
        ([fact(AREA, 750)], "pass", "unknown"),
        ([fact(AREA, 749.5), fact(PLANTS, 0)], "fail", "pass"),
        ([fact(AREA, 125), fact(PLANTS, 0)], "fail", "pass"),
        ([fact(AREA, 124.5), fact(PLANTS, 499)], "fail", "fail"),
        ([fact(AREA, 124.5), fact(PLANTS, 500)], "fail", "pass"),
        ([fact(PLANTS, 2999)], "unknown", "pass"),
    ],
)
def test_plants(facts: list[UnitFact], t1d: str, t2d: str) -> None:
    expect({"T1.d": t1d, "T2.d": t2d}, facts=facts)


# --------------------------------------------------------------------------- routes, type III


@pytest.mark.parametrize(
    ("facts", "expected"),
    [([fact(ROUTE, 0)], "fail"), ([fact(ROUTE, 1)], "unknown"), ([], "unknown")],
    ids=["not-on-route", "on-route", "route-unknown"],
)
def test_route_criterion_fails_only_when_known_off_route(
    facts: list[UnitFact], expected: str
) -> None:
    expect({"T1.dd": expected, "T2.dd": expected, "T3": "unknown"}, facts=facts)


def test_route_uses_the_latest_fact() -> None:
    facts = [fact(ROUTE, 1, end=ON - days(100)), fact(ROUTE, 0, end=ON - days(5))]
    expect({"T1.dd": "fail"}, facts=facts)
    facts = [fact(ROUTE, 0, end=ON - days(100)), fact(ROUTE, 1, end=ON - days(5))]
    expect({"T1.dd": "unknown"}, facts=facts)


NOTHING = [fact(LOC, 0), fact(ARREST, 0), fact(PLANTS, 0), fact(AREA, 0), fact(ROUTE, 0)]


def test_unit_failing_types_i_and_ii_is_unknown_because_of_type_iii() -> None:
    got = expect({"T1.a": "fail", "T2.a": "unknown", "T3": "unknown"}, facts=NOTHING)
    assert got.level is None
    assert got.level_candidates == ("type-III",)
    assert got.verdict.value == "unknown"


def test_unit_passing_type_i_is_type_i() -> None:
    facts = [fact(LOC, 2), fact(ARREST, 10), fact(PLANTS, 0), fact(AREA, 0), fact(ROUTE, 0)]
    got = expect(
        {"T1.a": "fail", "T1.b": "pass", "T1.c": "pass", "T1.d": "pass"},
        facts=[*facts, fact(PLANTS, 3000, end=ON - days(3))],
    )
    assert (got.level, got.level_candidates) == ("type-I", ())
    assert got.verdict.value == "pass"


def test_unit_with_two_type_i_criteria_and_unknowns_is_undecided() -> None:
    facts = [fact(LOC, 2), fact(ARREST, 10), fact(ROUTE, 0)]  # plants unknown
    got = expect({"T1.b": "pass", "T1.c": "pass", "T1.d": "unknown"}, facts=facts)
    assert got.level is None
    assert got.level_candidates[0] == "type-I"


def test_unit_passing_type_ii_only() -> None:
    facts = [fact(LOC, 1), fact(ARREST, 5), fact(PLANTS, 500), fact(AREA, 0), fact(ROUTE, 0)]
    got = expect(
        {
            "T1.b": "fail",
            "T1.c": "fail",
            "T1.d": "fail",
            "T2.b": "pass",
            "T2.c": "pass",
            "T2.d": "pass",
        },
        facts=facts,
    )
    assert (got.level, got.level_candidates) == ("type-II", ())


# ------------------------------------------------------------------------ lineage of facts


def test_facts_and_people_of_merged_predecessors_add_up_in_the_successor() -> None:
    merger = dt.date(2025, 7, 1)
    units = [
        commune("M", population=10_000, valid_from=merger, kind=UnitKind.WARD),
        commune("A", population=6_000, valid_to=merger - days(1)),
        commune("B", population=4_000, valid_to=merger - days(1)),
    ]
    links = [LineageLink(predecessor_code=c, successor_code="M", effective=merger) for c in "AB"]
    people = [*users(25, unit="A", prefix="a"), *users(25, unit="B", prefix="b")]
    facts = [
        fact(ARREST, 6, unit="A", end=merger - days(30)),
        fact(ARREST, 4, unit="B", end=merger - days(60)),
        fact(LOC, 1, unit="A", end=merger - days(30)),
        fact(LOC, 1, unit="M", end=ON - days(1)),
    ]
    got, evaluation, _ = run(people, facts, units=units, lineage=links)
    assert [u.unit_code for u in evaluation.units] == ["M"]
    expect(
        {"T1.a": "pass", "T1.b": "pass", "T1.c": "pass"}, people, facts, units=units, lineage=links
    )
    assert got.level == "type-I"
