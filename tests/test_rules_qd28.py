"""Examples pinning the edges of Decision 28/2025 types I/II/III (criteria.md §2.2).

Every example is checked against the oracle too (``expect``), so an edge pinned here is
also an edge the differential tests exercise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from conftest import (
    build_dataset,
    commune,
    complete_reports,
    days,
    episode,
    make_records,
    person,
    province,
    status,
)
from oracle import OracleUnit, oracle_evaluate

from drugfree_core.engine import Evaluation, UnitResult, evaluate
from drugfree_core.engine.results import RuleResult
from drugfree_core.i18n import render
from drugfree_core.model import (
    AdminUnit,
    DrugUseLocation,
    FactKind,
    LineageLink,
    LocationBasis,
    LocationKind,
    Provenance,
    RehabForm,
    Subject,
    SubjectKind,
    UnitFact,
    UnitKind,
)
from drugfree_core.rules.params import DatedValue, Period
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
    complete: bool = True,
    **findings: object,
) -> tuple[UnitResult, Evaluation, OracleUnit]:
    # A period's report stands for the window: the rest of it reported nothing found
    # (unless *complete* is false: the reports are then as given, gaps and all).
    records = make_records(
        [province(), *(units or [commune("U1", population=population)])],
        subjects,
        lineage,
        complete_reports(facts) if complete else facts,
        **findings,
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


@pytest.mark.parametrize(
    ("n", "t1a", "t2a", "t3a"),
    [
        (50, "pass", "fail", "fail"),  # 0.5 %: type I, above type II's band
        (49, "fail", "pass", "fail"),
        (10, "fail", "pass", "fail"),  # 0.1 %: type II's lower bound
        (9, "fail", "fail", "pass"),  # 0.09 %: below 0.1 %, type III
        (1, "fail", "fail", "pass"),
        (0, "fail", "fail", "fail"),  # zero is not type III (qd28.type3_requires_nonzero)
    ],
)
def test_user_rate_edges_0_5_and_0_1_percent(n: int, t1a: str, t2a: str, t3a: str) -> None:
    got = expect({"T1.a": t1a, "T2.a": t2a, "T3.a": t3a}, users(n))
    result = got.criterion("T1.a").result
    assert (result.numerator, result.denominator) == (n, 10_000)  # exact, not a float


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


def with_value(parameter: str, value: object, scheme: Scheme = QD28) -> Scheme:
    dated = DatedValue(start=SIGNED, value=value, citation="test", provenance=Provenance.INFERRED)  # type: ignore[arg-type]
    return scheme.with_parameter(parameter, dated, by="test")


def test_t2a_band_with_unknown_records() -> None:
    # 5 known + 100 with unknown records: the rate is somewhere in [0.05 %, 1.05 %], which
    # overlaps the band [0.1 %, 0.5 %): unknown, not fail
    expect({"T2.a": "unknown"}, [*users(5), *users(100, record=None, prefix="q")])


def test_type3_literal_reading_makes_zero_type_iii() -> None:
    literal = with_value("qd28.type3_requires_nonzero", False)
    expect({"T3.a": "pass", "T3.b": "pass"}, facts=[fact(ARREST, 0)], scheme=literal)
    expect({"T3.a": "fail", "T3.b": "fail"}, facts=[fact(ARREST, 0)])


def test_a_value_above_a_band_counts_for_the_lower_type_only_when_asked() -> None:
    above = with_value("qd28.lower_type_counts_higher_band", True)
    expect({"T1.a": "pass", "T2.a": "fail", "T3.a": "fail"}, users(60))
    expect({"T1.a": "pass", "T2.a": "pass", "T3.a": "pass"}, users(60), scheme=above)


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
    # Months apart: every record counts different days, so they add up.
    facts = [fact(LOC, v, end=ON - days(10 + 31 * i)) for i, v in enumerate(values)]
    expect({"T1.b": t1b, "T2.b": t2b}, facts=facts)


@pytest.mark.parametrize(
    ("ends", "values", "t1b", "t2b"),
    [
        # One period twice: one record entered twice (1) or two parts (2): not known.
        ((10, 10), (1, 1), "unknown", "unknown"),
        # A correction (0 or 1) or a part (1): not 2, the least type I needs.
        ((10, 10), (0, 1), "fail", "unknown"),
        # Either reading gives 2 or more, and type I needs 2.
        ((10, 10), (2, 2), "pass", "fail"),
        # Periods sharing days may count one location twice: 1 or 2.
        ((10, 20), (1, 1), "unknown", "unknown"),
        # The first shares days with the second, the second with the third: one group,
        # though the first and the third share none, so they add: 2, or 3 if the
        # second counts a third location.
        ((10, 35, 62), (1, 0, 1), "pass", "fail"),
        ((10, 35, 62), (1, 1, 1), "pass", "fail"),
        # The middle one shares days with both, which say none: 1 either way.
        ((10, 35, 62), (0, 1, 0), "fail", "pass"),
        ((10, 80), (1, 1), "pass", "fail"),
        # Two zeros say zero whichever way they are read.
        ((10, 10), (0, 0), "fail", "fail"),
    ],
)
def test_locations_reported_for_the_same_days(
    ends: tuple[int, ...], values: tuple[int, ...], t1b: str, t2b: str
) -> None:
    facts = [fact(LOC, v, end=ON - days(e)) for e, v in zip(ends, values, strict=True)]
    expect({"T1.b": t1b, "T2.b": t2b}, facts=facts)


def test_a_total_left_a_range_says_it_and_gives_no_observed_value() -> None:
    # One quarter entered twice (1 and 2 locations), and another quarter apart (2).
    quarter = [fact(LOC, v, end=ON - days(10)) for v in (1, 2)]
    got = expect({"T2.b": "fail"}, facts=[*quarter, fact(LOC, 2, end=ON - days(100))])
    (measure,) = [n for n in _nodes(got.criterion("T1.b").result) if n.reason]
    assert render(measure.reason, "en").endswith("the total is anywhere from 3 to 5")
    assert render(measure.reason, "vi").endswith("từ 3 đến 5")
    assert measure.observed is None and measure.numerator is None
    # A value of -0 (which is not negative) is said as 0.
    zero = [fact(LOC, -0.0, end=ON - days(10)), fact(LOC, 1, end=ON - days(10))]
    (measure,) = [n for n in _nodes(run([], zero)[0].criterion("T1.b").result) if n.reason]
    assert render(measure.reason, "en").endswith("the total is anywhere from 0 to 1")
    # Among several units (the reason is written for all at once), latest records of -0
    # and 1 disagree from 0 to 1.
    units = [commune("U1", population=10_000), commune("U2", population=10_000)]
    both = [fact(ROUTE, -0.0), fact(ROUTE, 1), fact(ROUTE, 0, unit="U2")]
    _, evaluation, _ = run([], both, units=units)
    said = [render(n.reason, "en") for n in _nodes(evaluation.unit("U1").criterion("T1.dd").result)]
    assert any(r.endswith("its value is anywhere from 0 to 1") for r in said), said
    # A sum too large for a float is said, not left as JSON nobody can read.
    huge = [fact(LOC, 1e308, end=ON - days(10)), fact(LOC, 1e308, end=ON - days(10))]
    (measure,) = [n for n in _nodes(run([], huge)[0].criterion("T1.b").result) if n.reason]
    assert render(measure.reason, "en").endswith(" to ∞")
    # Decided where every value of the range gives one outcome (type I needs 2).
    assert got.criterion("T1.b").outcome.value == "pass"


def _nodes(node: RuleResult) -> list[RuleResult]:
    return [node, *(n for child in node.children for n in _nodes(child))]


def location(
    lid: str, identified: dt.date, closed: dt.date | None = None, **kw: object
) -> DrugUseLocation:
    return DrugUseLocation(
        id=lid,
        unit_code=str(kw.get("unit", "U1")),
        kind=kw.get("kind", LocationKind.PLACE),  # type: ignore[arg-type]
        basis=kw.get("basis", LocationBasis.SUSPECTED),  # type: ignore[arg-type]
        identified_on=identified,
        closed_on=closed,
    )


def test_the_locations_table_counts_locations_identified_in_the_period() -> None:
    # The table, once supplied, is the count; facts about locations are then not read.
    table = [
        location("L1", dt.date(2024, 12, 15), kind=LocationKind.VEHICLE),
        location("L2", ON, basis=LocationBasis.DOCUMENTED, kind=LocationKind.AREA),
        location("L3", dt.date(2024, 12, 14)),  # the day before the period: not counted
    ]
    expect({"T1.b": "pass", "T2.b": "fail"}, facts=[fact(LOC, 0)], drug_use_locations=table)
    expect({"T1.b": "fail", "T2.b": "pass"}, drug_use_locations=table[1:])
    expect({"T1.b": "fail", "T2.b": "fail"}, drug_use_locations=[])


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
    [
        (ON, True),
        (dt.date(2024, 12, 15), True),  # the first day of assessment year 2025
        (dt.date(2024, 12, 14), False),  # the last day of assessment year 2024
        (ON + days(1), False),
    ],
    ids=["on-the-date", "15-dec", "14-dec", "after-the-date"],
)
def test_facts_count_over_the_assessment_period(end: dt.date, counted: bool) -> None:
    # window [15 Dec 2024, 1 Oct 2025]: the assessment period up to the date
    # (reports completed before a period that ends in the window only: else one would be)
    facts = [fact(LOC, 2, end=end)]
    expect({"T1.b": "pass" if counted else "unknown"}, facts=facts, complete=end <= ON)


@pytest.mark.parametrize(
    ("on", "counted"), [(dt.date(2025, 12, 14), True), (dt.date(2025, 12, 15), False)]
)
def test_a_new_assessment_year_starts_on_15_december(on: dt.date, counted: bool) -> None:
    # A fact of 1 Dec 2025 counts on 14 Dec (year 2025), not on 15 Dec (year 2026 starts)
    got = expect(
        {"T1.b": "pass" if counted else "unknown"},
        facts=[fact(LOC, 2, end=dt.date(2025, 12, 1))],
        on=on,
    )
    assert got.criterion("T1.b").outcome.value == ("pass" if counted else "unknown")


def test_a_rolling_window_can_replace_the_assessment_period() -> None:
    rolling = with_value("qd28.reference_period", Period(years=1))
    expect({"T1.b": "pass"}, facts=[fact(LOC, 2, end=ON - days(364))], scheme=rolling)
    expect({"T1.b": "unknown"}, facts=[fact(LOC, 2, end=ON - days(365))], scheme=rolling)


# --------------------------------------------------------------------- T1.c / T2.c arrests


@pytest.mark.parametrize(
    ("arrests", "t1c", "t2c", "t3b"),
    [
        (10, "pass", "fail", "fail"),  # 0.1 %
        (9, "fail", "pass", "fail"),
        (5, "fail", "pass", "fail"),  # 0.05 %
        (4, "fail", "fail", "pass"),  # 0.04 %: below 0.05 %, type III
        (0, "fail", "fail", "fail"),
    ],
)
def test_arrest_rate_edges_0_1_and_0_05_percent(arrests: int, t1c: str, t2c: str, t3b: str) -> None:
    expect({"T1.c": t1c, "T2.c": t2c, "T3.b": t3b}, facts=[fact(ARREST, arrests)])


def test_arrests_are_summed_over_the_window() -> None:
    facts = [
        fact(ARREST, 4, end=ON - days(200)),
        fact(ARREST, 6, end=ON - days(20)),
        fact(ARREST, 100, end=ON - days(400)),
    ]
    expect({"T1.c": "pass"}, facts=facts)


# ------------------------------------------------------------------------ T1.d / T2.d plants


@pytest.mark.parametrize(
    ("facts", "t1d", "t2d", "t3c"),
    [
        ([fact(PLANTS, 3000)], "pass", "unknown", "unknown"),  # area unknown
        ([fact(PLANTS, 3000), fact(AREA, 0)], "pass", "fail", "fail"),
        ([fact(PLANTS, 2999), fact(AREA, 0)], "fail", "pass", "fail"),
        ([fact(AREA, 750)], "pass", "unknown", "unknown"),
        ([fact(AREA, 749.5), fact(PLANTS, 0)], "fail", "pass", "fail"),
        ([fact(AREA, 125), fact(PLANTS, 0)], "fail", "pass", "fail"),
        ([fact(AREA, 124.5), fact(PLANTS, 499)], "fail", "fail", "pass"),
        ([fact(AREA, 124.5), fact(PLANTS, 500)], "fail", "pass", "pass"),  # III by area
        ([fact(AREA, 0), fact(PLANTS, 500)], "fail", "pass", "fail"),
        ([fact(AREA, 0), fact(PLANTS, 499)], "fail", "fail", "pass"),
        ([fact(AREA, 0), fact(PLANTS, 0)], "fail", "fail", "fail"),
        ([fact(PLANTS, 2999)], "unknown", "pass", "unknown"),
    ],
)
def test_plant_edges_500_3000_plants_125_750_m2(
    facts: list[UnitFact], t1d: str, t2d: str, t3c: str
) -> None:
    expect({"T1.d": t1d, "T2.d": t2d, "T3.c": t3c}, facts=facts)


# --------------------------------------------------------------------------- routes, type III


@pytest.mark.parametrize(
    ("facts", "expected"),
    [([fact(ROUTE, 0)], "fail"), ([fact(ROUTE, 1)], "unknown"), ([], "unknown")],
    ids=["not-on-route", "on-route", "route-unknown"],
)
def test_route_criterion_fails_only_when_known_off_route(
    facts: list[UnitFact], expected: str
) -> None:
    # nothing else is known: the two values đ needs could still be there
    expect({"T1.dd": expected, "T2.dd": expected}, facts=facts)


@pytest.mark.parametrize("values", [(1, 0), (0, 1), (0, 1, 0)])
def test_latest_facts_that_disagree_leave_the_criterion_unknown_in_any_order(
    values: tuple[int, ...],
) -> None:
    # Two reports of the same period, one on the route and one off it: which was read
    # last must not decide (it did, by the file's order).
    got = expect({"T1.dd": "unknown"}, facts=[fact(ROUTE, v) for v in values])
    reasons, nodes = [], [got.criterion("T1.dd").result]
    while nodes:
        node = nodes.pop()
        reasons.append(render(node.reason, "en") if node.reason else "")
        nodes.extend(node.children)
    assert any(
        "for the latest period disagree: its value is anywhere from 0 to 1" in r for r in reasons
    )
    # An older period's different value does not count: the latest one agrees with itself.
    older = UnitFact(
        unit_code="U1", kind=ROUTE, period_start=ON - days(90), period_end=ON - days(60), value=1
    )
    expect({"T1.dd": "fail"}, facts=[older, fact(ROUTE, 0), fact(ROUTE, 0)])


ZERO = [fact(ARREST, 0), fact(PLANTS, 0), fact(AREA, 0)]


@pytest.mark.parametrize(
    ("subjects", "facts", "t1dd"),
    [
        # 0.2 % users (type II band) and 1 location (type II band): two values, on a route
        (users(20), [*ZERO, fact(LOC, 1), fact(ROUTE, 1)], "pass"),
        (users(20), [*ZERO, fact(LOC, 0), fact(ROUTE, 1)], "fail"),  # one value
        (users(20), [*ZERO, fact(LOC, 1), fact(ROUTE, 0)], "fail"),  # off the route
        # type-I values count as "type II or higher" too
        (users(60), [*ZERO, fact(LOC, 3), fact(ROUTE, 1)], "pass"),
    ],
)
def test_type_i_dd_needs_two_type_ii_or_higher_values_and_a_route(
    subjects: list[Subject], facts: list[UnitFact], t1dd: str
) -> None:
    expect({"T1.dd": t1dd}, subjects, facts)


def test_type_ii_dd_counts_type_iii_or_higher_values() -> None:
    facts = [fact(ARREST, 2), fact(PLANTS, 0), fact(AREA, 0), fact(LOC, 0), fact(ROUTE, 1)]
    # 0.05 % users and 0.02 % arrests: two type-III values, on a route
    expect({"T2.dd": "pass", "T1.dd": "fail"}, users(5), facts)
    expect({"T2.dd": "fail"}, users(0), facts)  # zero is not a type-III value by default
    literal = with_value("qd28.type3_requires_nonzero", False)
    expect({"T2.dd": "pass"}, users(0), facts, scheme=literal)


def test_dd_may_not_recount_a_value_that_meets_a_to_d() -> None:
    facts = [*ZERO, fact(LOC, 2), fact(ROUTE, 1)]
    # 0.6 % users and 2 locations meet T1.a and T1.b; by default they count for đ too
    got = expect({"T1.a": "pass", "T1.b": "pass", "T1.dd": "pass"}, users(60), facts)
    assert got.level == "type-I"
    no_recount = with_value("qd28.dd_may_recount", False)
    got = expect({"T1.dd": "fail"}, users(60), facts, scheme=no_recount)
    assert got.level != "type-I"


def test_route_uses_the_latest_fact() -> None:
    facts = [fact(ROUTE, 1, end=ON - days(100)), fact(ROUTE, 0, end=ON - days(5))]
    expect({"T1.dd": "fail"}, facts=facts)
    facts = [fact(ROUTE, 0, end=ON - days(100)), fact(ROUTE, 1, end=ON - days(5))]
    expect({"T1.dd": "unknown"}, facts=facts)


NOTHING = [fact(LOC, 0), fact(ARREST, 0), fact(PLANTS, 0), fact(AREA, 0), fact(ROUTE, 0)]
CLEAN = {"drug_law_violations": [], "wanted_fugitives": [], "drug_use_locations": []}


def test_a_unit_with_no_type_waits_for_article_6() -> None:
    # no type; the findings tables are not supplied, so Art. 6 cannot be decided
    got = expect(
        {"T1.a": "fail", "T2.a": "fail", "T3.a": "fail", "DF.2a": "unknown"}, facts=NOTHING
    )
    assert (got.level, got.level_candidates) == (None, ("drug-free",))
    assert got.verdict.value == "unknown"


def test_a_unit_with_no_type_and_nothing_found_is_drug_free() -> None:
    got = expect({"DF.1": "pass", "DF.2a": "pass", "DF.3": "pass"}, facts=NOTHING, **CLEAN)
    assert (got.level, got.levels_reached) == ("drug-free", ("drug-free",))


def test_a_unit_whose_only_finding_is_a_location_is_unclassified() -> None:
    # criteria.md §2.2 item 6: type II needs 3 criteria, type III has no location
    # criterion, and Art. 6.3 fails
    tables = {**CLEAN, "drug_use_locations": [location("L1", ON - days(30))]}
    got = expect({"T2.b": "pass", "DF.3": "fail"}, facts=NOTHING, **tables)
    assert (got.level, got.levels_reached) == ("unclassified", ())
    assert got.verdict.value == "pass"  # decided


def test_a_type_iii_unit_may_also_meet_article_6() -> None:
    # 5 addicts on methadone, with records: 0.05 % (type III), and excepted by Art. 6.1
    ost = [
        person(
            f"m{i}",
            "U1",
            status(SubjectKind.ADDICT),
            episodes=[episode(RehabForm.OPIOID_SUBSTITUTION, dt.date(2025, 1, 1))],
        )
        for i in range(5)
    ]
    got = expect({"T3.a": "pass", "DF.1": "pass"}, ost, NOTHING, **CLEAN)
    assert got.levels_reached == ("type-III", "drug-free")
    assert got.level == "type-III"  # types first, by default (qd28.label_order)
    order = with_value("qd28.label_order", ("drug-free", "type-I", "type-II", "type-III"))
    got = expect({"T3.a": "pass"}, ost, NOTHING, scheme=order, **CLEAN)
    assert (got.level, got.levels_reached) == ("drug-free", ("type-III", "drug-free"))


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


MERGER = dt.date(2025, 7, 1)


def merged_into_m() -> tuple[list[AdminUnit], list[LineageLink]]:
    """Communes A and B (6,000 and 4,000 people), merged into the ward M on 1 July 2025."""
    units = [
        commune("M", population=10_000, valid_from=MERGER, kind=UnitKind.WARD),
        commune("A", population=6_000, valid_to=MERGER - days(1)),
        commune("B", population=4_000, valid_to=MERGER - days(1)),
    ]
    links = [LineageLink(predecessor_code=c, successor_code="M", effective=MERGER) for c in "AB"]
    return units, links


def test_facts_and_people_of_merged_predecessors_add_up_in_the_successor() -> None:
    units, links = merged_into_m()
    people = [*users(25, unit="A", prefix="a"), *users(25, unit="B", prefix="b")]
    facts = [
        fact(ARREST, 6, unit="A", end=MERGER - days(30)),
        fact(ARREST, 4, unit="B", end=MERGER - days(60)),
        fact(LOC, 1, unit="A", end=MERGER - days(30)),
        fact(LOC, 1, unit="M", end=ON - days(1)),
    ]
    got, evaluation, _ = run(people, facts, units=units, lineage=links)
    assert [u.unit_code for u in evaluation.units] == ["M"]
    expect(
        {"T1.a": "pass", "T1.b": "pass", "T1.c": "pass"}, people, facts, units=units, lineage=links
    )
    assert got.level == "type-I"


@pytest.mark.parametrize(
    ("reported", "t1b"),
    [
        # Both predecessors reported the quarter: two places, 1 + 1.
        ((("A", 1), ("B", 1)), "pass"),
        # The successor reported it again for its whole area: 2, or 4 counted twice.
        ((("A", 1), ("B", 1), ("M", 2)), "pass"),
        # One location in A, and the successor's 1 may be that one: 1 or 2.
        ((("A", 1), ("M", 1)), "unknown"),
        # The successor's record is a different quarter: they add.
        ((("A", 1), ("M+", 1)), "pass"),
    ],
)
def test_a_successor_reporting_its_predecessors_quarter_again_may_repeat_them(
    reported: tuple[tuple[str, int], ...], t1b: str
) -> None:
    units, links = merged_into_m()
    quarter = MERGER - days(1)  # the quarter before the merger, 30 days of it
    facts = [
        fact(LOC, value, unit=code.rstrip("+"), end=ON - days(1) if code == "M+" else quarter)
        for code, value in reported
    ]
    expect({"T1.b": t1b}, facts=facts, units=units, lineage=links)


# ------------------------------------------------- a total over days nobody reported

PERIOD_START = dt.date(2024, 12, 15)  # assessment year 2025's first day
Q1_END, Q2_END, Q3_END = dt.date(2025, 3, 31), dt.date(2025, 6, 30), dt.date(2025, 9, 30)


def report(
    kind: FactKind, value: float, first: dt.date, last: dt.date, unit: str = "U1"
) -> UnitFact:
    return UnitFact(unit_code=unit, kind=kind, period_start=first, period_end=last, value=value)


@pytest.mark.parametrize(
    ("reports", "t1b", "t2b", "gap"),
    [
        # The whole period reported: 1 location, type II's band (1 to 2).
        (((PERIOD_START, Q1_END, 1), (Q1_END + days(1), Q3_END, 0)), "fail", "pass", None),
        # The second quarter missing: 1 or more, any band from II up.
        (
            ((PERIOD_START, Q1_END, 1), (Q2_END + days(1), Q3_END, 0)),
            "unknown",
            "unknown",
            "2025-04-01 to 2025-06-30",
        ),
        # Missing, but 2 found already: type I's 2 or more whatever it held (said too).
        (
            ((PERIOD_START, Q1_END, 1), (Q2_END + days(1), Q3_END, 1)),
            "pass",
            "fail",
            "2025-04-01 to 2025-06-30",
        ),
        # Reported from 1 January only: 15 to 31 December missing.
        (((dt.date(2025, 1, 1), Q3_END, 1),), "unknown", "unknown", "2024-12-15 to 2024-12-31"),
        # A report not yet made after the last one is not asked for: no deadline is known.
        (((PERIOD_START, Q1_END, 1),), "fail", "pass", None),
    ],
)
def test_a_total_over_days_nobody_reported_is_the_least_it_can_be(
    reports: tuple[tuple[dt.date, dt.date, int], ...], t1b: str, t2b: str, gap: str | None
) -> None:
    facts = [report(LOC, value, first, last) for first, last, value in reports]
    got = expect({"T1.b": t1b, "T2.b": t2b}, facts=facts, complete=False)
    said = [render(n.reason, "en") for n in _nodes(got.criterion("T2.b").result) if n.reason]
    if gap is None:
        assert not any("covers" in r for r in said), said
    else:
        assert f"no record of drug-use locations covers {gap}" in " ".join(said), said


@pytest.mark.parametrize(
    ("reporters", "t2b"),
    [
        # Each commune reported its own part before the merger, the ward after it.
        (("A", "B", "M"), "pass"),
        # B's part was never reported before the merger: A's 1 is only the least.
        (("A", "M"), "unknown"),
        # The ward reported the whole period for its whole area itself.
        (("M-all",), "pass"),
    ],
)
def test_a_merged_units_days_are_reported_for_its_whole_area(
    reporters: tuple[str, ...], t2b: str
) -> None:
    units, links = merged_into_m()
    facts = []
    for code in reporters:
        if code == "M-all":
            facts.append(report(LOC, 1, PERIOD_START, Q3_END, unit="M"))
        elif code == "M":
            facts.append(report(LOC, 0, MERGER, Q3_END, unit="M"))
        else:
            facts.append(
                report(LOC, 1 if code == "A" else 0, PERIOD_START, MERGER - days(1), unit=code)
            )
    expect({"T2.b": t2b}, facts=facts, units=units, lineage=links, complete=False)
