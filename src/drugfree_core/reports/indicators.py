"""Measure campaign indicators with the engine.

Each indicator (:class:`~drugfree_core.rules.indicator.Indicator`) becomes a criterion
of a throw-away scheme, so it is measured by the same engine as the criteria: the
engine's per-unit numerators and denominators (or fact totals) are added up over the
scope's units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

from drugfree_core.adminmap import official_code
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.evaluate import evaluate
from drugfree_core.reports.model import IndicatorResult
from drugfree_core.rules.indicator import Indicator, SubjectShare
from drugfree_core.rules.params import Parameter
from drugfree_core.rules.primitives import AllSatisfy, Compare, FactTotal, Op, Rule
from drugfree_core.rules.roadmap import NATIONAL
from drugfree_core.rules.scheme import Criterion, Scheme


def measure_indicators(
    indicators: Sequence[tuple[Indicator, str]],
    dataset: Dataset,
    on: dt.date,
    *,
    scope: str,
    units: Iterable[str],
    shared: Sequence[Parameter] = (),
) -> tuple[IndicatorResult, ...]:
    """Measure ``(indicator, origin)`` pairs over *units* of *scope* on *on*.

    *shared* are the host's shared parameters (the law's management periods), which
    the engine needs to decide who is under management.
    """
    codes = list(units)
    applicable = [(i, origin) for i, origin in indicators if _applies(i, scope, on)]
    if not applicable or not codes:
        return ()
    scheme = _scheme([i for i, _ in applicable], on, shared)
    # A unit with no data adds nothing known: the figure over the scope becomes unknown.
    evaluation = evaluate(dataset, scheme, on, units=codes, allow_no_coverage=True)
    sums: dict[str, list[float | None]] = {}
    # The units' JSON, written from the engine's columns: no rule-tree objects built.
    for unit in evaluation.unit_dicts(include_subjects=False):
        for criterion in unit["criteria"]:
            _add(sums, criterion["criterion_id"], criterion["result"])
    return tuple(_result(i, origin, scope, on, sums) for i, origin in applicable)


def _applies(indicator: Indicator, scope: str, on: dt.date) -> bool:
    same = indicator.scope == NATIONAL or (
        scope != NATIONAL and official_code(indicator.scope) == official_code(scope)
    )
    return same and indicator.in_force(on)


def _criteria(indicator: Indicator) -> tuple[Criterion, ...]:
    measure = indicator.measure

    def criterion(suffix: str, rule: Rule) -> Criterion:
        return Criterion(
            id=f"{indicator.id}.{suffix}",
            title_vi=indicator.title_vi,
            title_en=indicator.title_en,
            rule=rule,
            citation=indicator.citation,
            provenance=indicator.provenance,
        )

    if isinstance(measure, SubjectShare):
        return (criterion("share", AllSatisfy(measure.population, measure.predicate)),)
    return tuple(
        criterion(part, Compare(FactTotal(kind=kind, lookback=measure.lookback), Op.GE, 0))
        for part, kind in (("num", measure.numerator), ("den", measure.denominator))
    )


def _scheme(indicators: Sequence[Indicator], on: dt.date, shared: Sequence[Parameter]) -> Scheme:
    parameters = {p.id: p for p in shared}
    parameters.update({p.id: p for i in indicators for p in i.parameters})
    return Scheme(
        id="indicators",
        version=on.isoformat(),
        title_vi="Chỉ tiêu chiến dịch",
        title_en="Campaign indicators",
        criteria=tuple(c for i in indicators for c in _criteria(i)),
        parameters=tuple(parameters.values()),
    )


def _add(sums: dict[str, list[float | None]], criterion_id: str, node: dict[str, Any]) -> None:
    """Add one unit's numerator and denominator (or fact total) to the running sums.

    *node* is the criterion's root result as the JSON writes it (a value left out is
    unknown). A unit whose value is unknown (or that has no data) makes the whole sum
    unknown: a campaign figure quietly missing a commune would look better than it is.
    """
    slot = sums.setdefault(criterion_id, [0.0, 0.0])
    pairs: tuple[tuple[int, float | None], ...]
    if criterion_id.endswith(".share"):
        pairs = ((0, node.get("numerator")), (1, node.get("denominator")))
    else:
        pairs = ((0, node.get("observed")),)
    for position, value in pairs:
        current = slot[position]
        slot[position] = None if current is None or value is None else current + value


def _result(
    indicator: Indicator,
    origin: str,
    scope: str,
    on: dt.date,
    sums: dict[str, list[float | None]],
) -> IndicatorResult:
    if isinstance(indicator.measure, SubjectShare):
        numerator, denominator = sums.get(f"{indicator.id}.share", [0.0, 0.0])
    else:
        numerator = sums.get(f"{indicator.id}.num", [None])[0]
        denominator = sums.get(f"{indicator.id}.den", [None])[0]
    value = None if numerator is None or not denominator else numerator / denominator
    target = indicator.target
    if target is None:
        status = "no_target"
    elif value is None:
        status = "unknown"
    elif Fraction(numerator or 0) / Fraction(denominator or 1) >= target.share:
        # Exact: 6 of 10 meets 60 %, which the float 0.6 would not.
        status = "met"
    else:
        status = "missed" if on >= target.due else "pending"
    return IndicatorResult(
        id=indicator.id,
        scope=scope,
        title_en=indicator.title_en,
        title_vi=indicator.title_vi,
        numerator=numerator,
        denominator=denominator,
        value=value,
        target_share=None if target is None else target.share,
        due=None if target is None else target.due,
        status=status,
        citation=indicator.citation,
        provenance=indicator.provenance.value,
        origin=origin,
    )
