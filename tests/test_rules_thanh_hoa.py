"""Examples pinning the edges of the Thanh Hóa / MPS criteria TH.C1-C5 (criteria.md §3.4).

Every example checks the engine against the expected outcome and the oracle against it
too, so the oracle's reading of the spec is pinned by the same examples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs
import pytest
from conftest import (
    build_dataset,
    commune,
    days,
    episode,
    make_records,
    negative,
    person,
    positive,
    province,
    status,
)
from oracle import oracle_evaluate

from drugfree_core.dataset.dataset import DatasetRecords, QuarantinedRecord
from drugfree_core.engine import Evaluation, UnitResult, evaluate
from drugfree_core.errors import SchemeError
from drugfree_core.model import (
    AdminUnit,
    CustodyPeriod,
    DrugTest,
    LineageLink,
    Provenance,
    RehabForm,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    TestResult,
    TestSchedule,
    UnitKind,
)
from drugfree_core.rules import DatedValue, Scheme
from drugfree_core.rules.law import ANNIVERSARY_EXCLUSIVE, CIVIL_CODE, LAW_2021_START
from drugfree_core.schemes.mps_recognition_2024 import SCHEME as MPS

ON = dt.date(2025, 10, 1)
MERGER = dt.date(2025, 7, 1)
ADDICT, USER, POST, PSYCHOSIS = (
    SubjectKind.ADDICT,
    SubjectKind.ILLEGAL_USER,
    SubjectKind.POST_REHAB,
    SubjectKind.PSYCHOSIS,
)
VOLUNTARY = RehabForm.VOLUNTARY_HOME_COMMUNITY
COMPULSORY = RehabForm.COMPULSORY_FACILITY


def run(
    subjects: Sequence[Subject],
    on: dt.date = ON,
    *,
    units: Sequence[AdminUnit] = (),
    lineage: Sequence[LineageLink] = (),
    quarantined: Sequence[QuarantinedRecord] = (),
    scheme: Scheme = MPS,
) -> tuple[Evaluation, DatasetRecords]:
    records = make_records(
        [province(), *(units or [commune("U1"), commune("U2")])],
        subjects,
        lineage,
    )
    return evaluate(build_dataset(records, quarantined), scheme, on), records


def expect(
    subjects: Sequence[Subject],
    expected: dict[str, str],
    *,
    unit: str = "U1",
    on: dt.date = ON,
    **kw: object,
) -> UnitResult:
    """Assert the criterion outcomes of *unit* (engine and oracle); return the engine's."""
    evaluation, records = run(subjects, on, **kw)  # type: ignore[arg-type]
    quarantined = kw.get("quarantined", ())
    scheme = kw.get("scheme", MPS)
    oracle = oracle_evaluate(records, scheme, on, quarantined=quarantined)  # type: ignore[arg-type]
    got = evaluation.unit(unit)
    engine_outcomes = {cid: got.criterion(cid).outcome.value for cid in expected}
    oracle_outcomes = {cid: oracle.units[unit].criteria[cid].outcome for cid in expected}
    assert oracle_outcomes == expected, "oracle disagrees with the example"
    assert engine_outcomes == expected
    return got


def compliant_addict(
    sid: str,
    unit: str = "U1",
    *,
    test_day: dt.date | None = None,
    tests: Sequence[DrugTest] | None = None,
    **kw: object,
) -> Subject:
    """An addict who meets C1-C3: record, ongoing voluntary rehab, negative test 5 days ago."""
    return person(
        sid,
        unit,
        status(ADDICT, dt.date(2024, 6, 1)),
        episodes=[episode(VOLUNTARY, ON - days(60))],
        tests=tests if tests is not None else [negative(test_day or ON - days(5))],
        **kw,  # type: ignore[arg-type]
    )


def user(
    sid: str,
    management_start: dt.date | None,
    *,
    start: dt.date = dt.date(2024, 1, 1),
    tests: Sequence[DrugTest] = (),
    record: bool | None = True,
    unit: str = "U1",
) -> Subject:
    return person(
        sid,
        unit,
        status(USER, start, management_start=management_start, record=record),
        tests=tests,
    )


# ----------------------------------------------------------------------- baseline


def test_compliant_unit_passes_and_empty_unit_passes() -> None:
    evaluation, _ = run([compliant_addict("a1")])
    assert evaluation.unit("U1").verdict.value == "pass"
    assert evaluation.unit("U2").verdict.value == "pass"  # nobody to manage
    assert evaluation.unit("U2").criterion("TH.C3").result.denominator == 0


def test_only_commune_level_units_in_force_are_evaluated() -> None:
    evaluation, _ = run(
        [],
        units=[
            commune("U1"),
            commune("OLD", valid_to=ON - days(1)),
            commune("NEW", valid_from=ON + days(1)),
            commune("LAST", valid_to=ON),
            commune("FIRST", valid_from=ON, kind=UnitKind.SPECIAL_ZONE),
        ],
    )
    assert sorted(u.unit_code for u in evaluation.units) == ["FIRST", "LAST", "U1"]


def test_scheme_not_in_force_before_launch() -> None:
    with pytest.raises(SchemeError):
        run([], dt.date(2024, 10, 14))


# ------------------------------------------------------------------ C3: test window


@pytest.mark.parametrize(
    ("back", "expected"),
    [(0, "pass"), (1, "pass"), (29, "pass"), (30, "pass"), (31, "fail"), (-1, "fail")],
    ids=["same-day", "1-day", "29-days", "30-days", "31-days", "after-reference-date"],
)
def test_c3_negative_test_window(back: int, expected: str) -> None:
    got = expect([compliant_addict("a1", test_day=ON - days(back))], {"TH.C3": expected})
    if expected == "fail":
        assert got.criterion("TH.C3").result.failing_subjects == ("a1",)


def test_c3_no_test_at_all_fails() -> None:
    expect([compliant_addict("a1", tests=[])], {"TH.C3": "fail"})


@pytest.mark.parametrize(
    ("tests", "expected"),
    [
        ([negative(ON - days(20)), positive(ON - days(3))], "fail"),  # positive after negative
        ([positive(ON - days(20)), negative(ON - days(3))], "fail"),  # any positive in window
        ([positive(ON - days(31)), negative(ON - days(3))], "pass"),  # positive before window
        ([negative(ON - days(3)), positive(ON - days(3))], "fail"),  # same day
        ([negative(ON - days(3)), positive(ON + days(1))], "pass"),  # positive after the date
    ],
    ids=[
        "positive-after-negative",
        "negative-after-positive",
        "old-positive",
        "same-day",
        "future-positive",
    ],
)
def test_c3_positive_in_window_fails(tests: list[DrugTest], expected: str) -> None:
    expect([compliant_addict("a1", tests=tests)], {"TH.C3": expected})


@pytest.mark.parametrize(("back", "expected"), [(30, "pass"), (31, "fail"), (-1, "fail")])
def test_c4_user_test_window(back: int, expected: str) -> None:
    expect([user("u1", ON - days(100), tests=[negative(ON - days(back))])], {"TH.C4": expected})


def test_c4_psychosis_needs_record_and_test() -> None:
    p_ok = person("p1", "U1", status(PSYCHOSIS, dt.date(2020, 1, 1)), tests=[negative(ON)])
    p_bad = person("p2", "U2", status(PSYCHOSIS, dt.date(2020, 1, 1)))
    expect([p_ok, p_bad], {"TH.C4": "pass"})  # psychosis has no statutory period
    expect([p_ok, p_bad], {"TH.C4": "fail"}, unit="U2")


# ------------------------------------------------------------------------ C2: count


@pytest.mark.parametrize(("n", "expected"), [(9, "pass"), (10, "fail")])
def test_c2_fewer_than_ten_addicts(n: int, expected: str) -> None:
    people = [compliant_addict(f"a{i}") for i in range(n)]
    got = expect(people, {"TH.C2": expected, "TH.C1": "pass", "TH.C3": "pass"})
    assert got.verdict.value == expected


def test_c2_counts_only_running_addict_statuses() -> None:
    people = [compliant_addict(f"a{i}") for i in range(9)]
    ended = person("x1", "U1", status(ADDICT, dt.date(2023, 1, 1), end=ON - days(1)))
    future = person("x2", "U1", status(ADDICT, ON + days(1)))
    last_day = person(
        "x3",
        "U1",
        status(ADDICT, dt.date(2023, 1, 1), end=ON),
        episodes=[episode(VOLUNTARY, ON - days(60))],
        tests=[negative(ON)],
    )
    expect([*people, ended, future], {"TH.C2": "pass"})
    expect([*people, ended, future, last_day], {"TH.C2": "fail"})


# --------------------------------------------------------------------- C1: treatment


def test_c1_addict_without_treatment_fails() -> None:
    a = person("a1", "U1", status(ADDICT), tests=[negative(ON)])
    got = expect([a], {"TH.C1": "fail", "TH.C2": "pass", "TH.C3": "pass"})
    assert got.criterion("TH.C1").result.failing_subjects == ("a1",)


def test_c1_finished_episode_is_not_treatment() -> None:
    a = person(
        "a1",
        "U1",
        status(ADDICT),
        tests=[negative(ON)],
        episodes=[episode(VOLUNTARY, ON - days(200), ON - days(1), completed=True)],
    )
    expect([a], {"TH.C1": "fail"})
    b = person(
        "a1",
        "U1",
        status(ADDICT),
        tests=[negative(ON)],
        episodes=[episode(VOLUNTARY, ON - days(200), ON)],
    )  # ends on the date
    expect([b], {"TH.C1": "pass"})


def test_addict_in_compulsory_facility_counts_for_c1_c2_but_is_exempt_from_c3() -> None:
    inside = person("a1", "U1", status(ADDICT), episodes=[episode(COMPULSORY, ON - days(100))])
    got = expect([inside], {"TH.C1": "pass", "TH.C3": "pass"})
    assert got.criterion("TH.C2").result.children[0].observed == 1
    assert got.criterion("TH.C3").result.denominator == 0
    # ten of them still break C2
    many = [
        person(f"a{i}", "U1", status(ADDICT), episodes=[episode(COMPULSORY, ON - days(100))])
        for i in range(10)
    ]
    expect(many, {"TH.C1": "pass", "TH.C2": "fail", "TH.C3": "pass"})


def test_voluntary_rehab_does_not_exempt_from_c3() -> None:
    a = person("a1", "U1", status(ADDICT), episodes=[episode(VOLUNTARY, ON - days(100))])
    expect([a], {"TH.C1": "pass", "TH.C3": "fail"})


def test_compulsory_episode_that_ended_no_longer_exempts() -> None:
    a = person(
        "a1",
        "U1",
        status(ADDICT),
        episodes=[episode(COMPULSORY, ON - days(400), ON - days(1), completed=True)],
    )
    expect([a], {"TH.C1": "fail", "TH.C3": "fail"})


def test_addict_in_custody_is_treated_and_exempt_from_c3() -> None:
    a = person("a1", "U1", status(ADDICT), custody=[CustodyPeriod(start=ON - days(10))])
    got = expect([a], {"TH.C1": "pass", "TH.C2": "pass", "TH.C3": "pass"})
    assert got.criterion("TH.C2").result.children[0].observed == 1
    released = person(
        "a1", "U1", status(ADDICT), custody=[CustodyPeriod(start=ON - days(10), end=ON - days(1))]
    )
    expect([released], {"TH.C1": "fail", "TH.C3": "fail"})


def test_stale_open_compulsory_episode_is_unknown() -> None:
    # compulsory rehab lasts at most 24 months (law 2021): an open episode older than that
    # is stale data; treatment is unknown and the C3 exemption uncertain
    stale = person("a1", "U1", status(ADDICT), episodes=[episode(COMPULSORY, ON - days(800))])
    got = expect([stale], {"TH.C1": "unknown", "TH.C3": "unknown"})
    assert got.criterion("TH.C1").result.unknown_subjects == ("a1",)
    assert got.verdict.value == "unknown"
    tested = person(
        "a1",
        "U1",
        status(ADDICT),
        episodes=[episode(COMPULSORY, ON - days(800))],
        tests=[negative(ON - days(2))],
    )
    expect([tested], {"TH.C3": "pass"})  # uncertain member, but passes anyway
    # exactly 24 months after the start it is still ongoing
    edge = person("a1", "U1", status(ADDICT), episodes=[episode(COMPULSORY, dt.date(2023, 10, 1))])
    expect([edge], {"TH.C1": "pass", "TH.C3": "pass"})
    expect([edge], {"TH.C1": "unknown", "TH.C3": "unknown"}, on=dt.date(2025, 10, 2))


def test_stale_voluntary_episode_and_open_ended_substitution() -> None:
    stale = person(
        "a1",
        "U1",
        status(ADDICT),
        tests=[negative(ON)],
        episodes=[episode(VOLUNTARY, ON - days(400))],
    )  # > 12 months, open
    expect([stale], {"TH.C1": "unknown"})
    ost = person(
        "a1",
        "U1",
        status(ADDICT),
        tests=[negative(ON)],
        episodes=[episode(RehabForm.OPIOID_SUBSTITUTION, ON - days(3000))],
    )
    expect([ost], {"TH.C1": "pass"})


def test_missing_management_record_is_unknown_not_pass() -> None:
    a = person(
        "a1",
        "U1",
        status(ADDICT, record=None),
        episodes=[episode(VOLUNTARY, ON - days(60))],
        tests=[negative(ON)],
    )
    got = expect([a], {"TH.C1": "unknown", "TH.C2": "unknown", "TH.C3": "pass"})
    assert got.criterion("TH.C2").result.children[1].unknown_subjects == ("a1",)
    assert got.verdict.value == "unknown"
    no_record = person(
        "a1",
        "U1",
        status(ADDICT, record=False),
        episodes=[episode(VOLUNTARY, ON - days(60))],
        tests=[negative(ON)],
    )
    expect([no_record], {"TH.C1": "fail", "TH.C2": "fail"})


# ------------------------------------------------------------------ C4: user period


def with_end_rule(rule: str) -> Scheme:
    """MPS with ``law.period_end_rule`` set to *rule* (criteria.md §6.5)."""
    value = DatedValue(
        start=LAW_2021_START,
        value=rule,
        citation="test",
        provenance=Provenance.INFERRED,
    )
    return MPS.with_parameter("law.period_end_rule", value, by="test")


def test_period_end_rule_is_a_documented_parameter_defaulting_to_the_civil_code() -> None:
    param = MPS.parameter("law.period_end_rule")
    assert param.at(ON).value == CIVIL_CODE
    assert param.at(ON).provenance is Provenance.INFERRED
    assert "148" in param.at(ON).citation and "147" in param.at(ON).citation


@pytest.mark.parametrize(
    ("rule", "on", "counted"),
    [
        (CIVIL_CODE, dt.date(2025, 3, 9), True),
        (CIVIL_CODE, dt.date(2025, 3, 10), True),  # the anniversary is the last day
        (CIVIL_CODE, dt.date(2025, 3, 11), False),
        (ANNIVERSARY_EXCLUSIVE, dt.date(2025, 3, 9), True),
        (ANNIVERSARY_EXCLUSIVE, dt.date(2025, 3, 10), False),  # the anniversary is free
        (ANNIVERSARY_EXCLUSIVE, dt.date(2025, 3, 11), False),
    ],
    ids=[
        "civil-day-before",
        "civil-anniversary",
        "civil-day-after",
        "exclusive-day-before",
        "exclusive-anniversary",
        "exclusive-day-after",
    ],
)
def test_c4_user_outside_after_one_year_of_management(
    rule: str, on: dt.date, counted: bool
) -> None:
    # management decision 10 Mar 2024: 1 year, ending on or before 10 Mar 2025 by the rule
    u = user("u1", dt.date(2024, 3, 10))  # no test: fails C4 while managed
    expect([u], {"TH.C4": "fail" if counted else "pass"}, on=on, scheme=with_end_rule(rule))


def test_c4_period_runs_from_status_start_without_decision_date() -> None:
    u = user("u1", None, start=dt.date(2024, 11, 1))  # a record, but no decision date
    expect([u], {"TH.C4": "fail"}, on=dt.date(2025, 11, 1))
    expect([u], {"TH.C4": "pass"}, on=dt.date(2025, 11, 2))


def test_c4_leap_day_decision() -> None:
    u = user("u1", dt.date(2024, 2, 29), start=dt.date(2024, 2, 29))
    expect([u], {"TH.C4": "fail"}, on=dt.date(2025, 2, 28))  # 29 Feb + 1 year = 28 Feb
    expect([u], {"TH.C4": "pass"}, on=dt.date(2025, 3, 1))
    exclusive = with_end_rule(ANNIVERSARY_EXCLUSIVE)
    expect([u], {"TH.C4": "fail"}, on=dt.date(2025, 2, 27), scheme=exclusive)
    expect([u], {"TH.C4": "pass"}, on=dt.date(2025, 2, 28), scheme=exclusive)


def never_managed() -> Subject:
    """The issue's repro: detected on 10 Sep 2024, never given a management decision."""
    return Subject(
        id="u1",
        residences=(Residence(unit_code="U1", start=dt.date(2024, 1, 1)),),
        statuses=(
            StatusPeriod(kind=USER, start=dt.date(2024, 9, 10), has_management_record=False),
        ),
        tests=(DrugTest(date=dt.date(2024, 9, 10), result=TestResult.POSITIVE),),
    )


@pytest.mark.parametrize(
    "on",
    [dt.date(2025, 9, 9), dt.date(2025, 9, 10), dt.date(2025, 9, 11), dt.date(2025, 11, 30)],
)
def test_c4_never_managed_user_counts_while_the_status_runs(on: dt.date) -> None:
    # Detected and never managed is the worst case for C4, not one that expires.
    got = expect([never_managed()], {"TH.C4": "fail"}, on=on)
    assert got.criterion("TH.C4").result.failing_subjects == ("u1",)
    assert got.verdict.value == "fail"


def test_c4_never_managed_user_leaves_when_the_status_ends() -> None:
    ended = attrs.evolve(
        never_managed(),
        statuses=(attrs.evolve(never_managed().statuses[0], end=dt.date(2025, 6, 30)),),
    )
    expect([ended], {"TH.C4": "pass"}, on=dt.date(2025, 7, 1))


def test_c4_user_without_known_decision_is_unknown_after_the_year() -> None:
    # Whether a decision was made is not known: counted for sure during the first year
    # (whatever the decision date), then maybe counted (never managed) or maybe not.
    u = user("u1", None, start=dt.date(2024, 9, 10), record=None)
    expect([u], {"TH.C4": "fail"}, on=dt.date(2025, 9, 10))
    got = expect([u], {"TH.C4": "unknown"}, on=dt.date(2025, 9, 11))
    assert got.criterion("TH.C4").result.unknown_subjects == ("u1",)


def test_c4_record_unknown_is_unknown() -> None:
    u = user("u1", ON - days(100), record=None, tests=[negative(ON - days(1))])
    expect([u], {"TH.C4": "unknown"})


# ------------------------------------------------------------------ C5: post-rehab


def post_rehab(
    sid: str,
    ended: dt.date,
    form: RehabForm | None,
    *,
    minor: bool = False,
    support: bool | None = True,
    record: bool | None = True,
    tests: Sequence[DrugTest] = (),
) -> Subject:
    episodes = (
        []
        if form is None
        else [episode(form, ended - days(180), ended, completed=True, minor=minor)]
    )
    return person(
        sid,
        "U1",
        status(POST, ended, management_start=ended, support=support, record=record),
        episodes=episodes,
        tests=tests,
    )


@pytest.mark.parametrize(
    ("form", "minor", "years"),
    [
        (RehabForm.VOLUNTARY_HOME_COMMUNITY, False, 1),
        (RehabForm.VOLUNTARY_FACILITY, False, 1),
        (RehabForm.OPIOID_SUBSTITUTION, False, 1),
        (RehabForm.COMPULSORY_FACILITY, False, 2),
        (RehabForm.COMPULSORY_FACILITY, True, 1),
    ],
    ids=[
        "voluntary-home",
        "voluntary-facility",
        "substitution",
        "compulsory-adult",
        "compulsory-minor",
    ],
)
def test_c5_post_rehab_period_by_form(form: RehabForm | None, minor: bool, years: int) -> None:
    ended = dt.date(2023, 10, 20)
    s = post_rehab("r1", ended, form, minor=minor)  # never tested: fails C5 while managed
    last_day = dt.date(2023 + years, 10, 20)  # the anniversary (Civil Code, §6.5)
    expect([s], {"TH.C5": "fail"}, on=last_day)
    expect([s], {"TH.C5": "pass"}, on=last_day + days(1))


def test_c5_without_an_episode_management_is_certain_only_within_the_shortest_term() -> None:
    # No completed episode says which term applies (1 or 2 years): never tested, the
    # person fails C5 while management surely runs, is undecided while it may, and no
    # longer counts once even the longest term is over.
    ended = dt.date(2023, 10, 20)
    s = post_rehab("r1", ended, None)
    expect([s], {"TH.C5": "fail"}, on=dt.date(2024, 10, 20))
    expect([s], {"TH.C5": "unknown"}, on=dt.date(2024, 10, 21))
    expect([s], {"TH.C5": "unknown"}, on=dt.date(2025, 10, 20))
    expect([s], {"TH.C5": "pass"}, on=dt.date(2025, 10, 21))


def test_c5_basis_is_the_latest_episode_completed_by_management_start() -> None:
    start = dt.date(2024, 3, 1)
    compulsory = episode(COMPULSORY, dt.date(2022, 3, 1), dt.date(2024, 2, 1), completed=True)
    later = episode(VOLUNTARY, dt.date(2023, 9, 1), dt.date(2024, 2, 28), completed=True)
    abandoned = episode(VOLUNTARY, dt.date(2023, 9, 1), dt.date(2024, 2, 29), completed=False)
    after = episode(VOLUNTARY, dt.date(2023, 9, 1), dt.date(2024, 3, 2), completed=True)
    on = dt.date(2025, 3, 5)  # 1 year and 4 days after management started
    base = status(POST, start, management_start=start)
    # the voluntary one (1 year) is the latest completed before management: outside
    expect(
        [person("r1", "U1", base, episodes=[compulsory, later, abandoned])],
        {"TH.C5": "pass"},
        on=on,
    )
    # only the compulsory one (2 years) counts: still managed, untested -> fail
    expect(
        [person("r1", "U1", base, episodes=[compulsory, abandoned, after])],
        {"TH.C5": "fail"},
        on=on,
    )


def test_c5_needs_periodic_and_surprise_tests_since_management_started() -> None:
    ended = ON - days(100)
    both = [
        negative(ended + days(5), TestSchedule.PERIODIC),
        negative(ended + days(40), TestSchedule.SURPRISE),
    ]
    expect([post_rehab("r1", ended, VOLUNTARY, tests=both)], {"TH.C5": "pass"})
    expect([post_rehab("r1", ended, VOLUNTARY, tests=both[:1])], {"TH.C5": "fail"})
    before = [negative(ended - days(5), TestSchedule.PERIODIC), both[1]]
    expect([post_rehab("r1", ended, VOLUNTARY, tests=before)], {"TH.C5": "fail"})
    on_anchor = [negative(ended, TestSchedule.PERIODIC), both[1]]
    expect([post_rehab("r1", ended, VOLUNTARY, tests=on_anchor)], {"TH.C5": "pass"})


def test_c5_support_unknown_is_unknown() -> None:
    ended = ON - days(100)
    tests = [
        negative(ended + days(5), TestSchedule.PERIODIC),
        negative(ended + days(40), TestSchedule.SURPRISE),
    ]
    got = expect(
        [post_rehab("r1", ended, VOLUNTARY, support=None, tests=tests)], {"TH.C5": "unknown"}
    )
    assert got.criterion("TH.C5").result.unknown_subjects == ("r1",)
    expect([post_rehab("r1", ended, VOLUNTARY, support=False, tests=tests)], {"TH.C5": "fail"})


# --------------------------------------------------------------- residence and moves


def test_mover_counts_only_where_they_live_on_the_date() -> None:
    moved = compliant_addict(
        "a1",
        "U1",
        tests=[],  # untested: fails C3 wherever counted
        residences=[
            Residence(unit_code="U1", start=dt.date(2020, 1, 1), end=ON - days(1)),
            Residence(unit_code="U2", start=ON),
        ],
    )
    expect([moved], {"TH.C3": "pass"}, unit="U1")
    expect([moved], {"TH.C3": "fail"}, unit="U2")
    # the day before the move the old unit still counts them (end date inclusive)
    expect([moved], {"TH.C3": "fail"}, unit="U1", on=ON - days(1))
    expect([moved], {"TH.C3": "pass"}, unit="U2", on=ON - days(1))


def test_person_without_residence_on_the_date_is_nobodys() -> None:
    gone = compliant_addict(
        "a1",
        tests=[],
        residences=[Residence(unit_code="U1", start=dt.date(2020, 1, 1), end=ON - days(1))],
    )
    expect([gone], {"TH.C3": "pass"})


# ------------------------------------------------------------------ reorganisation

MERGED_UNITS = [
    commune("A", valid_to=MERGER - days(1)),
    commune("B", valid_to=MERGER - days(1)),
    commune("M", valid_from=MERGER, kind=UnitKind.WARD),
]
MERGED_LINKS = [
    LineageLink(predecessor_code="A", successor_code="M", effective=MERGER),
    LineageLink(predecessor_code="B", successor_code="M", effective=MERGER),
]


def test_merger_people_follow_the_lineage_from_1_july_2025() -> None:
    people = [compliant_addict(f"a{i}", "A") for i in range(5)]
    people += [compliant_addict(f"b{i}", "B") for i in range(5)]
    kw = {"units": MERGED_UNITS, "lineage": MERGED_LINKS}
    before, _ = run(people, MERGER - days(1), **kw)  # type: ignore[arg-type]
    assert sorted(u.unit_code for u in before.units) == ["A", "B"]
    expect(people, {"TH.C2": "pass"}, unit="A", on=MERGER - days(1), **kw)
    expect(people, {"TH.C2": "pass"}, unit="B", on=MERGER - days(1), **kw)
    after, _ = run(people, MERGER, **kw)  # type: ignore[arg-type]
    assert [u.unit_code for u in after.units] == ["M"]
    got = expect(people, {"TH.C2": "fail"}, unit="M", on=MERGER, **kw)  # 10 addicts
    assert got.criterion("TH.C2").result.children[0].observed == 10
    assert not after.unplaced


def split_units() -> tuple[list[AdminUnit], list[LineageLink]]:
    units = [
        commune("C", valid_to=MERGER - days(1)),
        commune("S1", valid_from=MERGER),
        commune("S2", valid_from=MERGER),
        commune("U1"),
    ]
    links = [
        LineageLink(predecessor_code="C", successor_code="S1", effective=MERGER),
        LineageLink(predecessor_code="C", successor_code="S2", effective=MERGER),
    ]
    return units, links


def test_split_predecessor_leaves_people_unplaced_and_candidates_unknown() -> None:
    units, links = split_units()
    people = [compliant_addict("c1", "C"), compliant_addict("u1", "U1")]
    evaluation, _ = run(people, ON, units=units, lineage=links)
    assert [(u.subject_id, u.candidate_units) for u in evaluation.unplaced] == [
        ("c1", ("S1", "S2"))
    ]
    for code in ("S1", "S2"):
        unit = evaluation.unit(code)
        assert unit.affected_by
        assert {c.outcome.value for c in unit.criteria} == {"unknown"}  # all would pass
        assert unit.verdict.value == "unknown"
    untouched = evaluation.unit("U1")
    assert untouched.verdict.value == "pass" and not untouched.affected_by
    for code in ("S1", "S2", "U1"):
        expect(
            people,
            {c.id: evaluation.unit(code).criterion(c.id).outcome.value for c in MPS.criteria},
            unit=code,
            units=units,
            lineage=links,
        )


def test_split_keeps_failures_failing() -> None:
    units, links = split_units()
    people = [compliant_addict("c1", "C"), compliant_addict("s1", "S1", tests=[])]
    got = expect(
        people, {"TH.C3": "fail", "TH.C1": "unknown"}, unit="S1", units=units, lineage=links
    )
    assert got.verdict.value == "fail"


def test_person_in_unit_without_successor_is_listed_as_unplaced() -> None:
    units = [commune("U1"), commune("GONE", valid_to=ON - days(1))]
    evaluation, records = run([compliant_addict("g1", "GONE", tests=[])], units=units)
    assert [u.subject_id for u in evaluation.unplaced] == ["g1"]
    assert evaluation.unplaced[0].candidate_units == ()
    assert oracle_evaluate(records, MPS, ON).unplaced == {"g1": ()}
    assert evaluation.unit("U1").verdict.value == "pass"  # affects no unit


# ------------------------------------------------------------------------ quarantine


def test_quarantined_record_turns_passing_criteria_unknown() -> None:
    q = QuarantinedRecord(
        table="drug_tests",
        location="drug_tests.csv:row 3",
        reason="bad date",
        record_id="x",
        unit_codes=("U1",),
    )
    people = [compliant_addict("a1", tests=[])]
    got = expect(people, {"TH.C1": "unknown", "TH.C2": "unknown", "TH.C3": "fail"}, quarantined=[q])
    assert got.affected_by and got.verdict.value == "fail"
    assert run(people, quarantined=[q])[0].unit("U2").affected_by == ()


def test_quarantined_record_on_a_predecessor_affects_the_successor() -> None:
    q = QuarantinedRecord(table="residences", location="x", reason="r", unit_codes=("A",))
    got = expect(
        [],
        {"TH.C1": "unknown"},
        unit="M",
        units=MERGED_UNITS,
        lineage=MERGED_LINKS,
        quarantined=[q],
    )
    assert got.verdict.value == "unknown"
