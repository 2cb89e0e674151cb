"""The report builder: roadmap arithmetic, the merger rule, gaps, trend, indicators."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import re
import threading
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import polars as pl
import pytest
from conftest import OwnSchemes

import drugfree_core as dfc
from drugfree_core import engine
from drugfree_core._polars_pool import DISABLE_ENV
from drugfree_core.adminmap import official_code
from drugfree_core.dataset import Dataset
from drugfree_core.dataset.person_keys import KEY_DTYPE
from drugfree_core.engine import context, placement, pool_steps
from drugfree_core.engine.evaluate import quarantined_note, split_predecessor_note
from drugfree_core.engine.results import CriterionResult, RuleResult, UnitResult
from drugfree_core.i18n import Text, msg, record_lookups, render, use_lang
from drugfree_core.i18n.language import chosen_lang
from drugfree_core.model import (
    AdminUnit,
    Authority,
    FactKind,
    Provenance,
    UnitFact,
    UnitKind,
)
from drugfree_core.plugins import PluginHost, RoadmapRegistrar, hookimpl
from drugfree_core.plugins.territory import TerritoryIndex
from drugfree_core.reports import Report, ReportOptions, build_cases, build_report, runs
from drugfree_core.reports.export.answer import report_answer
from drugfree_core.reports.export.json_out import render_json
from drugfree_core.reports.gaps import closest_to_passing, unit_row
from drugfree_core.reports.indicators import measure_indicators
from drugfree_core.reports.model import MilestoneStatus, Progress, SeriesPoint
from drugfree_core.reports.notes import unplaced_scope_note, without_residence_note
from drugfree_core.reports.progress import judge
from drugfree_core.reports.provenance import FingerprintStopped, fingerprint
from drugfree_core.reports.quality import assess_quality
from drugfree_core.reports.side_work import SideWork
from drugfree_core.reports.suppress import suppress_small_counts
from drugfree_core.reports.trend import DAYS_PER_MONTH, least_squares_slope, period_ends
from drugfree_core.reports.views import Suppressed, report_views
from drugfree_core.rules.indicator import FactRatio, Indicator, IndicatorTarget
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.params import Period
from drugfree_core.rules.roadmap import NATIONAL, Milestone, Roadmap
from drugfree_core.samples import demo_path
from drugfree_core.synth import SynthConfig, generate
from drugfree_core.synth.config import NATIONAL_PROVINCES

AFTER = dt.date(2025, 12, 31)
AUGUST_24 = dt.date(2025, 8, 24)  # Decision 28/2025 in force


class _RoadmapPlugin:
    """A plugin object registering one roadmap."""

    DRUGFREE_HOOK_API = "1.1"

    def __init__(self, roadmap: Roadmap) -> None:
        self.roadmap = roadmap

    @hookimpl
    def drugfree_register_roadmaps(self, registrar: RoadmapRegistrar) -> None:
        registrar.add(self.roadmap)


def _roadmap_plugin(scope: str, share: Fraction, due: dt.date) -> _RoadmapPlugin:
    return _RoadmapPlugin(
        Roadmap(
            id=f"test-{scope}",
            scope=scope,
            scope_name=f"province {scope}",
            title_vi="Lộ trình thử",
            title_en="Test roadmap",
            milestones=(
                Milestone(due=due, share=share, citation="test", provenance=Provenance.INFERRED),
            ),
            citation="test",
            provenance=Provenance.INFERRED,
            effective_from=dt.date(2025, 7, 1),
        )
    )


@pytest.fixture(scope="module")
def official(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    """No units, no people, no coverage: the embedded official map, every unit no data.

    The finding tables are supplied empty, so that only coverage stands between the
    units and a verdict.
    """
    path = tmp_path_factory.mktemp("official") / "empty.json"
    path.write_text(
        '{"format": "drugfree-dataset/1", "drug_law_violations": [], '
        '"wanted_fugitives": [], "drug_use_locations": []}',
        encoding="utf-8",
    )
    return dfc.load(path)


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return dfc.load(demo_path())


def test_dataset_without_units_uses_the_official_map(official: Dataset) -> None:
    assert official.map_source is not None
    assert "vietnamadminunits" in official.map_source
    assert official.units.height > 13_000


NO_COVERAGE = ReportOptions(series=False, allow_no_coverage=True)


def test_hai_phong_30_percent_of_114_is_35(official: Dataset) -> None:
    host = PluginHost(
        plugins=[("hp", _roadmap_plugin("31", Fraction(30, 100), AFTER))], autoload=False
    )
    with pytest.raises(dfc.CoverageError, match="covers no unit of province 31"):
        build_report(official, AFTER, province="31", host=host, options=ReportOptions())
    report = build_report(official, AFTER, province="31", host=host, options=NO_COVERAGE)
    progress = report.overall
    assert progress.units_in_force == 114
    assert progress.required == 35  # 34.2 rounds up, never down
    # No data is never a pass: the map says which units exist, not what the data cover.
    assert (progress.meeting, progress.no_data, progress.covered) == (0, 114, 0)
    assert progress.gap == 35
    (milestone,) = progress.milestones
    assert milestone.status == "cannot_judge"  # the 114 uncovered units could reach 35
    assert (milestone.meeting_at_due, milestone.no_data_at_due) == (0, 114)


@pytest.mark.parametrize(
    ("meeting", "failing", "unknown", "no_data", "unplaced", "status"),
    [
        (5, 5, 0, 0, 0, "met"),
        (4, 6, 0, 0, 0, "missed"),
        (1, 0, 9, 0, 0, "cannot_judge"),  # the undecided units could all pass
        (1, 0, 0, 9, 0, "cannot_judge"),  # so could the uncovered ones
        (1, 5, 2, 2, 0, "cannot_judge"),  # 1 + 2 + 2 reaches 5
        (1, 6, 2, 1, 0, "missed"),  # 1 + 2 + 1 does not
        (5, 5, 0, 0, 1, "cannot_judge"),  # one unplaced person may undo a pass
    ],
)
def test_a_milestone_is_missed_only_when_no_undecided_unit_could_reach_it(
    meeting: int, failing: int, unknown: int, no_data: int, unplaced: int, status: str
) -> None:
    counts = runs.ScopeCounts(
        units=meeting + failing + unknown + no_data,
        meeting=meeting,
        failing=failing,
        unknown=unknown,
        no_data=no_data,
        unplaced=unplaced,
    )
    assert judge(5, counts) == status


def test_a_province_report_places_who_moved_to_another_province(tmp_path: Path) -> None:
    # Lived in Lai Châu (12), moved to Hải Phòng (31) in 2024: Lai Châu's report must not
    # count them as placed nowhere (its quality rows would show another province's person).
    managed = {
        "kind": "addict",
        "start": "2024-01-01",
        "has_management_record": True,
        "management_start": "2024-01-01",
        "support_provided": True,
    }
    mover = {
        "id": "MOVER01",
        "residences": [
            {"unit_code": "pre2025:03386", "start": "2019-01-01", "end": "2024-06-24"},
            {"unit_code": "pre2025:10507", "start": "2024-07-10", "end": "2025-06-30"},
            {"unit_code": "10507", "start": "2025-07-01"},
        ],
        "statuses": [managed],
        "tests": [{"date": "2025-09-01", "result": "positive"}],
    }
    document = {
        "format": "drugfree-dataset/1",
        "subjects": [mover],
        "coverage": [
            {"unit_code": code, "source_system": "test"}
            for code in ("12", "31", "pre2025:12", "pre2025:30", "pre2025:31")
        ],
    }
    path = tmp_path / "mover.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    dataset = dfc.load(path)
    options = ReportOptions(series=False, allow_no_coverage=True)
    for province, placed_nowhere in (("12", 0), ("31", 0)):
        report = build_report(dataset, dt.date(2025, 10, 1), province=province, options=options)
        assert report.quality.by_check().get("unplaced", 0) == placed_nowhere, province
        assert [q for q in report.quality.rows if q.unit_code is None and q.people] == []
    hai_phong = build_report(dataset, dt.date(2025, 10, 1), province="31", options=options)
    assert any(q.unit_code == "10507" and q.people == 1 for q in hai_phong.quality.rows)


def test_a_province_reports_the_quality_issues_of_its_own_units_only() -> None:
    # Its part of the data keeps the whole map: a unit of another province without a
    # population is that province's issue, not counted in this report's totals.
    data = generate(SynthConfig(seed=3, provinces=NATIONAL_PROVINCES[:2], subjects=300))
    no_population = pl.lit(None, dtype=data.units["resident_population"].dtype)
    data = attrs.evolve(
        data, units=data.units.with_columns(no_population.alias("resident_population"))
    )
    first = sorted(data.units.filter(pl.col("kind") == "province")["code"].to_list())[0]
    report = build_report(
        data, dt.date(2025, 12, 14), province=first, options=ReportOptions(series=False)
    )
    codes = {u.unit_code for u in report.units}
    assert all(i.unit_code is None or i.unit_code in codes for i in report.quality.issues)
    assert report.quality.by_check()["missing_population"] == len(codes)


def test_national_50_percent_of_3321_is_1661(official: Dataset) -> None:
    host = PluginHost(autoload=False)
    report = build_report(official, dt.date(2026, 1, 15), host=host, options=NO_COVERAGE)
    assert report.overall.units_in_force == 3321
    assert report.overall.no_data == 3321 and report.overall.meeting == 0
    due_2030 = [m for m in report.overall.milestones if m.due.year == 2030]
    assert [m.required for m in due_2030] == [1661]
    assert len(report.progress) == 34
    hai_phong = next(p for p in report.progress if p.scope == "31")
    assert hai_phong.units_in_force == 114
    assert hai_phong.roadmap_id == "national-2030"  # no plugin: the national target applies


def test_pre_reform_units_count_under_todays_province(official: Dataset) -> None:
    """Points before the merger add up the old communes of every province that merged."""
    host = PluginHost(autoload=False)
    report = build_report(
        official,
        AFTER,
        province="31",
        host=host,
        options=ReportOptions(
            series_start=dt.date(2025, 5, 1), every="month", allow_no_coverage=True
        ),
    )
    by_date = {p.on: p for p in report.series if p.scope == "31"}
    assert by_date[dt.date(2025, 7, 31)].units_in_force == 114
    # Old Hải Phòng and old Hải Dương communes merged into today's Hải Phòng.
    assert by_date[dt.date(2025, 5, 31)].units_in_force > 114
    assert all(p.share == 0.0 and p.no_data == p.units_in_force for p in by_date.values())


def test_a_successor_is_not_recognised_by_inheritance(demo: Dataset, demo_report: Report) -> None:
    report = demo_report
    with_predecessors = [u for u in report.units if u.predecessors is not None]
    assert with_predecessors, "the demo province has merged units"
    # Whatever the predecessors had, the verdict is the unit's own evaluation.
    evaluation = dfc.evaluate(demo, dfc.get_scheme("mps-recognition-2024"), dt.date(2025, 10, 1))
    for row in report.units:
        assert row.verdict == evaluation.unit(row.unit_code).verdict.value
    assert all(u.predecessors.on == dt.date(2025, 6, 30) for u in with_predecessors)  # type: ignore[union-attr]
    assert any("never inherited" in str(note) for note in report.notes)


def test_predecessor_counts_match_a_pre_reform_evaluation(
    demo: Dataset, demo_report: Report
) -> None:
    report = demo_report
    before = dfc.evaluate(demo, dfc.get_scheme("mps-recognition-2024"), dt.date(2025, 6, 30))
    for row in report.units:
        if row.predecessors is None:
            continue
        verdicts = [before.unit(code).verdict.value for code in row.predecessors.codes]
        assert row.predecessors.meeting == verdicts.count("pass")
        assert row.predecessors.total == len(verdicts)


def _unit(code: str, verdict: Outcome, failing: dict[str, int]) -> UnitResult:
    criteria = tuple(
        CriterionResult(
            criterion_id=cid,
            outcome=Outcome.FAIL,
            provenance="ARTICLE",
            result=RuleResult(
                id=cid,
                rule="AllSatisfy",
                outcome=Outcome.FAIL,
                description_en="every one of addicts: negative test within 30 days",
                description_vi="mọi người nghiện: xét nghiệm âm tính trong 30 ngày",
                failing_subjects=tuple(f"S{code}{i}" for i in range(n)),
            ),
        )
        for cid, n in failing.items()
    )
    return UnitResult(
        unit_code=code, unit_name=code, province_code="P", verdict=verdict, criteria=criteria
    )


def test_closest_ranks_by_failing_criteria_then_lack() -> None:
    rows = [
        unit_row(_unit("A", Outcome.FAIL, {"C1": 5}), "s"),
        unit_row(_unit("B", Outcome.FAIL, {"C1": 1, "C2": 1}), "s"),
        unit_row(_unit("C", Outcome.FAIL, {"C3": 2}), "s"),
        unit_row(_unit("D", Outcome.PASS, {}), "s"),
    ]
    assert [r.unit_code for r in closest_to_passing(rows, 10)] == ["C", "A", "B"]
    assert [r.unit_code for r in closest_to_passing(rows, 1)] == ["C"]
    (shortfall,) = rows[2].shortfalls
    assert shortfall.sentence("en") == "2 × addicts not meeting: negative test within 30 days"
    assert shortfall.sentence("vi") == "2 × người nghiện chưa đạt: xét nghiệm âm tính trong 30 ngày"


def test_closest_ranks_units_with_undecided_criteria_after_the_others() -> None:
    # A unit lacking one addict whose other criteria the data cannot decide may lack
    # much more: it comes after every unit whose criteria are all decided, and the
    # order holds otherwise (fewest failing criteria, then the smallest lack).
    undecided = CriterionResult(
        criterion_id="C9",
        outcome=Outcome.UNKNOWN,
        provenance="ARTICLE",
        result=RuleResult(id="C9", rule="AllSatisfy", outcome=Outcome.UNKNOWN),
    )

    def with_undecided(result: UnitResult) -> UnitResult:
        return attrs.evolve(result, criteria=(*result.criteria, undecided))

    rows = [
        unit_row(with_undecided(_unit("A", Outcome.FAIL, {"C1": 1})), "s"),
        unit_row(_unit("B", Outcome.FAIL, {"C1": 4, "C2": 1}), "s"),
        unit_row(with_undecided(_unit("C", Outcome.FAIL, {"C1": 3})), "s"),
        unit_row(_unit("D", Outcome.FAIL, {"C1": 9}), "s"),
    ]
    assert rows[0].unknown_criteria == ("C9",)
    assert [r.unit_code for r in closest_to_passing(rows, 10)] == ["D", "B", "A", "C"]
    assert [r.unit_code for r in closest_to_passing(rows, 2)] == ["D", "B"]


def _compare_unit(threshold: Text, observed: float, denominator: float | None = None) -> UnitResult:
    """A unit failing one criterion on a single comparison (a count's, without *denominator*)."""
    words = render(threshold, "en")
    node = RuleResult(
        id="C2.1",
        rule="Compare",
        outcome=Outcome.FAIL,
        description_en=f"number of locations {words}",
        description_vi=f"số địa điểm {words}",
        observed=observed,
        denominator=denominator,
        threshold=threshold,
    )
    return UnitResult(
        unit_code="X",
        unit_name="X",
        province_code="P",
        verdict=Outcome.FAIL,
        criteria=(
            CriterionResult(criterion_id="C2", outcome=Outcome.FAIL, provenance="A", result=node),
        ),
    )


@pytest.mark.parametrize(
    ("threshold", "observed", "count", "en", "vi"),
    [
        ("≤ 9", 12.0, 3, "beyond the limit", "vượt ngưỡng"),
        ("< 9", 9.0, 1, "beyond the limit", "vượt ngưỡng"),
        ("≥ 5", 2.0, 3, "short of the minimum", "chưa đạt mức tối thiểu"),
        ("> 5", 5.0, 1, "short of the minimum", "chưa đạt mức tối thiểu"),
        ("= 1", 0.0, 1, "off the required value", "chưa đúng giá trị yêu cầu"),
    ],
)
def test_a_shortfall_is_worded_by_the_direction_of_its_limit(
    threshold: str, observed: float, count: int, en: str, vi: str
) -> None:
    (shortfall,) = unit_row(_compare_unit(threshold, observed), "s").shortfalls
    shown = f"{observed:.0f}"
    assert shortfall.count == count
    assert not shortfall.people
    assert shortfall.sentence("en") == (
        f"{count} × {en}: number of locations {threshold} (now {shown})"
    )
    assert shortfall.sentence("vi") == f"{count} × {vi}: số địa điểm {threshold} (hiện {shown})"


def test_a_shortfalls_numbers_are_written_in_the_readers_language() -> None:
    (shortfall,) = unit_row(_compare_unit("≤ 9", 2009.0), "s").shortfalls
    assert shortfall.sentence("en").startswith("2,000 × beyond the limit")
    assert shortfall.sentence("en").endswith("(now 2,009)")
    assert shortfall.sentence("vi").startswith("2.000 × vượt ngưỡng")
    assert shortfall.sentence("vi").endswith("(hiện 2.009)")
    assert shortfall.sentence("vi", 5000) == shortfall.sentence("vi")  # a count is shown
    withheld = attrs.evolve(shortfall, count=None, observed=None)
    assert withheld.sentence("en", 1000) == "< 1,000 × beyond the limit: number of locations ≤ 9"
    assert withheld.sentence("vi", 1000).startswith("< 1.000 × vượt ngưỡng")
    fraction = attrs.evolve(shortfall, observed=12.5)
    assert fraction.sentence("vi").endswith("(hiện 12,5)")
    with use_lang("vi"):
        assert shortfall.sentence() == shortfall.sentence("vi")


def test_a_withheld_distance_is_bounded_only_over_a_maximum() -> None:
    # Over a maximum the distance is at most the measure's value, so "< K" is true; under
    # a minimum (or off a required value) it is not: 2 plants against ≥ 500 lack 498.
    for threshold, side, shown in (("≤ 0", "over", "< 5"), ("≥ 500", "under", "?")):
        (shortfall,) = unit_row(_compare_unit(threshold, 2.0), "s").shortfalls
        assert shortfall.side == side
        withheld = attrs.evolve(shortfall, count=None, observed=None)
        assert withheld.sentence("en", 5).startswith(f"{shown} × ")


def test_a_minimum_read_back_as_words_or_as_a_message_is_short_of_it() -> None:
    message = msg("{op} {value}", op="≥", value=5)  # as threshold_message makes it
    for threshold in (message, "≥ 5"):
        (shortfall,) = unit_row(_compare_unit(threshold, 3.0), "s").shortfalls
        assert (shortfall.count, shortfall.side) == (2, "under")
        assert shortfall.what_vi.startswith("chưa đạt mức tối thiểu: số địa điểm ≥ 5")


def test_a_rate_or_a_share_that_fails_is_a_criterion_not_met_not_a_distance() -> None:
    (shortfall,) = unit_row(_compare_unit("≥ 1", 0.4, denominator=5.0), "s").shortfalls
    assert (shortfall.count, shortfall.observed) == (1, None)
    assert shortfall.sentence("en") == "1 × criterion not met: number of locations ≥ 1"
    assert shortfall.sentence("vi") == "1 × chưa đạt tiêu chí: số địa điểm ≥ 1"


def test_a_rule_over_people_is_phrased_from_its_description_in_each_language() -> None:
    # The words around the people are read off the catalogue's description of the rule.
    (shortfall,) = unit_row(_unit("A", Outcome.FAIL, {"C1": 2}), "s").shortfalls
    assert shortfall.what_en == "addicts not meeting: negative test within 30 days"
    assert shortfall.what_vi == "người nghiện chưa đạt: xét nghiệm âm tính trong 30 ngày"
    # A description in another shape (a plugin's) keeps its words whole.
    unit = _unit("A", Outcome.FAIL, {"C1": 2})
    odd = attrs.evolve(
        unit.criteria[0].result, description_en="a custom check", description_vi="kiểm tra riêng"
    )
    unit = attrs.evolve(unit, criteria=(attrs.evolve(unit.criteria[0], result=odd),))
    (shortfall,) = unit_row(unit, "s").shortfalls
    assert (shortfall.what_en, shortfall.what_vi) == (
        "not meeting: a custom check",
        "chưa đạt: kiểm tra riêng",
    )


def test_cases_name_subjects_but_rows_do_not(demo: Dataset) -> None:
    on = dt.date(2025, 10, 1)
    host = PluginHost(autoload=False)
    report = build_report(demo, on, host=host, options=ReportOptions(series=False))
    cases = build_cases(demo, on, report, host=host)
    subject_ids = set(demo.subjects["id"].to_list())
    assert cases.cases and {c.subject_id for c in cases.cases} <= subject_ids
    assert not any(sid in repr(report.units) for sid in subject_ids)


def test_suppression_hides_small_people_counts(demo: Dataset) -> None:
    report = build_report(
        demo,
        dt.date(2025, 10, 1),
        host=PluginHost(autoload=False),
        options=ReportOptions(series=False, suppress_below=5),
    )
    assert report.provenance.suppression_threshold == 5
    for row in report.units:
        for s in row.shortfalls:
            assert s.count is None or not s.people or s.count == 0 or s.count >= 5
    for q in report.quality.rows:
        assert q.people is None or q.people == 0 or q.people >= 5
    for p in (report.overall, *report.progress):
        for count in (p.unplaced, p.without_residence):
            assert count is None or count == 0 or count >= 5


def test_suppression_withholds_small_counts_of_people_in_notes(demo_report: Report) -> None:
    # Notes count people too ("1 person living in a split predecessor may belong to this
    # unit"): a small count is said as "< K", in every language, and the bound beside
    # the scope's unplaced count no longer gives it back.
    unit = attrs.evolve(
        demo_report.units[0],
        notes=(split_predecessor_note(1), quarantined_note(3), split_predecessor_note(9)),
    )
    report = attrs.evolve(
        demo_report,
        units=(unit, *demo_report.units[1:]),
        notes=(
            unplaced_scope_note(2, 30, least=28),
            without_residence_note(4),
            msg("kept as it is"),
        ),
    )
    published = suppress_small_counts(report, 5)
    said = [render(note, "en") for note in (*published.units[0].notes, *published.notes)]
    assert said == [
        "< 5 people living in a split predecessor may belong to this unit",
        "< 5 quarantined records concern this unit",
        "9 people living in a split predecessor may belong to this unit",
        "< 5 people or records could not be placed in any unit: 30 units meet the criteria "
        "on the data, at least 26 wherever they belong.",
        "< 5 people have a status but no residence on the date; they are listed as unplaced "
        "(evaluate --format json), and since a covered unit's records are complete they are "
        "not counted in any unit.",
        "kept as it is",
    ]
    vietnamese = render(published.units[0].notes[0], "vi")
    assert vietnamese.startswith("< 5 người") and "1" not in vietnamese


def _standing(report: Report, *, meeting: int, unplaced: int, without: int) -> Report:
    """*report* whose scope has *meeting* units, *unplaced* and *without* people."""
    overall = report.overall
    required = meeting + 2
    least = max(0, meeting - unplaced)
    past = MilestoneStatus(
        due=dt.date(2025, 6, 30),
        share=Fraction(1, 10),
        required=1,
        status="met",
        meeting_at_due=meeting,
        projected_at_due=None,
        citation="",
        provenance="INFERRED",
        meeting_at_least_at_due=least,
    )
    standing = attrs.evolve(
        overall,
        units_in_force=meeting * 2,
        meeting=meeting,
        unplaced=unplaced,
        without_residence=without,
        basis="meeting",
        required=required,
        gap=max(0, required - least),
        milestones=(past,),
    )
    return attrs.evolve(report, overall=standing, progress=(standing,))


def test_suppression_withholds_small_counts_of_people_in_the_progress(
    demo_report: Report,
) -> None:
    # The progress table counts people too: those placed in no unit and those with no
    # residence. A small one is withheld, and the bound "at least N units meet" (meeting
    # less the unplaced), the gap counted from it and a past milestone's bound with it,
    # are said for any count below K.
    report = _standing(demo_report, meeting=30, unplaced=2, without=3)
    assert (report.overall.meeting_at_least, report.overall.gap) == (28, 4)
    published = suppress_small_counts(report, 5)
    for p in (published.overall, *published.progress):
        assert (p.unplaced, p.without_residence) == (None, None)
        assert (p.meeting_at_least, p.gap) == (26, 6)
        assert p.milestones[0].meeting_at_least_at_due == 26
    # Every way out of the report says the bound and "< 5", never 2, 28 or 3.
    doc = json.loads(render_json(published))
    (row,) = doc["progress"]
    assert (row["unplaced"], row["without_residence"], row["meeting_at_least"]) == (None, None, 26)
    (view,) = [v for v in report_views(published, "en") if v.name == "progress"]
    columns = [c.key for c in view.columns]
    cells = dict(zip(columns, view.rows[0], strict=True))
    assert cells["unplaced"] == cells["without_residence"] == Suppressed(5)
    assert (cells["meeting_at_least"], cells["gap"]) == (26, 6)
    facts = report_answer(published, "en").facts
    assert (
        "< 5 people or records could not be placed in any unit, so at least 26 units meet "
        "the criteria." in facts
    )
    said = report_answer(published, "vi").facts
    assert any(f.startswith("< 5 ") and "26" in f for f in said)
    assert not any(re.search(r"\b(2|28)\b", f) for f in (*facts, *said))


@pytest.mark.parametrize(("unplaced", "without"), [(0, 0), (7, 9)])
def test_suppression_keeps_zero_and_counts_of_k_or_more_in_the_progress(
    demo_report: Report, unplaced: int, without: int
) -> None:
    report = _standing(demo_report, meeting=30, unplaced=unplaced, without=without)
    published = suppress_small_counts(report, 5)
    assert published.overall == report.overall
    assert published.progress == report.progress


def test_a_progress_whose_unplaced_count_is_withheld_claims_no_more_than_its_bound() -> None:
    # Its unplaced count withheld below K: at least meeting - (K - 1) units; with no K,
    # at least none, never all.
    fields = {
        "scope": "P99",
        "name": "P",
        "scheme_ids": (),
        "roadmap_id": None,
        "roadmap_title_en": "",
        "roadmap_title_vi": "",
        "units_in_force": 10,
        "meeting": 6,
        "failing": 4,
        "unknown": 0,
        "next_due": None,
        "next_share": None,
        "required": None,
        "gap": None,
        "trend_per_month": None,
        "milestones": (),
    }
    assert Progress(**fields, unplaced=None).meeting_at_least == 0
    assert Progress(**fields, unplaced=None, unplaced_below=5).meeting_at_least == 2
    assert Progress(**fields, unplaced=2).meeting_at_least == 4
    assert Progress(**fields).meeting_at_least == 6


@pytest.fixture(scope="module")
def demo_report(demo: Dataset) -> Report:
    """The demo province's report on 1 Oct 2025, unsuppressed, without a series."""
    return build_report(
        demo,
        dt.date(2025, 10, 1),
        host=PluginHost(autoload=False),
        options=ReportOptions(series=False),
    )


@pytest.mark.parametrize(
    ("numerator", "denominator", "kept"),
    [
        (98, 100, (None, 100, None)),  # 2 people without: the complement is small
        (3, 100, (None, 100, None)),  # a small numerator, and the value that gives it back
        (3, 4, (None, None, None)),  # a small denominator is itself a count of people
        (50, 100, (50, 100, 0.5)),
        (0, 100, (0, 100, 0.0)),
        (100, 100, (100, 100, 1.0)),
    ],
)
def test_suppression_withholds_what_would_give_a_small_indicator_count_back(
    demo_report: Report, numerator: int, denominator: int, kept: tuple[object, ...]
) -> None:
    from drugfree_core.reports import suppress_small_counts

    report = demo_report
    (first, *_) = report.indicators
    measured = attrs.evolve(
        first, numerator=numerator, denominator=denominator, value=numerator / denominator
    )
    published = suppress_small_counts(attrs.evolve(report, indicators=(measured,)), 5)
    (shown,) = published.indicators
    assert (shown.numerator, shown.denominator, shown.value) == kept


@pytest.mark.parametrize(("observed", "kept"), [(3.0, (None, None)), (13.0, (4, 13.0))])
def test_suppression_withholds_a_small_measure_beyond_its_limit(
    demo_report: Report, observed: float, kept: tuple[object, ...]
) -> None:
    from drugfree_core.reports import suppress_small_counts
    from drugfree_core.reports.model import Shortfall

    report = demo_report
    limit = Shortfall(
        criterion_id="TH.C2",
        rule_id="TH.C2.count",
        count=4,
        people=False,
        what_en="beyond the limit: number of addicts ≤ 9",
        what_vi="vượt ngưỡng: số người nghiện ≤ 9",
        observed=observed,
    )
    row = attrs.evolve(report.units[0], shortfalls=(limit,), lack=4)
    published = suppress_small_counts(attrs.evolve(report, units=(row,)), 5)
    (shown,) = published.units[0].shortfalls
    assert (shown.count, shown.observed) == kept
    assert published.units[0].lack == (None if kept[0] is None else 4)
    sentence = shown.sentence("en", 5)
    assert ("(now 3)" not in sentence) and (kept[1] is None or "(now 13)" in sentence)


def test_period_ends_and_slope() -> None:
    assert period_ends(dt.date(2024, 1, 15), dt.date(2024, 3, 1), "month") == (
        dt.date(2024, 1, 31),
        dt.date(2024, 2, 29),
        dt.date(2024, 3, 31),
    )
    assert period_ends(dt.date(2024, 2, 1), dt.date(2024, 6, 30), "quarter") == (
        dt.date(2024, 3, 31),
        dt.date(2024, 6, 30),
    )
    points = [(dt.date(2025, 1, 1), 0.1), (dt.date(2025, 1, 11), 0.2)]
    assert least_squares_slope(points) == pytest.approx(0.01)
    assert least_squares_slope(points[:1]) is None


def test_trend_projects_milestones_ahead(demo: Dataset) -> None:
    report = build_report(
        demo,
        dt.date(2025, 10, 1),
        host=PluginHost(autoload=False),
        options=ReportOptions(series_start=dt.date(2025, 1, 1), every="month"),
    )
    ahead = [m for m in report.overall.milestones if m.due > dt.date(2025, 10, 1)]
    assert ahead and all(m.status in ("on_track", "off_track") for m in ahead)
    assert all(m.projected_at_due is not None for m in ahead)
    assert report.overall.trend_per_month is not None


def _with_rows(frame: pl.DataFrame, rows: list[tuple[object, ...]]) -> pl.DataFrame:
    return pl.concat([frame, pl.DataFrame(rows, schema=frame.schema, orient="row")])


@pytest.fixture(scope="module")
def unplaced_report(demo: Dataset) -> Report:
    """The demo province on 1 Oct 2025, two addicts left in a commune that ended unmerged.

    C00099 ended on 30 June 2025 without a successor: its two resident addicts are placed
    in no unit from 1 July, so 5 units pass but at least 3 meet the criteria, and 4 are
    required by 31 Dec 2025.
    """
    ended = dt.date(2025, 6, 30)
    people = ("X1", "X2")
    data = attrs.evolve(
        demo,
        units=_with_rows(demo.units, [("C00099", "Xã Thử", "commune", "D003", 1000, None, ended)]),
        coverage=_with_rows(demo.coverage, [("C00099", dt.date(2020, 1, 1), ended, "test")]),
        subjects=_with_rows(demo.subjects, [(x,) for x in people]),
        status_periods=_with_rows(
            demo.status_periods,
            [
                (x, "addict", dt.date(2024, 1, 1), None, True, dt.date(2024, 1, 1), None)
                for x in people
            ],
        ),
        residences=_with_rows(
            demo.residences, [(x, "C00099", dt.date(2023, 1, 1), None) for x in people]
        ),
    )
    return build_report(data, dt.date(2025, 10, 1), province="P99", host=PluginHost(autoload=False))


def test_a_milestone_ahead_is_projected_from_the_units_certainly_meeting(
    unplaced_report: Report,
) -> None:
    # Projected from the 5 passes it was "on track" (4.87 of 4), although only 3 units
    # certainly meet the criteria: the projection starts from those 3, along the trend of
    # the lower bound, and the 2 people not placed could still decide it.
    p = unplaced_report.overall
    assert (p.meeting, p.meeting_at_least, p.required, p.gap) == (5, 3, 4, 1)
    first = p.milestones[0]
    assert (first.due, first.required) == (dt.date(2025, 12, 31), 4)
    assert first.status == "cannot_judge"
    assert first.projected_at_due is not None and first.projected_at_due < 3
    assert all(m.status != "on_track" for m in p.milestones)
    # The trend is fitted to each point's lower bound, the last of which is 3 of 17.
    points = [(s.on, s.meeting_at_least / s.units_in_force) for s in unplaced_report.series]
    assert points[-1] == (dt.date(2025, 9, 30), 3 / 17)
    slope = least_squares_slope(points)
    assert slope is not None and p.trend_per_month is not None
    assert p.trend_per_month == pytest.approx(slope * DAYS_PER_MONTH * 17)
    line = next(f for f in report_answer(unplaced_report, "en").facts if "trend" in f)
    assert "it will be met:" not in line
    assert "at least 2.3 projected on the due date" in line
    assert "could change whether it will be met; 1 more is needed today." in line


@pytest.mark.parametrize(
    ("meeting", "unplaced", "unknown", "status", "projected"),
    [
        (5, 0, 1, "on_track", 5.0),
        (5, 2, 1, "cannot_judge", 3.0),  # the 2 people not placed could undo 2 passes
        (3, 0, 0, "off_track", 3.0),
        (3, 0, 1, "cannot_judge", 3.0),  # the undecided unit could pass
    ],
)
def test_a_projection_is_on_track_only_on_the_units_certainly_meeting(
    meeting: int, unplaced: int, unknown: int, status: str, projected: float
) -> None:
    from drugfree_core.reports.progress import reproject

    on, due = dt.date(2025, 10, 1), dt.date(2025, 12, 31)
    ahead = MilestoneStatus(
        due=due,
        share=Fraction(1, 5),
        required=4,
        status="unknown",
        meeting_at_due=None,
        projected_at_due=None,
        citation="",
        provenance="INFERRED",
    )
    fields: dict[str, Any] = {"meeting": meeting, "unplaced": unplaced, "unknown": unknown}
    progress = Progress(
        scope="P",
        name="P",
        scheme_ids=(),
        roadmap_id="r",
        roadmap_title_en="",
        roadmap_title_vi="",
        units_in_force=17,
        failing=17 - meeting - unknown,
        next_due=due,
        next_share=Fraction(1, 5),
        required=4,
        gap=None,
        trend_per_month=None,
        milestones=(ahead,),
        **fields,
    )
    # A flat trend: the same standing on two dates.
    series = [
        SeriesPoint(on=d, scope="P", units_in_force=17, failing=17 - meeting - unknown, **fields)
        for d in (dt.date(2025, 6, 30), dt.date(2025, 9, 30))
    ]
    (shown,) = reproject(progress, series, on).milestones
    assert (shown.status, shown.projected_at_due) == (status, pytest.approx(projected))


def test_a_withheld_count_of_unplaced_people_is_not_given_back_by_the_projection(
    unplaced_report: Report,
) -> None:
    # The projection and the trend start from the lower bounds: published below K, they
    # are worked out again on the published bound, whatever the count withheld.
    def told(unplaced: int) -> Report:
        def progress(p: Progress) -> Progress:
            return attrs.evolve(p, unplaced=unplaced)

        series = tuple(
            attrs.evolve(s, unplaced=unplaced if s.unplaced else 0) for s in unplaced_report.series
        )
        report = attrs.evolve(
            unplaced_report,
            overall=progress(unplaced_report.overall),
            progress=tuple(progress(p) for p in unplaced_report.progress),
            series=series,
        )
        return suppress_small_counts(report, 5)

    one, two, three = told(1), told(2), told(3)
    assert one.overall == two.overall == three.overall
    assert one.series == two.series == three.series
    assert two.overall.unplaced is None and two.series[-1].unplaced is None
    # Projected from the published bound: at least 5 - 4 = 1 unit meets the criteria.
    assert two.overall.meeting_at_least == 1
    doc = json.loads(render_json(two))
    assert doc["series"][-1]["meeting_at_least"] == 1
    assert doc["series"][-1]["unplaced"] is None


def test_a_date_with_no_scheme_in_force_counts_its_units_not_evaluated(demo: Dataset) -> None:
    # No scheme is in force on 1 June 2024: the 47 units in force are counted, said to be
    # not evaluated, and no share, gap or "no unit fails" is claimed of them.
    on = dt.date(2024, 6, 1)
    in_force = demo.units.filter(
        pl.col("kind").cast(pl.String).is_in(["commune", "ward", "town", "special_zone"])
        & (pl.col("valid_from").is_null() | (pl.col("valid_from") <= on))
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= on))
    ).height
    assert in_force == 47
    for national in (False, True):
        report = build_report(
            demo, on, national=national, host=PluginHost(autoload=False), options=NO_COVERAGE
        )
        for p in {report.overall, *report.progress}:
            assert (p.units_in_force, p.not_evaluated, p.meeting) == (47, 47, 0)
            assert (p.share, p.coverage, p.gap, p.covered) == (None, None, None, 0)
        answer = report_answer(report, "en")
        assert answer.headline.endswith("no commune-level unit was evaluated on this date.")
        assert (
            "47 of the 47 commune-level units in force were not evaluated on this date "
            "(the notes say why)." in answer.facts
        )
        assert answer.closest_note == (
            "No evaluated unit fails the criteria; 47 units were not evaluated."
        )
        (view,) = [v for v in report_views(report, "en") if v.name == "progress"]
        cells = dict(zip([c.key for c in view.columns], view.rows[-1], strict=True))
        assert (cells["units_in_force"], cells["not_evaluated"]) == (47, 47)
        assert cells["standing"] == "none of 47 evaluated (see the notes)"
        doc = json.loads(render_json(report))
        assert (doc["overall"]["not_evaluated"], doc["overall"]["share"]) == (47, None)


def _dossier_dataset(assigned: float | None) -> Dataset:
    units = [
        AdminUnit(
            code="pre2025:40",
            name="Tỉnh Nghệ An",
            kind=UnitKind.PROVINCE,
            valid_to=dt.date(2025, 6, 30),
        ),
        AdminUnit(
            code="pre2025:412",
            name="Huyện A",
            kind=UnitKind.DISTRICT,
            parent_code="pre2025:40",
            valid_to=dt.date(2025, 6, 30),
        ),
        *(
            AdminUnit(
                code=f"pre2025:1700{i}",
                name=f"Xã {i}",
                kind=UnitKind.COMMUNE,
                parent_code="pre2025:412",
                valid_to=dt.date(2025, 6, 30),
            )
            for i in (1, 2)
        ),
    ]
    # Half-year reports: six months to 30 June need them from 1 January.
    start, end = dt.date(2023, 1, 1), dt.date(2023, 6, 30)
    facts = [
        UnitFact(
            unit_code=f"pre2025:1700{i}",
            kind=FactKind.COMPULSORY_REHAB_DOSSIERS,
            period_start=start,
            period_end=end,
            value=done,
        )
        for i, done in ((1, 4.0), (2, 2.0))
    ]
    if assigned is not None:
        facts += [
            UnitFact(
                unit_code=f"pre2025:1700{i}",
                kind=FactKind.COMPULSORY_REHAB_DOSSIERS_ASSIGNED,
                period_start=start,
                period_end=end,
                value=assigned,
            )
            for i in (1, 2)
        ]
    return Dataset.from_records(units=units, unit_facts=facts)


DOSSIERS = Indicator(
    id="test.dossiers",
    title_vi="Hồ sơ",
    title_en="Dossiers",
    measure=FactRatio(
        numerator=FactKind.COMPULSORY_REHAB_DOSSIERS,
        denominator=FactKind.COMPULSORY_REHAB_DOSSIERS_ASSIGNED,
        lookback=Period(months=6),
    ),
    citation="test",
    provenance=Provenance.INFERRED,
    scope="40",
    target=IndicatorTarget(
        share=Fraction(3, 5), due=dt.date(2023, 6, 30), citation="t", provenance=Provenance.INFERRED
    ),
)


@pytest.mark.parametrize(
    ("assigned", "status", "value"),
    [(5.0, "met", 0.6), (6.0, "missed", 0.5), (None, "unknown", None)],
)
def test_fact_ratio_indicator_against_its_target(
    assigned: float | None, status: str, value: float | None
) -> None:
    dataset = _dossier_dataset(assigned)
    host = PluginHost(autoload=False)
    (result,) = measure_indicators(
        [(DOSSIERS, "test")],
        dataset,
        dt.date(2023, 6, 30),
        scope="pre2025:40",
        units=["pre2025:17001", "pre2025:17002"],
        shared=host.parameters(),
    )
    assert result.status == status
    assert result.value == (None if value is None else pytest.approx(value))


def test_a_fact_entered_twice_leaves_the_indicator_unknown() -> None:
    # The same period's record twice: one fact entered twice (4 done), or two parts (8).
    # Summing the least (4) would say "met" (6 of 10): the figure is not known.
    dataset = _dossier_dataset(5.0)
    records = dataset.to_records()
    again = attrs.evolve(records.unit_facts[0])
    twice = Dataset.from_records(units=records.units, unit_facts=[*records.unit_facts, again])
    host = PluginHost(autoload=False)
    (result,) = measure_indicators(
        [(DOSSIERS, "test")],
        twice,
        dt.date(2023, 6, 30),
        scope="pre2025:40",
        units=["pre2025:17001", "pre2025:17002"],
        shared=host.parameters(),
    )
    assert (result.status, result.numerator, result.value) == ("unknown", None, None)
    assert result.denominator == pytest.approx(10.0)


def test_an_indicator_of_another_province_is_not_measured() -> None:
    other = attrs.evolve(DOSSIERS, scope="31")
    assert (
        measure_indicators(
            [(other, "test")],
            _dossier_dataset(5.0),
            dt.date(2023, 6, 30),
            scope="pre2025:40",
            units=["pre2025:17001"],
        )
        == ()
    )


def test_unknown_province_is_a_clear_error(official: Dataset) -> None:
    with pytest.raises(dfc.UsageError, match="no commune-level unit of province 77"):
        build_report(official, AFTER, province="77", host=PluginHost(autoload=False))


@pytest.mark.parametrize(
    ("scheme_id", "said"),
    [
        # Its pass says a unit's level is decided: a type-III key complex area is one.
        ("qd28-2025-complex-areas", "ranks units into levels (type-I, type-II, type-III"),
        ("qd28-2025-provinces", "judges provinces"),
        ("qd28-2025-drug-free-province", "judges provinces"),
    ],
)
def test_a_report_refuses_a_scheme_whose_pass_is_not_meeting(
    demo: Dataset, scheme_id: str, said: str
) -> None:
    with pytest.raises(dfc.UsageError, match=re.escape(said)):
        ReportOptions(scheme=dfc.get_scheme(scheme_id))
    with pytest.raises(dfc.UsageError, match=re.escape(said)):
        runs.ScopeRunner(
            demo, PluginHost(), reference_date=AFTER, scope="*", scheme=dfc.get_scheme(scheme_id)
        )


def test_a_jurisdiction_naming_a_classification_is_refused(demo: Dataset) -> None:
    # A plugin's province applies the classification of key complex areas as its scheme:
    # its units would be counted as meeting whatever their type.
    own = OwnSchemes("qd28-2025-complex-areas", ["P99"])
    host = PluginHost(plugins=[("test-provinces", own)], autoload=False)
    with pytest.raises(dfc.UsageError, match="test-province-P99 ranks units into levels"):
        build_report(demo, AFTER, host=host, options=ReportOptions(series=False))


def test_demo_report_has_every_part(demo: Dataset, tmp_path: Path) -> None:
    report = build_report(demo, dt.date(2025, 10, 1), host=PluginHost(autoload=False))
    assert report.series and report.criteria and report.indicators and report.quality.rows
    assert len(report.provenance.dataset_fingerprint) == 64
    # from 24 Aug 2025 the national default is Art. 6 of Decision 28/2025
    assert report.provenance.schemes[0].id == "qd28-2025-drug-free"


def test_a_one_province_file_is_that_provinces_report(demo: Dataset) -> None:
    host = PluginHost(autoload=False)
    options = ReportOptions(series=False, generated_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    report = build_report(demo, AFTER, host=host, options=options)
    assert (report.provenance.scope, report.provenance.scope_name) == ("P99", "Tỉnh Sơn Hà")
    assert [p.scope for p in report.progress] == ["P99"] and report.overall.scope == "P99"
    assert build_report(demo, AFTER, province="P99", host=host, options=options) == report


def test_national_asks_for_the_nations_report_of_a_one_province_file(demo: Dataset) -> None:
    host = PluginHost(autoload=False)
    options = ReportOptions(series=False, generated_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    report = build_report(demo, AFTER, national=True, host=host, options=options)
    assert report.provenance.scope == "*" and report.overall.scope == "*"
    # every unit of the demo province is counted, and nothing beyond its data is claimed
    assert report.overall.units_in_force == 17 and report.overall.no_data == 0
    with pytest.raises(dfc.UsageError, match="not both"):
        build_report(demo, AFTER, province="P99", national=True, host=host, options=options)


def test_data_of_several_provinces_give_the_national_report(official: Dataset) -> None:
    report = build_report(official, AFTER, host=PluginHost(autoload=False), options=NO_COVERAGE)
    assert report.provenance.scope == "*"
    assert len(report.progress) == 34


def _report_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("drugfree-report")]


def test_side_work_is_the_reports_own_and_ends_with_it(
    demo: Dataset, demo_report: Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quality and fingerprint run beside the dates; the report is the same, no thread stays."""
    on = dt.date(2025, 10, 1)
    options = ReportOptions(series=False, generated_at=demo_report.provenance.generated_at)
    host = PluginHost(autoload=False)
    again = build_report(demo, on, host=host, options=options)
    assert again == demo_report
    assert again.quality.rows == demo_report.quality.rows
    assert not _report_threads()

    # The side work runs in the caller's context: its language, say.
    seen: list[str | None] = []

    def noting(dataset: Dataset, *, stop: threading.Event) -> str:
        seen.append(chosen_lang())
        return fingerprint(dataset, stop=stop)

    monkeypatch.setattr("drugfree_core.reports.build.fingerprint", noting)
    with use_lang("vi"):
        build_report(demo, on, host=host, options=options)
    assert seen == ["vi"]

    # An error on the side reaches the caller as it would have without the side thread.
    def broken(dataset: Dataset, *, stop: threading.Event) -> str:
        raise RuntimeError("fingerprint failed")

    monkeypatch.setattr("drugfree_core.reports.build.fingerprint", broken)
    with pytest.raises(RuntimeError, match="fingerprint failed"):
        build_report(demo, on, host=host, options=options)
    assert not _report_threads()


@pytest.fixture(scope="module")
def own_schemes() -> Dataset:
    """Lai Châu (12), Hải Phòng (31) and Thanh Hóa (38) on the real map, with few people."""
    chosen = tuple(p for p in NATIONAL_PROVINCES if p.code in {"12", "31", "38"})
    return generate(SynthConfig(provinces=chosen, subjects=2000, seed=7, official_map=True))


def _own_schemes_host() -> PluginHost:
    """Hải Phòng (31) and Thanh Hóa (38) apply the national scheme as their own."""
    own = OwnSchemes("qd28-2025-drug-free", ["31", "38"], authority=Authority.PROVINCIAL)
    return PluginHost(plugins=[("test-own-schemes", own)], autoload=False)


def test_schemes_evaluated_side_by_side_are_those_evaluated_in_turn(
    own_schemes: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A date's schemes run beside each other; the report is the one they give in turn."""
    on = dt.date(2025, 10, 1)
    options = ReportOptions(generated_at=dt.datetime(2025, 10, 2, tzinfo=dt.UTC))
    host = _own_schemes_host()
    beside = build_report(own_schemes, on, national=True, host=host, options=options)
    assert not _report_threads()
    schemes_per_date: list[int] = []

    def in_turn(works: list[Callable[[], object]], *, here: int) -> list[object]:
        schemes_per_date.append(len(works))
        return [work() for work in works]

    monkeypatch.setattr(runs, "side_by_side", in_turn)
    alone = build_report(own_schemes, on, national=True, host=host, options=options)
    assert schemes_per_date[0] == 3  # the reference date, then the series
    assert len(schemes_per_date) == 5
    assert beside == alone
    # The provinces' units under the national scheme too (worked out beside the series).
    assert {u.national_scheme_id for u in beside.units} == {None, "qd28-2025-drug-free"}


def _one_different_host() -> PluginHost:
    """Hải Phòng (31) and Thanh Hóa (38) adopt the national scheme; Lai Châu (12) differs.

    Lai Châu's copy has a parameter of its own, so it is evaluated on its own on every
    date, and its units also under the national scheme.
    """

    def counting_administrative_violations_out(scheme: dfc.Scheme) -> dfc.Scheme:
        counted = scheme.parameter("df.administrative_violations_count").at(dt.date(2025, 10, 1))
        return scheme.with_parameter(
            "df.administrative_violations_count", attrs.evolve(counted, value=False)
        )

    own = OwnSchemes("qd28-2025-drug-free", ["31", "38"], authority=Authority.PROVINCIAL)
    different = OwnSchemes(
        "qd28-2025-drug-free",
        ["12"],
        authority=Authority.PROVINCIAL,
        change=counting_administrative_violations_out,
    )
    return PluginHost(plugins=[("own", own), ("different", different)], autoload=False)


def test_schemes_with_the_same_verdicts_are_evaluated_once_where_verdicts_are_counted(
    own_schemes: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Provinces that adopt the national criteria as they stand share its evaluations.

    On the series' dates (verdicts counted only) their units go with the national
    scheme's, and their units' national verdicts beside their own are their own. The
    report is the one each scheme evaluated on its own gives.
    """
    on = dt.date(2025, 10, 1)
    options = ReportOptions(generated_at=dt.datetime(2025, 10, 2, tzinfo=dt.UTC))
    host = _one_different_host()
    ran: list[tuple[dt.date, str, int]] = []
    verdict_by_unit = runs.evaluate_verdict_by_unit
    evaluate_verdicts = engine.evaluate_verdicts

    def noting(data: Dataset, scheme: dfc.Scheme, on: dt.date, **kwargs: Any) -> Any:
        ran.append((on, scheme.id, len(kwargs["units"])))
        return verdict_by_unit(data, scheme, on, **kwargs)

    beside: list[tuple[str, int]] = []

    def noting_beside(data: Dataset, scheme: dfc.Scheme, on: dt.date, **kwargs: Any) -> Any:
        beside.append((scheme.id, len(kwargs["units"])))
        return evaluate_verdicts(data, scheme, on, **kwargs)

    monkeypatch.setattr(runs, "evaluate_verdict_by_unit", noting)
    monkeypatch.setattr("drugfree_core.reports.build.evaluate_verdicts", noting_beside)
    shared = build_report(own_schemes, on, national=True, host=host, options=options)
    # The series' date after the reform: Lai Châu's units on their own, the others'
    # together (the reference date's are whole evaluations, not noted here).
    lai_chau = sum(1 for u in shared.units if u.scheme_id == "test-province-12")
    assert 0 < lai_chau < len(shared.units)
    after = sorted((scheme == "test-province-12", n) for d, scheme, n in ran if d > AUGUST_24)
    assert after == [(False, len(shared.units) - lai_chau), (True, lai_chau)]
    # Beside their own verdicts, only Lai Châu's units are evaluated under the national
    # scheme again; the others' national verdicts are their own.
    assert beside == [("qd28-2025-drug-free", lai_chau)]
    by_scheme = {u.scheme_id: u for u in shared.units}
    assert by_scheme["test-province-31"].national_verdict == by_scheme["test-province-31"].verdict
    ran.clear()
    monkeypatch.setattr(runs, "same_verdicts", lambda *args: False)
    monkeypatch.setattr("drugfree_core.reports.build.same_verdicts", lambda *args: False)
    alone = build_report(own_schemes, on, national=True, host=host, options=options)
    assert {scheme for d, scheme, _ in ran if d == dt.date(2025, 9, 30)} == {
        "test-province-12",
        "test-province-31",
        "test-province-38",
    }
    assert shared == alone
    assert {u.national_scheme_id for u in shared.units} == {"qd28-2025-drug-free"}


def test_a_province_s_part_is_cut_once_for_its_scheme_the_national_beside_and_the_keys(
    own_schemes: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A province's part of the data is cut from the data once, on the reference date.

    The national verdicts beside Lai Châu's own read its part, and a monthly series (on
    person keys) reads each part given keys of its own. The report is the one made with
    the national verdicts read off the units' own people alone and every part cut
    afresh from the data it reads.
    """
    on = dt.date(2025, 10, 1)
    options = ReportOptions(generated_at=dt.datetime(2025, 10, 2, tzinfo=dt.UTC), every="month")
    host = _one_different_host()
    cut = Dataset.restrict_to_units
    cuts: list[tuple[int, pl.DataType]] = []

    def counting(data: Dataset, codes: Any, **kwargs: Any) -> Dataset:
        cuts.append((len(list(codes)), data.subjects.schema["id"]))
        return cut(data, codes, **kwargs)

    monkeypatch.setattr(Dataset, "restrict_to_units", counting)
    shared = build_report(own_schemes, on, national=True, host=host, options=options)
    # Two parts, each cut once, from the data on ids: the provinces whose schemes cover
    # fewer units (the scheme over most units reads the whole data). The keys' copy of
    # the data is never cut.
    assert len(cuts) == 2
    assert {t for _, t in cuts} == {pl.String()}
    assert {u.national_scheme_id for u in shared.units} == {"qd28-2025-drug-free"}
    assert any(u.national_verdict is not None for u in shared.units if u.scheme_id.endswith("12"))
    # As before: the national verdicts of the units' own people, every part cut afresh.
    monkeypatch.setattr(runs.ScopeRunner, "part_for", _units_alone)
    monkeypatch.setattr(runs.ScopeRunner, "_part", _cut_afresh_from)
    assert build_report(own_schemes, on, national=True, host=host, options=options) == shared
    assert len(cuts) > 2 and KEY_DTYPE in {t for _, t in cuts}


def test_the_unit_results_are_built_after_the_work_beside_them_has_started(
    own_schemes: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reference date's rule trees are built once, on the report's thread, when read.

    Building them is Python's work alone: the quality assessment, the national verdicts
    beside and the indicators are given to the worker first, so that their queries fill
    the other core meanwhile.
    """
    on = dt.date(2025, 10, 1)
    options = ReportOptions(generated_at=dt.datetime(2025, 10, 2, tzinfo=dt.UTC))
    events: list[str] = []
    start = SideWork.start
    built = runs.ScopeRun.results

    def starting(side: SideWork, work: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        events.append(getattr(work, "__name__", "?"))
        return start(side, work, *args, **kwargs)

    def reading(run: runs.ScopeRun) -> Any:
        if threading.current_thread() is not threading.main_thread():
            events.append("read beside")  # the worker never reads them
        elif run.evaluations and not run._results:
            events.append("results")
        return built.fget(run)  # type: ignore[attr-defined]

    monkeypatch.setattr(SideWork, "start", starting)
    monkeypatch.setattr(runs.ScopeRun, "results", property(reading))
    report = build_report(
        own_schemes, on, national=True, host=_one_different_host(), options=options
    )
    assert events.count("results") == 1 and "read beside" not in events
    before = events[: events.index("results")]
    assert {"assess_quality", "_national_beside", "measure_indicators"} <= set(before)
    assert any(u.national_verdict is not None for u in report.units)


def _units_alone(runner: runs.ScopeRunner, codes: list[str]) -> Dataset:
    """The people of *codes* alone (and of their predecessors), as the data give them."""
    return runner.dataset.restrict_to_units(codes, people="own", whole_map=True)


def _cut_afresh_from(runner: runs.ScopeRunner, codes: list[str], data: Dataset) -> Dataset:
    """The part of *data* for the provinces of *codes*, cut again (ids or keys alike)."""
    provinces = frozenset(official_code(runner.home_province(c)) for c in codes)
    return data.restrict_to_units(runner._communes_at_home(provinces), people="own", whole_map=True)


def test_a_part_of_the_data_is_evaluated_as_one_step_on_polars_pool(
    own_schemes: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An evaluation over a province's part of the data runs as one step on polars' pool.

    Its many small queries then run at once, not queued one by one behind those of the
    evaluation over the whole data beside it, which stays on its thread. The report is
    the one made with every step on its caller (``DRUGFREE_DISABLE_POOL_STEPS``).
    """
    on = dt.date(2025, 10, 1)
    options = ReportOptions(generated_at=dt.datetime(2025, 10, 2, tzinfo=dt.UTC))
    host = _one_different_host()
    monkeypatch.delenv(DISABLE_ENV, raising=False)
    in_step: contextvars.ContextVar[bool] = contextvars.ContextVar("in_step", default=False)
    on_polars_pool = pool_steps.on_polars_pool
    callers: set[int] = set()
    workers: set[int] = set()

    def marking(work: Callable[[], Any]) -> Any:
        callers.add(threading.get_ident())

        def marked() -> Any:
            workers.add(threading.get_ident())
            in_step.set(True)  # in the step's own copy of the context
            return work()

        return on_polars_pool(marked)

    ran: list[tuple[dt.date, str, int, bool]] = []
    beside: list[bool] = []
    evaluate, verdict_by_unit = runs.evaluate, runs.evaluate_verdict_by_unit
    evaluate_verdicts = engine.evaluate_verdicts

    def noting(evaluated: Callable[..., Any]) -> Callable[..., Any]:
        def run(data: Dataset, scheme: dfc.Scheme, on: dt.date, **kwargs: Any) -> Any:
            ran.append((on, scheme.id, len(kwargs["units"]), in_step.get()))
            return evaluated(data, scheme, on, **kwargs)

        return run

    def noting_beside(data: Dataset, scheme: dfc.Scheme, on: dt.date, **kwargs: Any) -> Any:
        beside.append(in_step.get())
        return evaluate_verdicts(data, scheme, on, **kwargs)

    monkeypatch.setattr(pool_steps, "on_polars_pool", marking)
    monkeypatch.setattr(runs, "evaluate", noting(evaluate))
    monkeypatch.setattr(runs, "evaluate_verdict_by_unit", noting(verdict_by_unit))
    monkeypatch.setattr("drugfree_core.reports.build.evaluate_verdicts", noting_beside)
    stepped = build_report(own_schemes, on, national=True, host=host, options=options)
    units_on: dict[dt.date, int] = {}
    for date, _, n, _ in ran:
        units_on[date] = units_on.get(date, 0) + n
    # A part is cut for a scheme over fewer than half the date's units (ScopeRunner).
    assert [step for *_, step in ran] == [n * 2 < units_on[d] for d, _, n, _ in ran]
    assert {step for *_, step in ran} == {True, False}
    assert beside == [True]  # Lai Châu's units under the national scheme, on their part
    assert workers and not workers & callers  # on polars' own threads
    monkeypatch.setenv(DISABLE_ENV, "1")
    on_callers = build_report(own_schemes, on, national=True, host=host, options=options)
    assert stepped == on_callers
    assert not _report_threads()


def test_a_scheme_beside_runs_in_the_callers_context_and_its_error_reaches_it(
    own_schemes: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    on = dt.date(2025, 10, 1)
    options = ReportOptions(series=False)
    host = _own_schemes_host()
    seen: dict[str, tuple[str | None, bool]] = {}
    evaluate, verdict_by_unit = runs.evaluate, runs.evaluate_verdict_by_unit

    def note(scheme: dfc.Scheme) -> None:
        here = threading.current_thread() is threading.main_thread()
        seen[scheme.id] = (chosen_lang(), here)

    def noting(data: Dataset, scheme: dfc.Scheme, *args: Any, **kwargs: Any) -> Any:
        note(scheme)
        return evaluate(data, scheme, *args, **kwargs)

    def noting_verdicts(data: Dataset, scheme: dfc.Scheme, *args: Any, **kwargs: Any) -> Any:
        note(scheme)  # the day before the reform: its verdicts only
        return verdict_by_unit(data, scheme, *args, **kwargs)

    monkeypatch.setattr(runs, "evaluate", noting)
    monkeypatch.setattr(runs, "evaluate_verdict_by_unit", noting_verdicts)
    with use_lang("vi"):
        build_report(own_schemes, on, national=True, host=host, options=options)
    # Every scheme in the caller's language. Thanh Hóa's 166 units on this thread, the
    # others beside it (or taken back by this thread, see test_side_work.py); the day
    # before the reform (for the predecessors) has one scheme, on this thread.
    assert {scheme_id: lang for scheme_id, (lang, _) in seen.items()} == {
        "mps-recognition-2024": "vi",
        "test-province-38": "vi",
        "test-province-31": "vi",
        "qd28-2025-drug-free": "vi",
    }
    assert seen["test-province-38"][1]
    assert seen["mps-recognition-2024"][1]

    def failing(data: Dataset, scheme: dfc.Scheme, *args: Any, **kwargs: Any) -> dfc.Evaluation:
        if scheme.id == "test-province-31":
            raise RuntimeError("evaluation failed")
        return evaluate(data, scheme, *args, **kwargs)

    monkeypatch.setattr(runs, "evaluate", failing)
    with pytest.raises(RuntimeError, match="evaluation failed"):
        build_report(own_schemes, on, national=True, host=host, options=options)
    assert not _report_threads()


def test_a_report_that_cannot_start_leaves_no_side_work(
    official: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report refused for lack of coverage never starts the quality assessment."""
    started: list[object] = []
    monkeypatch.setattr(
        "drugfree_core.reports.build.assess_quality", lambda *a, **k: started.append(a)
    )
    with pytest.raises(dfc.CoverageError):
        build_report(official, dt.date(2025, 10, 1), national=True)
    assert started == []
    assert not _report_threads()


@pytest.mark.parametrize("every", ["quarter", "month"])
def test_a_report_that_cannot_start_stops_its_fingerprint(
    official: Dataset, monkeypatch: pytest.MonkeyPatch, every: str
) -> None:
    """The fingerprint starts with the reference date (after a monthly series' person
    keys); a refused report stops it, and leaves no thread behind."""
    stopped: list[bool] = []

    def fingerprint_until_stopped(dataset: Dataset, *, stop: threading.Event) -> str:
        stopped.append(stop.wait(timeout=10))  # the report waits for this to return
        raise FingerprintStopped

    monkeypatch.setattr("drugfree_core.reports.build.fingerprint", fingerprint_until_stopped)
    with pytest.raises(dfc.CoverageError):
        build_report(
            official, dt.date(2025, 10, 1), national=True, options=ReportOptions(every=every)
        )
    # (or never started: refused before the worker took it, which is no wait either)
    assert stopped in ([True], [])
    assert not _report_threads()


def test_a_stopped_fingerprint_gives_up(demo: Dataset) -> None:
    stop = threading.Event()
    value = fingerprint(demo, stop=stop)
    assert value == fingerprint(demo)
    stop.set()
    with pytest.raises(FingerprintStopped):
        fingerprint(demo, stop=stop)


def test_a_kept_shortfall_phrase_is_still_looked_up_while_lookups_are_recorded() -> None:
    unit = _compare_unit("≤ 9", 12.0)
    first = unit_row(unit, "s")  # renders the phrases and keeps them
    with record_lookups() as log:
        again = unit_row(unit, "s")
    assert again == first
    assert ("vi", None, "beyond the limit: {rule}") in log.translated


def test_the_quality_assessment_reads_the_reference_dates_placements(
    demo: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The people are placed on the report's date once: by its evaluation, whose copy of
    # the data the quality assessment then reads (the same placements, not derived again).
    on = dt.date(2025, 10, 1)
    placed: list[dt.date] = []
    place = context.place_people

    def counted(dataset: Dataset, date: dt.date, *args: Any) -> Any:
        placed.append(date)
        return place(dataset, date, *args)

    monkeypatch.setattr(context, "place_people", counted)
    report = build_report(
        demo, on, host=PluginHost(autoload=False), options=ReportOptions(series=False)
    )
    assert placed.count(on) == 1
    alone = assess_quality(demo, on, extracted=max(on, report.provenance.generated_at.date()))
    assert report.quality.rows == alone.rows


def test_units_and_their_provinces_are_worked_out_once_per_territory_era(
    own_schemes: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two dates with the same units in force look their provinces up once; a new era again.

    With a scheme given, the units' provinces on the date are not needed (as before the
    cache): a unit whose province could not be told does not stop such a report.
    """
    asked: list[str] = []
    province_of = TerritoryIndex.province_of

    def counting(index: TerritoryIndex, code: str, on: dt.date) -> str:
        asked.append(code)
        return province_of(index, code, on)

    monkeypatch.setattr(TerritoryIndex, "province_of", counting)
    on = dt.date(2025, 10, 1)
    runner = runs.ScopeRunner(own_schemes, _own_schemes_host(), reference_date=on, scope=NATIONAL)
    before = [dt.date(2025, 3, 31), dt.date(2025, 6, 30)]  # one era: before the reform
    assert placement.territory_era(own_schemes, before[0]) == placement.territory_era(
        own_schemes, before[1]
    )
    runner.run(before[0])
    first = len(asked)
    assert first >= len(runner.units_on(before[0])) > 0
    runner.run(before[1])
    assert len(asked) == first  # the same era: nothing looked up again
    runner.run(on)  # after the reform: its own units, looked up
    assert len(asked) > first
    # The same verdicts as a runner that starts with the later date (nothing carried over).
    again = runs.ScopeRunner(own_schemes, _own_schemes_host(), reference_date=on, scope=NATIONAL)
    assert again.run(before[1]).verdicts == runner.run(before[1]).verdicts

    def no_provinces(runner: runs.ScopeRunner, on: dt.date) -> Any:
        raise AssertionError("the units' provinces were looked up")

    monkeypatch.setattr(runs.ScopeRunner, "_units_with_provinces", no_provinces)
    scheme = dfc.get_scheme("qd28-2025-drug-free")
    given = runs.ScopeRunner(
        own_schemes, _own_schemes_host(), reference_date=on, scope=NATIONAL, scheme=scheme
    )
    assert {s.id for s, _ in given.run(on).verdicts.values()} == {scheme.id}


def test_a_trend_fitted_across_the_merger_says_so(demo: Dataset) -> None:
    # On 15 Aug 2025 the default series (quarter ends) has no point since the merger of
    # 1 July: the trend can only be fitted to the communes before it, and must say so.
    report = build_report(
        demo, dt.date(2025, 8, 15), province="P99", host=PluginHost(autoload=False)
    )
    p = report.overall
    assert [s.on for s in report.series][-1] == dt.date(2025, 6, 30)
    assert p.trend_per_month is not None
    assert p.trend_across == dt.date(2025, 7, 1)
    facts = report_answer(report, "en").facts
    assert any("fitted across the merger of communes" in f and "2025-07-01" in f for f in facts)
    (view,) = [v for v in report_views(report, "en") if v.name == "progress"]
    column = [c.key for c in view.columns].index("trend_across")
    assert {row[column] for row in view.rows} == {dt.date(2025, 7, 1)}


def test_a_trend_on_points_since_the_last_break_is_not_flagged(demo: Dataset) -> None:
    # Monthly points from January: two since the criteria changed (31 Aug, 30 Sep 2025).
    report = build_report(
        demo,
        dt.date(2025, 10, 1),
        province="P99",
        host=PluginHost(autoload=False),
        options=ReportOptions(series_start=dt.date(2025, 1, 1), every="month"),
    )
    assert report.overall.trend_per_month is not None
    assert report.overall.trend_across is None
    assert not any("fitted across" in f for f in report_answer(report, "en").facts)


def test_a_trend_after_a_change_of_criteria_names_its_first_point(unplaced_report: Report) -> None:
    # Quarter ends: 30 Jun 2025 judged by the 2024 criteria, 30 Sep by Decision 28's; one
    # point since the change, so the trend is fitted across it.
    p = unplaced_report.overall
    assert p.trend_per_month is not None
    assert p.trend_across == dt.date(2025, 9, 30)
