"""Decision 28/2025 and coverage: no data is never a pass, for communes or provinces.

A province adds up its communes' records, so it is covered only when all of them are; a
commune share counts communes with no data as undecided (never as placed, never as
certainly not); a comparison and the recognitions count no-data units apart; and the
national scheme's tables are known to the supplied-tables registry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import PROVINCE, build_dataset, commune, make_records, person, province, status

from drugfree_core.api import supply_warnings
from drugfree_core.engine import Outcome, compare, evaluate
from drugfree_core.engine.compile import measure_frame
from drugfree_core.engine.context import EvalContext
from drugfree_core.errors import CoverageError
from drugfree_core.model import Coverage, Recognition, SubjectKind, UnitLevel
from drugfree_core.plugins import get_scheme
from drugfree_core.reports import ReportOptions, build_report
from drugfree_core.reports.export.answer import report_answer
from drugfree_core.rules.primitives import CommuneShare
from drugfree_core.rules.tables import tables_needed
from drugfree_core.schemes import qd28_drug_free, qd28_provinces

ON = dt.date(2025, 12, 14)
DF = qd28_drug_free.SCHEME
NONE: dict[str, Any] = {"drug_law_violations": [], "wanted_fugitives": [], "drug_use_locations": []}


def dataset(covered: tuple[str, ...] | None, *, recognised: tuple[str, ...] = ()) -> Any:
    """Province P38 with communes C1 (an addict in no treatment) and C2 (nobody).

    *covered* lists the communes the coverage table declares (``None``: no table, so the
    data's own units are all covered).
    """
    coverage = () if covered is None else [Coverage(unit_code=c) for c in covered]
    records = make_records(
        [province(), commune("C1"), commune("C2")],
        [person("S1", "C1", status(SubjectKind.ADDICT))],
        recognitions=[
            Recognition(unit_code=c, scheme_id=DF.id, assessment_year=2025, decided_on=ON)
            for c in recognised
        ],
        coverage=coverage,
        **NONE,
    )
    # Rows in records.coverage make a declared coverage table (see build_dataset).
    return build_dataset(records)


def test_a_province_is_covered_only_when_every_commune_is() -> None:
    scheme = qd28_provinces.WHOLE_PROVINCE
    full = evaluate(dataset(None), scheme, ON).unit(PROVINCE)
    assert full.verdict is Outcome.FAIL  # C1's addict fails Art. 6.1 for the province
    part = evaluate(dataset(("C2",)), scheme, ON, allow_no_coverage=True).unit(PROVINCE)
    assert part.verdict is Outcome.NO_DATA  # C1's records are not vouched for
    reason = part.criteria[0].result.reason
    assert "1 of the province's 2 commune-level units are not covered" in str(reason)
    both = evaluate(dataset(("C1", "C2")), scheme, ON).unit(PROVINCE)
    assert both.verdict is Outcome.FAIL
    # A coverage row for the province covers its communes, hence the province.
    whole = evaluate(dataset((PROVINCE,)), scheme, ON).unit(PROVINCE)
    assert whole.verdict is Outcome.FAIL


def test_provinces_none_covered_in_full_is_an_error_unless_allowed() -> None:
    with pytest.raises(CoverageError, match=r"covers the 1 province in force only in part"):
        evaluate(dataset(("C2",)), qd28_provinces.SCHEME, ON)
    allowed = evaluate(dataset(("C2",)), qd28_provinces.SCHEME, ON, allow_no_coverage=True)
    assert allowed.verdict_counts()["no_data"] == 1


def context(ds: Any) -> EvalContext:
    """A province-level context whose communes are evaluated as the engine does."""

    def communes(scheme: Any, codes: list[str]) -> Any:
        return evaluate(ds, scheme, ON, units=codes, allow_no_coverage=True)

    return EvalContext(
        ds, ON, DF.resolve_parameters(ON), level=UnitLevel.PROVINCE, commune_evaluator=communes
    )


def test_a_commune_share_counts_no_data_as_undecided() -> None:
    ds = dataset(("C2",))  # C2 passes Art. 6 on covered data; C1 has no data
    ctx = context(ds)
    row = measure_frame(ctx, CommuneShare(scheme=DF)).frame.row(0, named=True)
    assert (row["lo"], row["hi"], row["den"]) == (1.0, 2.0, 2.0)
    # Covered, C1 certainly fails: the share is exactly one of two.
    ctx = context(dataset(None))
    row = measure_frame(ctx, CommuneShare(scheme=DF)).frame.row(0, named=True)
    assert (row["lo"], row["hi"]) == (1.0, 1.0)


def test_a_comparison_counts_no_data_apart() -> None:
    mps = get_scheme("mps-recognition-2024")
    comparison = compare(dataset(("C2",)), DF, mps, ON)
    assert comparison.counts()["no_data"] == 1
    assert [u.unit_code for u in comparison.disagreements()] == [
        u.unit_code for u in comparison.units if u.difference in ("opposite", "undecided")
    ]
    (c1,) = [u for u in comparison.units if u.unit_code == "C1"]
    assert (c1.result_a, c1.result_b, c1.agree, c1.difference) == (
        "no_data",
        "no_data",
        False,
        "no_data",
    )


def test_a_recognised_unit_with_no_data_is_no_withdrawal_candidate() -> None:
    ds = dataset(("C2",), recognised=("C1", "C2"))
    options = ReportOptions(series=False, scheme=DF, recognition_year=2025)
    report = build_report(ds, ON, province=PROVINCE, options=options)
    (summary,) = [r for r in report.recognition if r.scope == PROVINCE]
    assert summary.recognised == 2 and summary.recognised_no_data == 1
    assert summary.withdrawal_candidates == ()
    assert summary.recognised_and_meeting == 1  # C2
    facts = " ".join(report_answer(report, "en").facts)
    assert "Of the recognised units, 1 has no data" in facts
    assert "không có dữ liệu" in " ".join(report_answer(report, "vi").facts)


def test_the_national_tables_are_registered_and_warned_about() -> None:
    needed = set().union(*(tables_needed(c.rule) for c in DF.criteria))
    assert {"drug_law_violations", "wanted_fugitives", "drug_use_locations"} <= needed
    people_only = {"units", "subjects", "residences", "status_periods", "rehab_episodes"}
    warned = {p.table for p in supply_warnings(people_only | {"custody_periods"}, [DF])}
    assert warned == {"drug_law_violations", "drug_use_locations", "wanted_fugitives"}
    # The units' reported drug-use locations stand in for a missing locations table.
    with_facts = supply_warnings(people_only | {"custody_periods", "unit_facts"}, [DF])
    assert "drug_use_locations" not in {p.table for p in with_facts}
    # A province scheme's commune share reads the commune-level scheme's tables.
    all_communes = qd28_provinces.ALL_COMMUNES
    warned = {p.table for p in supply_warnings(people_only, [all_communes])}
    assert {"drug_law_violations", "wanted_fugitives"} <= warned


def test_a_missing_finding_table_is_unknown_with_its_name() -> None:
    records = make_records([province(), commune("C1")], [], wanted_fugitives=[])
    unit = evaluate(build_dataset(records), DF, ON).unit("C1")
    reason = unit.criterion("DF.2a").result.reason
    assert str(reason) == "needs the drug_law_violations table, not supplied in the data"
    assert unit.verdict is Outcome.UNKNOWN
