"""A province's (or the nation's) standing against its roadmap on a date.

``required = ceil(share × units in force)``, exactly (:func:`required_count`). A past
milestone is judged on its own due date, against the units in force on that date; a
milestone ahead is judged by projecting the trend of the share meeting the criteria to
its due date. No trend (fewer than two dated points) gives ``unknown``, never
``on_track``.

A roadmap counts either the units meeting the criteria on the data or the units formally
recognised (its ``counts``). Counting recognitions, the achieved count is theirs, and a
milestone ahead is projected from it along the data's trend (recognitions follow the
data a year behind); with no recognitions in the data it is ``unknown``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from drugfree_core.model.territory import TWO_TIER_START
from drugfree_core.reports.model import MilestoneStatus, Progress, SeriesPoint
from drugfree_core.reports.runs import ScopeRun
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
    units, meeting, failing, unknown = now.counts(scope)
    recognised_now = recognised(scope, now)
    basis = MEETING if roadmap is None else roadmap.counts

    def achieved(run: ScopeRun) -> int | None:
        return run.counts(scope)[1] if basis == MEETING else recognised(scope, run)

    slope = least_squares_slope(_trend_points(scope, now.on, series))
    milestones = (
        ()
        if roadmap is None
        else _milestones(scope, now, units, achieved(now), roadmap, slope, run_on, achieved)
    )
    upcoming = [m for m in milestones if m.due >= now.on]
    nxt = upcoming[0] if upcoming else None
    reached = achieved(now)
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
        failing=failing,
        unknown=unknown,
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


def _milestones(
    scope: str,
    now: ScopeRun,
    units: int,
    meeting: int | None,
    roadmap: Roadmap,
    slope: float | None,
    run_on: Callable[[dt.date], ScopeRun | None],
    achieved: Callable[[ScopeRun], int | None],
) -> tuple[MilestoneStatus, ...]:
    statuses = []
    for m in roadmap.milestones:
        required = m.required(units)
        meeting_at_due: int | None = None
        units_then = 0
        projected: float | None = None
        if m.due <= now.on:
            past = run_on(m.due)
            if past is not None:
                units_then = past.counts(scope)[0]
                meeting_at_due = achieved(past)
            status = (
                "unknown"
                if meeting_at_due is None or not units_then
                else "met"
                if meeting_at_due >= m.required(units_then)
                else "missed"
            )
        elif slope is None or not units or meeting is None:
            status = "unknown"
        else:
            share_now = meeting / units
            projected = max(0.0, min(1.0, share_now + slope * (m.due - now.on).days)) * units
            status = "on_track" if projected >= required else "off_track"
        statuses.append(
            MilestoneStatus(
                due=m.due,
                share=m.share,
                required=required,
                status=status,
                meeting_at_due=meeting_at_due,
                projected_at_due=projected,
                citation=m.citation,
                provenance=m.provenance.value,
                note=m.note,
            )
        )
    return tuple(statuses)
