"""Data quality per unit: "đúng, đủ, sạch, sống" (reports/quality.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs
import pytest
from conftest import records_to_frames
from hypothesis import given, settings
from hypothesis import strategies as st

import drugfree_core as dfc
from drugfree_core.dataset.dataset import Dataset, DatasetRecords, QuarantinedRecord
from drugfree_core.errors import UsageError
from drugfree_core.model import (
    AdminUnit,
    CustodyPeriod,
    DrugTest,
    FactKind,
    LineageLink,
    RehabEpisode,
    RehabForm,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    TestMethod,
    TestResult,
    UnitFact,
    UnitKind,
)
from drugfree_core.reports.quality import (
    CHECK_LABELS,
    DIMENSION_LABELS,
    DIMENSIONS,
    UNPLACED_NAME,
    QualityReport,
    QualityRow,
    assess_quality,
)
from drugfree_core.samples import demo_path
from drugfree_core.testing.strategies import datasets, reference_dates

ON = dt.date(2025, 10, 1)
RECENT = dt.date(2025, 9, 1)


def _units(population: int | None = 10_000) -> list[AdminUnit]:
    return [
        AdminUnit(code="P", name="Tỉnh P", kind=UnitKind.PROVINCE),
        AdminUnit(
            code="C1",
            name="Xã Một",
            kind=UnitKind.COMMUNE,
            parent_code="P",
            resident_population=population,
        ),
        AdminUnit(
            code="C2",
            name="Xã Hai",
            kind=UnitKind.COMMUNE,
            parent_code="P",
            resident_population=5_000,
        ),
    ]


def _status(
    kind: SubjectKind = SubjectKind.ADDICT,
    start: dt.date = dt.date(2025, 1, 1),
    *,
    end: dt.date | None = None,
    record: bool | None = True,
    management_start: dt.date | None = dt.date(2025, 1, 5),
    support: bool | None = True,
) -> StatusPeriod:
    return StatusPeriod(
        kind=kind,
        start=start,
        end=end,
        has_management_record=record,
        management_start=management_start,
        support_provided=support,
    )


def _test(day: dt.date = RECENT, method: TestMethod = TestMethod.SCREENING) -> DrugTest:
    return DrugTest(date=day, result=TestResult.NEGATIVE, method=method)


def _person(
    sid: str = "S1",
    *,
    unit: str = "C1",
    residences: Sequence[Residence] = (),
    statuses: Sequence[StatusPeriod] = (),
    tests: Sequence[DrugTest] = (_test(),),
    rehab: Sequence[RehabEpisode] = (),
    custody: Sequence[CustodyPeriod] = (),
) -> Subject:
    return Subject(
        id=sid,
        residences=tuple(residences) or (Residence(unit_code=unit, start=dt.date(2020, 1, 1)),),
        statuses=tuple(statuses) or (_status(),),
        tests=tuple(tests),
        rehab_episodes=tuple(rehab),
        custody=tuple(custody),
    )


def _dataset(
    *people: Subject,
    units: Sequence[AdminUnit] | None = None,
    lineage: Sequence[LineageLink] = (),
    checked: bool = True,
) -> Dataset:
    """A dataset of *people*; ``checked=False`` skips the loaders' checks (bad data)."""
    units = _units() if units is None else units
    if checked:
        return Dataset.from_records(units=units, subjects=people, lineage=lineage)
    records = DatasetRecords(
        units=tuple(units), lineage=tuple(lineage), subjects=people, unit_facts=()
    )
    return Dataset.from_frames(records_to_frames(records))


def _found(report: QualityReport) -> dict[str, int]:
    """The checks that found something, with their counts."""
    return {check: n for check, n in report.by_check().items() if n}


def _row(report: QualityReport, code: str | None) -> QualityRow:
    return next(r for r in report.rows if r.unit_code == code)


# ------------------------------------------------------------------------- clean baseline


def test_clean_dataset_has_no_issue_and_full_score() -> None:
    report = assess_quality(_dataset(_person("S1"), _person("S2", unit="C2")), ON)
    assert report.issues == ()
    assert report.totals() == dict.fromkeys(DIMENSIONS, 0)
    assert [(r.unit_code, r.unit_name, r.province_code, r.people) for r in report.rows] == [
        ("C1", "Xã Một", "P", 1),
        ("C2", "Xã Hai", "P", 1),
    ]  # no unplaced row when nothing is unplaced
    assert all(r.score == 1.0 and r.total == 0 for r in report.rows)


def test_every_check_is_listed_with_labels() -> None:
    report = assess_quality(_dataset(), ON)
    ids = [check for check, _, _ in report.checks]
    assert ids == list(report.by_check()) and set(ids) == set(CHECK_LABELS)
    assert {dimension for _, dimension, _ in report.checks} == set(DIMENSIONS)
    assert list(DIMENSION_LABELS) == list(DIMENSIONS)
    assert DIMENSION_LABELS["clean"] == ("sạch", "clean")
    assert all(description for _, _, description in report.checks)


# ------------------------------------------------------------------------------ đúng


def test_quarantined_record_is_counted_in_its_unit() -> None:
    bad = QuarantinedRecord(
        table="drug_tests",
        location="drug_tests.csv:row 3",
        reason="result must be one of negative, positive",
        record_id="S9",
        unit_codes=("C2",),
    )
    report = assess_quality(attrs.evolve(_dataset(_person()), quarantined=(bad,)), ON)
    assert _found(report) == {"quarantined_record": 1}
    (issue,) = report.issues
    assert (issue.dimension, issue.unit_code, issue.location) == ("correct", "C2", bad.location)
    assert _row(report, "C2").correct == 1


def test_quarantined_record_without_unit_goes_to_unplaced_row() -> None:
    lost = QuarantinedRecord(table="subjects", location="subjects.csv:row 2", reason="bad id")
    report = assess_quality(attrs.evolve(_dataset(), quarantined=(lost,)), ON)
    assert _found(report) == {"quarantined_record": 1}
    row = _row(report, None)
    assert (row.unit_name, row.correct, row.people, row.score) == (UNPLACED_NAME, 1, 0, None)


def test_quarantined_record_of_merged_unit_follows_lineage() -> None:
    units = [
        *_units(),
        AdminUnit(
            code="OLD",
            name="Xã Cũ",
            kind=UnitKind.COMMUNE,
            parent_code="P",
            resident_population=1,
            valid_to=dt.date(2025, 6, 30),
        ),
    ]
    link = LineageLink(predecessor_code="OLD", successor_code="C1", effective=dt.date(2025, 7, 1))
    bad = QuarantinedRecord(table="units", location="x", reason="y", unit_codes=("OLD",))
    ds = attrs.evolve(_dataset(units=units, lineage=[link]), quarantined=(bad,))
    assert [i.unit_code for i in assess_quality(ds, ON).issues] == ["C1"]


# ------------------------------------------------------------------------------- đủ


def test_missing_management_record() -> None:
    report = assess_quality(_dataset(_person(statuses=[_status(record=None)])), ON)
    assert _found(report) == {"missing_management_record": 1}
    (issue,) = report.issues
    assert (issue.dimension, issue.unit_code, issue.record_id) == ("sufficient", "C1", "S1")
    assert issue.location == "status_periods[0]"


def test_missing_support_for_post_rehab() -> None:
    post = _status(SubjectKind.POST_REHAB, support=None)
    other = _status(SubjectKind.PSYCHOSIS, support=None)  # support only matters after rehab
    report = assess_quality(_dataset(_person(statuses=[post]), _person("S2", statuses=[other])), ON)
    assert _found(report) == {"missing_support": 1}


def test_missing_management_start_when_a_record_exists() -> None:
    with_record = _status(management_start=None)
    without = _status(SubjectKind.PSYCHOSIS, record=False, management_start=None)
    report = assess_quality(
        _dataset(_person(statuses=[with_record]), _person("S2", statuses=[without])), ON
    )
    assert _found(report) == {"missing_management_start": 1}


def test_missing_population() -> None:
    report = assess_quality(_dataset(units=_units(population=None)), ON)
    assert _found(report) == {"missing_population": 1}
    (issue,) = report.issues
    assert (issue.unit_code, issue.table, issue.record_id) == ("C1", "units", "C1")


def test_person_without_residence_on_the_date_is_unplaced() -> None:
    moved = [Residence(unit_code="C1", start=dt.date(2020, 1, 1), end=dt.date(2025, 3, 1))]
    report = assess_quality(_dataset(_person(residences=moved)), ON)
    assert _found(report) == {"unplaced": 1}
    row = _row(report, None)
    assert (row.people, row.flagged, row.sufficient, row.score) == (1, 1, 1, 0.0)
    assert _row(report, "C1").people == 0


def test_resident_of_merged_unit_is_counted_in_successor() -> None:
    units = [
        *_units(),
        AdminUnit(
            code="OLD",
            name="Xã Cũ",
            kind=UnitKind.COMMUNE,
            parent_code="P",
            resident_population=1,
            valid_to=dt.date(2025, 6, 30),
        ),
    ]
    link = LineageLink(predecessor_code="OLD", successor_code="C2", effective=dt.date(2025, 7, 1))
    person = _person(unit="OLD", statuses=[_status(record=None)])
    report = assess_quality(_dataset(person, units=units, lineage=[link]), ON)
    assert [i.unit_code for i in report.issues] == ["C2"]
    assert _row(report, "C2").people == 1


def test_resident_of_split_unit_is_unplaced_with_candidates() -> None:
    units = [
        *_units(),
        AdminUnit(
            code="OLD",
            name="Xã Cũ",
            kind=UnitKind.COMMUNE,
            parent_code="P",
            valid_to=dt.date(2025, 6, 30),
        ),
    ]
    links = [
        LineageLink(predecessor_code="OLD", successor_code=code, effective=dt.date(2025, 7, 1))
        for code in ("C1", "C2")
    ]
    report = assess_quality(_dataset(_person(unit="OLD"), units=units, lineage=links), ON)
    assert _found(report) == {"unplaced": 1}
    (issue,) = report.issues
    assert issue.unit_code is None and "C1, C2" in issue.detail


# ------------------------------------------------------------------------------ sạch


def test_duplicate_test_counts_each_extra_copy() -> None:
    tests = [_test(), _test(), _test(), _test(method=TestMethod.CONFIRMATORY)]
    report = assess_quality(_dataset(_person(tests=tests)), ON)
    assert _found(report) == {"duplicate_test": 2}  # the confirmatory test is no copy
    assert [i.location for i in report.issues] == ["drug_tests[1]", "drug_tests[2]"]
    assert all("drug_tests[0]" in i.detail for i in report.issues)
    assert _row(report, "C1").flagged == 1  # one person, however many issues


def test_duplicate_status_is_not_also_an_overlap() -> None:
    report = assess_quality(_dataset(_person(statuses=[_status(), _status()])), ON)
    assert _found(report) == {"duplicate_status": 1}


def test_overlapping_residences_in_two_units() -> None:
    both = [
        Residence(unit_code="C1", start=dt.date(2020, 1, 1)),
        Residence(unit_code="C2", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
    ]
    report = assess_quality(_dataset(_person(residences=both), checked=False), ON)
    assert _found(report) == {"overlapping_residences": 1}
    (issue,) = report.issues
    assert issue.location == "residences[1]" and "C1" in issue.detail


def test_overlapping_status_of_the_same_kind() -> None:
    statuses = [
        _status(start=dt.date(2024, 1, 1), end=dt.date(2025, 2, 1)),
        _status(start=dt.date(2025, 1, 1)),
        _status(SubjectKind.PSYCHOSIS, start=dt.date(2024, 6, 1)),  # another kind may overlap
    ]
    report = assess_quality(_dataset(_person(statuses=statuses)), ON)
    assert _found(report) == {"overlapping_status": 1}


def test_future_dated_test() -> None:
    report = assess_quality(_dataset(_person(tests=[_test(), _test(ON + dt.timedelta(1))])), ON)
    assert _found(report) == {"future_test": 1}
    assert report.issues[0].dimension == "clean"


def test_records_before_the_extraction_date_are_later_data_not_errors() -> None:
    """A report on an earlier date than the extract must not flag the later records."""
    dataset = _dataset(_person(tests=[_test(), _test(ON + dt.timedelta(30))]))
    assert _found(assess_quality(dataset, ON, extracted=ON + dt.timedelta(30))) == {}
    assert _found(assess_quality(dataset, ON, extracted=ON + dt.timedelta(29))) == {
        "future_test": 1
    }
    with pytest.raises(UsageError, match="extraction date"):
        assess_quality(dataset, ON, extracted=ON - dt.timedelta(1))


def test_future_dated_records_count_once_each() -> None:
    later = ON + dt.timedelta(days=10)
    person = _person(
        statuses=[_status(), _status(SubjectKind.PSYCHOSIS, start=later, management_start=later)],
        rehab=[
            RehabEpisode(
                form=RehabForm.VOLUNTARY_FACILITY,
                start=dt.date(2025, 3, 1),  # over 6 months: the legal minimum is kept
                end=later,
                completed=True,
            ),
            # a planned end is not a problem while the episode runs
            RehabEpisode(form=RehabForm.VOLUNTARY_FACILITY, start=dt.date(2025, 8, 1), end=later),
        ],
        custody=[CustodyPeriod(start=later + dt.timedelta(days=1))],
    )
    report = assess_quality(_dataset(person), ON)
    assert _found(report) == {"future_record": 3}
    assert sorted(i.table for i in report.issues) == [
        "custody_periods",
        "rehab_episodes",
        "status_periods",
    ]


def test_rehab_episode_during_custody() -> None:
    person = _person(
        rehab=[
            RehabEpisode(
                form=RehabForm.VOLUNTARY_HOME_COMMUNITY,
                start=dt.date(2024, 1, 1),
                end=dt.date(2024, 9, 1),  # within the legal maximum
            )
        ],
        custody=[CustodyPeriod(start=dt.date(2024, 6, 1), end=dt.date(2024, 8, 1))],
    )
    report = assess_quality(_dataset(person), ON)
    assert _found(report) == {"rehab_in_custody": 1}
    assert report.issues[0].table == "rehab_episodes"


def test_positive_test_on_the_day_rehab_completed_is_no_contradiction() -> None:
    day = dt.date(2025, 8, 1)
    person = _person(
        statuses=[_status(SubjectKind.POST_REHAB, start=day, management_start=day)],
        tests=[DrugTest(date=day, result=TestResult.POSITIVE)],
        rehab=[
            RehabEpisode(
                form=RehabForm.VOLUNTARY_FACILITY,
                start=dt.date(2025, 1, 1),
                end=day,
                completed=True,
            )
        ],
    )
    assert assess_quality(_dataset(person), ON).issues == ()


# ------------------------------------------------------------------------------ sống


def test_stale_person_and_overridable_threshold() -> None:
    old = dt.date(2024, 1, 1)
    person = _person(
        statuses=[_status(start=old, management_start=old)],
        tests=[_test(dt.date(2025, 2, 1))],
        residences=[Residence(unit_code="C1", start=old)],
    )
    report = assess_quality(_dataset(person), ON)  # 242 days since the last test
    assert _found(report) == {"stale": 1}
    assert report.issues[0].dimension == "live" and "2025-02-01" in report.issues[0].detail
    assert assess_quality(_dataset(person), ON, stale_after_days=365).issues == ()
    # The edge: activity on the cutoff day itself keeps the file alive.
    assert assess_quality(_dataset(person), ON, stale_after_days=242).issues == ()
    assert _found(assess_quality(_dataset(person), ON, stale_after_days=241)) == {"stale": 1}
    assert report.stale_after_days == 180
    assert "INFERRED" in (assess_quality.__doc__ or "")


def test_stale_only_concerns_people_under_a_status_in_force() -> None:
    ended = _status(start=dt.date(2020, 1, 1), end=dt.date(2021, 1, 1), management_start=None)
    person = _person(statuses=[ended], tests=[_test(dt.date(2020, 6, 1))])
    report = assess_quality(_dataset(person), ON)
    assert report.issues == () and _row(report, "C1").people == 0


# --------------------------------------------------------------------- rows and guards


def test_rows_count_people_flagged_and_score() -> None:
    people = [
        _person("S1", statuses=[_status(record=None)]),
        _person("S2"),
        _person("S3"),
        _person("S4", tests=[_test(), _test(), _test(ON + dt.timedelta(1))]),
    ]
    row = _row(assess_quality(_dataset(*people), ON), "C1")
    assert (row.people, row.flagged, row.sufficient, row.clean, row.total) == (4, 2, 1, 2, 3)
    assert row.score == 0.5


def test_province_of_commune_under_a_district() -> None:
    units = [
        AdminUnit(code="P", name="Tỉnh P", kind=UnitKind.PROVINCE),
        AdminUnit(code="D", name="Huyện D", kind=UnitKind.DISTRICT, parent_code="P"),
        AdminUnit(code="C", name="Xã C", kind=UnitKind.COMMUNE, parent_code="D"),
    ]
    report = assess_quality(_dataset(units=units), dt.date(2025, 1, 1))
    assert [(r.unit_code, r.province_code) for r in report.rows] == [("C", "P")]


def test_rows_carry_no_subject_id() -> None:
    people = [
        _person("S-alpha", statuses=[_status(record=None)]),
        _person(
            "S-beta", residences=[Residence(unit_code="C1", start=dt.date(2020, 1, 1), end=RECENT)]
        ),
        _person("S-gamma", tests=[_test(), _test()]),
    ]
    report = assess_quality(_dataset(*people), ON)
    assert {i.record_id for i in report.issues} == {"S-alpha", "S-beta", "S-gamma"}
    cells = [value for row in report.rows for value in attrs.astuple(row)]
    assert not any(isinstance(v, str) and v.startswith("S-") for v in cells)
    assert {f.name for f in attrs.fields(QualityRow)}.isdisjoint({"record_id", "subject_id"})


@pytest.mark.parametrize(
    ("on", "days"),
    [(dt.datetime(2025, 10, 1), 180), (ON, -1), (ON, True)],
)
def test_bad_arguments_are_refused(on: dt.date, days: int) -> None:
    with pytest.raises(UsageError):
        assess_quality(_dataset(), on, stale_after_days=days)


# ----------------------------------------------------------------------- properties


def _drawn(data: st.DataObject) -> tuple[dt.date, Dataset, int]:
    """A date, a dataset about it (with quarantined records) and a staleness threshold."""
    on = data.draw(reference_dates())
    return on, data.draw(datasets(on=on, quarantine=True)), data.draw(st.integers(0, 800))


@settings(max_examples=60)
@given(data=st.data())
def test_totals_equal_row_sums_and_issues_land_on_rows(data: st.DataObject) -> None:
    on, dataset, days = _drawn(data)
    report = assess_quality(dataset, on, stale_after_days=days)
    sums = {d: sum(getattr(r, d) for r in report.rows) for d in DIMENSIONS}
    assert report.totals() == sums
    assert sum(report.by_check().values()) == len(report.issues)
    row_codes = {r.unit_code for r in report.rows}
    assert len(row_codes) == len(report.rows)
    assert {i.unit_code for i in report.issues} <= row_codes
    assert all(0 <= r.flagged <= r.people for r in report.rows)
    # The people counted are exactly those under a status in force, once each.
    assert sum(r.people for r in report.rows) == len(_under_a_status(dataset, on))


# --------------------------------------------------------------------------- sample


def test_bundled_sample() -> None:
    dataset = dfc.load(demo_path())
    on = dt.date(2026, 12, 31)  # after every record of the sample: nothing is future-dated
    report = assess_quality(dataset, on)
    found = report.by_check()
    assert found["future_test"] == found["future_record"] == 0
    assert found["quarantined_record"] == 0  # the sample loads cleanly
    communes = dataset.units.filter(dataset.units["kind"].cast(str) != "province")
    assert len([r for r in report.rows if r.unit_code is not None]) <= communes.height
    assert report.totals() == {d: sum(getattr(r, d) for r in report.rows) for d in DIMENSIONS}
    assert all(r.province_code == "P99" for r in report.rows if r.unit_code is not None)
    subject_ids = set(dataset.subjects["id"])
    assert {i.record_id for i in report.issues if i.table != "units"} <= subject_ids
    # Assessed on an earlier day, the later records of the same data are future-dated.
    assert assess_quality(dataset, dt.date(2025, 10, 1)).by_check()["future_test"] > 0


def _under_a_status(dataset: Dataset, on: dt.date) -> set[str]:
    """The people under a status in force on *on*, read row by row."""
    periods = dataset.status_periods.select("subject_id", "start", "end").iter_rows()
    return {sid for sid, start, end in periods if start <= on and (end is None or end >= on)}


@settings(max_examples=60)
@given(data=st.data())
def test_stale_issues_are_the_people_without_recent_activity(data: st.DataObject) -> None:
    # The oracle reads every dated record of every person under a status in force, as the
    # check's docstring lists them; the check looks up only the people with nothing recent.
    on, dataset, days = _drawn(data)
    activity: dict[str, list[dt.date]] = {}
    for frame, column in (
        (dataset.drug_tests, "date"),
        (dataset.status_periods, "start"),
        (dataset.status_periods, "management_start"),
        (dataset.residences, "start"),
        (dataset.rehab_episodes, "start"),
        (dataset.rehab_episodes, "end"),
        (dataset.custody_periods, "start"),
        (dataset.custody_periods, "end"),
    ):
        for subject, day in frame.select("subject_id", column).iter_rows():
            if day is not None and day <= on:
                activity.setdefault(subject, []).append(day)
    cutoff = on - dt.timedelta(days=days)
    expected = {}
    for sid in _under_a_status(dataset, on):
        latest = max(activity.get(sid, []), default=None)
        if latest is None:
            expected[sid] = "no dated activity on record"
        elif latest < cutoff:
            expected[sid] = (
                f"latest recorded activity on {latest}, {(on - latest).days} days before {on}"
            )
    report = assess_quality(dataset, on, stale_after_days=days)
    found = {i.record_id: i.detail for i in report.issues if i.check == "stale"}
    assert found == expected


def test_unit_facts_reported_twice_for_some_days() -> None:
    def fact(start: dt.date, end: dt.date, unit: str = "C1", value: float = 1.0) -> UnitFact:
        kind = FactKind.DRUG_USE_LOCATIONS
        return UnitFact(unit_code=unit, kind=kind, period_start=start, period_end=end, value=value)

    q3 = (dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    facts = [
        fact(dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        fact(*q3),
        fact(dt.date(2025, 8, 1), dt.date(2025, 8, 31), value=0.0),  # inside the quarter
        fact(*q3, unit="C2"),  # another unit's quarter is its own
        fact(dt.date(2025, 10, 1), dt.date(2025, 12, 31)),  # not yet read on the date
        fact(dt.date(2025, 12, 1), dt.date(2025, 12, 31)),
    ]
    dataset = Dataset.from_records(units=_units(), subjects=(_person(),), unit_facts=facts)
    report = assess_quality(dataset, ON)
    assert _found(report) == {"overlapping_facts": 1}
    (issue,) = report.issues
    assert (issue.unit_code, issue.location, issue.dimension) == ("C1", "unit_facts[2]", "clean")
    assert "shares days with unit_facts[1] (2025-07-01 to 2025-09-30)" in issue.detail
