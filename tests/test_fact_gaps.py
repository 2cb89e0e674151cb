"""A fact total over days nobody reported, where the reporting units changed: the engine
against the oracle, and the one unit's cut (an explanation) against the whole evaluation.

A day is reported for a unit by its own record, or when every unit of one way its area
was made of reports it (its predecessors; a province's communes): see
:mod:`drugfree_core.engine.fact_gaps`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest
from conftest import build_dataset, make_records
from oracle import oracle_evaluate

from drugfree_core import api
from drugfree_core.engine import evaluate
from drugfree_core.model import AdminUnit, FactKind, LineageLink, Provenance, UnitFact, UnitKind
from drugfree_core.model.enums import UnitLevel
from drugfree_core.rules import primitives as p
from drugfree_core.rules.params import Window
from drugfree_core.rules.scheme import Criterion, Scheme

ON = dt.date(2025, 10, 1)
MERGER = dt.date(2025, 7, 1)
BEFORE = MERGER - dt.timedelta(days=1)
FIRST, Q3_END = dt.date(2024, 12, 15), dt.date(2025, 9, 30)  # the assessment period's days
PLANTS = FactKind.NARCOTIC_PLANTS_COUNT


def scheme(level: UnitLevel) -> Scheme:
    total = p.FactTotal(kind=PLANTS, lookback=Window.ASSESSMENT_PERIOD)
    return Scheme(
        id=f"gaps-{level.value}",
        version="1",
        title_vi="Thử",
        title_en="Test",
        criteria=(
            Criterion(
                id="NONE",
                title_vi="Không",
                title_en="No plants",
                rule=p.Compare(total, p.Op.LE, 0),
                citation="test",
                provenance=Provenance.INFERRED,
            ),
        ),
        unit_level=level,
    )


def province(code: str, **kw: dt.date) -> AdminUnit:
    return AdminUnit(code=code, name=f"Tỉnh {code}", kind=UnitKind.PROVINCE, **kw)


def commune(code: str, parent: str, **kw: dt.date) -> AdminUnit:
    return AdminUnit(
        code=code,
        name=f"Xã {code}",
        kind=UnitKind.COMMUNE,
        parent_code=parent,
        resident_population=1_000,
        **kw,
    )


def reported(unit: str, first: dt.date, last: dt.date) -> UnitFact:
    return UnitFact(unit_code=unit, kind=PLANTS, period_start=first, period_end=last, value=0)


def link(predecessor: str, successor: str) -> LineageLink:
    return LineageLink(predecessor_code=predecessor, successor_code=successor, effective=MERGER)


def outcomes(
    units: Sequence[AdminUnit],
    facts: Sequence[UnitFact],
    lineage: Sequence[LineageLink] = (),
    level: UnitLevel = UnitLevel.COMMUNE_LEVEL,
) -> dict[str, str]:
    """Each row's outcome of "no plants", the same by the engine, the oracle and alone."""
    records = make_records(units, (), lineage, facts)
    dataset = build_dataset(records)
    chosen = scheme(level)
    evaluation = evaluate(dataset, chosen, ON, allow_no_coverage=True)
    oracle = oracle_evaluate(records, chosen, ON)
    got = {u.unit_code: u.criterion("NONE").outcome.value for u in evaluation.units}
    assert got == {code: u.criteria["NONE"].outcome for code, u in oracle.units.items()}
    for code, outcome in got.items():
        alone, _ = api.evaluate_unit(dataset, chosen, ON, code, allow_no_coverage=True)
        assert alone.criterion("NONE").outcome.value == outcome, code
    return got


def test_a_predecessor_still_in_force_reports_for_itself_not_its_successor() -> None:
    # A gives part of its area to C and stays; B merges into C. A's records (and D's,
    # merged into A) count for A: they do not report C's part of the area before 1 July.
    units = [
        province("P1"),
        commune("A", "P1"),
        commune("D", "P1", valid_to=BEFORE),
        commune("B", "P1", valid_to=BEFORE),
        commune("C", "P1", valid_from=MERGER),
    ]
    lineage = [link("A", "C"), link("B", "C"), link("D", "A")]
    facts = [
        reported("A", MERGER, Q3_END),
        reported("D", FIRST, BEFORE),
        reported("B", FIRST, BEFORE),
        reported("C", MERGER, Q3_END),
    ]
    assert outcomes(units, facts, lineage) == {"A": "pass", "C": "unknown"}


@pytest.mark.parametrize("reporters", [("P1", "P2"), ("A", "B")])
def test_a_merged_province_is_reported_by_its_old_provinces_or_their_communes(
    reporters: tuple[str, str],
) -> None:
    units = [
        province("P1", valid_to=BEFORE),
        province("P2", valid_to=BEFORE),
        province("P3", valid_from=MERGER),
        commune("A", "P1", valid_to=BEFORE),
        commune("B", "P2", valid_to=BEFORE),
        commune("N", "P3", valid_from=MERGER),
    ]
    lineage = [link("P1", "P3"), link("P2", "P3"), link("A", "N"), link("B", "N")]
    facts = [*(reported(code, FIRST, BEFORE) for code in reporters), reported("N", MERGER, Q3_END)]
    assert outcomes(units, facts, lineage, UnitLevel.PROVINCE) == {"P3": "pass"}
    # One old province's report alone covers only its part of the area.
    alone = [reported(reporters[0], FIRST, BEFORE), reported("N", MERGER, Q3_END)]
    assert outcomes(units, alone, lineage, UnitLevel.PROVINCE) == {"P3": "unknown"}


def test_a_province_is_reported_by_itself_or_by_every_commune() -> None:
    units = [province("P1"), commune("C1", "P1"), commune("C2", "P1")]
    both = [reported("C1", FIRST, Q3_END), reported("C2", FIRST, Q3_END)]
    assert outcomes(units, both, level=UnitLevel.PROVINCE) == {"P1": "pass"}
    one = [reported("C1", FIRST, Q3_END)]
    assert outcomes(units, one, level=UnitLevel.PROVINCE) == {"P1": "unknown"}
    itself = [reported("P1", FIRST, dt.date(2025, 3, 31)), *(
        reported(c, dt.date(2025, 4, 1), Q3_END) for c in ("C1", "C2")
    )]  # fmt: skip
    assert outcomes(units, itself, level=UnitLevel.PROVINCE) == {"P1": "pass"}
