"""The columnar engine against the plain-Python oracle, and invariants of evaluation."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from types import SimpleNamespace
from typing import Any
from unittest import mock

import attrs
from conftest import (
    build_dataset,
    check_against_oracle,
    commune,
    diff_against_oracle,
    make_records,
    person,
    province,
    records_to_frames,
    shuffled,
    status,
)
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from oracle import oracle_evaluate, population_members
from strategies_core import MPS_START, QD28_START, Case, cases, schemes

from drugfree_core.dataset.dataset import Dataset, DatasetRecords
from drugfree_core.engine import Evaluation, Outcome, UnitResult, evaluate, evaluate_verdicts
from drugfree_core.engine.context import EvalContext
from drugfree_core.engine.serialize import rule_result_from_dict
from drugfree_core.model import (
    DrugTest,
    Subject,
    SubjectKind,
    TestResult,
    TestSchedule,
    UnitLevel,
)
from drugfree_core.schemes import (
    mps_recognition_2024,
    qd28_complex_areas,
    qd28_drug_free,
    qd28_provinces,
)

MPS = mps_recognition_2024.SCHEME
QD28 = qd28_complex_areas.SCHEME
DRUG_FREE = qd28_drug_free.SCHEME
# No data never changes with people's records, so its rank only has to equal itself.
RANK = {Outcome.FAIL: 0, Outcome.UNKNOWN: 1, Outcome.PASS: 2, Outcome.NO_DATA: 3}


def dataset_of(case: Case, records: DatasetRecords | None = None) -> Dataset:
    """The dataset of *case* (with *records* instead of its own, when given)."""
    ds = build_dataset(case.records if records is None else records, case.quarantined)
    if case.coverage_declared and not case.records.coverage:
        ds = attrs.evolve(ds, supplied=ds.supplied | {"coverage"})  # declared: none
    return attrs.evolve(ds, supplied=case.supplied)


def run(dataset: Dataset, scheme: Any, on: dt.date, **kwargs: Any) -> Evaluation:
    """Evaluate, with no data allowed: generated cases may cover no unit at all."""
    return evaluate(dataset, scheme, on, allow_no_coverage=True, **kwargs)


def by_unit(evaluation: Evaluation) -> dict[str, UnitResult]:
    return {u.unit_code: u for u in evaluation.units}


def with_test(records: DatasetRecords, sid: str, test: DrugTest) -> DatasetRecords:
    subjects = tuple(
        attrs.evolve(s, tests=(*s.tests, test)) if s.id == sid else s for s in records.subjects
    )
    return attrs.evolve(records, subjects=subjects)


# ------------------------------------------------------------------ engine == oracle


@settings(max_examples=40)
@given(cases(min_date=MPS_START))
def test_mps_scheme_matches_oracle(case: Case) -> None:
    check_against_oracle(dataset_of(case), case.records, MPS, case.on)


@settings(max_examples=40)
@given(cases(min_date=QD28_START))
def test_qd28_scheme_matches_oracle(case: Case) -> None:
    check_against_oracle(dataset_of(case), case.records, QD28, case.on)


@settings(max_examples=60)
@given(cases(), schemes())
def test_generated_scheme_matches_oracle(case: Case, scheme: object) -> None:
    check_against_oracle(dataset_of(case), case.records, scheme, case.on)  # type: ignore[arg-type]


@settings(max_examples=60)
@given(cases(), st.one_of(st.sampled_from((MPS, QD28, DRUG_FREE)), schemes()))
def test_verdicts_without_the_people_are_the_evaluations(case: Case, scheme: Any) -> None:
    # A report's earlier dates count verdicts without listing the people behind each
    # outcome: the verdicts, criteria outcomes and levels must be the full evaluation's.
    assume(scheme.in_force(case.on) and scheme.criteria_on(case.on))
    ds = dataset_of(case)
    assert evaluate_verdicts(ds, scheme, case.on, allow_no_coverage=True) == (
        run(ds, scheme, case.on).verdicts
    )


@settings(max_examples=60)
@given(cases(), st.one_of(st.sampled_from((MPS, QD28, DRUG_FREE)), schemes()))
def test_people_read_without_grouping_are_those_grouped(case: Case, scheme: Any) -> None:
    # When nobody has two statuses running on the date, a population takes each status
    # row as it is instead of grouping the rows by person: the same results, people
    # listed included, as grouping them.
    assume(scheme.in_force(case.on) and scheme.criteria_on(case.on))
    ds = dataset_of(case)
    as_read = run(ds, scheme, case.on)
    with mock.patch.object(EvalContext, "one_status_each", lambda self: False):
        grouped = run(attrs.evolve(ds), scheme, case.on)
    assert as_read.units == grouped.units


def test_a_person_with_two_statuses_on_the_date_is_one_member() -> None:
    # An illegal user with a management record who is also under a psychosis status
    # whose record is not known: one person of the population, whose record is not
    # known for sure (the rows are grouped), not two people.
    on = dt.date(2025, 3, 31)
    subjects = [
        person(
            "S-two",
            "C1",
            status(SubjectKind.ILLEGAL_USER, dt.date(2025, 1, 10), record=True),
            status(SubjectKind.PSYCHOSIS, dt.date(2025, 2, 1), record=None),
        ),
        person("S-one", "C1", status(SubjectKind.ILLEGAL_USER, dt.date(2025, 1, 5))),
    ]
    records = make_records([province(), commune("C1")], subjects)
    ds = build_dataset(records)
    read: list[bool] = []
    one_each = EvalContext.one_status_each

    def noting(ctx: EvalContext) -> bool:
        read.append(one_each(ctx))
        return read[-1]

    with mock.patch.object(EvalContext, "one_status_each", noting):
        grouped, _ = check_against_oracle(ds, records, MPS, on)
    assert read and not any(read)
    # Read as one row each, the person would count twice: the grouping is what decides.
    with mock.patch.object(EvalContext, "one_status_each", lambda self: True):
        as_rows = run(attrs.evolve(ds), MPS, on)
    assert as_rows.units != grouped.units


# ------------------------------------------------------------------------ invariants


@settings(max_examples=15)
@given(cases(min_date=QD28_START), st.data())
def test_units_are_evaluated_independently(case: Case, data: st.DataObject) -> None:
    codes = case.evaluated_units
    subset = sorted(data.draw(st.sets(st.sampled_from(codes), min_size=1), label="subset"))
    scheme = data.draw(st.sampled_from((MPS, QD28)), label="scheme")
    ds = dataset_of(case)
    full = by_unit(run(ds, scheme, case.on))
    only = by_unit(run(ds, scheme, case.on, units=subset))
    assert sorted(only) == subset
    assert {c: only[c] for c in subset} == {c: full[c] for c in subset}
    for people, whole_map in itertools.product(("linked", "own"), (False, True)):
        part = ds.restrict_to_units(subset, people=people, whole_map=whole_map)  # type: ignore[arg-type]
        restricted = by_unit(run(part, scheme, case.on, units=subset))
        for code in subset:
            where = f"restrict_to_units({subset}, {people}, whole_map={whole_map})"
            assert restricted[code] == full[code], where


@settings(max_examples=15)
@given(cases(), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(case: Case, rnd: random.Random) -> None:
    ds = dataset_of(case)
    scheme = QD28 if case.on >= QD28_START else MPS
    first = run(ds, scheme, case.on)
    again = run(shuffled(ds, rnd), scheme, case.on)
    assert by_unit(again) == by_unit(first)
    assert sorted(again.unplaced, key=lambda u: u.subject_id) == sorted(
        first.unplaced, key=lambda u: u.subject_id
    )


@settings(max_examples=25)
@given(cases(), st.data())
def test_negative_test_in_window_never_hurts(case: Case, data: st.DataObject) -> None:
    if not case.records.subjects:
        return
    sid = data.draw(st.sampled_from([s.id for s in case.records.subjects]), label="subject")
    back = data.draw(st.integers(0, 30), label="days before")
    test = DrugTest(
        date=case.on - dt.timedelta(days=back),
        result=TestResult.NEGATIVE,
        schedule=data.draw(st.sampled_from(TestSchedule)),
    )
    before = by_unit(run(dataset_of(case), MPS, case.on))
    more = with_test(case.records, sid, test)
    after = by_unit(run(dataset_of(case, more), MPS, case.on))
    for code, u in before.items():
        v = after[code]
        c3_before, c3_after = u.criterion("TH.C3").outcome, v.criterion("TH.C3").outcome
        assert RANK[c3_after] >= RANK[c3_before], (code, c3_before, c3_after)
        assert RANK[v.verdict] >= RANK[u.verdict], (code, u.verdict, v.verdict)


@settings(max_examples=30)
@given(cases(max_subjects=6), st.data())
def test_positive_test_in_window_fails_the_person(case: Case, data: st.DataObject) -> None:
    pops = {
        "TH.C3": mps_recognition_2024.ADDICTS_IN_COMMUNITY,
        "TH.C4": MPS.criterion("TH.C4").rule.population,  # type: ignore[union-attr]
    }
    cid = data.draw(st.sampled_from(sorted(pops)), label="criterion")
    members = population_members(case.records, MPS, case.on, pops[cid])
    certain = sorted(
        (code, sid) for code, ms in members.items() for sid, m in ms.items() if m.certain
    )
    if not certain:
        return
    code, sid = data.draw(st.sampled_from(certain), label="unit, subject")
    back = data.draw(st.integers(0, 30), label="days before")
    test = DrugTest(date=case.on - dt.timedelta(days=back), result=TestResult.POSITIVE)
    more = with_test(case.records, sid, test)
    result = run(dataset_of(case, more), MPS, case.on, units=[code])
    crit = result.unit(code).criterion(cid)
    assert crit.outcome is Outcome.FAIL
    assert sid in crit.result.failing_subjects


@settings(max_examples=12)
@given(cases())
def test_evaluation_is_deterministic(case: Case) -> None:
    ds = dataset_of(case)
    before = {name: frame.clone() for name, frame in ds.frames().items()}
    scheme = QD28 if case.on >= QD28_START else MPS
    first, second = run(ds, scheme, case.on), run(ds, scheme, case.on)
    assert first == second
    assert first.to_json() == second.to_json()
    for name, frame in ds.frames().items():  # the engine leaves the dataset alone
        assert frame.equals(before[name]), name


@settings(max_examples=15)
@given(cases(), schemes())
def test_json_round_trips(case: Case, scheme: object) -> None:
    evaluation = run(dataset_of(case), scheme, case.on)  # type: ignore[arg-type]
    data = json.loads(evaluation.to_json())
    assert data["reference_date"] == case.on.isoformat()
    assert data["summary"]["verdicts"] == evaluation.verdict_counts()
    assert [u["unit_code"] for u in data["units"]] == [u.unit_code for u in evaluation.units]
    for unit, unit_data in zip(evaluation.units, data["units"], strict=True):
        assert unit_data["verdict"] == unit.verdict.value
        assert unit_data.get("level") == unit.level
        for crit, crit_data in zip(unit.criteria, unit_data["criteria"], strict=True):
            assert crit_data["criterion_id"] == crit.criterion_id
            assert crit_data["outcome"] == crit.outcome.value
            # Reasons are written in words (the language in force): they come back as text.
            assert rule_result_from_dict(crit_data["result"]) == crit.result.in_words()
    assert json.loads(evaluation.to_json()) == data
    anonymous = evaluation.to_json(include_subjects=False)
    assert "subj-" not in anonymous
    json.loads(anonymous)


# ------------------------------------------------------------------ the test helpers


@settings(max_examples=15)
@given(cases())
def test_records_survive_the_dataset(case: Case) -> None:
    ds = dataset_of(case)
    assert ds.to_records() == case.records
    flat = Dataset.from_frames(records_to_frames(case.records))
    for name, frame in ds.frames().items():
        assert flat.frame(name).equals(frame), name


@settings(max_examples=20)
@given(cases(), schemes())
def test_oracle_is_order_independent(case: Case, scheme: object) -> None:
    rnd = random.Random(len(case.records.subjects))
    subjects = list(case.records.subjects)
    rnd.shuffle(subjects)
    reordered = attrs.evolve(
        case.records,
        subjects=tuple(
            attrs.evolve(s, tests=tuple(reversed(s.tests)), statuses=tuple(reversed(s.statuses)))
            for s in subjects
        ),
        unit_facts=tuple(reversed(case.records.unit_facts)),
    )
    a = oracle_evaluate(case.records, scheme, case.on)  # type: ignore[arg-type]
    b = oracle_evaluate(reordered, scheme, case.on)  # type: ignore[arg-type]
    assert a.simple() == b.simple()


def test_diff_reports_disagreements() -> None:
    """The comparison itself notices a wrong verdict (guards against a vacuous oracle)."""

    on = dt.date(2025, 10, 1)
    records = make_records(
        [province(), commune("U1")], [person("s1", "U1", status(SubjectKind.ADDICT))]
    )
    evaluation = run(build_dataset(records), MPS, on)
    expected = oracle_evaluate(records, MPS, on)
    assert not diff_against_oracle(evaluation, expected)
    unit = evaluation.units[0]
    broken = SimpleNamespace(
        units=(attrs.evolve(unit, verdict=Outcome.PASS),), unplaced=evaluation.unplaced
    )
    assert diff_against_oracle(broken, expected)  # type: ignore[arg-type]
    assert expected.units["U1"].verdict == "fail"
    assert isinstance(records.subjects[0], Subject)


# ------------------------------------------------------- Decision 28/2025, new primitives


@settings(max_examples=40)
@given(cases(min_date=QD28_START))
def test_drug_free_scheme_matches_oracle(case: Case) -> None:
    check_against_oracle(dataset_of(case), case.records, DRUG_FREE, case.on)


@settings(max_examples=25)
@given(cases(min_date=QD28_START), st.sampled_from(qd28_provinces.SCHEMES))
def test_province_schemes_match_oracle(case: Case, scheme: object) -> None:
    check_against_oracle(dataset_of(case), case.records, scheme, case.on)  # type: ignore[arg-type]


@settings(max_examples=40)
@given(cases(), schemes(unit_level=UnitLevel.PROVINCE))
def test_generated_province_scheme_matches_oracle(case: Case, scheme: object) -> None:
    check_against_oracle(dataset_of(case), case.records, scheme, case.on)  # type: ignore[arg-type]
