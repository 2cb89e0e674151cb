"""A province's (or the nation's) standing against its roadmap on a date.

``required = ceil(share × units in force)``, exactly (:func:`required_count`). Only units
that pass on covered data count as meeting the criteria; units the dataset does not cover
(*no data*) are counted beside them, never among them. A past milestone is judged on its
own due date, against the units in force on that date: ``met`` when even the fewest units
that may meet the criteria (the passes less the people who could not be placed) reach the
required count, ``missed`` when even every uncovered unit passing would not, and
``cannot_judge`` in between. A milestone ahead is judged by projecting the trend of the
share meeting the criteria to its due date, ``cannot_judge`` when the uncovered units
could change the answer. The projection rests only on the units the data vouch for:
it starts from the fewest units meeting the criteria today (the passes less the people
who could not be placed) and follows the trend of that lower bound; ``off_track`` only
when even the passes, with every undecided, uncovered or unevaluated unit, would fall
short. No trend (fewer than two dated points), or no unit evaluated today, gives
``unknown``, never ``on_track``. Units in force that no scheme evaluated (none in force
for them) count among the units in force, and as units that could still meet the
criteria, never as meeting them.

A roadmap counts either the units meeting the criteria on the data or the units formally
recognised (its ``counts``). Counting recognitions, the achieved count is theirs (a
recognition is a decision, whatever the data cover), and a milestone ahead is projected
from it along the data's trend (recognitions follow the data a year behind); with no
recognitions in the data it is ``unknown``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import attrs

from drugfree_core.model.territory import TWO_TIER_START
from drugfree_core.reports.model import MilestoneStatus, Progress, SeriesPoint
from drugfree_core.reports.runs import ScopeCounts, ScopeRun
from drugfree_core.reports.trend import DAYS_PER_MONTH, least_squares_slope
from drugfree_core.rules.roadmap import MEETING, Roadmap

#: Counts the units of a scope recognised in a run (``None``: no recognitions known).
RecognisedCount = Callable[[str, ScopeRun], int | None]
#: Counts the units of a scope in force on a date, whether a scheme evaluated them or not.
InForceCount = Callable[[str, dt.date], int]


def _none(_scope: str, _run: ScopeRun) -> int | None:
    return None


def scope_progress(
    *,
    scope: str,
    name: str,
    now: ScopeRun,
    roadmap: Roadmap | None,
    series: Sequence[SeriesPoint],
    run_on: Callable[[dt.date], ScopeRun | None],
    recognised: RecognisedCount = _none,
    in_force: InForceCount | None = None,
) -> Progress:
    """The progress of *scope* on ``now.on``; *run_on* evaluates a past date.

    *recognised* counts the scope's recognised units in a run, for roadmaps that count
    recognitions and for the ``recognised`` figure beside the meeting one. *in_force*
    counts the scope's units in force on a date, evaluated or not (default: those a
    scheme evaluated).
    """
    counts = now.counts(scope)
    units = _in_force(scope, now.on, counts, in_force)
    meeting = counts.meeting
    recognised_now = recognised(scope, now)
    basis = MEETING if roadmap is None else roadmap.counts
    slope = trend_slope(scope, now.on, series)
    across = trend_across(scope, now.on, series)
    milestones = (
        ()
        if roadmap is None
        else _milestones(scope, now, counts, units, roadmap, slope, run_on, recognised, in_force)
    )
    upcoming = [m for m in milestones if m.due >= now.on]
    nxt = upcoming[0] if upcoming else None
    reached = counts.meeting_at_least if basis == MEETING else recognised_now
    if not counts.units:
        reached = None  # nothing evaluated: the data say nothing of what is lacking
    return Progress(
        scope=scope,
        name=name,
        scheme_ids=tuple(
            sorted({s.id for code, (s, _) in now.verdicts.items() if _in(scope, now, code)})
        ),
        roadmap_id=None if roadmap is None else roadmap.id,
        roadmap_title_en="" if roadmap is None else roadmap.title_en,
        roadmap_title_vi="" if roadmap is None else roadmap.title_vi,
        units_in_force=units,
        meeting=meeting,
        failing=counts.failing,
        unknown=counts.unknown,
        no_data=counts.no_data,
        unplaced=counts.unplaced,
        without_residence=counts.without_residence,
        next_due=None if nxt is None else nxt.due,
        next_share=None if nxt is None else nxt.share,
        required=None if nxt is None else nxt.required,
        gap=None if nxt is None or reached is None else max(0, nxt.required - reached),
        trend_per_month=None if slope is None else slope * DAYS_PER_MONTH * units,
        trend_across=None if slope is None else across,
        milestones=milestones,
        basis=basis,
        recognised=recognised_now,
        not_evaluated=units - counts.units,
    )


def _in_force(scope: str, on: dt.date, counts: ScopeCounts, in_force: InForceCount | None) -> int:
    """The scope's units in force on *on*: never fewer than those evaluated."""
    return counts.units if in_force is None else max(counts.units, in_force(scope, on))


def trend_slope(scope: str, on: dt.date, series: Sequence[SeriesPoint]) -> float | None:
    """The slope per day of the share of *scope*'s units certainly meeting the criteria.

    Fitted to each point's lower bound (the passes less the people who could not be
    placed then), so that a projection along it rests only on units the data vouch for.
    """
    return least_squares_slope(_trend_points(scope, on, series)[0])


def trend_across(scope: str, on: dt.date, series: Sequence[SeriesPoint]) -> dt.date | None:
    """The break the trend of *scope* is fitted across, for want of points since it.

    ``None`` when the fit uses only the points since the last break (or none crossed).
    """
    return _trend_points(scope, on, series)[1]


def reproject(p: Progress, series: Sequence[SeriesPoint], on: dt.date) -> Progress:
    """*p* with its trend and its milestones ahead worked out again from what it publishes.

    The trend is fitted to *series* and the projections start from *p*'s own counts:
    once small counts of people are withheld, the trend and the projections rest on the
    published bounds, and cannot give a withheld count back.
    """
    slope = trend_slope(p.scope, on, series)
    across = trend_across(p.scope, on, series)
    by_meeting = p.basis == MEETING
    least = p.meeting_at_least if by_meeting else p.recognised
    most = p.meeting if by_meeting else p.recognised
    could = p.unknown + p.no_data + p.not_evaluated if by_meeting else 0
    milestones = []
    for m in p.milestones:
        if m.due > on:
            projected, status = _ahead(
                m.required,
                (m.due - on).days,
                p.units_in_force,
                slope,
                least,
                most,
                could,
                evaluated=p.evaluated,
            )
            m = attrs.evolve(m, projected_at_due=projected, status=status)
        milestones.append(m)
    per_month = None if slope is None else slope * DAYS_PER_MONTH * p.units_in_force
    return attrs.evolve(
        p,
        trend_per_month=per_month,
        trend_across=None if slope is None else across,
        milestones=tuple(milestones),
    )


def _trend_points(
    scope: str, on: dt.date, series: Sequence[SeriesPoint]
) -> tuple[list[tuple[dt.date, float]], dt.date | None]:
    """The points the trend is fitted to (after the last break when there are two).

    Merging three communes into one changes what a unit is, so the share can jump at
    the merger for reasons that say nothing about the work since; a change of criteria
    (the national default became Art. 6 of Decision 28/2025 on 24 Aug 2025) changes what
    "meeting" means. A projection from the points since the later of the two is the
    honest one once it has enough of them. With fewer, every point is used, and the
    break crossed is returned beside them so that the report says so.
    """
    mine = sorted((p for p in series if p.scope == scope and p.units_in_force), key=lambda p: p.on)
    points = [(p.on, p.meeting_at_least / p.units_in_force) for p in mine]
    changed = [p.on for i, p in enumerate(mine) if i and mine[i - 1].scheme_ids != p.scheme_ids]
    start = TWO_TIER_START if on >= TWO_TIER_START else dt.date.min
    if changed:
        start = max(start, changed[-1])
    since = [(d, s) for d, s in points if d >= start]
    if len({d for d, _ in since}) >= 2:
        return since, None
    crossed = start if any(d < start for d, _ in points) and start != dt.date.min else None
    return points, crossed


def _in(scope: str, run: ScopeRun, code: str) -> bool:
    return scope == "*" or run.provinces[code] == scope


def judge(required: int, counts: ScopeCounts, not_evaluated: int = 0) -> str:
    """``met``, ``missed`` or ``cannot_judge`` for *required* units, on the data of *counts*.

    Met only on counted passes, and only when the people who could not be placed could
    not bring them below the required count; missed only when the undecided, the
    uncovered and the *not_evaluated* units, all passing, could not bring them up to it.
    """
    if counts.meeting_at_least >= required:
        return "met"
    if counts.meeting + _could_still_meet(counts) + not_evaluated < required:
        return "missed"
    return "cannot_judge"


def _could_still_meet(counts: ScopeCounts) -> int:
    """The units that may meet the criteria for all the data say: undecided or uncovered."""
    return counts.unknown + counts.no_data


def _ahead(
    required: int,
    days: int,
    units: int,
    slope: float | None,
    least: int | None,
    most: int | None,
    could: int,
    *,
    evaluated: int,
) -> tuple[float | None, str]:
    """A milestone *days* ahead: the count projected on its due date, and its status.

    Projected from *least*, the fewest units counted today (``on_track`` only on it);
    ``off_track`` only when even *most*, projected alike, with the *could* units that may
    still meet the criteria, falls short; ``cannot_judge`` in between. ``unknown`` with no
    trend, no count, or no unit evaluated today.
    """
    if slope is None or not units or not evaluated or least is None or most is None:
        return None, "unknown"

    def along(count: int) -> float:
        return max(0.0, min(1.0, count / units + slope * days)) * units

    projected = along(least)
    if projected >= required:
        return projected, "on_track"
    if along(most) + could < required:
        return projected, "off_track"
    return projected, "cannot_judge"  # the undecided, uncovered or unplaced could change it


def _milestones(
    scope: str,
    now: ScopeRun,
    counts: ScopeCounts,
    units: int,
    roadmap: Roadmap,
    slope: float | None,
    run_on: Callable[[dt.date], ScopeRun | None],
    recognised: RecognisedCount,
    in_force: InForceCount | None,
) -> tuple[MilestoneStatus, ...]:
    by_meeting = roadmap.counts == MEETING
    # A projection starts from the fewest units counted today: those certainly meeting
    # the criteria (never the passes the unplaced people could undo), or those recognised.
    if by_meeting:
        least: int | None = counts.meeting_at_least
        most: int | None = counts.meeting
        could = _could_still_meet(counts) + units - counts.units
    else:
        least = most = recognised(scope, now)
        could = 0
    statuses = []
    for m in roadmap.milestones:
        required = m.required(units)
        then: ScopeCounts | None = None
        achieved: int | None = None
        projected: float | None = None
        if m.due <= now.on:
            past = run_on(m.due)
            if past is not None:
                then = past.counts(scope)
                achieved = then.meeting if by_meeting else recognised(scope, past)
            if then is None or not then.units or achieved is None:
                status = "unknown"
            else:
                then_units = _in_force(scope, m.due, then, in_force)
                if by_meeting:
                    status = judge(m.required(then_units), then, then_units - then.units)
                else:
                    status = "met" if achieved >= m.required(then_units) else "missed"
        else:
            days = (m.due - now.on).days
            projected, status = _ahead(
                required, days, units, slope, least, most, could, evaluated=counts.units
            )
        statuses.append(
            MilestoneStatus(
                due=m.due,
                share=m.share,
                required=required,
                status=status,
                meeting_at_due=achieved,
                projected_at_due=projected,
                citation=m.citation,
                provenance=m.provenance.value,
                note=m.note,
                no_data_at_due=None if then is None else then.no_data,
                # Beside a count of units meeting the criteria only: beside recognitions
                # it would give the unplaced count back (meeting - it), and mean nothing.
                meeting_at_least_at_due=(
                    then.meeting_at_least if then is not None and by_meeting else None
                ),
            )
        )
    return tuple(statuses)
