"""Coverage across the 2025 merger, and what a short record's decided outcomes say.

* A successor's own coverage rows dated before it existed do not vouch for the records
  its predecessors kept: for those days only the predecessors' coverage speaks, so the
  successor is covered since the day it came into force unless they were all covered the
  day before (then as far back as they all are). Engine and oracle agree on each case.
* An outcome a short record still decides (a fact total "<= 0" with 1 found fails) says
  why it gives no value: the conformance kit's ``check_outcomes_cite_criteria`` forbids a
  failure with neither a reason, subject ids nor a measured value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from conftest import build_dataset, check_against_oracle, commune, make_records, province
from test_coverage_lookback import ON, RECENT, scheme_of

from drugfree_core.engine import Outcome
from drugfree_core.engine.coverage import SINCE_EVER, coverage_starts
from drugfree_core.i18n import render
from drugfree_core.model import Coverage, FactKind, LineageLink, UnitFact
from drugfree_core.rules import primitives as p
from drugfree_core.rules.params import Period
from drugfree_core.testing._scheme_checks import _explained

DAY = dt.timedelta(days=1)
MERGER = dt.date(2025, 7, 1)
#: C, formed on 1 July 2025 from A and B.
UNITS = (
    province(),
    commune("A", valid_to=MERGER - DAY),
    commune("B", valid_to=MERGER - DAY),
    commune("C", valid_from=MERGER),
)
LINEAGE = tuple(
    LineageLink(predecessor_code=code, successor_code="C", effective=MERGER) for code in "AB"
)
#: No violation in a year, from an empty table: passes only on a whole year's records.
NO_VIOLATIONS = scheme_of(p.Compare(p.ResidentViolations(window=Period(years=1)), p.Op.LE, 0))


def row(code: str, first: dt.date | None, last: dt.date | None = None) -> Coverage:
    return Coverage(unit_code=code, covered_from=first, covered_to=last)


B_WHOLE = row("B", dt.date(2020, 1, 1), MERGER - DAY)


@pytest.mark.parametrize(
    ("rows", "since", "outcome"),
    [
        # A has no coverage: C's row from 2024 cannot vouch for A's records of 2024-25.
        ((row("C", dt.date(2024, 1, 1)), B_WHOLE), MERGER, "unknown"),
        # Nor can an open start.
        ((row("C", None), B_WHOLE), MERGER, "unknown"),
        # A covered from March 2025 only: C's records reach back that far, no further.
        (
            (row("C", dt.date(2024, 1, 1)), B_WHOLE, row("A", dt.date(2025, 3, 1), MERGER - DAY)),
            dt.date(2025, 3, 1),
            "unknown",
        ),
        # A covered in 2023 only: its old row says nothing of 2024 to June 2025.
        (
            (
                row("C", dt.date(2024, 1, 1)),
                B_WHOLE,
                row("A", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
            ),
            MERGER,
            "unknown",
        ),
        # Both covered up to the merger: C is covered as far back as they both are.
        (
            (row("C", dt.date(2024, 1, 1)), B_WHOLE, row("A", dt.date(2021, 1, 1), MERGER - DAY)),
            dt.date(2021, 1, 1),
            "pass",
        ),
        ((row("C", None), row("A", None), row("B", None)), SINCE_EVER, "pass"),
        # Rows of C's own from the merger on: unchanged.
        ((row("C", MERGER), B_WHOLE), MERGER, "unknown"),
    ],
)
def test_a_successors_rows_from_before_it_existed_do_not_vouch_for_its_predecessors(
    rows: tuple[Coverage, ...], since: dt.date, outcome: str
) -> None:
    records = attrs.evolve(make_records(UNITS, (), LINEAGE, drug_law_violations=()), coverage=rows)
    dataset = build_dataset(records)
    assert coverage_starts(dataset, ON, ["C"]) == {"C": since}
    evaluation, expected = check_against_oracle(dataset, records, NO_VIOLATIONS, ON)
    result = evaluation.unit("C").criterion("K0")
    assert result.outcome.value == outcome == expected.units["C"].criteria["K0"].outcome
    if outcome == "unknown":
        reason = render(result.result.reason, "en")
        assert f"records only from {since.isoformat()}" in reason


def test_a_successor_without_valid_from_came_into_force_when_its_links_say() -> None:
    # No valid_from: the lineage's effective day is its first, so the same holds.
    units = (*UNITS[:3], commune("C"))
    rows = (row("C", dt.date(2024, 1, 1)), B_WHOLE)
    records = attrs.evolve(make_records(units, (), LINEAGE, drug_law_violations=()), coverage=rows)
    dataset = build_dataset(records)
    assert not dataset.quarantined
    assert coverage_starts(dataset, ON, ["C"]) == {"C": MERGER}
    evaluation, _ = check_against_oracle(dataset, records, NO_VIOLATIONS, ON)
    assert evaluation.unit("C").criterion("K0").outcome is Outcome.UNKNOWN


# ------------------------------------------------- decided outcomes over a short record

KIND = FactKind.DRUG_USE_LOCATIONS
YEAR = Period(years=1)
TOTAL = p.FactTotal(kind=KIND, lookback=YEAR)
LATEST = p.FactLatest(kind=KIND, lookback=YEAR)


def fact(end: dt.date, value: int = 1) -> UnitFact:
    return UnitFact(
        unit_code="U1", kind=KIND, period_start=ON - 400 * DAY, period_end=end, value=value
    )


@pytest.mark.parametrize(
    ("rule", "facts"),
    [
        # the records show 1 over a year whose first months they may miss: "<= 0" fails
        (p.Compare(TOTAL, p.Op.LE, 0), (fact(ON),)),
        (p.InBand(measure=TOTAL, lower=0, upper=1), (fact(ON),)),
        # an unknown bound, the other deciding
        (p.InBand(measure=TOTAL, lower=None, upper=1), (fact(ON),)),
        # a latest period from before the records: anything from 0 up, never below
        (p.Compare(LATEST, p.Op.LT, 0), (fact(ON - 70 * DAY),)),
    ],
)
def test_a_decided_outcome_over_a_short_record_says_why_it_has_no_value(
    rule: Any, facts: tuple[UnitFact, ...]
) -> None:
    records = attrs.evolve(
        make_records([province(), commune("U1")], unit_facts=facts),
        coverage=(Coverage(unit_code="U1", covered_from=RECENT),),
    )
    evaluation, expected = check_against_oracle(
        build_dataset(records), records, scheme_of(rule), ON
    )
    criterion = evaluation.unit("U1").criterion("K0")
    assert criterion.outcome is Outcome.FAIL
    assert expected.units["U1"].criteria["K0"].outcome == "fail"
    assert criterion.result.observed is None  # a fact's range over a short record
    assert _explained(criterion.result)  # what the conformance kit asks of a failure
    reason = render(criterion.result.reason, "en")
    assert "only from 2025-08-02" in reason and "back to 2024-10-02" in reason


def test_an_unknown_band_bound_is_still_said_where_it_leaves_the_outcome_open() -> None:
    records = attrs.evolve(
        make_records([province(), commune("U1")], unit_facts=(fact(ON, value=0),)),
        coverage=(Coverage(unit_code="U1", covered_from=RECENT),),
    )
    scheme = scheme_of(p.InBand(measure=TOTAL, lower=None, upper=1))
    evaluation, _ = check_against_oracle(build_dataset(records), records, scheme, ON)
    result = evaluation.unit("U1").criterion("K0").result
    assert result.outcome is Outcome.UNKNOWN
    assert render(result.reason, "en") == "the band's lower bound is not known"
