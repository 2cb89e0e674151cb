"""Coverage that begins inside a criterion's window: what records before it could change.

A unit covered only from a day after a window starts may have records before that day
which the data do not hold. The properties, on generated data, engine and oracle:

* with every unit covered from a drawn day, the engine agrees with the oracle, which
  reads the same rule apart (``tests/oracle.py``: ``covered_since``, ``short``);
* coverage that begins later only ever takes decisions away: every outcome decided with
  the later start is the one decided with the earlier (never a pass that was not one).

Example tests pin the edges: each test-window rule, tests during management, a count of
findings and a fact total, the reason said, and a successor covered through the
communes it was formed from.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import attrs
import pytest
from conftest import (
    build_dataset,
    check_against_oracle,
    commune,
    make_records,
    negative,
    person,
    positive,
    province,
    status,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies_core import MPS_START, QD28_START, Case, cases, schemes
from test_engine_oracle import dataset_of

from drugfree_core.dataset.dataset import DatasetRecords
from drugfree_core.engine import Evaluation, Outcome, UnitResult, evaluate
from drugfree_core.engine.coverage import SINCE_EVER, run_start
from drugfree_core.i18n import render
from drugfree_core.model import (
    Coverage,
    DrugLawViolation,
    DrugTest,
    FactKind,
    LineageLink,
    Provenance,
    Subject,
    SubjectKind,
    TestResult,
    TestSchedule,
    UnitFact,
    UnitKind,
    ViolationKind,
)
from drugfree_core.rules import Criterion, Scheme
from drugfree_core.rules import primitives as p
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.params import Period
from drugfree_core.schemes import mps_recognition_2024, qd28_complex_areas

#: The national schemes by name: drawn by name, since a scheme's repr is long.
NATIONAL = {"mps": mps_recognition_2024.SCHEME, "qd28": qd28_complex_areas.SCHEME}
DAY = dt.timedelta(days=1)


def covered_from(case: Case, records: DatasetRecords, first: dt.date | None) -> Case:
    """*case* with every commune-level unit covered from *first* on (open-ended)."""
    rows = tuple(
        Coverage(unit_code=u.code, covered_from=first)
        for u in records.units
        if u.kind is not UnitKind.PROVINCE
    )
    return dataclasses.replace(
        case,
        records=attrs.evolve(records, coverage=rows),
        coverage_declared=True,
        supplied=case.supplied | {"coverage"},
    )


def run(case: Case, scheme: Any) -> Evaluation:
    return evaluate(dataset_of(case), scheme, case.on, allow_no_coverage=True)


@settings(max_examples=50)
@given(
    cases(min_date=QD28_START, vary_data=False),
    st.sampled_from(sorted(NATIONAL)),
    st.integers(0, 800),
)
def test_coverage_from_a_day_in_the_window_matches_the_oracle(
    case: Case, name: str, back: int
) -> None:
    shifted = covered_from(case, case.records, case.on - back * DAY)
    check_against_oracle(dataset_of(shifted), shifted.records, NATIONAL[name], case.on)


@settings(max_examples=40)
@given(cases(min_date=MPS_START), schemes(), st.integers(0, 800))
def test_generated_schemes_with_coverage_from_a_day_match_the_oracle(
    case: Case, scheme: Any, back: int
) -> None:
    shifted = covered_from(case, case.records, case.on - back * DAY)
    check_against_oracle(dataset_of(shifted), shifted.records, scheme, case.on)


@settings(max_examples=40)
@given(
    cases(min_date=QD28_START, vary_data=False),
    st.sampled_from(sorted(NATIONAL)),
    st.integers(0, 800),
    st.integers(1, 800),
)
def test_later_coverage_only_takes_decisions_away(
    case: Case, name: str, back: int, later: int
) -> None:
    scheme = NATIONAL[name]
    earlier = run(covered_from(case, case.records, case.on - (back + later) * DAY), scheme)
    shorter = run(covered_from(case, case.records, case.on - back * DAY), scheme)
    for unit in shorter.units:
        before = {c.criterion_id: c.outcome for c in earlier.unit(unit.unit_code).criteria}
        for result in unit.criteria:
            if result.outcome in (Outcome.PASS, Outcome.FAIL):
                assert before[result.criterion_id] is result.outcome, unit.unit_code
        if unit.verdict is Outcome.PASS:
            assert earlier.unit(unit.unit_code).verdict is Outcome.PASS, unit.unit_code


def probe() -> Scheme:
    """Every rule that looks back, each a criterion: what the property below probes."""
    everyone = p.Population(kinds=set(SubjectKind))
    year = Period(years=1)
    rules: list[Any] = [
        p.AllSatisfy(everyone, p.NegativeTestWithin(days=days, rule=rule))
        for days in (30, 365)
        for rule in p.TestWindowRule
    ]
    rules.append(p.AllSatisfy(everyone, p.TestedDuringManagement()))
    for kind in (FactKind.DRUG_USE_LOCATIONS, FactKind.ARRESTED_DRUG_OFFENDERS):
        for measure in (p.FactTotal, p.FactLatest):
            rules += [
                p.Compare(measure(kind=kind, lookback=year), op, value)
                for op, value in ((p.Op.LE, 0), (p.Op.GE, 2), (p.Op.EQ, 1))
            ]
    violators = p.ResidentViolations(window=year, residence=p.ResidenceRule.EITHER)
    rules += [p.Compare(violators, op, value) for op, value in ((p.Op.LE, 0), (p.Op.EQ, 1))]
    return scheme_of(*rules)


@settings(max_examples=60)
@given(
    cases(min_date=MPS_START, vary_data=False),
    st.sampled_from(("probe", *sorted(NATIONAL))),
    st.integers(0, 200),
    st.data(),
)
def test_records_from_before_the_coverage_change_no_decided_outcome(
    case: Case, name: str, back: int, data: st.DataObject
) -> None:
    # What a short record decides must hold whatever the missing records were: with some
    # records from before the coverage held (the data may hold some), add more from then
    # and every decided outcome stays.
    scheme = PROBE if name == "probe" else NATIONAL[name]
    if not (scheme.in_force(case.on) and scheme.criteria_on(case.on)):
        return
    since = case.on - back * DAY
    covered = covered_from(case, case.records, since)
    if data.draw(st.booleans(), label="only facts from before"):
        # the latest fact then comes from before the coverage, when there is one
        kept = tuple(f for f in covered.records.unit_facts if f.period_end < since)
        covered = dataclasses.replace(
            covered, records=attrs.evolve(covered.records, unit_facts=kept)
        )
    base = covered.records
    held, added = (early_records(base, since, data, label) for label in "AB")
    first = dataclasses.replace(covered, records=held)
    more = attrs.evolve(
        held,
        subjects=tuple(
            attrs.evolve(s, tests=(*s.tests, *extra.tests[len(own.tests) :]))
            for s, extra, own in zip(held.subjects, added.subjects, base.subjects, strict=True)
        ),
        unit_facts=(*held.unit_facts, *added.unit_facts[len(base.unit_facts) :]),
        drug_law_violations=_more(
            held.drug_law_violations, added.drug_law_violations, base.drug_law_violations
        ),
    )
    short, full = run(first, scheme), run(dataclasses.replace(covered, records=more), scheme)
    for unit in short.units:
        now = {c.criterion_id: c.outcome for c in full.unit(unit.unit_code).criteria}
        for result in unit.criteria:
            if result.outcome in (Outcome.PASS, Outcome.FAIL):
                assert now[result.criterion_id] is result.outcome, (unit.unit_code, result)


def early_records(
    records: DatasetRecords, since: dt.date, data: st.DataObject, label: str
) -> DatasetRecords:
    """*records* with up to two tests per person and three unit facts dated before *since*."""
    early = st.integers(1, 150).map(lambda n: since - n * DAY)
    tests = st.builds(
        DrugTest,
        date=early,
        result=st.sampled_from(TestResult),
        schedule=st.sampled_from(TestSchedule),
    )
    subjects = tuple(
        attrs.evolve(
            s,
            tests=(*s.tests, *data.draw(st.lists(tests, max_size=2), label=f"{label} {s.id}")),
        )
        for s in records.subjects
    )
    fact = st.builds(
        lambda code, kind, end, length, value: UnitFact(
            unit_code=code,
            kind=kind,
            period_start=end - length * DAY,
            period_end=end,
            value=value,
        ),
        st.sampled_from([u.code for u in records.units]),
        st.sampled_from((FactKind.DRUG_USE_LOCATIONS, FactKind.ARRESTED_DRUG_OFFENDERS)),
        early,
        st.integers(0, 90),
        st.integers(0, 3),
    )
    facts = data.draw(st.lists(fact, max_size=3), label=f"{label} facts")
    violations = records.drug_law_violations
    if violations is not None and subjects:
        violation = st.builds(
            DrugLawViolation,
            subject_id=st.sampled_from([s.id for s in subjects]),
            unit_code=st.sampled_from([u.code for u in records.units]),
            date=early,
            kind=st.sampled_from(ViolationKind),
        )
        violations = (
            *violations,
            *data.draw(st.lists(violation, max_size=2), label=f"{label} violations"),
        )
    return attrs.evolve(
        records,
        subjects=subjects,
        unit_facts=(*records.unit_facts, *facts),
        drug_law_violations=violations,
    )


def _more(held: Any, added: Any, base: Any) -> Any:
    """*held* findings with those *added* drew beyond *base*'s (None: not supplied)."""
    if held is None or added is None:
        return held
    return (*held, *added[len(base) :])


# ------------------------------------------------------------------------- the walk


spans = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(0, 40)), st.one_of(st.none(), st.integers(0, 40))
    ).map(lambda pair: pair if None in pair or pair[0] <= pair[1] else (pair[1], pair[0])),
    max_size=6,
)


@given(spans, st.integers(0, 40))
def test_run_start_is_the_first_day_of_the_unbroken_run(raw: list[Any], at: int) -> None:
    base = dt.date(2025, 1, 1)

    def day(n: int | None) -> dt.date | None:
        return None if n is None else base + n * DAY

    rows = [(day(a), day(b)) for a, b in raw]

    def covered(n: int) -> bool:
        return any((a is None or a <= n) and (b is None or n <= b) for a, b in raw)

    found = run_start(rows, base + at * DAY)
    if not covered(at):
        assert found is None
        return
    first = at
    while first > -1 and covered(first - 1):
        first -= 1
    if first == -1:  # the run reaches past every bound: only an open start does that
        assert found is SINCE_EVER or found == SINCE_EVER
    else:
        assert found == base + first * DAY


# ------------------------------------------------------------------------- examples

ON = dt.date(2025, 10, 1)
YEAR_AGO = ON - 365 * DAY
RECENT = ON - 60 * DAY  # coverage from two months ago: inside every window below


def scheme_of(*rules: Any) -> Scheme:
    """A scheme whose criterion ``K{i}`` is each of *rules*, in force on :data:`ON`."""
    return Scheme(
        id="lookback",
        version="0",
        title_vi="Nhìn lại",
        title_en="Looking back",
        criteria=tuple(
            Criterion(
                id=f"K{i}",
                title_vi=f"Tiêu chí {i}",
                title_en=f"Criterion {i}",
                rule=rule,
                citation="test",
                provenance=Provenance.INFERRED,
                effective_from=dt.date(2020, 1, 1),
            )
            for i, rule in enumerate(rules)
        ),
        parameters=LAW_PARAMETERS,
    )


PROBE = probe()


def within_a_year(rule: p.TestWindowRule) -> p.AllSatisfy:
    """Every addict has a test within a year, judged by *rule*."""
    return p.AllSatisfy(
        p.Population(kinds={SubjectKind.ADDICT}), p.NegativeTestWithin(days=365, rule=rule)
    )


def addict(*tests: DrugTest, start: dt.date = dt.date(2024, 1, 1)) -> Subject:
    return person("a1", "U1", status(SubjectKind.ADDICT, start), tests=tests)


def outcomes(
    scheme: Scheme,
    since: dt.date | None,
    subjects: tuple[Subject, ...] = (),
    **tables: Any,
) -> tuple[dict[str, str], UnitResult]:
    """U1's criterion outcomes with U1 covered from *since* on, engine and oracle agreeing."""
    records = attrs.evolve(
        make_records([province(), commune("U1")], subjects, **tables),
        coverage=(Coverage(unit_code="U1", covered_from=since),),
    )
    evaluation, expected = check_against_oracle(build_dataset(records), records, scheme, ON)
    unit = evaluation.unit("U1")
    got = {c.criterion_id: c.outcome.value for c in unit.criteria}
    assert got == {cid: c.outcome for cid, c in expected.units["U1"].criteria.items()}
    return got, unit


@pytest.mark.parametrize(
    ("rule", "tests", "whole_year", "two_months"),
    [
        # latest negative, no positive: only a positive found decides with a short record
        (p.TestWindowRule.LATEST_NEGATIVE_NO_POSITIVE, (), "fail", "unknown"),
        (p.TestWindowRule.LATEST_NEGATIVE_NO_POSITIVE, ("neg",), "pass", "unknown"),
        (p.TestWindowRule.LATEST_NEGATIVE_NO_POSITIVE, ("pos", "neg"), "fail", "fail"),
        # the latest test: any test found is the latest, whatever came before
        (p.TestWindowRule.LATEST_NEGATIVE, (), "fail", "unknown"),
        (p.TestWindowRule.LATEST_NEGATIVE, ("neg",), "pass", "pass"),
        (p.TestWindowRule.LATEST_NEGATIVE, ("neg", "pos"), "fail", "fail"),
        # any negative: a negative found decides
        (p.TestWindowRule.ANY_NEGATIVE, ("pos",), "fail", "unknown"),
        (p.TestWindowRule.ANY_NEGATIVE, ("pos", "neg"), "pass", "pass"),
    ],
)
def test_each_test_window_rule_keeps_only_what_earlier_tests_could_not_change(
    rule: p.TestWindowRule, tests: tuple[str, ...], whole_year: str, two_months: str
) -> None:
    made = tuple(
        (negative if kind == "neg" else positive)(ON - (20 - 10 * i) * DAY)
        for i, kind in enumerate(tests)
    )
    scheme = scheme_of(within_a_year(rule))
    assert outcomes(scheme, YEAR_AGO - DAY, (addict(*made),))[0] == {"K0": whole_year}
    got, unit = outcomes(scheme, RECENT, (addict(*made),))
    assert got == {"K0": two_months}
    if two_months == "unknown":
        result = unit.criterion("K0").result
        assert result.unknown_subjects == ("a1",)
        assert render(result.reason, "en") == (
            "1 person with data that cannot decide, 1 of them because this unit's records "
            "begin only on 2025-08-02"
        )
        assert "02/08/2025" in render(result.reason, "vi")


def test_a_latest_test_from_before_the_records_is_not_known_to_be_the_latest() -> None:
    # A test the data hold from before their coverage: a missing one may be later.
    scheme = scheme_of(within_a_year(p.TestWindowRule.LATEST_NEGATIVE))
    old = (negative(ON - 100 * DAY),)
    assert outcomes(scheme, YEAR_AGO - DAY, (addict(*old),))[0] == {"K0": "pass"}
    assert outcomes(scheme, RECENT, (addict(*old),))[0] == {"K0": "unknown"}
    assert outcomes(scheme, ON - 100 * DAY, (addict(*old),))[0] == {"K0": "pass"}


def test_tests_during_management_that_began_before_the_records_are_unknown() -> None:
    rule = p.AllSatisfy(p.Population(kinds={SubjectKind.ADDICT}), p.TestedDuringManagement())
    scheme = scheme_of(rule)
    both = (negative(ON - 10 * DAY), negative(ON - 5 * DAY, TestSchedule.SURPRISE))
    # management since 1 January 2024; records since two months ago
    assert outcomes(scheme, RECENT, (addict(),))[0] == {"K0": "unknown"}
    assert outcomes(scheme, RECENT, (addict(*both),))[0] == {"K0": "pass"}
    assert outcomes(scheme, dt.date(2023, 12, 1), (addict(),))[0] == {"K0": "fail"}
    # management that began after the records did is judged on them
    assert outcomes(scheme, RECENT, (addict(start=ON - 30 * DAY),))[0] == {"K0": "fail"}


def test_a_count_of_findings_is_a_least_and_says_why() -> None:
    rule = p.Compare(p.ResidentViolations(window=Period(years=1)), p.Op.LE, 0)
    scheme = scheme_of(rule)
    nobody = {"drug_law_violations": ()}
    assert outcomes(scheme, YEAR_AGO, **nobody)[0] == {"K0": "pass"}
    got, unit = outcomes(scheme, RECENT, **nobody)
    assert got == {"K0": "unknown"}
    result = unit.criterion("K0").result
    assert result.observed == 0  # the least the records show is said
    text = render(result.reason, "en")
    assert "only from 2025-08-02" in text and "back to 2024-10-02" in text
    assert "02/08/2025" in render(result.reason, "vi")
    # A violation found decides, however short the records.
    found = {
        "drug_law_violations": (
            DrugLawViolation(
                subject_id="a1", unit_code="U1", date=ON - 9 * DAY, kind=ViolationKind.CRIME
            ),
        )
    }
    got, unit = outcomes(scheme, RECENT, (addict(),), **found)
    assert got == {"K0": "fail"} and unit.criterion("K0").result.failing_subjects == ("a1",)


def test_a_fact_total_over_a_short_record_is_unknown_and_a_latest_value_is_not() -> None:
    facts = (
        UnitFact(
            unit_code="U1",
            kind=FactKind.DRUG_USE_LOCATIONS,
            period_start=ON - 400 * DAY,  # the whole year reported
            period_end=ON,
            value=0,
        ),
    )
    total = p.Compare(
        p.FactTotal(kind=FactKind.DRUG_USE_LOCATIONS, lookback=Period(years=1)), p.Op.LE, 0
    )
    latest = p.Compare(
        p.FactLatest(kind=FactKind.DRUG_USE_LOCATIONS, lookback=Period(years=1)), p.Op.LE, 0
    )
    equal = p.Compare(
        p.FactLatest(kind=FactKind.DRUG_USE_LOCATIONS, lookback=Period(years=1)), p.Op.EQ, 1
    )
    scheme = scheme_of(total, latest, equal)
    expected = {"K0": "pass", "K1": "pass", "K2": "fail"}
    assert outcomes(scheme, YEAR_AGO, unit_facts=facts)[0] == expected
    got, unit = outcomes(scheme, RECENT, unit_facts=facts)
    assert got == {"K0": "unknown", "K1": "pass", "K2": "fail"}
    assert unit.criterion("K0").result.observed is None  # a total not known says none
    # A latest period that ends before the records begin may not be the latest.
    old = (attrs.evolve(facts[0], period_end=ON - 70 * DAY),)
    assert outcomes(scheme, YEAR_AGO, unit_facts=old)[0] == expected
    got, unit = outcomes(scheme, RECENT, unit_facts=old)
    # anywhere from 0 up: "== 1" too may hold
    assert got == {"K0": "unknown", "K1": "unknown", "K2": "unknown"}
    assert "only from 2025-08-02" in render(unit.criterion("K1").result.reason, "en")


def test_a_successor_is_covered_as_far_back_as_the_communes_it_was_formed_from() -> None:
    merger = dt.date(2025, 7, 1)
    units = [
        province(),
        commune("A", valid_to=merger - DAY),
        commune("B", valid_to=merger - DAY),
        commune("M", valid_from=merger),
    ]
    lineage = [LineageLink(predecessor_code=c, successor_code="M", effective=merger) for c in "AB"]
    scheme = scheme_of(within_a_year(p.TestWindowRule.LATEST_NEGATIVE_NO_POSITIVE))
    subject = person(
        "a1", "M", status(SubjectKind.ADDICT, dt.date(2024, 1, 1)), tests=[negative(ON - DAY)]
    )

    def verdict(*rows: Coverage) -> str:
        records = attrs.evolve(make_records(units, (subject,), lineage), coverage=tuple(rows))
        evaluation, _ = check_against_oracle(build_dataset(records), records, scheme, ON)
        return evaluation.unit("M").criterion("K0").outcome.value

    early = dt.date(2023, 1, 1)
    a = Coverage(unit_code="A", covered_from=early, covered_to=merger - DAY)
    b = Coverage(unit_code="B", covered_from=early, covered_to=merger - DAY)
    m = Coverage(unit_code="M", covered_from=merger)
    assert verdict(a, b, m) == "pass"
    # B's records began later than the window: the successor's do too.
    late_b = attrs.evolve(b, covered_from=dt.date(2025, 1, 1))
    assert verdict(a, late_b, m) == "unknown"
    # A gap before the merger: the run stops at the successor's own first day.
    gap_b = attrs.evolve(b, covered_to=merger - 2 * DAY)
    assert verdict(a, gap_b, m) == "unknown"
    # Without rows of its own, the successor is covered through both, from their day.
    assert verdict(attrs.evolve(a, covered_to=None), attrs.evolve(b, covered_to=None)) == "pass"
