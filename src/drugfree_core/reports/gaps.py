"""What each unit lacks: shortfalls read off the engine's result trees, and the ranking.

A failing criterion is walked down to the rules that actually failed. A rule over people
("every addict has a negative test within 30 days") lacks as many people as failed it;
a limit on a count lacks the count's distance from it: how far over a maximum ("at most
9 addicts"), under a minimum ("at least 5 locations") or off a required value. Units that
fail are ranked by how little they lack: fewest failing criteria first, then the
smallest total, and those with a criterion the data cannot decide after all the others.
Subject ids are read here only to build the case-level list.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar, cast

from drugfree_core.engine.results import CriterionResult, RuleResult, UnitResult
from drugfree_core.i18n import Message, Text, msg
from drugfree_core.i18n.catalog import lookups_recorded
from drugfree_core.reports.model import Case, Predecessors, Shortfall, UnitRow
from drugfree_core.rules.describe import count_limit
from drugfree_core.rules.outcome import Outcome

#: A count limit's symbol → the side of it a failing count is on (``Shortfall.side``), and
#: whether the limit is strict (a count equal to it fails, so it lacks one more).
_LIMITS: dict[str, tuple[str, bool]] = {
    "≤": ("over", False),
    "<": ("over", True),
    "≥": ("under", False),
    ">": ("under", True),
    "=": ("off", False),
}


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
    """Failing units ranked by how little they lack (ties by unit code).

    Units with a criterion the data cannot decide come after those without, in the same
    order among themselves: an undecided criterion may fail too, so what such a unit
    lacks is only what is known of it, and ranking it first would claim it is closer
    than the data show.
    """
    failing = [r for r in rows if r.verdict == Outcome.FAIL.value]
    failing.sort(
        key=lambda r: (bool(r.unknown_criteria), len(r.failing_criteria), r.lack or 0, r.unit_code)
    )
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
            what_en=_people_phrase(node.description_en, "en"),
            what_vi=_people_phrase(node.description_vi, "vi"),
        )
        return
    if node.rule == "Compare":
        # A failed comparison says why: a count by its distance from the limit, anything
        # else (a rate, a share: whole-number thresholds too) as the rule not met.
        yield _limit_shortfall(criterion_id, node) or _whole(criterion_id, node)
        return
    for child in node.children:
        yield from _shortfalls(criterion_id, child)


def _limit_shortfall(criterion_id: str, node: RuleResult) -> Shortfall | None:
    """A count's distance from the limit it failed, or None if it is not a count's limit.

    A count has no denominator: a rate or a share compared with a whole number (``> 0``,
    ``≥ 1``) is not one, and its distance in units would mean nothing.
    """
    if node.observed is None or node.denominator is not None:
        return None
    limit = count_limit(node.threshold)
    if limit is None or limit[0] not in _LIMITS:
        return None
    side, strict = _LIMITS[limit[0]]
    distance = _distance(node.observed, side, limit[1], strict)
    if distance is None:
        return None
    return Shortfall(
        criterion_id=criterion_id,
        rule_id=node.id,
        count=distance,
        people=False,
        what_en=_gap_text(side, node.description_en, "en"),
        what_vi=_gap_text(side, node.description_vi, "vi"),
        observed=node.observed,
        side=side,
    )


def _whole(criterion_id: str, node: RuleResult) -> Shortfall:
    return Shortfall(
        criterion_id=criterion_id,
        rule_id=node.id,
        count=1,
        people=False,
        what_en=_not_met_text(node.description_en, "en"),
        what_vi=_not_met_text(node.description_vi, "vi"),
    )


_Render = TypeVar("_Render", bound=Callable[..., str])


def _kept(render: _Render) -> _Render:
    """*render*, its texts kept by their words and language for the next unit.

    A national report's units fail the same few rules: rendering their phrases anew for
    each unit took half the time of its rows. While lookups are recorded (the catalogue's
    leak checks), each text is rendered anew, so that every word of it is looked up.
    """
    kept = functools.lru_cache(maxsize=4096)(render)

    @functools.wraps(render)
    def phrase(*words: str) -> str:
        return render(*words) if lookups_recorded() else kept(*words)

    return cast(_Render, phrase)


@_kept
def _not_met_text(description: str, lang: str) -> str:
    """A failed rule that has no count to measure its gap, in *lang*."""
    return msg("criterion not met: {rule}", rule=description).render(lang)


@_kept
def _gap_text(side: str, description: str, lang: str) -> str:
    """:func:`_gap_words` in *lang*."""
    return _gap_words(side, description).render(lang)


@_kept
def _people_phrase(description: str, lang: str) -> str:
    """Turn "every one of addicts: test" into "addicts not meeting: test"."""
    before, between = _every_parts(lang)
    if description.startswith(before) and between in description[len(before) :]:
        population, predicate = description[len(before) :].split(between, 1)
        words = msg("{people} not meeting: {condition}", people=population, condition=predicate)
        return words.render(lang)
    return msg("not meeting: {condition}", condition=description).render(lang)


@functools.cache
def _every_parts(lang: str) -> tuple[str, str]:
    """The words of a rule over people around its people, and between them and the condition.

    Read off the catalogue's message that describes such a rule
    (:func:`~drugfree_core.rules.describe.describe_rule`), so a change of its words or
    its translation does not leave the shortfall's phrase behind.
    """
    shown = msg("every one of {people}: {condition}", people="\x00", condition="\x01").render(lang)
    before, rest = shown.split("\x00", 1)
    return before, rest.split("\x01", 1)[0]


def _gap_words(side: str, description: str) -> Message:
    """What a count's distance from its limit is called, by the side it is on."""
    # Translators: a count over its maximum; {rule} is the rule ("number of addicts ≤ 9").
    if side == "over":
        return msg("beyond the limit: {rule}", rule=description)
    # Translators: a count under its minimum; {rule} is the rule ("locations ≥ 5").
    if side == "under":
        return msg("short of the minimum: {rule}", rule=description)
    # Translators: a count other than the value required; {rule} is the rule ("… = 1").
    return msg("off the required value: {rule}", rule=description)


def _distance(observed: float, side: str, value: int, strict: bool) -> int | None:
    """How many units of the measure separate *observed* from passing its limit *value*.

    *side* is where a failing count lies (``over``, ``under`` or ``off``); a *strict*
    limit fails a count equal to it, so a whole count lacks one more.
    """
    if side == "over":
        gap = observed - value
    elif side == "under":
        gap = value - observed
    else:
        gap = abs(observed - value)
    if strict and float(observed).is_integer():
        gap += 1
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
