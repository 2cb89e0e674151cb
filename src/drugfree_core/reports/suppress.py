"""Small-count suppression for published aggregates.

A count of *people* between 1 and ``threshold - 1`` in a small commune can point at a
person ("the one addict of hamlet X"), so a published report replaces it with ``None``,
rendered as ``< k``; a note that counts people (or records about them) says ``< k``.
Zero is kept (it identifies nobody), and counts of *units* are never suppressed: they are
public facts. Totals are left as they are; a reader who needs
secondary suppression (hiding a second cell so that a total cannot reveal the first)
should publish only province totals, which the report notes.
"""

from __future__ import annotations

import attrs

from drugfree_core._args import expect
from drugfree_core.engine.evaluate import quarantined_note, split_predecessor_note
from drugfree_core.engine.results import unplaced_note
from drugfree_core.errors import UsageError
from drugfree_core.i18n import Message, Text, msg
from drugfree_core.reports.model import (
    IndicatorResult,
    MilestoneStatus,
    Progress,
    Report,
    SeriesPoint,
    Shortfall,
    UnitRow,
)
from drugfree_core.reports.notes import unplaced_scope_note, without_residence_note
from drugfree_core.reports.progress import reproject
from drugfree_core.reports.quality import QualityRow
from drugfree_core.rules.roadmap import MEETING

#: The notes whose ``{n}`` counts people (or records, which are about people).
_PEOPLE_NOTES = frozenset(
    note.msgid
    for note in (
        quarantined_note(1),
        split_predecessor_note(1),
        unplaced_note(1),
        without_residence_note(1),
    )
)
#: The scope's note on the unplaced, whose "at least" bound would give its count back.
_UNPLACED_SCOPE = unplaced_scope_note(1, 0, least=0).msgid


def _withheld_note(note: Text, threshold: int) -> Text:
    """*note* with a small count of people said as ``< K`` (its words for K of them)."""
    if not isinstance(note, Message) or note.n is None or not 0 < note.n < threshold:
        return note
    withheld = f"< {threshold}"
    if note.msgid == _UNPLACED_SCOPE:
        # meeting - n, with n below K: at least meeting - (K - 1), whatever n is.
        meeting = dict(note.params)["meeting"]
        assert isinstance(meeting, int)
        least = _least(meeting, threshold)
        return unplaced_scope_note(threshold, meeting, least=least).with_params(n=withheld)
    if note.msgid in _PEOPLE_NOTES:
        return attrs.evolve(note, n=threshold).with_params(n=withheld)
    return note


def suppress_small_counts(report: Report, threshold: int) -> Report:
    """*report* with every count of people in ``1 .. threshold - 1`` withheld."""
    expect(report, Report, msg("the report"), msg("a Report (from build_report)"))
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        raise UsageError(msg("the suppression threshold must be a whole number"))
    if threshold < 2:
        raise UsageError(
            msg(
                "the suppression threshold must be at least 2, not {threshold}",
                threshold=str(threshold),
            )
        )

    def hide(value: int | None) -> int | None:
        return None if value is not None and 0 < value < threshold else value

    def shortfall(s: Shortfall) -> Shortfall:
        if s.people:
            return attrs.evolve(s, count=hide(s.count))
        # A limit's measure may count people ("number of addicts ≤ 9 (now 3)"); its value
        # and the excess below it are withheld when small.
        if s.observed is not None and 0 < s.observed < threshold:
            return attrs.evolve(s, observed=None, count=None)
        return s

    def row(r: UnitRow) -> UnitRow:
        shortfalls = tuple(shortfall(s) for s in r.shortfalls)
        people_lack = sum(s.count or 0 for s in r.shortfalls if s.people)
        # ``lack`` sums the row's shortfalls: beside a withheld one it would give it back.
        withheld = any(s.count is None for s in shortfalls)
        lack = None if withheld else (r.lack if people_lack == 0 else hide(r.lack))
        notes = tuple(_withheld_note(note, threshold) for note in r.notes)
        return attrs.evolve(r, shortfalls=shortfalls, lack=lack, notes=notes)

    def quality(q: QualityRow) -> QualityRow:
        return attrs.evolve(
            q,
            people=hide(q.people),
            flagged=hide(q.flagged),
            correct=hide(q.correct),
            sufficient=hide(q.sufficient),
            clean=hide(q.clean),
            live=hide(q.live),
        )

    def small(value: float | None) -> bool:
        return value is not None and 0 < value < threshold

    def indicator(i: IndicatorResult) -> IndicatorResult:
        # The value and the denominator give the numerator back, and a small complement
        # (2 of 100 without a record) points at people as surely as a small numerator.
        if small(i.denominator):
            return attrs.evolve(i, numerator=None, denominator=None, value=None)
        complement = (
            None if i.numerator is None or i.denominator is None else (i.denominator - i.numerator)
        )
        if small(i.numerator) or small(complement):
            return attrs.evolve(i, numerator=None, value=None)
        return i

    provenance = attrs.evolve(report.provenance, suppression_threshold=threshold)
    series = tuple(_withheld_point(s, threshold) for s in report.series)
    on = report.provenance.reference_date

    def progress(p: Progress) -> Progress:
        published = _withheld_progress(p, threshold)
        # The trend and the projections start from the lower bounds: worked out again on
        # the published ones, they give no withheld count back.
        withheld = published.unplaced is None or any(
            s.scope == p.scope and s.unplaced is None for s in series
        )
        return reproject(published, series, on) if withheld else published

    return attrs.evolve(
        report,
        provenance=provenance,
        progress=tuple(progress(p) for p in report.progress),
        overall=progress(report.overall),
        series=series,
        units=tuple(row(r) for r in report.units),
        closest=tuple(row(r) for r in report.closest),
        indicators=tuple(indicator(i) for i in report.indicators),
        quality=attrs.evolve(report.quality, rows=tuple(quality(q) for q in report.quality.rows)),
        notes=tuple(_withheld_note(note, threshold) for note in report.notes),
    )


def _least(meeting: int, threshold: int) -> int:
    """At least this many of *meeting* units meet, whatever a withheld count below K is."""
    return max(0, meeting - threshold + 1)


def _small(value: int | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def _withheld_progress(p: Progress, threshold: int) -> Progress:
    """*p* with its small counts of people withheld, and what would give them back.

    ``meeting - meeting_at_least`` is the number of unplaced people (when below
    ``meeting``): a withheld one leaves the bound that holds for any count below K
    (``unplaced_below``), and the gap to the next milestone, when the roadmap counts
    units meeting the criteria, is counted from that bound. A past milestone's bound is
    treated alike.
    """
    by_meeting = p.basis == MEETING
    published = attrs.evolve(
        p,
        without_residence=None if _small(p.without_residence, threshold) else p.without_residence,
        milestones=tuple(_withheld_milestone(m, threshold, by_meeting) for m in p.milestones),
    )
    if not _small(p.unplaced, threshold):
        return published
    published = attrs.evolve(published, unplaced=None, unplaced_below=threshold)
    if by_meeting and p.required is not None:
        published = attrs.evolve(published, gap=max(0, p.required - published.meeting_at_least))
    return published


def _withheld_point(s: SeriesPoint, threshold: int) -> SeriesPoint:
    """*s* with a small count of unplaced people withheld (its bound then holds below K)."""
    if not _small(s.unplaced, threshold):
        return s
    return attrs.evolve(s, unplaced=None, unplaced_below=threshold)


def _withheld_milestone(m: MilestoneStatus, threshold: int, by_meeting: bool) -> MilestoneStatus:
    """*m* with a bound at its due date that does not give a small unplaced count back."""
    if not by_meeting or m.meeting_at_due is None or m.meeting_at_least_at_due is None:
        return m
    if 0 < m.meeting_at_due - m.meeting_at_least_at_due < threshold:
        return attrs.evolve(m, meeting_at_least_at_due=_least(m.meeting_at_due, threshold))
    return m
