"""The answer a report opens with, in words, before any table or provenance.

A reader opens a report to learn three things: how many units meet the criteria out of
how many, whether the next milestone of the roadmap will be met, and which units are
closest and what each still lacks. :func:`report_answer` says them in sentences, in the
report's language; the HTML page (and the PDF printed from it) and the workbook's first
sheet show them first. Every sentence comes from the label table
(:mod:`drugfree_core.reports.labels`) and every figure from the
:class:`~drugfree_core.reports.model.Report`, so the answer cannot disagree with the
tables under it.
"""

from __future__ import annotations

import datetime as dt

import attrs

from drugfree_core.i18n import (
    Lang,
    format_count,
    format_date,
    format_number,
    format_percent,
    resolve_lang,
)
from drugfree_core.reports.labels import text, withheld_text
from drugfree_core.reports.model import MilestoneStatus, Progress, Report, UnitRow
from drugfree_core.reports.views import scope_label
from drugfree_core.rules.roadmap import MEETING, NATIONAL

#: How many of the closest units the answer names; the full list is a table of its own.
ANSWER_CLOSEST = 5


@attrs.frozen(kw_only=True)
class ClosestLine:
    """One unit close to meeting the criteria: its name and what each failing rule lacks.

    ``undecided`` names the criteria the data cannot decide (``None``: none), which may
    fail too: what the unit lacks is then only what is known of it.
    """

    unit: str
    lacks: tuple[str, ...]
    undecided: str | None = None


@attrs.frozen(kw_only=True)
class Answer:
    """The report's answer in sentences, in one language.

    ``headline`` says how many units meet out of how many; ``facts`` the rest of the
    counts and the roadmap's next milestone; ``closest`` the units nearest to meeting the
    criteria, at most :data:`ANSWER_CLOSEST`, and ``closest_more`` where the others are.
    """

    title: str
    scope: str
    headline: str
    facts: tuple[str, ...]
    closest_title: str
    closest: tuple[ClosestLine, ...]
    closest_note: str | None


def report_answer(report: Report, lang: Lang | None = None) -> Answer:
    """The sentences that open *report* in *lang* (default: the current language)."""
    lang = resolve_lang(lang)
    overall = report.overall
    on = report.provenance.reference_date
    scope = scope_label(report, lang)
    # Units no scheme evaluated are said first: every count after them leaves them out.
    not_evaluated = (
        [text("answer_not_evaluated", lang, n=overall.not_evaluated, units=overall.units_in_force)]
        if overall.not_evaluated
        else []
    )
    if overall.evaluated:
        headline = text(
            "answer_headline",
            lang,
            scope=scope,
            meeting=overall.meeting,
            n=overall.units_in_force,
            share=format_percent(overall.share or 0.0, lang),
        )
        # How many units the data cover comes first: a share never goes without it.
        facts = [*not_evaluated, _coverage_sentence(overall, lang)]
        if overall.meeting_at_least < overall.meeting:
            facts.append(_at_least_sentence(overall, lang))
        facts.append(
            text("answer_breakdown", lang, failing=overall.failing, unknown=overall.unknown)
        )
    else:
        headline = text("answer_headline_empty", lang, scope=scope)
        facts = not_evaluated
    facts.extend(milestone_sentences(overall, on, lang))
    recognition = next((r for r in report.recognition if r.scope == overall.scope), None)
    if recognition is not None and overall.evaluated:
        facts.append(
            text(
                "answer_recognition",
                lang,
                year=str(recognition.year),
                recognised=recognition.recognised,
                withdraw=len(recognition.withdrawal_candidates),
                candidates=len(recognition.recognition_candidates),
            )
        )
        if recognition.recognised_no_data:
            facts.append(text("answer_recognised_no_data", lang, n=recognition.recognised_no_data))
    provinces = [p for p in report.progress if p.scope != NATIONAL]
    if len(provinces) > 1:
        facts.append(_provinces_sentence(provinces, lang))
    closest = report.closest[:ANSWER_CLOSEST]
    names = {p.scope: p.name for p in provinces} if len(provinces) > 1 else {}
    threshold = report.provenance.suppression_threshold
    if not closest and overall.not_evaluated:
        # "No unit fails" would claim it of units nothing was evaluated for.
        note: str | None = text("answer_closest_none_evaluated", lang, n=overall.not_evaluated)
    elif not closest:
        note = text("answer_closest_none", lang)
    elif len(report.closest) > len(closest):
        note = text(
            "answer_closest_more", lang, n=len(report.closest), table=text("view_closest", lang)
        )
    else:
        note = None
    return Answer(
        title=text("answer_title", lang),
        scope=scope,
        headline=headline,
        facts=tuple(facts),
        closest_title=text("answer_closest", lang),
        closest=tuple(_closest_line(row, names, threshold, lang) for row in closest),
        closest_note=note,
    )


def _at_least_sentence(p: Progress, lang: Lang) -> str:
    """How many units meet whoever the unplaced are; a withheld count said ``< K``."""
    below = p.unplaced_below
    if p.unplaced is not None or below is None:
        return text("answer_at_least", lang, n=p.unplaced or 0, least=p.meeting_at_least)
    said = f"< {format_count(below, lang)}"
    return withheld_text("answer_at_least", lang, below, said, least=p.meeting_at_least)


def _coverage_sentence(p: Progress, lang: Lang) -> str:
    # Of the units evaluated: those no scheme evaluated are said in a sentence of their own.
    if p.no_data:
        return text(
            "answer_coverage", lang, covered=p.covered, units=p.evaluated, no_data=p.no_data
        )
    return text("answer_coverage_full", lang, units=p.evaluated)


def milestone_sentences(p: Progress, on: dt.date, lang: Lang) -> list[str]:
    """Whether *p* meets its roadmap's next milestone: one line, or two.

    A milestone due on the reference date is judged (met or missed) and the one after it
    is described too: that is the one the province is now working towards.
    """
    if p.roadmap_id is None:
        return [text("answer_no_roadmap", lang)]
    roadmap = (p.roadmap_title_vi if lang == "vi" else p.roadmap_title_en) or p.roadmap_id
    upcoming = [m for m in p.milestones if m.due >= on]
    if not upcoming:
        return [text("answer_all_passed", lang, roadmap=roadmap)]
    first = upcoming[0]
    what = text(
        "answer_milestone",
        lang,
        roadmap=roadmap,
        share=format_percent(float(first.share), lang, _share_digits(first)),
        due=format_date(first.due, lang),
        required=first.required,
        units=p.units_in_force,
    )
    out = [f"{what} {_status_sentence(p, first, on, lang)}"]
    if first.due == on and len(upcoming) > 1:
        after = upcoming[1]
        what = text(
            "answer_milestone_after",
            lang,
            share=format_percent(float(after.share), lang, _share_digits(after)),
            due=format_date(after.due, lang),
            required=after.required,
        )
        out.append(f"{what} {_status_sentence(p, after, on, lang)}")
    return out


def _share_digits(m: MilestoneStatus) -> int:
    # 30 % reads better than 30,0 %; a share like 12.5 % keeps its decimal.
    return 0 if (m.share * 100).denominator == 1 else 1


def _status_sentence(p: Progress, m: MilestoneStatus, on: dt.date, lang: Lang) -> str:
    gap = max(0, m.required - p.meeting_at_least)
    if m.due == on:
        meeting = p.meeting if m.meeting_at_due is None else m.meeting_at_due
        key = {
            "met": "answer_due_met",
            "missed": "answer_due_missed",
            "cannot_judge": "answer_due_cannot_judge",
        }.get(m.status, "answer_due_unknown")
        return text(key, lang, meeting=meeting, gap=max(0, m.required - meeting))
    if not p.evaluated:
        return text("answer_ahead_not_evaluated", lang)
    trend = _trend(p.trend_per_month, p.trend_across, lang)
    projected = (
        "" if m.projected_at_due is None else format_number(m.projected_at_due, lang, digits=1)
    )
    if projected and p.basis == MEETING and p.meeting_at_least < p.meeting:
        # Projected from the fewest units meeting the criteria, not from the passes.
        projected = text("at_least", lang, n=projected)
    if m.status not in ("on_track", "off_track", "cannot_judge"):
        key = "answer_unknown_reached" if gap == 0 else "answer_unknown"
    else:
        key = f"answer_{m.status}" + ("_reached" if gap == 0 else "")
    return text(key, lang, trend=trend, projected=projected, gap=gap, n=gap)


def _trend(per_month: float | None, across: dt.date | None, lang: Lang) -> str:
    if per_month is None:
        return ""
    sign = "+" if per_month > 0 else "−" if per_month < 0 else ""
    value = sign + format_number(abs(per_month), lang, digits=2)
    if across is not None:
        # Fitted across the merger or a change of criteria: the reader must know.
        return text("trend_words_across", lang, value=value, date=across)
    return text("trend_words", lang, value=value)


def _provinces_sentence(provinces: list[Progress], lang: Lang) -> str:
    good = bad = unknown = none = 0
    for p in provinces:
        nxt = next((m for m in p.milestones if m.due == p.next_due), None)
        if nxt is None:
            none += 1
        elif nxt.status in ("met", "on_track"):
            good += 1
        elif nxt.status in ("missed", "off_track"):
            bad += 1
        else:
            unknown += 1
    return text("answer_provinces", lang, good=good, bad=bad, unknown=unknown, none=none)


def _closest_line(
    row: UnitRow, names: dict[str, str], threshold: int | None, lang: Lang
) -> ClosestLine:
    unit = f"{row.unit_name} ({row.unit_code})"
    if row.province_code in names:
        unit += f", {names[row.province_code]}"
    undecided = ", ".join(row.unknown_criteria)
    return ClosestLine(
        unit=unit,
        lacks=tuple(f"{s.criterion_id}: {s.sentence(lang, threshold)}" for s in row.shortfalls),
        undecided=text("closest_undecided", lang, criteria=undecided) if undecided else None,
    )
