"""Decision 28/2025 Art. 6 (criteria.md §2.4): every exception, every reading, every edge.

Each example runs the engine and the oracle (``expect``); the reference date is the last
day of assessment year 2025 unless a test says otherwise.
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
from oracle import oracle_evaluate

from drugfree_core.engine import UnitResult, evaluate
from drugfree_core.errors import SchemeError
from drugfree_core.model import (
    AssessmentPeriod,
    CustodyPeriod,
    DrugLawViolation,
    DrugUseLocation,
    FactKind,
    LocationBasis,
    LocationKind,
    Provenance,
    RehabForm,
    Residence,
    Subject,
    SubjectKind,
    UnitFact,
    ViolationKind,
    WantedFugitive,
)
from drugfree_core.rules.params import DatedValue
from drugfree_core.rules.scheme import Scheme
from drugfree_core.schemes.qd28_drug_free import SCHEME as DF
from drugfree_core.schemes.qd28_drug_free import SIGNED

YEAR = AssessmentPeriod(2025)
ON = YEAR.end  # 14 Dec 2025
CLEAN: dict[str, object] = {
    "drug_law_violations": [],
    "wanted_fugitives": [],
    "drug_use_locations": [],
}


def check(
    expected: dict[str, str],
    subjects: Sequence[Subject] = (),
    *,
    on: dt.date = ON,
    scheme: Scheme = DF,
    facts: Sequence[UnitFact] = (),
    **tables: object,
) -> UnitResult:
    """Evaluate U1 (10,000 residents; U2 next door) and compare with the oracle."""
    findings = {**CLEAN, **tables}
    # A period's report stands for the window: the rest of it reported nothing found.
    records = make_records(
        [province(), commune("U1"), commune("U2")],
        subjects,
        (),
        complete_reports(facts),
        **findings,
    )
    evaluation = evaluate(build_dataset(records), scheme, on)
    oracle = oracle_evaluate(records, scheme, on)
    got = evaluation.unit("U1")
    assert {c: oracle.units["U1"].criteria[c].outcome for c in expected} == expected, "oracle"
    assert {c: got.criterion(c).outcome.value for c in expected} == expected
    assert got.verdict.value == oracle.units["U1"].verdict
    return got


def with_value(parameter: str, value: object) -> Scheme:
    dated = DatedValue(start=SIGNED, value=value, citation="test", provenance=Provenance.INFERRED)  # type: ignore[arg-type]
    return DF.with_parameter(parameter, dated, by="test")


def addict(sid: str = "a1", *episodes: object, **kw: object) -> Subject:
    return person(sid, "U1", status(SubjectKind.ADDICT), episodes=episodes, **kw)  # type: ignore[arg-type]


def user(sid: str, decided: dt.date) -> Subject:
    return person(sid, "U1", status(SubjectKind.ILLEGAL_USER, decided, management_start=decided))


# ------------------------------------------------------------------------- DF.1


def test_nobody_under_management_passes_everything() -> None:
    got = check({"DF.1": "pass", "DF.2a": "pass", "DF.2b": "pass", "DF.3": "pass"})
    assert got.verdict.value == "pass"


def test_an_addict_in_no_treatment_fails_and_is_named() -> None:
    got = check({"DF.1": "fail"}, [addict()])
    assert got.criterion("DF.1").result.children[0].failing_subjects == ("a1",)
    assert got.verdict.value == "fail"


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (RehabForm.OPIOID_SUBSTITUTION, "pass"),  # excepted: on substitution treatment
        (RehabForm.VOLUNTARY_HOME_COMMUNITY, "pass"),  # excepted: home/community rehab
        (RehabForm.VOLUNTARY_FACILITY, "pass"),  # not residing: in a facility (INFERRED)
        (RehabForm.COMPULSORY_FACILITY, "pass"),
    ],
)
def test_each_exception_while_it_runs(form: RehabForm, expected: str) -> None:
    check({"DF.1": expected}, [addict("a1", episode(form, ON - days(100)))])


@pytest.mark.parametrize(
    "form", [RehabForm.OPIOID_SUBSTITUTION, RehabForm.VOLUNTARY_HOME_COMMUNITY]
)
def test_an_exception_that_ended_before_the_date_does_not_except(form: RehabForm) -> None:
    ended = episode(form, ON - days(300), ON - days(1), completed=True)
    check({"DF.1": "fail"}, [addict("a1", ended)])
    # ... and one that ends on the date still runs on it
    check({"DF.1": "pass"}, [addict("a1", episode(form, ON - days(300), ON))])


def test_a_home_rehab_open_past_its_legal_maximum_is_unknown() -> None:
    # open since 2024-01-01: 12 months is the law's maximum (Law 73/2021), so stale data
    stale = episode(RehabForm.VOLUNTARY_HOME_COMMUNITY, dt.date(2024, 1, 1))
    check({"DF.1": "unknown"}, [addict("a1", stale)])


def test_people_in_a_facility_or_custody_count_when_the_reading_says_so() -> None:
    in_facility = addict("a1", episode(RehabForm.COMPULSORY_FACILITY, ON - days(50)))
    in_prison = addict("a2", custody=[CustodyPeriod(start=ON - days(20))])
    check({"DF.1": "pass"}, [in_facility, in_prison])
    counted = with_value("df.facility_residents_excluded", False)
    got = check({"DF.1": "fail"}, [in_facility, in_prison], scheme=counted)
    assert got.criterion("DF.1").result.children[0].failing_subjects == ("a1", "a2")


def test_post_rehab_management_excepts_only_while_it_runs() -> None:
    # an addict status still open beside post-rehab management, which started the day
    # after a completed voluntary rehab: 1 year (Law 73/2021 Art. 40), to its anniversary

    def relapsed(start: dt.date) -> Subject:
        done = episode(
            RehabForm.VOLUNTARY_FACILITY, start - days(200), start - days(1), completed=True
        )
        return person(
            "p1",
            "U1",
            status(SubjectKind.ADDICT),
            status(SubjectKind.POST_REHAB, start, management_start=start),
            episodes=[done],
        )

    check({"DF.1": "pass"}, [relapsed(ON - days(300))])
    check({"DF.1": "fail"}, [relapsed(ON - days(400))])  # its year is over


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [
        (300, "pass"),  # within a year, the shortest term: certainly running
        (400, "unknown"),  # a 1-year term has ended, a 2-year one runs: not known which
        (800, "fail"),  # past the longest term
    ],
)
def test_post_rehab_management_without_an_episode_on_record(days_ago: int, expected: str) -> None:
    # No completed rehab episode says which term applies (1 year after voluntary rehab,
    # 2 after compulsory rehab as an adult): the exception is certain only while every
    # term runs, and never assumed past the shortest.
    start = ON - days(days_ago)
    relapsed = person(
        "p1",
        "U1",
        status(SubjectKind.ADDICT),
        status(SubjectKind.POST_REHAB, start, management_start=start),
    )
    check({"DF.1": expected}, [relapsed])


def test_a_post_rehab_person_alone_is_not_an_addict_or_user() -> None:
    check({"DF.1": "pass"}, [person("p1", "U1", status(SubjectKind.POST_REHAB, ON - days(30)))])


def test_users_under_a_running_management_decision_fail_by_default() -> None:
    check({"DF.1": "fail"}, [user("u1", ON - days(100))])
    check({"DF.1": "pass"}, [user("u1", ON - days(400))])  # the year is over: off the list
    lenient = with_value("df.users_under_management_fail", False)
    check({"DF.1": "pass"}, [user("u1", ON - days(100))], scheme=lenient)


def test_only_people_residing_on_the_date_count() -> None:
    moved = addict("a1", lived_to=ON - days(1))
    elsewhere = person("a2", "U2", status(SubjectKind.ADDICT))
    check({"DF.1": "pass"}, [moved, elsewhere])
    check({"DF.1": "fail"}, [addict("a1", lived_to=ON)])


# ------------------------------------------------------------------------ DF.2a


def violation(sid: str, day: dt.date, unit: str = "U1", **kw: object) -> DrugLawViolation:
    kind = kw.get("kind", ViolationKind.CRIME)
    return DrugLawViolation(subject_id=sid, unit_code=unit, date=day, kind=kind)  # type: ignore[arg-type]


RESIDENT = person("v1", "U1")  # a person on the lists for a violation only
NEIGHBOUR = person("v2", "U2")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2024, 12, 14), "pass"),  # the last day of assessment year 2024
        (dt.date(2024, 12, 15), "fail"),  # the first day of assessment year 2025
        (ON, "fail"),  # 14 Dec 2025, the reference date
    ],
)
def test_a_resident_violation_in_the_period_fails(day: dt.date, expected: str) -> None:
    got = check({"DF.2a": expected}, [RESIDENT], drug_law_violations=[violation("v1", day)])
    if expected == "fail":
        assert got.criterion("DF.2a").result.failing_subjects == ("v1",)


def test_a_violation_on_15_december_belongs_to_the_next_year() -> None:
    late = [violation("v1", dt.date(2025, 12, 15))]
    check({"DF.2a": "pass"}, [RESIDENT], drug_law_violations=late)  # after 14 Dec 2025
    check({"DF.2a": "fail"}, [RESIDENT], drug_law_violations=late, on=dt.date(2025, 12, 15))


def test_a_violation_counts_only_by_a_resident_in_the_unit() -> None:
    check({"DF.2a": "pass"}, [NEIGHBOUR], drug_law_violations=[violation("v2", ON - days(5))])
    check({"DF.2a": "pass"}, [RESIDENT], drug_law_violations=[violation("v1", ON - days(5), "U2")])


def test_administrative_violations_count_unless_the_reading_says_crimes_only() -> None:
    admin = [violation("v1", ON - days(5), kind=ViolationKind.ADMINISTRATIVE)]
    check({"DF.2a": "fail"}, [RESIDENT], drug_law_violations=admin)
    crimes = with_value("df.administrative_violations_count", False)
    check({"DF.2a": "pass"}, [RESIDENT], drug_law_violations=admin, scheme=crimes)


def test_who_is_a_resident_violator() -> None:
    # lived in U2 when violating in U1 in March, moved to U1 in June
    mover = Subject(
        id="v1",
        residences=(
            Residence(unit_code="U2", start=dt.date(2020, 1, 1), end=dt.date(2025, 5, 31)),
            Residence(unit_code="U1", start=dt.date(2025, 6, 1)),
        ),
    )
    march = [violation("v1", dt.date(2025, 3, 1))]
    check({"DF.2a": "fail"}, [mover], drug_law_violations=march)  # resident on the date
    then = with_value("df.violator_residence", "violation_date")
    check({"DF.2a": "pass"}, [mover], drug_law_violations=march, scheme=then)
    either = with_value("df.violator_residence", "either")
    check({"DF.2a": "fail"}, [mover], drug_law_violations=march, scheme=either)


def test_a_violator_in_custody_still_counts_by_default() -> None:
    jailed = person("v1", "U1", custody=[CustodyPeriod(start=ON - days(30))])
    crime = [violation("v1", ON - days(31))]
    check({"DF.2a": "fail"}, [jailed], drug_law_violations=crime)
    out = with_value("df.violators_in_custody_count", False)
    check({"DF.2a": "pass"}, [jailed], drug_law_violations=crime, scheme=out)


def test_violations_not_supplied_are_unknown_supplied_empty_are_none() -> None:
    got = check({"DF.2a": "unknown"}, drug_law_violations=None)
    reason = got.criterion("DF.2a").result.reason
    assert "needs the drug_law_violations table, not supplied" in str(reason)
    assert got.verdict.value == "unknown"
    check({"DF.2a": "pass"}, drug_law_violations=[])


# ------------------------------------------------------------------------ DF.2b


def fugitive(start: dt.date, end: dt.date | None = None, unit: str = "U1") -> WantedFugitive:
    return WantedFugitive(id="f1", unit_code=unit, start=start, end=end)


@pytest.mark.parametrize(
    ("hiding", "expected"),
    [
        ((ON - days(100), None), "fail"),
        ((dt.date(2024, 6, 1), dt.date(2024, 12, 15)), "fail"),  # left on the first day
        ((dt.date(2024, 6, 1), dt.date(2024, 12, 14)), "pass"),  # left before the period
        ((ON + days(1), None), "pass"),  # arrives after the date
    ],
)
def test_a_wanted_fugitive_hiding_in_the_period(
    hiding: tuple[dt.date, dt.date | None], expected: str
) -> None:
    got = check({"DF.2b": expected}, wanted_fugitives=[fugitive(*hiding)])
    if expected == "fail":
        assert got.criterion("DF.2b").result.failing_subjects == ("f1",)


def test_a_fugitive_on_the_date_only_when_the_reading_says_so() -> None:
    gone = [fugitive(ON - days(100), ON - days(10))]
    check({"DF.2b": "fail"}, wanted_fugitives=gone)
    now = with_value("df.fugitive_window", "reference_date")
    check({"DF.2b": "pass"}, wanted_fugitives=gone, scheme=now)


def test_fugitives_elsewhere_or_not_supplied() -> None:
    check({"DF.2b": "pass"}, wanted_fugitives=[fugitive(ON - days(5), unit="U2")])
    check({"DF.2b": "unknown"}, wanted_fugitives=None)


# ------------------------------------------------------------------------- DF.3


def location(
    identified: dt.date,
    closed: dt.date | None = None,
    kind: LocationKind = LocationKind.PLACE,
    basis: LocationBasis = LocationBasis.SUSPECTED,
) -> DrugUseLocation:
    return DrugUseLocation(
        id="L1",
        unit_code="U1",
        kind=kind,
        basis=basis,
        identified_on=identified,
        closed_on=closed,
    )


@pytest.mark.parametrize("kind", list(LocationKind))
@pytest.mark.parametrize("basis", list(LocationBasis))
def test_any_kind_of_location_fails_suspected_or_documented(
    kind: LocationKind, basis: LocationBasis
) -> None:
    check({"DF.3": "fail"}, drug_use_locations=[location(ON - days(40), kind=kind, basis=basis)])


@pytest.mark.parametrize(
    ("identified", "closed", "expected"),
    [
        (dt.date(2023, 5, 1), None, "fail"),  # identified long ago, still operating
        (dt.date(2023, 5, 1), dt.date(2024, 12, 15), "fail"),  # closed on the first day
        (dt.date(2023, 5, 1), dt.date(2024, 12, 14), "pass"),  # closed before the period
        (ON + days(1), None, "pass"),  # identified after the date
    ],
)
def test_a_location_counts_while_it_operates_in_the_period(
    identified: dt.date, closed: dt.date | None, expected: str
) -> None:
    check({"DF.3": expected}, drug_use_locations=[location(identified, closed)])


def test_only_locations_identified_in_the_period_when_the_reading_says_so() -> None:
    old = [location(dt.date(2023, 5, 1))]
    identified = with_value("df.location_presence", "identified")
    check({"DF.3": "pass"}, drug_use_locations=old, scheme=identified)


def fact(kind: FactKind, value: float) -> UnitFact:
    end = ON - days(14)
    return UnitFact(
        unit_code="U1", kind=kind, period_start=end - days(90), period_end=end, value=value
    )


def test_without_a_locations_table_the_reported_count_decides() -> None:
    check({"DF.3": "pass"}, drug_use_locations=None, facts=[fact(FactKind.DRUG_USE_LOCATIONS, 0)])
    check({"DF.3": "fail"}, drug_use_locations=None, facts=[fact(FactKind.DRUG_USE_LOCATIONS, 1)])
    check({"DF.3": "unknown"}, drug_use_locations=None)


# --------------------------------------------------------------------- the dates


def test_the_scheme_is_in_force_from_24_august_2025() -> None:
    records = make_records([province(), commune("U1")], **CLEAN)  # type: ignore[arg-type]
    with pytest.raises(SchemeError, match="in force from 2025-08-24"):
        evaluate(build_dataset(records), DF, dt.date(2025, 8, 23))
    evaluate(build_dataset(records), DF, dt.date(2025, 8, 24))


def test_an_assessment_year_stands_for_its_last_day() -> None:
    subjects = [RESIDENT, addict("a9")]
    records = make_records(
        [province(), commune("U1")],
        subjects,
        drug_law_violations=[violation("v1", dt.date(2024, 12, 15))],
    )
    ds = build_dataset(records)
    assert evaluate(ds, DF, YEAR) == evaluate(ds, DF, dt.date(2025, 12, 14))
    assert evaluate(ds, DF, YEAR).reference_date == dt.date(2025, 12, 14)


def test_the_exceptions_are_said_in_the_criterion_text() -> None:
    from drugfree_core.rules.describe import describe_population
    from drugfree_core.schemes.qd28_drug_free import ADDICTS

    en = describe_population(ADDICTS, "en")
    assert "excluding those in opioid substitution therapy, voluntary rehab at home/community" in en
    assert "post-rehab persons under running management" in en
    vi = describe_population(ADDICTS, "vi")
    assert (
        "trừ người đang điều trị thay thế (methadone), cai tự nguyện tại gia đình, cộng đồng" in vi
    )
