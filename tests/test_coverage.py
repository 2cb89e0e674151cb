"""No data is never a pass: each case of issue 11, from the CLI and from the API.

Coverage (which units a dataset vouches for), the *no data* outcome, tables that were not
supplied, honest report counts, no vacuous scheme, quarantine that hides no failure, and
the illegal user who was never given a management decision.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

import drugfree_core as dfc
from drugfree_core.cli.main import cli
from drugfree_core.engine import Outcome
from drugfree_core.errors import CoverageError, SchemeError, UsageError
from drugfree_core.model import Provenance
from drugfree_core.reports import ReportOptions, build_report
from drugfree_core.reports.views import report_views, standing_text
from drugfree_core.rules import Criterion, NotYetKnown, Scheme
from drugfree_core.rules.law import LAW_PARAMETERS

ON = dt.date(2025, 10, 1)
END_2025 = dt.date(2025, 12, 31)
MPS = "mps-recognition-2024"
EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
HAI_PHONG_UNIT = "10507"  # Phường Thành Đông, one of Hải Phòng's 114 units (official map)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def failing_addict(sid: str, unit: str) -> dict[str, Any]:
    """An addict with a management record, in treatment, never tested: fails TH.C3."""
    return {
        "id": sid,
        "residences": [{"unit_code": unit, "start": "2024-01-01"}],
        "statuses": [{"kind": "addict", "start": "2024-01-01", "has_management_record": True}],
        "rehab_episodes": [{"form": "opioid_substitution", "start": "2024-02-01"}],
    }


def document(**tables: Any) -> dict[str, Any]:
    return {"format": "drugfree-dataset/1", **tables}


# ------------------------------------------------------------ 1. the empty dataset


def test_empty_dataset_is_an_error_not_3321_passes(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.json", document())
    code, out, err = invoke("evaluate", str(path), "--scheme", MPS, "--date", "2025-10-01")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: the dataset covers no unit")
    assert "official map" in err and "--allow-no-coverage" in err
    code, _, err = invoke("report", str(path), "--date", "2025-12-31", "--no-series")
    assert code == 2 and "covers no unit of the nation" in err


def test_empty_dataset_allowed_is_all_no_data(tmp_path: Path) -> None:
    path = write(tmp_path / "empty.json", document())
    code, out, _ = invoke(
        "evaluate", str(path), "--scheme", MPS, "--date", "2025-10-01", "--allow-no-coverage"
    )
    assert code == 0
    assert "3,321 units · data for 0 of 3,321" in out
    assert "pass: 0, fail: 0, unknown: 0, no data: 3,321" in out
    code, out, _ = invoke(
        "report", str(path), "--date", "2025-12-31", "--no-series", "--allow-no-coverage"
    )
    overall = json.loads(out)["overall"]
    assert (overall["meeting"], overall["no_data"], overall["covered"]) == (0, 3321, 0)
    assert overall["coverage"] == "0/1"
    first = overall["milestones"][0]
    assert (first["due"], first["required"], first["status"]) == ("2025-12-31", 665, "cannot_judge")


# --------------------------------------------------------- 2. a file about one commune


def test_one_commune_file_judges_only_that_commune(tmp_path: Path) -> None:
    person = failing_addict("S-1", HAI_PHONG_UNIT)
    bare = write(tmp_path / "bare.json", document(subjects=[person]))
    with pytest.raises(CoverageError):
        dfc.evaluate(dfc.load(bare), dfc.get_scheme(MPS), ON)
    coverage = [{"unit_code": HAI_PHONG_UNIT, "covered_from": "2025-07-01"}]
    path = write(tmp_path / "one.json", document(subjects=[person], coverage=coverage))
    evaluation = dfc.evaluate(dfc.load(path), dfc.get_scheme(MPS), ON)
    assert evaluation.verdict_counts() == {"pass": 0, "fail": 1, "unknown": 0, "no_data": 3320}
    assert evaluation.covered_count() == 1
    other = evaluation.unit("00004")
    assert other.verdict is Outcome.NO_DATA
    assert {c.outcome for c in other.criteria} == {Outcome.NO_DATA}
    assert "does not include this unit" in str(other.criteria[0].result.reason)
    code, out, _ = invoke("evaluate", str(path), "--scheme", MPS, "--date", "2025-10-01")
    assert code == 0 and "3,321 units · data for 1 of 3,321" in out
    assert "pass: 0, fail: 1, unknown: 0, no data: 3,320" in out


# --------------------------------------------------------- 3. the Hải Phòng file


@pytest.mark.parametrize(
    ("coverage", "meeting", "covered", "status"),
    [
        # The data cover the failing person's ward only: nothing can be met on them.
        ([{"unit_code": HAI_PHONG_UNIT}], 0, 1, "cannot_judge"),
        # The data vouch for the whole city (a province row covers its units).
        ([{"unit_code": "31", "source_system": "city database"}], 113, 114, "met"),
    ],
    ids=["one-ward-covered", "city-covered"],
)
def test_hai_phong_file_counts_only_covered_passes(
    tmp_path: Path, coverage: list[dict[str, str]], meeting: int, covered: int, status: str
) -> None:
    person = failing_addict("HP-1", HAI_PHONG_UNIT)
    bare = write(tmp_path / "hp-bare.json", document(subjects=[person]))
    code, _, err = invoke("report", str(bare), "--date", "2025-12-31", "--province", "31")
    assert code == 2 and "covers no unit of province 31" in err
    path = write(tmp_path / "hp.json", document(subjects=[person], coverage=coverage))
    # The Thanh Hóa-reported criteria, pinned: under Art. 6 (the national default from
    # 24 Aug 2025) a person on opioid substitution is an exception and fails nothing.
    options = ReportOptions(series=False, scheme=dfc.get_scheme(MPS))
    report = build_report(dfc.load(path), END_2025, province="31", options=options)
    p = report.overall
    assert (p.units_in_force, p.meeting, p.covered, p.failing) == (114, meeting, covered, 1)
    assert standing_text(p, "en") == f"{meeting} of 114 meet · data for {covered} of 114"
    assert standing_text(p, "vi") == f"{meeting}/114 đạt · có dữ liệu {covered}/114"
    (milestone,) = [m for m in p.milestones if m.due == END_2025]
    assert (milestone.required, milestone.status) == (23, status)
    assert milestone.no_data_at_due == 114 - covered
    progress = report_views(report, "en")[0]
    keys = [c.key for c in progress.columns]
    assert keys.index("coverage") == keys.index("share") + 1  # coverage beside the share
    if covered < 114:
        assert any("have no data" in str(note) for note in report.notes)


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_every_export_shows_no_data(tmp_path: Path, fmt: str) -> None:
    person = failing_addict("HP-1", HAI_PHONG_UNIT)
    coverage = [{"unit_code": HAI_PHONG_UNIT}]
    path = write(tmp_path / "hp.json", document(subjects=[person], coverage=coverage))
    out = tmp_path / ("report" if fmt == "csv" else f"report.{fmt}")
    args = ["report", str(path), "--date", "2025-12-31", "--province", "31", "--no-series"]
    code, _, err = invoke(*args, "--format", fmt, "--lang", "vi", "--out", str(out))
    assert code == 0, err
    text = (
        (out / "units.csv").read_text(encoding="utf-8-sig")
        + (out / "progress.csv").read_text(encoding="utf-8-sig")
        if fmt == "csv"
        else out.read_text(encoding="utf-8")
    )
    if fmt == "json":
        data = json.loads(text)
        assert sum(u["verdict"] == "no_data" for u in data["units"]) == 113
        assert data["provenance"]["coverage_basis"] == "declared"
        assert data["criteria"][0]["no_data"] == 113
    else:
        assert "Không có dữ liệu" in text
        assert "0/114 đạt · có dữ liệu 1/114" in text


def test_xlsx_summary_shows_the_coverage(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    person = failing_addict("HP-1", HAI_PHONG_UNIT)
    path = write(
        tmp_path / "hp.json",
        document(subjects=[person], coverage=[{"unit_code": HAI_PHONG_UNIT}]),
    )
    out = tmp_path / "report.xlsx"
    args = ["report", str(path), "--date", "2025-12-31", "--province", "31", "--no-series"]
    code, _, err = invoke(*args, "--format", "xlsx", "--out", str(out))
    assert code == 0, err
    book = openpyxl.load_workbook(out)
    summary = [c for row in book["summary"].iter_rows(values_only=True) for c in row if c]
    assert (
        "The data cover 1 of the 114 units; 113 have no data and are never counted as "
        "meeting the criteria." in " ".join(str(c) for c in summary)
    )
    verdicts = [row[4] for row in book["units"].iter_rows(min_row=2, values_only=True)]
    assert verdicts.count("no data") == 113
    progress = [c for row in book["progress"].iter_rows(values_only=True) for c in row]
    assert "0 of 114 meet · data for 1 of 114" in progress


def test_explain_says_no_data(tmp_path: Path) -> None:
    person = failing_addict("HP-1", HAI_PHONG_UNIT)
    path = write(
        tmp_path / "hp.json",
        document(subjects=[person], coverage=[{"unit_code": HAI_PHONG_UNIT}]),
    )
    args = ["explain", str(path), "--unit", "10525", "--date", "2025-10-01", "--scheme", MPS]
    code, out, _ = invoke(*args)
    assert code == 0
    assert "verdict: NO DATA" in out and "∅ TH.C1" in out
    code, out, _ = invoke(*args, "--lang", "vi")
    assert "KHÔNG CÓ DỮ LIỆU" in out


# ------------------------------------------ 4. a CSV export without status_periods.csv


def tables_without(tmp_path: Path, *missing: str) -> Path:
    folder = tmp_path / "tables"
    shutil.copytree(EXAMPLES / "howto-tables", folder)
    for name in missing:
        (folder / f"{name}.csv").unlink()
    return folder


def test_missing_table_is_unknown_not_empty(tmp_path: Path) -> None:
    folder = tables_without(tmp_path, "status_periods")
    dataset = dfc.load(folder)
    assert "status_periods" not in dataset.supplied
    evaluation = dfc.evaluate(dataset, dfc.get_scheme(MPS), ON)
    assert evaluation.missing_tables == ("status_periods",)
    assert evaluation.verdict_counts() == {"pass": 0, "fail": 0, "unknown": 3, "no_data": 0}
    c1 = evaluation.unit("98001").criterion("TH.C1")
    assert c1.outcome is Outcome.UNKNOWN
    assert str(c1.result.reason) == "needs the status_periods table, not supplied in the data"
    code, out, _ = invoke("validate", str(folder), "--scheme", MPS)
    assert code == 0  # warnings do not fail validation
    assert "warning: " in out and "table status_periods was not supplied" in out
    assert "TH.C1, TH.C2, TH.C3, TH.C4, TH.C5" in out
    code, out, _ = invoke("evaluate", str(folder), "--scheme", MPS, "--date", "2025-10-01")
    assert "table not supplied (criteria that read it are unknown): status_periods" in out


def test_an_empty_table_means_none(tmp_path: Path) -> None:
    folder = tables_without(tmp_path, "custody_periods")
    evaluation = dfc.evaluate(dfc.load(folder), dfc.get_scheme(MPS), ON)
    # TH.C1 and TH.C3 read custody: without the table they cannot be decided ...
    assert evaluation.unit("98001").criterion("TH.C1").outcome is Outcome.UNKNOWN
    (folder / "custody_periods.csv").write_text("subject_id,start,end\n", encoding="utf-8")
    # ... with it, empty, nobody is in custody.
    evaluation = dfc.evaluate(dfc.load(folder), dfc.get_scheme(MPS), ON)
    assert evaluation.unit("98001").verdict is Outcome.PASS
    assert evaluation.missing_tables == ()


def test_validate_json_lists_warnings_with_their_severity(tmp_path: Path) -> None:
    folder = tables_without(tmp_path, "drug_tests")
    code, out, _ = invoke("validate", str(folder), "--format", "json", "--scheme", MPS)
    assert code == 0
    rows = json.loads(out)
    assert [(r["severity"], r["table"]) for r in rows] == [("warning", "drug_tests")]


def test_json_document_key_left_out_is_not_supplied(tmp_path: Path) -> None:
    units = [
        {"code": "P1", "name": "Tỉnh", "kind": "province"},
        {"code": "X1", "name": "Xã", "kind": "commune", "parent_code": "P1"},
    ]
    facts = dfc.get_scheme("qd28-2025-complex-areas")
    left_out = dfc.load(write(tmp_path / "a.json", document(units=units, subjects=[])))
    findings = {"drug_law_violations": [], "wanted_fugitives": []}  # type III reads them
    given = dfc.load(
        write(tmp_path / "b.json", document(units=units, subjects=[], unit_facts=[], **findings))
    )
    assert "unit_facts" not in left_out.supplied and "unit_facts" in given.supplied
    t1b = dfc.evaluate(left_out, facts, ON).unit("X1").criterion("T1.b").result
    # T1.b counts drug-use locations: from their table, or from the unit facts standing
    # in for it; with neither supplied it names the table it reads.
    assert "drug_use_locations table, not supplied" in str(t1b.reason)
    t1c = dfc.evaluate(left_out, facts, ON).unit("X1").criterion("T1.c").result
    assert "unit_facts table, not supplied" in str(t1c.reason)
    assert dfc.evaluate(given, facts, ON).missing_tables == ()


# ---------------------------------------------------------------- 5. no vacuous scheme


def test_scheme_with_no_criterion_in_force_is_an_error(tmp_path: Path) -> None:
    later = Criterion(
        id="L.1",
        title_vi="Tiêu chí sau",
        title_en="A later criterion",
        rule=NotYetKnown(reason_en="later", reason_vi="sau"),
        citation="test",
        provenance=Provenance.INFERRED,
        effective_from=dt.date(2026, 1, 1),
    )
    scheme = Scheme(
        id="vacuous",
        version="1",
        title_vi="Rỗng",
        title_en="Empty until 2026",
        criteria=(later,),
        parameters=LAW_PARAMETERS,
    )
    dataset = dfc.load(EXAMPLES / "commune.json")
    with pytest.raises(SchemeError, match="no criterion in force on 2025-10-01"):
        dfc.evaluate(dataset, scheme, ON)
    assert dfc.evaluate(dataset, scheme, dt.date(2026, 1, 1)).units[0].verdict is Outcome.UNKNOWN


# -------------------------------------------------- 6. quarantine never hides a failure


def typo_document(code: str) -> dict[str, Any]:
    """Two communes; the one person who makes X2 fail lives at *code*."""
    units = [
        {"code": "P1", "name": "Tỉnh", "kind": "province"},
        {"code": "X1", "name": "Xã Một", "kind": "commune", "parent_code": "P1"},
        {"code": "X2", "name": "Xã Hai", "kind": "commune", "parent_code": "P1"},
    ]
    return document(units=units, subjects=[failing_addict("S-1", code)])


@pytest.mark.parametrize(
    ("table", "record"),
    [
        ("wanted_fugitives", {"id": "F-1", "unit_code": "X20", "start": "2025-01-01"}),
        (
            "drug_use_locations",
            {"id": "L-1", "unit_code": "X20", "kind": "gathering", "identified_on": "2025-02-01"},
        ),
        (
            "drug_law_violations",
            {"subject_id": "S-9", "unit_code": "X20", "date": "2025-03-01", "kind": "crime"},
        ),
    ],
)
def test_a_finding_with_a_mistyped_unit_is_counted_not_lost(
    tmp_path: Path, table: str, record: dict[str, Any]
) -> None:
    """A finding names one unit; quarantined for a code that leads nowhere, any may lose it."""
    doc = typo_document("X1")
    doc["subjects"].append({"id": "S-9"})
    doc |= {"wanted_fugitives": [], "drug_use_locations": [], "drug_law_violations": []}
    doc[table] = [record]
    dataset = dfc.load(write(tmp_path / "typo.json", doc), quarantine=True)
    evaluation = dfc.evaluate(dataset, dfc.get_scheme("qd28-2025-drug-free"), ON)
    assert [r.table for r in evaluation.undetermined] == [table]
    assert evaluation.unplaced_anywhere == 1


def test_mistyped_residence_does_not_make_a_silent_pass(tmp_path: Path) -> None:
    scheme = dfc.get_scheme(MPS)
    clean = dfc.evaluate(dfc.load(write(tmp_path / "ok.json", typo_document("X2"))), scheme, ON)
    assert clean.unit("X2").verdict is Outcome.FAIL
    path = write(tmp_path / "typo.json", typo_document("X20"))
    dataset = dfc.load(path, quarantine=True)
    evaluation = dfc.evaluate(dataset, scheme, ON)
    assert evaluation.unit("X2").verdict is Outcome.PASS  # S-1 is gone ...
    assert evaluation.unplaced_anywhere == 1  # ... but counted, and the range says so
    assert [r.record_id for r in evaluation.undetermined] == ["S-1"]
    code, out, _ = invoke(
        "evaluate", str(path), "--scheme", MPS, "--date", "2025-10-01", "--quarantine"
    )
    assert code == 0
    assert "not placed in any unit: 1 person or record" in out
    assert "pass 2, at least 1" in out
    options = ReportOptions(series=False, scheme=scheme)
    report = build_report(dataset, ON, province="P1", options=options)
    assert (report.overall.meeting, report.overall.meeting_at_least) == (2, 1)
    assert standing_text(report.overall, "en") == "2 of 2 meet (at least 1) · data for 2 of 2"
    row = next(u for u in report.units if u.unit_code == "X2")
    assert any("not placed in any unit" in str(note) for note in row.notes)
    explanation = dfc.explain(dataset, scheme, ON, "X2")
    assert "! affected: not placed in any unit: 1 person or record" in explanation


def test_quarantined_unit_row_stays_in_the_count_as_unknown(tmp_path: Path) -> None:
    doc = typo_document("X1")
    doc["units"][2]["resident_population"] = -5  # X2's own row is bad
    dataset = dfc.load(write(tmp_path / "bad-unit.json", doc), quarantine=True)
    assert [r.record_id for r in dataset.quarantined] == ["X2"]
    evaluation = dfc.evaluate(dataset, dfc.get_scheme(MPS), ON)
    assert [u.unit_code for u in evaluation.units] == ["X1", "X2"]
    assert evaluation.unit("X2").verdict is Outcome.UNKNOWN
    report = build_report(dataset, ON, province="P1", options=ReportOptions(series=False))
    assert report.overall.units_in_force == 2


def test_quarantined_official_unit_row_is_taken_from_the_map(tmp_path: Path) -> None:
    units = [
        {"code": "31", "name": "Thành phố Hải Phòng", "kind": "province"},
        {"code": HAI_PHONG_UNIT, "name": "Phường Thành Đông", "kind": "ward",
         "parent_code": "31", "valid_from": "2025-07-01", "resident_population": -1},
    ]  # fmt: skip
    dataset = dfc.load(write(tmp_path / "official.json", document(units=units)), quarantine=True)
    placeholder = dataset.units.filter(pl.col("code") == HAI_PHONG_UNIT).row(0, named=True)
    assert placeholder["name"] == "Phường Thành Đông" and placeholder["parent_code"] == "31"
    assert placeholder["resident_population"] is None


def test_person_with_a_status_and_no_residence_is_listed(tmp_path: Path) -> None:
    person = failing_addict("S-9", "X1")
    person["residences"] = [{"unit_code": "X1", "start": "2020-01-01", "end": "2024-12-31"}]
    doc = typo_document("X2")
    doc["subjects"].append(person)
    dataset = dfc.load(write(tmp_path / "left.json", doc))
    evaluation = dfc.evaluate(dataset, dfc.get_scheme(MPS), ON)
    (unplaced,) = evaluation.unplaced
    assert (unplaced.subject_id, unplaced.kind, unplaced.unit_code) == (
        "S-9",
        "no_residence",
        "X1",
    )
    assert str(unplaced.reason) == "has a status on the date but no residence on it"
    report = build_report(dataset, ON, province="P1", options=ReportOptions(series=False))
    assert report.overall.without_residence == 1
    assert any("status but no residence" in str(note) for note in report.notes)


# ------------------------------------------------------ 7. the never-managed illegal user


def test_never_managed_user_repro_from_the_cli(tmp_path: Path) -> None:
    units = [
        {"code": "38", "name": "Tỉnh Thanh Hóa", "kind": "province"},
        {"code": "X", "name": "Xã X", "kind": "commune", "parent_code": "38"},
    ]
    subject = {
        "id": "u1",
        "residences": [{"unit_code": "X", "start": "2024-01-01"}],
        "statuses": [
            {"kind": "illegal_user", "start": "2024-09-10", "has_management_record": False}
        ],
        "tests": [{"date": "2024-09-10", "result": "positive"}],
    }
    path = write(tmp_path / "user.json", document(units=units, subjects=[subject]))
    for day in ("2025-09-09", "2025-11-30"):
        code, out, _ = invoke("evaluate", str(path), "--scheme", MPS, "--date", day)
        assert code == 0
        (row,) = [line for line in out.splitlines() if line.startswith("X ")]
        assert row.split()[:3] == ["X", "Xã", "X"]
        assert " fail " in row
        assert "TH.C4: pass 0, fail 1" in out


# ------------------------------------------- tables read by custom rules and new primitives


def _any_fact(view: Any) -> Any:
    from drugfree_core.engine import CustomOutcome

    return CustomOutcome(outcome=Outcome.PASS if view.facts else Outcome.FAIL, reason="facts")


def _custom_scheme(tables: tuple[str, ...]) -> Scheme:
    from drugfree_core.rules import PythonRule

    rule = PythonRule(
        name="test.any-fact",
        func=_any_fact,
        description_en="some fact reported",
        description_vi="có số liệu",
        tables=tables,
    )
    criterion = Criterion(
        id="C.1",
        title_vi="Có số liệu",
        title_en="Facts reported",
        rule=rule,
        citation="test",
        provenance=Provenance.INFERRED,
    )
    return Scheme(
        id="custom",
        version="1",
        title_vi="Tự viết",
        title_en="Custom",
        criteria=(criterion,),
        parameters=LAW_PARAMETERS,
    )


def test_a_custom_rule_reading_a_missing_table_is_unknown(tmp_path: Path) -> None:
    dataset = dfc.load(EXAMPLES / "commune.json")  # no unit_facts key
    declared = dfc.evaluate(dataset, _custom_scheme(("unit_facts",)), ON).units[0]
    assert declared.verdict is Outcome.UNKNOWN
    assert "unit_facts table, not supplied" in str(declared.criteria[0].result.reason)
    silent = dfc.evaluate(dataset, _custom_scheme(()), ON).units[0]
    assert silent.verdict is Outcome.FAIL  # what the rule says when it does not declare


def test_a_primitive_naming_an_unknown_table_is_refused() -> None:
    from drugfree_core.errors import PluginError
    from drugfree_core.plugins import PluginHost, hookimpl

    class Plugin:
        DRUGFREE_HOOK_API = "1.1"

        @hookimpl
        def drugfree_register_primitives(self, registrar: Any) -> None:
            rule = _custom_scheme(("unit_fact",)).criteria[0].rule
            registrar.add(rule, citation="test", provenance=Provenance.INFERRED)

    with pytest.raises(PluginError, match="unknown tables unit_fact"):
        PluginHost(plugins=[("bad", Plugin())], autoload=False).primitive("test.any-fact")


def test_a_primitive_added_later_registers_its_tables() -> None:
    from drugfree_core.rules.tables import register_tables, tables_needed

    class Violations:
        """A stand-in for a primitive a later release (or a plugin) adds."""

    register_tables(Violations, ("drug_law_violations",))
    assert tables_needed(Violations()) == {"drug_law_violations"}
    with pytest.raises(UsageError, match="kind must be a class, not str"):
        register_tables("Violations", ("x",))  # type: ignore[arg-type]
