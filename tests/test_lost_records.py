"""Valid facts and findings recorded in a unit that leads nowhere are counted, not dropped.

A violation, a wanted fugitive, a drug-use location or a unit fact recorded in a unit
that ended without a successor counts for no unit in force. Dropped, it could only make
some unit look better; so one that a rule counts on the date (inside its look-back
window) is counted as *unplaced anywhere*, like a person living in such a unit: each may
turn one passing unit into a failing one (see :mod:`drugfree_core.engine.placement`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
from conftest import OwnSchemes, build_dataset, make_records
from hypothesis import given, settings
from oracle import oracle_evaluate
from strategies_core import QD28_START, Case, cases, schemes
from test_engine_oracle import DRUG_FREE, dataset_of

from drugfree_core import api
from drugfree_core.cli.output import summary_text
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine import evaluate
from drugfree_core.engine.evaluate import evaluate_verdict_by_unit, lost_records
from drugfree_core.engine.results import Evaluation, LostRecord
from drugfree_core.explanation import explain_unit
from drugfree_core.model import (
    AdminUnit,
    FactKind,
    LineageLink,
    Provenance,
    Residence,
    Subject,
    UnitFact,
    UnitKind,
)
from drugfree_core.model.enums import LocationBasis, LocationKind, UnitLevel, ViolationKind
from drugfree_core.model.events import DrugLawViolation, DrugUseLocation, WantedFugitive
from drugfree_core.plugins.host import PluginHost
from drugfree_core.reports.runs import ScopeRunner
from drugfree_core.rules import primitives as p
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.params import Window
from drugfree_core.rules.scheme import Criterion, Scheme

ON = dt.date(2025, 10, 1)  # its assessment period runs from 15 December 2024
ENDED = dt.date(2025, 6, 30)  # the last day of X, which has no successor
INSIDE = dt.date(2025, 5, 1)
BEFORE = dt.date(2024, 11, 1)  # before every window read on ON
PLANTS = FactKind.NARCOTIC_PLANTS_COUNT


def criterion(cid: str, rule: Any) -> Criterion:
    return Criterion(
        id=cid,
        title_vi=cid,
        title_en=cid,
        rule=rule,
        citation="test",
        provenance=Provenance.INFERRED,
    )


def scheme(level: UnitLevel = UnitLevel.COMMUNE_LEVEL) -> Scheme:
    """Five criteria over the findings and a fact; two of them read the violations."""
    latest = p.FactLatest(kind=PLANTS, lookback=Window.ASSESSMENT_PERIOD)
    by_reference_date = p.ResidentViolations()
    by_violation_date = p.ResidentViolations(residence=p.ResidenceRule.VIOLATION_DATE)
    return Scheme(
        id=f"lost-{level.value}",
        version="1",
        title_vi="Thử",
        title_en="Test",
        criteria=(
            criterion("V", p.Compare(by_reference_date, p.Op.LE, 0)),
            criterion("W", p.Compare(by_violation_date, p.Op.LE, 0)),
            criterion("L", p.Compare(p.DrugUseLocations(), p.Op.LE, 0)),
            criterion("F", p.Compare(p.WantedFugitives(), p.Op.LE, 0)),
            criterion("T", p.Compare(latest, p.Op.LE, 0)),
        ),
        unit_level=level,
    )


def province(code: str) -> AdminUnit:
    return AdminUnit(code=code, name=f"Tỉnh {code}", kind=UnitKind.PROVINCE)


def commune(code: str, parent: str = "P1", **dates: dt.date) -> AdminUnit:
    return AdminUnit(
        code=code,
        name=f"Xã {code}",
        kind=UnitKind.COMMUNE,
        parent_code=parent,
        resident_population=1_000,
        **dates,
    )


def plants(unit: str, last: dt.date, value: float = 0) -> UnitFact:
    first = last - dt.timedelta(days=30)
    return UnitFact(unit_code=unit, kind=PLANTS, period_start=first, period_end=last, value=value)


def findings(unit: str, day: dt.date) -> dict[str, list[Any]]:
    """A violation (by a resident of A), a drug-use location and a fugitive in *unit*."""
    return {
        "drug_law_violations": [
            DrugLawViolation(subject_id="s1", unit_code=unit, date=day, kind=ViolationKind.CRIME)
        ],
        "drug_use_locations": [
            DrugUseLocation(
                id="L1",
                unit_code=unit,
                kind=LocationKind.PLACE,
                basis=LocationBasis.SUSPECTED,
                identified_on=day,
                closed_on=day + dt.timedelta(days=1),
            )
        ],
        "wanted_fugitives": [
            # Read on the reference date alone: still hiding there then, when *day* is INSIDE.
            WantedFugitive(id="F1", unit_code=unit, start=day, end=day + dt.timedelta(days=200))
        ],
    }


def dataset_with(
    unit: str,
    day: dt.date,
    *,
    units: Sequence[AdminUnit] = (),
    lineage: Sequence[LineageLink] = (),
) -> tuple[Any, Dataset]:
    """A passing commune A, and a fact and three findings recorded in *unit* on *day*."""
    everyone = [province("P1"), commune("A"), commune("X", valid_to=ENDED), *units]
    resident = Subject(id="s1", residences=(Residence(unit_code="A", start=dt.date(2020, 1, 1)),))
    facts = [plants("A", dt.date(2025, 9, 30)), plants(unit, day, value=5)]
    records = make_records(everyone, [resident], lineage, facts, **findings(unit, day))
    return records, build_dataset(records)


def lost_of(evaluation: Evaluation) -> set[tuple[str, int]]:
    return {(r.table, r.row) for r in evaluation.lost_records}


EVERY_TABLE = {
    ("unit_facts", 1),
    ("drug_law_violations", 0),
    ("drug_use_locations", 0),
    ("wanted_fugitives", 0),
}


def test_records_in_a_unit_gone_nowhere_are_counted_once_each() -> None:
    records, dataset = dataset_with("X", INSIDE)
    chosen = scheme()
    evaluation = evaluate(dataset, chosen, ON)
    # Each record counts for no unit: A passes, but it may be theirs.
    assert evaluation.verdict_by_unit == {"A": Outcome.PASS}
    assert not evaluation.unplaced and not evaluation.undetermined
    # The violation is read by two criteria, and counted once.
    assert lost_of(evaluation) == EVERY_TABLE
    assert {r.unit_code for r in evaluation.lost_records} == {"X"}
    assert evaluation.unplaced_anywhere == 4
    assert lost_of(evaluation) == oracle_evaluate(records, chosen, ON).lost
    # Said as a range, and on the passing unit's explanation.
    summary = summary_text(evaluation, "en")
    assert "so fewer units may pass: pass 1, at least 0" in summary
    assert "4 records in units that lead to no unit in force" in summary
    explained = explain_unit(evaluation.unit("A"), evaluation, chosen, "en")
    assert "4 people or records of the dataset, which may belong to this unit" in explained


def test_records_outside_every_window_concern_no_verdict() -> None:
    records, dataset = dataset_with("X", BEFORE)
    chosen = scheme()
    evaluation = evaluate(dataset, chosen, ON)
    assert evaluation.verdict_by_unit == {"A": Outcome.PASS}
    assert evaluation.lost_records == () and evaluation.unplaced_anywhere == 0
    assert oracle_evaluate(records, chosen, ON).lost == frozenset()


def test_a_window_counts_only_the_records_inside_it() -> None:
    # A year back from the date reaches the violation of 1 November 2024; the
    # assessment period (from 15 December) does not.
    records, dataset = dataset_with("X", BEFORE)
    year = p.ResidentViolations(window=p.Period(years=1))
    chosen = Scheme(
        id="lost-window",
        version="1",
        title_vi="Thử",
        title_en="Test",
        criteria=(criterion("Y", p.Compare(year, p.Op.LE, 0)),),
    )
    evaluation = evaluate(dataset, chosen, ON)
    assert lost_of(evaluation) == {("drug_law_violations", 0)}
    assert evaluation.unplaced_anywhere == 1
    assert lost_of(evaluation) == oracle_evaluate(records, chosen, ON).lost


def test_a_split_unit_s_records_are_ambiguous_not_lost() -> None:
    # S split into A and B: its records may be either's (they are downgraded), not lost.
    split = [commune("B"), commune("S", valid_to=ENDED)]
    links = [
        LineageLink(predecessor_code="S", successor_code=code, effective=ENDED + dt.timedelta(1))
        for code in ("A", "B")
    ]
    records, dataset = dataset_with("S", INSIDE, units=split, lineage=links)
    chosen = scheme()
    evaluation = evaluate(dataset, chosen, ON)
    assert evaluation.lost_records == () and evaluation.unplaced_anywhere == 0
    assert oracle_evaluate(records, chosen, ON).lost == frozenset()


def test_a_unit_evaluated_alone_counts_the_whole_dataset_s_lost_records() -> None:
    _, dataset = dataset_with("X", INSIDE)
    chosen = scheme()
    whole = evaluate(dataset, chosen, ON)
    unit, alone = api.evaluate_unit(dataset, chosen, ON, "A")
    assert unit.verdict is Outcome.PASS
    # Its part of the data holds none of them: they are found in the whole dataset,
    # at their rows there.
    assert alone.lost_records == whole.lost_records
    assert alone.unplaced_anywhere == whole.unplaced_anywhere == 4
    assert lost_records(dataset, chosen, ON) == whole.lost_records
    assert "4 people or records" in api.explain(dataset, chosen, ON, "A", lang="en")


def test_provinces_count_the_same_lost_records() -> None:
    records, dataset = dataset_with("X", INSIDE)
    chosen = scheme(UnitLevel.PROVINCE)
    evaluation = evaluate(dataset, chosen, ON)
    assert evaluation.verdict_by_unit == {"P1": Outcome.PASS}
    assert lost_of(evaluation) == EVERY_TABLE == oracle_evaluate(records, chosen, ON).lost


def test_verdicts_alone_give_the_same_lost_records() -> None:
    _, dataset = dataset_with("X", INSIDE)
    chosen = scheme()
    found: list[LostRecord] = []
    assert evaluate_verdict_by_unit(dataset, chosen, ON, lost=found) == {"A": Outcome.PASS}
    assert tuple(found) == evaluate(dataset, chosen, ON).lost_records


def two_provinces() -> Dataset:
    """P1 (three communes, and X gone) and P2 (B, and Y gone); a violation in X and Y."""
    units = [
        province("P1"),
        province("P2"),
        *(commune(code) for code in ("A1", "A2", "A3")),
        commune("X", valid_to=ENDED),
        commune("B", "P2"),
        commune("Y", "P2", valid_to=ENDED),
    ]
    resident = Subject(id="s1", residences=(Residence(unit_code="A1", start=dt.date(2020, 1, 1)),))
    violations = [
        DrugLawViolation(subject_id="s1", unit_code=code, date=INSIDE, kind=ViolationKind.CRIME)
        for code in ("X", "Y")
    ]
    records = make_records(units, [resident], drug_law_violations=violations)
    return build_dataset(records)


def test_a_report_range_counts_each_lost_record_in_its_province() -> None:
    dataset = two_provinces()
    host = PluginHost(autoload=False)
    runner = ScopeRunner(dataset, host, reference_date=ON, scope="*", scheme=scheme())
    # The reference date evaluates in full; an earlier one counts verdicts alone.
    for on in (ON, dt.date(2025, 9, 1)):
        run = runner.run(on)
        assert run.unplaced == {"P1": 1, "P2": 1}, on
        assert run.counts("*").unplaced == 2
        assert run.counts("P2").unplaced == 1
    # Outside the window, they concern no verdict.
    assert runner.run(dt.date(2026, 1, 15)).unplaced == {}


def test_a_report_counts_a_record_once_whichever_schemes_read_it() -> None:
    # P2 applies its own copy of the national scheme, on its own part of the data; the
    # national scheme, over the whole data, reads P2's lost violation too.
    dataset = two_provinces()
    own = OwnSchemes("qd28-2025-drug-free", ["P2"])
    host = PluginHost(plugins=[("test-own", own)], autoload=False)
    runner = ScopeRunner(dataset, host, reference_date=ON, scope="*")
    for on in (ON, dt.date(2025, 9, 1)):
        run = runner.run(on)
        schemes = {code: chosen.id for code, (chosen, _) in run.verdicts.items()}
        assert schemes["B"] == "test-province-P2" and schemes["A1"] != schemes["B"]
        assert run.unplaced == {"P1": 1, "P2": 1}, on


def test_a_merged_province_s_own_records_are_not_lost() -> None:
    # P1 and P2 merged into P3: their reports lead to a unit in force, a province's
    # records are its own, and a district that ended without a successor leads nowhere.
    merger = dt.date(2025, 7, 1)
    units = [
        AdminUnit(code="P1", name="Tỉnh P1", kind=UnitKind.PROVINCE, valid_to=ENDED),
        AdminUnit(code="P2", name="Tỉnh P2", kind=UnitKind.PROVINCE, valid_to=ENDED),
        AdminUnit(code="P3", name="Tỉnh P3", kind=UnitKind.PROVINCE, valid_from=merger),
        AdminUnit(
            code="D", name="Huyện D", kind=UnitKind.DISTRICT, parent_code="P1", valid_to=ENDED
        ),
        commune("A", "D", valid_to=ENDED),
        commune("N", "P3", valid_from=merger),
    ]
    lineage = [
        LineageLink(predecessor_code=old, successor_code=new, effective=merger)
        for old, new in (("P1", "P3"), ("P2", "P3"), ("A", "N"))
    ]
    facts = [plants(code, dt.date(2025, 6, 30)) for code in ("P1", "P2", "D")]
    facts.append(plants("N", dt.date(2025, 9, 30)))
    records = make_records(units, (), lineage, facts)
    dataset = build_dataset(records)
    for level in (UnitLevel.COMMUNE_LEVEL, UnitLevel.PROVINCE):
        chosen = scheme(level)
        evaluation = evaluate(dataset, chosen, ON, allow_no_coverage=True)
        assert lost_of(evaluation) == {("unit_facts", 2)}, level
        assert lost_of(evaluation) == oracle_evaluate(records, chosen, ON).lost


def test_a_unit_not_yet_begun_is_not_a_unit_gone_nowhere() -> None:
    # N begins on 1 July; its reports of the months before count nowhere on 30 June,
    # but they are of the units it came from, not lost (the lineage is not followed
    # backwards): only a unit that ended leads nowhere.
    later = dt.date(2025, 7, 1)
    records, dataset = dataset_with("N", INSIDE, units=[commune("N", valid_from=later)])
    chosen = scheme()
    evaluation = evaluate(dataset, chosen, ENDED)
    assert evaluation.lost_records == ()
    assert oracle_evaluate(records, chosen, ENDED).lost == frozenset()


def moved_to_a_unit_gone(case: Case) -> Case:
    """*case* with every other fact and finding recorded in G, which ended without a
    successor the day before the reference date."""
    records = case.records
    province = next(u for u in records.units if u.kind is UnitKind.PROVINCE)
    gone = commune("G", province.code, valid_to=case.on - dt.timedelta(days=1))

    def moved(rows: Any) -> Any:
        if rows is None:
            return None
        return tuple(attrs.evolve(r, unit_code="G") if i % 2 else r for i, r in enumerate(rows))

    tables = ("unit_facts", "drug_law_violations", "wanted_fugitives", "drug_use_locations")
    changed = {table: moved(getattr(records, table)) for table in tables}
    records = attrs.evolve(records, units=(*records.units, gone), **changed)
    return dataclasses.replace(case, records=records)


def check_lost(case: Case, chosen: Scheme) -> None:
    """The engine counts the lost records of *case* (moved to G) as the oracle does."""
    case = moved_to_a_unit_gone(case)
    dataset = dataset_of(case)
    evaluation = evaluate(dataset, chosen, case.on, allow_no_coverage=True)
    expected = oracle_evaluate(
        case.records,
        chosen,
        case.on,
        quarantined=dataset.quarantined,
        supplied=dataset.supplied,
        coverage_basis=dataset.coverage_basis,
    )
    assert lost_of(evaluation) == expected.lost
    gone = sum(1 for u in evaluation.unplaced if u.kind == "gone")
    lost = len(evaluation.lost_records)
    assert evaluation.unplaced_anywhere == gone + len(evaluation.undetermined) + lost
    if evaluation.verdicts and chosen.unit_level is UnitLevel.COMMUNE_LEVEL:
        code = evaluation.verdicts[0].unit_code
        _, alone = api.evaluate_unit(dataset, chosen, case.on, code, allow_no_coverage=True)
        assert alone.lost_records == evaluation.lost_records


@settings(max_examples=40)
@given(cases(), schemes())
def test_generated_schemes_count_the_lost_records_the_oracle_counts(
    case: Case, chosen: Scheme
) -> None:
    check_lost(case, chosen)


@settings(max_examples=30)
@given(cases(min_date=QD28_START))
def test_the_drug_free_scheme_counts_the_lost_findings_the_oracle_counts(case: Case) -> None:
    check_lost(case, DRUG_FREE)


def test_the_service_tells_a_province_only_its_own_lost_records() -> None:
    # An explanation served to a province counts the records that may be its own: the
    # violation in its gone commune, not the other province's.
    from drugfree_core.plugins.territory import TerritoryIndex
    from drugfree_core.service.auth import ScopeGuard
    from drugfree_core.service.state import Snapshot, unplaced_in_province

    dataset = two_provinces()
    evaluation = evaluate(dataset, scheme(), ON, allow_no_coverage=True)
    assert len(evaluation.lost_records) == 2
    guard = ScopeGuard(TerritoryIndex.from_frames((dataset.units, dataset.lineage)))
    snap = Snapshot(
        dataset=dataset, fingerprint="f", loaded_at=dt.datetime(2026, 1, 1), guard=guard
    )
    for code in ("P1", "P2"):
        assert unplaced_in_province(snap, code, ON) == 0  # the census alone finds none
        assert unplaced_in_province(snap, code, ON, evaluation.lost_records) == 1


def test_the_json_summary_gives_the_bound_the_lost_records_imply() -> None:
    # A program reading the JSON must learn what the text says: passes that may not hold.
    import json

    evaluation = evaluate(two_provinces(), scheme(), ON, allow_no_coverage=True)
    summary = json.loads(evaluation.to_json())["summary"]
    passes = summary["verdicts"]["pass"]
    assert summary["unplaced_anywhere"] == 2
    assert summary["meeting_at_least"] == max(0, passes - 2)
    assert summary["units"] == sum(summary["verdicts"].values())
    assert summary["coverage_basis"] == evaluation.coverage_basis
    assert summary["covered"] == evaluation.covered_count()
    assert {r["unit_code"] for r in summary["lost_records"]} == {"X", "Y"}
