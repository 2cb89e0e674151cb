"""What each unit lacks: shortfalls read off the engine's result trees, and the ranking.

A failing criterion is walked down to the rules that actually failed. A rule over people
("every addict has a negative test within 30 days") lacks as many people as failed it;
a limit on a count ("at most 9 addicts") lacks how far the count is over. Units that
fail are ranked by how little they lack: fewest failing criteria first, then the
smallest total. Subject ids are read here only to build the case-level list.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator

from drugfree_core.engine.results import CriterionResult, RuleResult, UnitResult
from drugfree_core.i18n import Message, Text, msg
from drugfree_core.reports.model import Case, Predecessors, Shortfall, UnitRow
from drugfree_core.rules.describe import count_limit
from drugfree_core.rules.outcome import Outcome

_EVERY_EN = "every one of "
_EVERY_VI = "mọi "


def unit_row(
    result: UnitResult,
    scheme_id: str,
    predecessors: Predecessors | None = None,
    *,
    notes: tuple[Text, ...] = (),
) -> UnitRow:
    """The aggregate row of one unit: verdict, failing criteria and what they lack."""
    failing = [c for c in result.criteria if c.outcome is Outcome.FAIL]
    shortfalls = tuple(s for c in failing for s in criterion_shortfalls(c))
    counts = [s.count for s in shortfalls]
    return UnitRow(
        unit_code=result.unit_code,
        unit_name=result.unit_name,
        province_code=result.province_code,
        scheme_id=scheme_id,
        verdict=result.verdict.value,
        failing_criteria=tuple(c.criterion_id for c in failing),
        unknown_criteria=tuple(
            c.criterion_id for c in result.criteria if c.outcome is Outcome.UNKNOWN
        ),
        shortfalls=shortfalls,
        lack=sum(c for c in counts if c is not None) if failing else 0,
        predecessors=predecessors,
        notes=notes,
    )


def closest_to_passing(rows: Iterable[UnitRow], limit: int) -> tuple[UnitRow, ...]:
    """Failing units ranked by how little they lack (ties by unit code)."""
    failing = [r for r in rows if r.verdict == Outcome.FAIL.value]
    failing.sort(key=lambda r: (len(r.failing_criteria), r.lack or 0, r.unit_code))
    return tuple(failing[:limit])


def criterion_shortfalls(criterion: CriterionResult) -> tuple[Shortfall, ...]:
    """The shortfalls of a failed criterion, one per failed rule that explains it."""
    found = tuple(_shortfalls(criterion.criterion_id, criterion.result))
    if found:
        return found
    # A combinator failed without a part that says why (e.g. AtLeast): report it whole.
    return (_whole(criterion.criterion_id, criterion.result),)


def _shortfalls(criterion_id: str, node: RuleResult) -> Iterator[Shortfall]:
    if node.outcome is not Outcome.FAIL:
        return
    if node.rule == "AllSatisfy":
        yield Shortfall(
            criterion_id=criterion_id,
            rule_id=node.id,
            count=len(node.failing_subjects),
            people=True,
            what_en=_people_phrase(node.description_en, _EVERY_EN, "en"),
            what_vi=_people_phrase(node.description_vi, _EVERY_VI, "vi"),
        )
        return
    limit = count_limit(node.threshold)
    if node.rule in ("Compare", "InBand") and node.observed is not None and limit is not None:
        excess = _excess(node.observed, limit)
        if excess is not None:
            yield Shortfall(
                criterion_id=criterion_id,
                rule_id=node.id,
                count=excess,
                people=False,
                what_en=_gap_words(limit[0], node.description_en).render("en"),
                what_vi=_gap_words(limit[0], node.description_vi).render("vi"),
                observed=node.observed,
            )
            return
    for child in node.children:
        yield from _shortfalls(criterion_id, child)


def _whole(criterion_id: str, node: RuleResult) -> Shortfall:
    return Shortfall(
        criterion_id=criterion_id,
        rule_id=node.id,
        count=1,
        people=False,
        what_en=msg("criterion not met: {rule}", rule=node.description_en).render("en"),
        what_vi=msg("criterion not met: {rule}", rule=node.description_vi).render("vi"),
    )


def _people_phrase(description: str, every: str, lang: str) -> str:
    """Turn "every one of addicts: test" into "addicts not meeting: test"."""
    if description.startswith(every) and ": " in description:
        population, predicate = description[len(every) :].split(": ", 1)
        words = msg("{people} not meeting: {condition}", people=population, condition=predicate)
        return words.render(lang)
    return msg("not meeting: {condition}", condition=description).render(lang)


def _gap_words(op: str, description: str) -> Message:
    """What a count's distance from its limit is, by the limit's direction.

    Over a maximum (``≤``, ``<``) the count is beyond the limit; under a minimum (``≥``,
    ``>``) it falls short of it; beside a required value (``=``) it is off it.
    """
    if op in ("≤", "<"):
        return msg("beyond the limit: {rule}", rule=description)
    if op in ("≥", ">"):
        return msg("short of the minimum: {rule}", rule=description)
    return msg("off the required value: {rule}", rule=description)


def _excess(observed: float, limit: tuple[str, int]) -> int | None:
    """How many units of the measure separate *observed* from passing *limit*.

    *limit* is a count's threshold (see :func:`~drugfree_core.rules.describe.count_limit`).
    """
    op, value = limit
    if op == "≤":
        gap = observed - value
    elif op == "<":
        gap = observed - value + 1 if observed == int(observed) else observed - value
    elif op == "≥":
        gap = value - observed
    elif op == ">":
        gap = value - observed + 1 if observed == int(observed) else value - observed
    else:
        gap = abs(observed - value)
    return max(1, math.ceil(gap)) if gap > 0 else None


def unit_cases(result: UnitResult) -> Iterator[Case]:
    """Every person behind a failed or undecided people rule of a failing criterion.

    People rules are requirements on each person (``AllSatisfy``) and limits on a count
    of people (``Compare``: addicts, violators or fugitives beyond the limit).
    """
    for criterion in result.criteria:
        if criterion.outcome in (Outcome.PASS, Outcome.NO_DATA):
            continue
        yield from _cases(result.unit_code, criterion.criterion_id, criterion.result)


def _cases(unit_code: str, criterion_id: str, node: RuleResult) -> Iterator[Case]:
    # A rule over people names who fails it: everyone failing a requirement, or the
    # people counted beyond a limit (addicts, violators, wanted fugitives).
    if node.rule == "AllSatisfy" or (node.rule == "Compare" and node.failing_subjects):
        for outcome, ids in (("fail", node.failing_subjects), ("unknown", node.unknown_subjects)):
            for subject_id in ids:
                yield Case(
                    unit_code=unit_code,
                    criterion_id=criterion_id,
                    rule_id=node.id,
                    subject_id=subject_id,
                    outcome=outcome,
                    what_en=node.description_en,
                    what_vi=node.description_vi,
                )
        return
    for child in node.children:
        yield from _cases(unit_code, criterion_id, child)
