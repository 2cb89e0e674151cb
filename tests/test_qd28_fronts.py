"""Decision 28/2025 from the CLI, the API and the report: the assessment year, two
schemes side by side, provinces, recognitions beside the data."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from fractions import Fraction

import pytest
from click.testing import CliRunner
from conftest import PROVINCE, build_dataset, commune, days, episode, make_records, person, status
from conftest import province as province_unit

import drugfree_core as dfc
from drugfree_core.cli.main import cli
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.errors import UsageError
from drugfree_core.model import (
    AssessmentPeriod,
    Provenance,
    Recognition,
    RehabForm,
    SubjectKind,
)
from drugfree_core.plugins import PluginHost, RoadmapRegistrar, SchemeRegistrar, hookimpl
from drugfree_core.reports import ReportOptions, build_report
from drugfree_core.rules.extension import Jurisdiction, SchemeExtension
from drugfree_core.rules.roadmap import Milestone, Roadmap
from drugfree_core.samples import demo_path
from drugfree_core.schemes import (
    mps_recognition_2024,
    qd28_complex_areas,
    qd28_drug_free,
)

DEMO = str(demo_path())
ON = dt.date(2025, 12, 14)


def cli_run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


# ------------------------------------------------------------------- the assessment year


def test_assessment_year_on_the_cli_is_its_last_day() -> None:
    code, by_year, err = cli_run(
        "evaluate", DEMO, "--scheme", "qd28-2025-drug-free", "--assessment-year", "2025",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    code, by_date, _ = cli_run(
        "evaluate", DEMO, "--scheme", "qd28-2025-drug-free", "--date", "2025-12-14",
        "--format", "json",
    )  # fmt: skip
    assert json.loads(by_year)["reference_date"] == "2025-12-14"
    assert json.loads(by_year)["units"] == json.loads(by_date)["units"]


@pytest.mark.parametrize("command", ["evaluate", "explain", "report", "demo"])
def test_date_and_assessment_year_exclude_each_other(command: str) -> None:
    args = [command] if command == "demo" else [command, DEMO]
    if command == "evaluate":
        args += ["--scheme", "qd28-2025-drug-free"]
    if command == "explain":
        args += ["--unit", "00015"]
    code, _, err = cli_run(*args, "--date", "2025-12-14", "--assessment-year", "2025")
    assert code == 2
    assert "give --date or --assessment-year, not both" in err
    assert "Traceback" not in err


def test_a_reference_date_is_needed() -> None:
    code, _, err = cli_run("evaluate", DEMO, "--scheme", "qd28-2025-drug-free")
    assert code == 2 and "--date YYYY-MM-DD or --assessment-year YYYY" in err


def test_report_and_explain_take_the_assessment_year() -> None:
    code, out, err = cli_run("report", DEMO, "--assessment-year", "2025", "--no-series")
    assert code == 0, err
    assert json.loads(out)["provenance"]["reference_date"] == "2025-12-14"
    code, out, err = cli_run("explain", DEMO, "--unit", "00015", "--assessment-year", "2025")
    assert code == 0, err
    assert "qd28-2025-drug-free" in out and "2025-12-14" in out


# --------------------------------------------------------------------- side by side


def ost_commune(n_addicts: int) -> Dataset:
    """A commune of 10 addicts on methadone: Art. 6 excepts them, the Thanh Hóa criteria
    allow fewer than 10 (criteria.md §2.8: pass one, fail the other)."""
    people = [
        person(
            f"m{i}",
            "U1",
            status(SubjectKind.ADDICT),
            episodes=[episode(RehabForm.OPIOID_SUBSTITUTION, dt.date(2025, 1, 1))],
        )
        for i in range(n_addicts)
    ]
    records = make_records(
        [province_unit(), commune("U1"), commune("U2")],
        people,
        drug_law_violations=[],
        wanted_fugitives=[],
        drug_use_locations=[],
    )
    return build_dataset(records)


def test_compare_lists_where_national_and_provincial_differ() -> None:
    ds = ost_commune(10)
    comparison = dfc.compare(ds, qd28_drug_free.SCHEME, mps_recognition_2024.SCHEME, ON)
    (only,) = comparison.disagreements()
    assert (only.unit_code, only.result_a, only.result_b) == ("U1", "pass", "fail")
    assert only.difference == "opposite"
    assert comparison.counts() == {"agree": 1, "opposite": 1, "undecided": 0, "no_data": 0}
    assert comparison.crosstab() == {("pass", "fail"): 1, ("pass", "pass"): 1}
    assert comparison.to_dict()["disagreements"][0]["unit_code"] == "U1"


def test_compare_needs_two_schemes_of_the_same_kind() -> None:
    with pytest.raises(UsageError, match="different kinds of result"):
        dfc.compare(ost_commune(1), qd28_drug_free.SCHEME, qd28_complex_areas.SCHEME, ON)


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_compare_on_the_cli(fmt: str) -> None:
    code, out, err = cli_run(
        "evaluate", DEMO, "--scheme", "qd28-2025-drug-free", "--compare",
        "mps-recognition-2024", "--assessment-year", "2025", "--format", fmt,
    )  # fmt: skip
    assert code == 0, err
    if fmt == "json":
        data = json.loads(out)
        assert data["scheme_a"]["id"] == "qd28-2025-drug-free"
        assert set(data["counts"]) == {"agree", "opposite", "undecided", "no_data"}
    elif fmt == "csv":
        assert (
            out.splitlines()[0] == "unit,name,qd28-2025-drug-free,mps-recognition-2024,difference"
        )
    else:
        assert "A: qd28-2025-drug-free" in out and "agree:" in out


def test_a_province_scheme_from_the_cli() -> None:
    code, out, err = cli_run(
        "evaluate", DEMO, "--scheme", "qd28-2025-provinces", "--assessment-year", "2025",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["unit_level"] == "province"
    assert [u["unit_code"] for u in data["units"]] == ["P99"]
    assert [c["criterion_id"] for c in data["units"][0]["criteria"]] == [
        f"P.{i}" for i in range(1, 7)
    ]


def test_schemes_say_national_or_provincial() -> None:
    code, out, _ = cli_run("schemes")
    assert code == 0
    block = out.split("qd28-2025-drug-free  v", 1)[1].split("\n\n", 1)[0]
    assert "national criteria, judging commune-level units" in block
    assert "applied by: nationwide (default) 2025-08-24 → …" in block
    mps = out.split("mps-recognition-2024  v", 1)[1].split("\n\n", 1)[0]
    assert "provincial criteria" in mps and "nationwide (default) 2024-10-15 → 2025-08-23" in mps


# ------------------------------------------------------------------------ the report


class _Province:
    """A province with its own scheme (the Thanh Hóa criteria) and a roadmap."""

    DRUGFREE_HOOK_API = "1.1"

    def __init__(self, counts: str) -> None:
        self.counts = counts

    @hookimpl
    def drugfree_register_schemes(self, registrar: SchemeRegistrar) -> None:
        registrar.extend(
            SchemeExtension(
                id="own-2025",
                base="mps-recognition-2024",
                version="1",
                by="Tỉnh thử",
                title_vi="Bộ riêng",
                title_en="Own scheme",
            )
        )
        registrar.assign(
            Jurisdiction(
                province=PROVINCE,
                province_name="Tỉnh thử",
                scheme_id="own-2025",
                citation="test",
                provenance=Provenance.INFERRED,
                effective_from=dt.date(2025, 1, 1),
            )
        )

    @hookimpl
    def drugfree_register_roadmaps(self, registrar: RoadmapRegistrar) -> None:
        registrar.add(
            Roadmap(
                id="own-roadmap",
                scope=PROVINCE,
                scope_name="Tỉnh thử",
                title_vi="Lộ trình",
                title_en="Roadmap",
                milestones=(
                    Milestone(
                        due=dt.date(2026, 12, 31),
                        share=Fraction(1, 2),
                        citation="test",
                        provenance=Provenance.INFERRED,
                    ),
                ),
                citation="test",
                provenance=Provenance.INFERRED,
                counts=self.counts,
            )
        )


def recognised(*codes: str, withdrawn: dt.date | None = None) -> list[Recognition]:
    return [
        Recognition(
            unit_code=code,
            scheme_id="own-2025",
            assessment_year=2025,
            decided_on=dt.date(2026, 1, 12),
            decision_ref="12/QĐ-UBND",
            withdrawn_on=withdrawn,
        )
        for code in codes
    ]


def report_on(
    on: dt.date, recognitions: Sequence[Recognition] | None, counts: str = "meeting"
) -> dfc.reports.Report:  # type: ignore[name-defined]
    # U1: 10 addicts on methadone (passes Art. 6, fails the province's cap of 9);
    # U2, U3: nobody (pass both); U4: one addict without treatment (fails both).
    people = [
        person(
            f"m{i}",
            "U1",
            status(SubjectKind.ADDICT),
            episodes=[episode(RehabForm.OPIOID_SUBSTITUTION, dt.date(2025, 1, 1))],
        )
        for i in range(10)
    ]
    people.append(person("a1", "U4", status(SubjectKind.ADDICT)))
    records = make_records(
        [province_unit(), *(commune(f"U{i}") for i in range(1, 5))],
        people,
        drug_law_violations=[],
        wanted_fugitives=[],
        drug_use_locations=[],
        recognitions=recognitions,
    )
    host = PluginHost(plugins=[("own", _Province(counts))], autoload=False)
    return build_report(build_dataset(records), on, host=host, options=ReportOptions(series=False))


def test_recognitions_beside_the_data() -> None:
    report = report_on(dt.date(2026, 3, 1), recognised("U1", "U2", "U4"))
    rows = {u.unit_code: u for u in report.units}
    assert {c: (r.verdict, r.recognised) for c, r in rows.items()} == {
        "U1": ("fail", True),
        "U2": ("pass", True),
        "U3": ("pass", False),
        "U4": ("fail", True),
    }
    summary = report.recognition[0]
    assert (summary.year, summary.recognised, summary.meeting) == (2025, 3, 2)
    assert summary.withdrawal_candidates == ("U1", "U4")  # recognised, no longer meeting
    assert summary.recognition_candidates == ("U3",)  # meeting, not recognised
    assert report.overall.recognised == 3 and report.overall.meeting == 2


def test_a_withdrawn_recognition_no_longer_stands() -> None:
    report = report_on(dt.date(2026, 3, 1), recognised("U2", withdrawn=dt.date(2026, 2, 1)))
    assert report.recognition[0].recognised == 0
    before = report_on(dt.date(2026, 1, 31), recognised("U2", withdrawn=dt.date(2026, 2, 1)))
    assert before.recognition[0].recognised == 1


def test_without_recognitions_nobody_claims_none_are_recognised() -> None:
    report = report_on(dt.date(2026, 3, 1), None)
    assert report.recognition == ()
    assert all(u.recognised is None for u in report.units)
    assert report.overall.recognised is None


def test_a_roadmap_counting_recognitions() -> None:
    report = report_on(dt.date(2026, 3, 1), recognised("U1", "U2", "U4"), counts="recognised")
    (progress,) = report.progress  # the province's, by its own roadmap
    assert (progress.basis, progress.recognised, progress.meeting) == ("recognised", 3, 2)
    assert (progress.required, progress.gap) == (2, 0)  # half of 4, against 3 recognised
    assert report.overall == progress  # data of one province: the report is that province's
    unknown = report_on(dt.date(2026, 3, 1), None, counts="recognised")
    assert unknown.progress[0].gap is None


def test_a_past_milestone_says_at_least_only_beside_a_count_of_units_meeting() -> None:
    # Beside a count of recognitions, "at least so many meet" means nothing, and with the
    # units meeting on the due date (the series) it gives the unplaced count back.
    due = dt.date(2026, 12, 31)
    for counts, beside in (("meeting", (2, 2)), ("recognised", (0, None))):
        report = report_on(dt.date(2027, 1, 15), recognised("U1", "U2", "U4"), counts=counts)
        (milestone,) = [m for m in report.progress[0].milestones if m.due == due]
        assert (milestone.meeting_at_due, milestone.meeting_at_least_at_due) == beside


def test_the_national_verdict_beside_a_provincial_one() -> None:
    report = report_on(dt.date(2026, 3, 1), None)
    rows = {u.unit_code: u for u in report.units}
    assert rows["U1"].scheme_id == "own-2025"
    assert (rows["U1"].verdict, rows["U1"].national_verdict) == ("fail", "pass")
    assert rows["U1"].national_scheme_id == "qd28-2025-drug-free"
    assert (rows["U4"].verdict, rows["U4"].national_verdict) == ("fail", "fail")
    # before Decision 28/2025 the national default is not national: nothing beside
    early = report_on(dt.date(2025, 8, 1), None)
    assert all(u.national_verdict is None for u in early.units)


def test_a_report_for_an_assessment_year() -> None:
    report = report_on(AssessmentPeriod(2025), None)  # type: ignore[arg-type]
    assert report.provenance.reference_date == dt.date(2025, 12, 14)
    assert days(0) == dt.timedelta(0)
