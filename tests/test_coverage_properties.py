"""Properties of coverage, no data and quarantine, on generated data, engine and oracle.

* a report on an all-uncovered dataset claims nothing met;
* removing every record of a covered unit never adds counted passes, unless the unit is
  then covered and empty (and never if its coverage goes with its records);
* adding units the dataset does not cover never changes the counted passes;
* quarantining any record never turns a failing unit into a counted pass without a note,
  and never takes a unit out of the count.

Each property is checked on the engine and, where it concerns outcomes, on the oracle
(``tests/oracle.py``) too, which must agree with the engine on every changed dataset.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import attrs
from conftest import check_against_oracle
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle import NO_DATA, PASS, oracle_evaluate
from strategies_core import MPS_START, Case, cases
from test_engine_oracle import dataset_of

from drugfree_core.dataset.dataset import Dataset, DatasetRecords
from drugfree_core.engine import Evaluation, Outcome, RuleResult, evaluate
from drugfree_core.engine.placement import successors_in_force
from drugfree_core.io import read_json_text
from drugfree_core.io.writers import document_text
from drugfree_core.model import (
    AdminUnit,
    Coverage,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    UnitFact,
    UnitKind,
)
from drugfree_core.plugins import PluginHost
from drugfree_core.reports import ReportOptions, build_report
from drugfree_core.schemes import mps_recognition_2024, qd28_complex_areas

MPS = mps_recognition_2024.SCHEME
QD28 = qd28_complex_areas.SCHEME


def scheme_on(on: dt.date) -> Any:
    return QD28 if on >= dt.date(2025, 8, 24) and on.day % 2 else MPS


def run(dataset: Dataset, on: dt.date, scheme: Any = None) -> Evaluation:
    return evaluate(dataset, scheme or scheme_on(on), on, allow_no_coverage=True)


def passes(evaluation: Evaluation) -> int:
    return sum(u.verdict is Outcome.PASS for u in evaluation.units)


def oracle_passes(case: Case, records: DatasetRecords, dataset: Dataset) -> int:
    expected = oracle_evaluate(
        records,
        scheme_on(case.on),
        case.on,
        quarantined=dataset.quarantined,
        supplied=dataset.supplied,
        coverage_basis=dataset.coverage_basis,
    )
    return sum(u.verdict == PASS for u in expected.units.values())


def declared(records: DatasetRecords, rows: tuple[Coverage, ...]) -> tuple[DatasetRecords, bool]:
    return attrs.evolve(records, coverage=rows), True


# ------------------------------------------------------------ nothing covered, nothing met


@settings(max_examples=12)
@given(cases(min_date=MPS_START, vary_data=False), st.booleans())
def test_all_uncovered_dataset_claims_nothing(case: Case, rows_outside: bool) -> None:
    # Coverage declared empty, or only for days that are not the reference date.
    far = case.on - dt.timedelta(days=4000)
    rows = (
        tuple(Coverage(unit_code=u.code, covered_to=far) for u in case.records.units)
        if rows_outside
        else ()
    )
    records = attrs.evolve(case.records, coverage=rows)
    uncovered = dataclasses.replace(
        case, records=records, coverage_declared=True, supplied=case.supplied | {"coverage"}
    )
    dataset = dataset_of(uncovered)
    evaluation, expected = check_against_oracle(dataset, records, MPS, case.on)
    assert {u.verdict for u in evaluation.units} <= {Outcome.NO_DATA}
    assert {u.verdict for u in expected.units.values()} <= {NO_DATA}
    if not evaluation.units:
        return
    host = PluginHost(autoload=False)
    options = ReportOptions(series=False, scheme=MPS, allow_no_coverage=True)
    report = build_report(dataset, case.on, options=options, host=host)
    for progress in (*report.progress, report.overall):
        assert progress.meeting == 0 and progress.covered == 0
        assert not {m.status for m in progress.milestones} & {"met", "on_track"}
    assert all(u.verdict == "no_data" for u in report.units)


# --------------------------------------------------- removing the records of one unit


def without_unit(case: Case, dataset: Dataset, code: str) -> DatasetRecords:
    """The records of *case* less every person living in *code*, every fact and finding on
    it, and the violations of those people."""
    evaluation = oracle_evaluate(case.records, MPS, case.on)
    people = {sid for sid, unit in evaluation.placement.items() if unit == code}
    succ = successors_in_force(dataset, case.on)

    def elsewhere(unit_code: str) -> bool:
        return succ.get(unit_code, (unit_code,)) != (code,)

    def kept(rows: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
        if rows is None:
            return None
        return tuple(
            r
            for r in rows
            if elsewhere(r.unit_code) and getattr(r, "subject_id", None) not in people
        )

    return attrs.evolve(
        case.records,
        subjects=tuple(s for s in case.records.subjects if s.id not in people),
        unit_facts=tuple(f for f in case.records.unit_facts if elsewhere(f.unit_code)),
        drug_law_violations=kept(case.records.drug_law_violations),
        wanted_fugitives=kept(case.records.wanted_fugitives),
        drug_use_locations=kept(case.records.drug_use_locations),
    )


@settings(max_examples=25)
@given(cases(min_date=MPS_START), st.data())
def test_removing_a_units_records_adds_no_pass_but_its_own(case: Case, data: st.DataObject) -> None:
    dataset = dataset_of(case)
    before = run(dataset, case.on)
    covered = [u.unit_code for u in before.units if u.verdict is not Outcome.NO_DATA]
    if not covered:
        return
    code = data.draw(st.sampled_from(covered), label="unit")
    records = without_unit(case, dataset, code)
    emptied = dataset_of(case, records)
    after, _ = check_against_oracle(emptied, records, scheme_on(case.on), case.on)
    gained = passes(after) - passes(before)
    own = after.unit(code)
    if own.verdict is Outcome.PASS and before.unit(code).verdict is not Outcome.PASS:
        # Allowed only because the unit is covered and now has nobody (it is checked).
        gained -= 1
    assert gained <= 0
    for unit in after.units:
        if unit.unit_code != code:
            assert unit == before.unit(unit.unit_code), unit.unit_code
    assert oracle_passes(case, records, emptied) == passes(after)

    # With its coverage gone too, the unit has no data: passes never grow.
    if case.coverage_declared:
        return
    # The unit and everything it was formed from lose their rows (else it inherits them).
    lost = {code}
    while True:
        more = {link.predecessor_code for link in records.lineage if link.successor_code in lost}
        if more <= lost:
            break
        lost |= more
    others = tuple(
        Coverage(unit_code=u.code)
        for u in case.records.units
        if u.code not in lost and u.kind is not UnitKind.PROVINCE
    )
    gone, _ = declared(records, others)
    dropped = attrs.evolve(dataset_of(case, gone), supplied=emptied.supplied | {"coverage"})
    result, _ = check_against_oracle(dropped, gone, scheme_on(case.on), case.on)
    assert result.unit(code).verdict is Outcome.NO_DATA
    assert passes(result) <= passes(before)


# ---------------------------------------------------------- adding units nobody covers


@settings(max_examples=20)
@given(cases(min_date=MPS_START), st.integers(1, 3))
def test_adding_uncovered_units_changes_no_counted_pass(case: Case, extra: int) -> None:
    dataset = dataset_of(case)
    before = run(dataset, case.on)
    records = case.records
    if not case.coverage_declared:
        # State the default explicitly, so that the new units can be left out of it.
        rows = tuple(
            Coverage(unit_code=u.code) for u in records.units if u.kind is not UnitKind.PROVINCE
        )
        records, _ = declared(records, rows)
    new_units = [AdminUnit(code="PNEW", name="Tỉnh mới", kind=UnitKind.PROVINCE)] + [
        AdminUnit(code=f"NEW{i}", name=f"Xã mới {i}", kind=UnitKind.COMMUNE, parent_code="PNEW")
        for i in range(extra)
    ]
    newcomers = [
        Subject(
            id=f"new-{i}",
            residences=(Residence(unit_code=f"NEW{i}", start=dt.date(2000, 1, 1)),),
            statuses=(StatusPeriod(kind=SubjectKind.ADDICT, start=dt.date(2000, 1, 1)),),
        )
        for i in range(extra)
    ]
    fact = UnitFact(
        unit_code="NEW0",
        kind=case.records.unit_facts[0].kind if case.records.unit_facts else _locations(),
        period_start=case.on - dt.timedelta(days=10),
        period_end=case.on,
        value=0,
    )
    bigger = attrs.evolve(
        records,
        units=(*records.units, *new_units),
        subjects=(*records.subjects, *newcomers),
        unit_facts=(*records.unit_facts, fact),
    )
    grown = attrs.evolve(dataset_of(case, bigger), supplied=dataset.supplied | {"coverage"})
    after, _ = check_against_oracle(grown, bigger, scheme_on(case.on), case.on)
    assert passes(after) == passes(before)
    for i in range(extra):
        assert after.unit(f"NEW{i}").verdict is Outcome.NO_DATA
    for unit in before.units:
        assert after.unit(unit.unit_code).verdict is unit.verdict
    assert oracle_passes(case, bigger, grown) == passes(before)


def _locations() -> Any:
    from drugfree_core.model import FactKind

    return FactKind.DRUG_USE_LOCATIONS


# ---------------------------------------------------------- quarantine hides no failure


def _nodes(node: RuleResult) -> Iterator[RuleResult]:
    yield node
    for child in node.children:
        yield from _nodes(child)


#: How to break one record of a document, by what the record is. A mistyped residence is
#: drawn more often: it is the one that can hide a person where they live.
CORRUPTIONS = ("residence", "residence", "residence", "unit", "test", "status", "fact")


def corrupt(doc: dict[str, Any], what: str, pick: int, culprits: set[str]) -> bool:
    """Break one record of *doc* in place; False when there is no such record.

    Records of people in *culprits* (those who make some unit fail) are broken first:
    hiding them is how a quarantine could turn a failure into a pass.
    """
    if what == "unit":
        communes = [u for u in doc.get("units", []) if u["kind"] != "province"]
        if not communes:
            return False
        communes[pick % len(communes)]["resident_population"] = -1
        return True
    if what == "fact":
        facts = doc.get("unit_facts", [])
        if not facts:
            return False
        facts[pick % len(facts)]["value"] = -1
        return True
    field = {"residence": "residences", "test": "tests", "status": "statuses"}[what]
    people = doc.get("subjects", [])
    people = [s for s in people if s["id"] in culprits] or people
    rows = [row for s in people for row in s.get(field, [])]
    if not rows:
        return False
    row = rows[pick % len(rows)]
    if what == "residence":
        row["unit_code"] = "TYPO-1"  # a unit that does not exist: its place is lost
    elif what == "test":
        row["result"] = "negatif"
    else:
        row["kind"] = "user"
    return True


@settings(max_examples=50)
@given(cases(min_date=MPS_START), st.sampled_from(CORRUPTIONS), st.integers(0, 99))
def test_quarantine_never_makes_a_silent_pass(case: Case, what: str, pick: int) -> None:
    text = document_text(dataset_of(case))
    clean = read_json_text(text)
    scheme = scheme_on(case.on)
    before = run(clean, case.on, scheme)
    culprits = {
        sid
        for u in before.units
        if u.verdict is Outcome.FAIL
        for c in u.criteria
        for node in _nodes(c.result)
        for sid in node.failing_subjects
    }
    doc = json.loads(text)
    if not corrupt(doc, what, pick, culprits):
        return
    broken = read_json_text(json.dumps(doc), quarantine=True)
    assert broken.quarantined, "the corruption was not noticed"
    after, _ = check_against_oracle(broken, broken.to_records(), scheme, case.on)
    # A bad unit row never takes its unit out of the count of units in force.
    assert [u.unit_code for u in after.units] == [u.unit_code for u in before.units]
    for unit in before.units:
        now = after.unit(unit.unit_code)
        if unit.verdict is Outcome.FAIL and now.verdict is Outcome.PASS:
            # Only a person or fact that could not be placed can do this, and then the
            # evaluation counts it: the passes are given with their lower bound.
            assert not now.affected_by
            assert after.unplaced_anywhere >= 1, unit.unit_code
    if what == "unit":
        (record,) = [q for q in broken.quarantined if q.table == "units"]
        placed = [u for u in after.units if u.unit_code == record.record_id]
        assert all(u.verdict is not Outcome.PASS for u in placed)
