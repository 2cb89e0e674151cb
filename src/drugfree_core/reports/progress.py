"""A province's (or the nation's) standing against its roadmap on a date.

``required = ceil(share × units in force)``, exactly (:func:`required_count`). Only units
that pass on covered data count as meeting the criteria; units the dataset does not cover
(*no data*) are counted beside them, never among them. A past milestone is judged on its
own due date, against the units in force on that date: ``met`` when even the fewest units
that may meet the criteria (the passes less the people who could not be placed) reach the
required count, ``missed`` when even every uncovered unit passing would not, and
``cannot_judge`` in between. A milestone ahead is judged by projecting the trend of the
share meeting the criteria to its due date, ``cannot_judge`` when the uncovered units
could change the answer. No trend (fewer than two dated points) gives ``unknown``, never
``on_track``.

A roadmap counts either the units meeting the criteria on the data or the units formally
recognised (its ``counts``). Counting recognitions, the achieved count is theirs (a
recognition is a decision, whatever the data cover), and a milestone ahead is projected
from it along the data's trend (recognitions follow the data a year behind); with no
recognitions in the data it is ``unknown``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from drugfree_core.model.territory import TWO_TIER_START
from drugfree_core.reports.model import MilestoneStatus, Progress, SeriesPoint
from drugfree_core.reports.runs import ScopeCounts, ScopeRun
from drugfree_core.reports.trend import DAYS_PER_MONTH, least_squares_slope
from drugfree_core.rules.roadmap import MEETING, Roadmap

#: Counts the units of a scope recognised in a run (``None``: no recognitions known).
RecognisedCount = Callable[[str, ScopeRun], int | None]


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
) -> Progress:
    """The progress of *scope* on ``now.on``; *run_on* evaluates a past due date.

    *recognised* counts the scope's recognised units in a run, for roadmaps that count
    recognitions and for the ``recognised`` figure beside the meeting one.
    """
    counts = now.counts(scope)
    units, meeting = counts.units, counts.meeting
    recognised_now = recognised(scope, now)
    basis = MEETING if roadmap is None else roadmap.counts
    slope = least_squares_slope(_trend_points(scope, now.on, series))
    milestones = (
        ()
        if roadmap is None
        else _milestones(scope, now, counts, roadmap, slope, run_on, recognised)
    )
    upcoming = [m for m in milestones if m.due >= now.on]
    nxt = upcoming[0] if upcoming else None
    reached = counts.meeting_at_least if basis == MEETING else recognised_now
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
        milestones=milestones,
        basis=basis,
        recognised=recognised_now,
    )


def _trend_points(
    scope: str, on: dt.date, series: Sequence[SeriesPoint]
) -> list[tuple[dt.date, float]]:
    """The points the trend is fitted to: after the last break when there are two.

    Merging three communes into one changes what a unit is, so the share can jump at
    the merger for reasons that say nothing about the work since; a change of criteria
    (the national default became Art. 6 of Decision 28/2025 on 24 Aug 2025) changes what
    "meeting" means. A projection from the points since the later of the two is the
    honest one once it has enough of them.
    """
    mine = sorted(
        (p for p in series if p.scope == scope and p.share is not None), key=lambda p: p.on
    )
    points = [(p.on, share) for p in mine if (share := p.share) is not None]
    changed = [p.on for i, p in enumerate(mine) if i and mine[i - 1].scheme_ids != p.scheme_ids]
    start = TWO_TIER_START if on >= TWO_TIER_START else dt.date.min
    if changed:
        start = max(start, changed[-1])
    since = [(d, s) for d, s in points if d >= start]
    return since if len({d for d, _ in since}) >= 2 else points


def _in(scope: str, run: ScopeRun, code: str) -> bool:
    return scope == "*" or run.provinces[code] == scope


def judge(required: int, counts: ScopeCounts) -> str:
    """``met``, ``missed`` or ``cannot_judge`` for *required* units, on the data of *counts*.

    Met only on counted passes, and only when the people who could not be placed could
    not bring them below the required count; missed only when the undecided and the
    uncovered units, all passing, could not bring them up to it.
    """
    if counts.meeting_at_least >= required:
        return "met"
    if counts.meeting + _could_still_meet(counts) < required:
        return "missed"
    return "cannot_judge"


def _could_still_meet(counts: ScopeCounts) -> int:
    """The units that may meet the criteria for all the data say: undecided or uncovered."""
    return counts.unknown + counts.no_data


def _milestones(
    scope: str,
    now: ScopeRun,
    counts: ScopeCounts,
    roadmap: Roadmap,
    slope: float | None,
    run_on: Callable[[dt.date], ScopeRun | None],
    recognised: RecognisedCount,
) -> tuple[MilestoneStatus, ...]:
    units = counts.units
    by_meeting = roadmap.counts == MEETING
    # The count a projection starts from: units meeting, or units recognised, today.
    base = counts.meeting if by_meeting else recognised(scope, now)
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
            elif by_meeting:
                status = judge(m.required(then.units), then)
            else:
                status = "met" if achieved >= m.required(then.units) else "missed"
        elif slope is None or not units or base is None:
            status = "unknown"
        else:
            share_now = base / units
            projected = max(0.0, min(1.0, share_now + slope * (m.due - now.on).days)) * units
            if projected >= required:
                status = "on_track"
            elif not by_meeting or projected + _could_still_meet(counts) < required:
                status = "off_track"
            else:
                status = "cannot_judge"  # the undecided or uncovered units could change it
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
