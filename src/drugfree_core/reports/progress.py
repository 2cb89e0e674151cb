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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from drugfree_core.model.territory import TWO_TIER_START
from drugfree_core.reports.model import MilestoneStatus, Progress, SeriesPoint
from drugfree_core.reports.runs import ScopeCounts, ScopeRun
from drugfree_core.reports.trend import DAYS_PER_MONTH, least_squares_slope
from drugfree_core.rules.roadmap import Roadmap


def scope_progress(
    *,
    scope: str,
    name: str,
    now: ScopeRun,
    roadmap: Roadmap | None,
    series: Sequence[SeriesPoint],
    run_on: Callable[[dt.date], ScopeRun | None],
) -> Progress:
    """The progress of *scope* on ``now.on``; *run_on* evaluates a past due date."""
    counts = now.counts(scope)
    units, meeting = counts.units, counts.meeting
    slope = least_squares_slope(_trend_points(scope, now.on, series))
    milestones = () if roadmap is None else _milestones(scope, now, counts, roadmap, slope, run_on)
    upcoming = [m for m in milestones if m.due >= now.on]
    nxt = upcoming[0] if upcoming else None
    return Progress(
        scope=scope,
        name=name,
        scheme_ids=tuple(
            sorted({s.id for code, (s, _) in now.results.items() if _in(scope, now, code)})
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
        gap=None if nxt is None else max(0, nxt.required - counts.meeting_at_least),
        trend_per_month=None if slope is None else slope * DAYS_PER_MONTH * units,
        milestones=milestones,
    )


def _trend_points(
    scope: str, on: dt.date, series: Sequence[SeriesPoint]
) -> list[tuple[dt.date, float]]:
    """The points the trend is fitted to: after the 2025 merger when there are two.

    Merging three communes into one changes what a unit is, so the share can jump at
    the merger for reasons that say nothing about the work since; a projection from
    the present map's own points is the honest one once it has enough of them.
    """
    points = [(p.on, p.share) for p in series if p.scope == scope and p.share is not None]
    since = [(d, s) for d, s in points if d >= TWO_TIER_START]
    return since if on >= TWO_TIER_START and len({d for d, _ in since}) >= 2 else points


def _in(scope: str, run: ScopeRun, code: str) -> bool:
    return scope == "*" or run.provinces[code] == scope


def judge(required: int, counts: ScopeCounts) -> str:
    """``met``, ``missed`` or ``cannot_judge`` for *required* units, on the data of *counts*.

    Met only on counted passes, and only when the people who could not be placed could
    not bring them below the required count; missed only when the uncovered units, all
    passing, could not bring them up to it.
    """
    if counts.meeting_at_least >= required:
        return "met"
    if counts.meeting + counts.no_data < required:
        return "missed"
    return "cannot_judge"


def _milestones(
    scope: str,
    now: ScopeRun,
    counts: ScopeCounts,
    roadmap: Roadmap,
    slope: float | None,
    run_on: Callable[[dt.date], ScopeRun | None],
) -> tuple[MilestoneStatus, ...]:
    units, meeting = counts.units, counts.meeting
    statuses = []
    for m in roadmap.milestones:
        required = m.required(units)
        then: ScopeCounts | None = None
        projected: float | None = None
        if m.due <= now.on:
            past = run_on(m.due)
            if past is not None:
                then = past.counts(scope)
            status = (
                "unknown" if then is None or not then.units else judge(m.required(then.units), then)
            )
        elif slope is None or not units:
            status = "unknown"
        else:
            share_now = meeting / units
            projected = max(0.0, min(1.0, share_now + slope * (m.due - now.on).days)) * units
            if projected >= required:
                status = "on_track"
            elif projected + counts.no_data < required:
                status = "off_track"
            else:
                status = "cannot_judge"  # the uncovered units could change the answer
        statuses.append(
            MilestoneStatus(
                due=m.due,
                share=m.share,
                required=required,
                status=status,
                meeting_at_due=None if then is None else then.meeting,
                projected_at_due=projected,
                citation=m.citation,
                provenance=m.provenance.value,
                note=m.note,
                no_data_at_due=None if then is None else then.no_data,
                meeting_at_least_at_due=None if then is None else then.meeting_at_least,
            )
        )
    return tuple(statuses)
