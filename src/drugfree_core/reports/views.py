"""A report as a list of tables ("views"), the one shape CSV, Excel and HTML all write.

Each view has a stable machine name (the CSV file and sheet name), a title and column
labels in the chosen language, and rows of plain values: ``str``, ``int``, ``float``,
``datetime.date``, ``None`` (empty) or :class:`Suppressed` (a small count withheld).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

import attrs

from drugfree_core.i18n import Lang, join_texts, render, resolve_lang, yes_no
from drugfree_core.reports.labels import text
from drugfree_core.reports.model import IndicatorResult, Progress, Report, SeriesPoint, UnitRow
from drugfree_core.reports.quality import DIMENSIONS, UNPLACED_NAME
from drugfree_core.rules.describe import provenance_words, reader_citation
from drugfree_core.rules.roadmap import NATIONAL

#: Column kinds: how an exporter formats the values.
COLUMN_KINDS = ("text", "int", "share", "float", "date")


@attrs.frozen
class Suppressed:
    """A count of people below the publication threshold, shown as ``< k``."""

    below: int


Cell = str | int | float | dt.date | Suppressed | None


@attrs.frozen(kw_only=True)
class Column:
    """One column of a view: its key, its label in the report's language and its kind.

    The kinds: ``text``, ``id`` (an identifier: a scheme, a roadmap, an indicator, a
    plugin; a page breaks it only at its own separators, never inside a word), ``int``,
    ``float``, ``share`` and ``date``.
    """

    key: str
    label: str
    kind: str = "text"


@attrs.frozen(kw_only=True)
class View:
    """One table of a report."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


def report_views(report: Report, lang: Lang | None = None) -> tuple[View, ...]:
    """Every view of *report*, labelled in *lang* (default: current), in reading order."""
    lang = resolve_lang(lang)
    people = _people_cell(report.provenance.suppression_threshold)
    return (
        _progress_view(report, lang, people),
        _milestones_view(report, lang),
        _closest_view(report.closest, lang, people),
        _units_view(report.units, lang, people),
        _criteria_view(report, lang),
        _series_view(report, lang),
        _indicators_view(report, lang),
        _quality_view(report, lang, people),
        *((_recognitions_view(report, lang),) if report.recognition else ()),
        _provenance_view(report, lang),
    )


def _people_cell(threshold: int | None) -> _PeopleCell:
    return _PeopleCell(threshold)


@attrs.frozen
class _PeopleCell:
    """Renders a people count: ``None`` is a suppressed count when a threshold is set."""

    threshold: int | None

    def __call__(self, value: int | None) -> Cell:
        if value is None and self.threshold is not None:
            return Suppressed(self.threshold)
        return value


def _cols(lang: Lang, *spec: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(key=key, label=text(key, lang), kind=kind) for key, kind in spec)


def _share(value: Fraction | float | None) -> float | None:
    return None if value is None else float(value)


def _name(p: Progress, lang: Lang) -> str:
    return text("national", lang) if p.scope == NATIONAL else p.name


def standing_text(p: Progress | SeriesPoint, lang: Lang) -> str:
    """A share never goes without its coverage: "35 of 114 meet · data for 52 of 114".

    Nor without its lower bound when people could not be placed ("(at least 33)"), nor
    without the units in force that no scheme evaluated.
    """
    if isinstance(p, Progress) and not p.evaluated and p.units_in_force:
        return text("standing_none_evaluated", lang, units=p.units_in_force)
    fields = {"meeting": p.meeting, "units": p.units_in_force, "covered": p.covered}
    if p.meeting_at_least < p.meeting:
        words = text("standing_at_least", lang, least=p.meeting_at_least, **fields)
    else:
        words = text("standing_text", lang, **fields)
    if isinstance(p, Progress) and p.not_evaluated:
        words = text("standing_not_evaluated", lang, standing=words, n=p.not_evaluated)
    return words


def value_words(value: str, lang: Lang) -> str:
    """A verdict or status value (``pass``, ``unknown``, ``on_track``…) as words in a cell."""
    # "unknown" is also a column label ("Chưa xác định"); as a value it is lower case,
    # like the other verdicts.
    words = text(f"value_{value}", lang)
    return text(value, lang) if words == f"value_{value}" else words


def _code(scope: str) -> str:
    # The nation has no province code: its rows say "National" in the name column.
    return "" if scope == NATIONAL else scope


def scope_label(report: Report, lang: Lang) -> str:
    """The report's scope for people: a province's name, or the nation's.

    A national report says how many provinces its data come from, so that "National"
    never reads as the whole country's figures when the data hold a few provinces.
    """
    p = report.provenance
    if p.scope != NATIONAL:
        return p.scope_name or p.scope
    provinces = [row for row in report.progress if row.scope != NATIONAL]
    if provinces:
        return text("scope_national_partial", lang, n=len(provinces))
    return text("national", lang)


def _progress_row(p: Progress, lang: Lang, people: _PeopleCell) -> tuple[Cell, ...]:
    return (
        _code(p.scope),
        _name(p, lang),
        ", ".join(p.scheme_ids),
        p.roadmap_id or "",
        text(f"basis_{p.basis}", lang),
        p.units_in_force,
        p.meeting,
        p.recognised,
        p.meeting_at_least,
        p.failing,
        p.unknown,
        p.no_data,
        p.not_evaluated,
        p.share,
        p.coverage,
        standing_text(p, lang),
        people(p.unplaced),
        people(p.without_residence),
        p.next_due,
        _share(p.next_share),
        p.required,
        p.gap,
        None if p.trend_per_month is None else round(p.trend_per_month, 2),
        p.trend_across,
    )


def _progress_view(report: Report, lang: Lang, people: _PeopleCell) -> View:
    rows = [_progress_row(p, lang, people) for p in report.progress]
    if len(report.progress) != 1 or report.progress[0].scope != report.overall.scope:
        rows.append(_progress_row(report.overall, lang, people))
    return View(
        name="progress",
        title=text("view_progress", lang),
        columns=_cols(
            lang,
            ("province_code", "text"),
            ("name", "text"),
            ("scheme", "id"),
            ("roadmap", "id"),
            ("basis", "text"),
            ("units_in_force", "int"),
            ("meeting", "int"),
            ("recognised", "int"),
            ("meeting_at_least", "int"),
            ("failing", "int"),
            ("unknown", "int"),
            ("no_data", "int"),
            ("not_evaluated", "int"),
            ("share", "share"),
            ("coverage", "share"),
            ("standing", "text"),
            ("unplaced", "int"),
            ("without_residence", "int"),
            ("next_due", "date"),
            ("target_share", "share"),
            ("required", "int"),
            ("gap", "int"),
            ("trend_per_month", "float"),
            ("trend_across", "date"),
        ),
        rows=tuple(rows),
    )


def _milestones_view(report: Report, lang: Lang) -> View:
    rows: list[tuple[Cell, ...]] = []
    for p in (*report.progress, report.overall):
        for m in p.milestones:
            rows.append(
                (
                    _code(p.scope),
                    _name(p, lang),
                    p.roadmap_id or "",
                    m.due,
                    _share(m.share),
                    m.required,
                    value_words(m.status, lang),
                    m.meeting_at_due,
                    m.meeting_at_least_at_due,
                    m.no_data_at_due,
                    None if m.projected_at_due is None else round(m.projected_at_due, 1),
                    reader_citation(m.citation, lang),
                    provenance_words(m.provenance, lang),
                )
            )
    return View(
        name="milestones",
        title=text("view_milestones", lang),
        columns=_cols(
            lang,
            ("province_code", "text"),
            ("name", "text"),
            ("roadmap", "id"),
            ("due", "date"),
            ("target_share", "share"),
            ("required", "int"),
            ("status", "text"),
            ("meeting_at_due", "int"),
            ("meeting_at_least", "int"),
            ("no_data_at_due", "int"),
            ("projected_at_due", "float"),
            ("citation", "text"),
            ("provenance", "text"),
        ),
        rows=tuple(dict.fromkeys(rows)),  # a province's roadmap may also be the overall one
    )


def _lacks(row: UnitRow, lang: Lang, people: _PeopleCell) -> str:
    return "; ".join(
        f"{s.criterion_id}: {s.sentence(lang, people.threshold)}" for s in row.shortfalls
    )


def _closest_view(rows: Sequence[UnitRow], lang: Lang, people: _PeopleCell) -> View:
    return View(
        name="closest",
        title=text("view_closest", lang),
        columns=_cols(
            lang,
            ("rank", "int"),
            ("unit_code", "text"),
            ("unit_name", "text"),
            ("province_code", "text"),
            ("verdict", "text"),
            ("failing_criteria", "text"),
            ("unknown_criteria", "text"),
            ("lack", "int"),
            ("lacks", "text"),
        ),
        rows=tuple(
            (
                rank,
                r.unit_code,
                r.unit_name,
                r.province_code,
                value_words(r.verdict, lang),
                ", ".join(r.failing_criteria),
                # A criterion the data cannot decide may fail too: its rank is not final.
                ", ".join(r.unknown_criteria),
                people(r.lack),
                _lacks(r, lang, people),
            )
            for rank, r in enumerate(rows, start=1)
        ),
    )


def _units_view(rows: Sequence[UnitRow], lang: Lang, people: _PeopleCell) -> View:
    def pred(r: UnitRow) -> tuple[Cell, Cell]:
        if r.predecessors is None:
            return None, None
        return r.predecessors.total, r.predecessors.meeting

    return View(
        name="units",
        title=text("view_units", lang),
        columns=_cols(
            lang,
            ("unit_code", "text"),
            ("unit_name", "text"),
            ("province_code", "text"),
            ("scheme", "id"),
            ("verdict", "text"),
            ("failing_criteria", "text"),
            ("unknown_criteria", "text"),
            ("lack", "int"),
            ("predecessors", "int"),
            ("predecessors_meeting", "int"),
            ("recognised", "text"),
            ("national_scheme", "text"),
            ("national_verdict", "text"),
            ("unit_notes", "text"),
        ),
        rows=tuple(
            (
                r.unit_code,
                r.unit_name,
                r.province_code,
                r.scheme_id,
                value_words(r.verdict, lang),
                ", ".join(r.failing_criteria),
                ", ".join(r.unknown_criteria),
                people(r.lack),
                *pred(r),
                None if r.recognised is None else yes_no(r.recognised, lang),
                r.national_scheme_id,
                None if r.national_verdict is None else value_words(r.national_verdict, lang),
                join_texts(r.notes, lang, "; "),
            )
            for r in rows
        ),
    )


def _recognitions_view(report: Report, lang: Lang) -> View:
    """Recognised units beside units meeting the criteria, and where they disagree."""
    return View(
        name="recognitions",
        title=text("view_recognitions", lang),
        columns=_cols(
            lang,
            ("scope", "text"),
            ("recognition_year", "text"),  # a year, not a count: no thousands separator
            ("units_in_force", "int"),
            ("recognised", "int"),
            ("meeting", "int"),
            ("recognised_and_meeting", "int"),
            ("recognised_undecided", "int"),
            ("recognised_no_data", "int"),
            ("withdrawal_candidates", "text"),
            ("recognition_candidates", "text"),
        ),
        rows=tuple(
            (
                text("national", lang) if r.scope == NATIONAL else r.scope,
                str(r.year),
                r.units_in_force,
                r.recognised,
                r.meeting,
                r.recognised_and_meeting,
                r.recognised_undecided,
                r.recognised_no_data,
                ", ".join(r.withdrawal_candidates),
                ", ".join(r.recognition_candidates),
            )
            for r in report.recognition
        ),
    )


def _criteria_view(report: Report, lang: Lang) -> View:
    return View(
        name="criteria",
        title=text("view_criteria", lang),
        columns=_cols(
            lang,
            ("scheme", "id"),
            ("criterion", "text"),
            ("title", "text"),
            ("passed", "int"),
            ("failing", "int"),
            ("unknown", "int"),
            ("no_data", "int"),
        ),
        rows=tuple(
            (
                c.scheme_id,
                c.criterion_id,
                c.title_vi if lang == "vi" else c.title_en,
                c.passed,
                c.failed,
                c.unknown,
                c.no_data,
            )
            for c in report.criteria
        ),
    )


def _series_view(report: Report, lang: Lang) -> View:
    names = {p.scope: _name(p, lang) for p in (*report.progress, report.overall)}
    return View(
        name="series",
        title=text("view_series", lang),
        columns=_cols(
            lang,
            ("date", "date"),
            ("province_code", "text"),
            ("name", "text"),
            ("units_in_force", "int"),
            ("meeting", "int"),
            ("failing", "int"),
            ("unknown", "int"),
            ("no_data", "int"),
            ("share", "share"),
            ("scheme", "id"),
            ("coverage", "share"),
        ),
        rows=tuple(
            (
                s.on,
                _code(s.scope),
                names.get(s.scope, s.scope),
                s.units_in_force,
                s.meeting,
                s.failing,
                s.unknown,
                s.no_data,
                s.share,
                ", ".join(s.scheme_ids),
                s.covered / s.units_in_force if s.units_in_force else None,
            )
            for s in report.series
        ),
    )


def _indicators_view(report: Report, lang: Lang) -> View:
    threshold = report.provenance.suppression_threshold

    def count(i: IndicatorResult, value: float | None) -> Cell:
        # A measured indicator (any status but unknown) whose count is gone had it withheld
        # as small, or as giving a small count back (see suppress_small_counts).
        if value is None and i.status != "unknown" and threshold is not None:
            return Suppressed(threshold)
        return value

    return View(
        name="indicators",
        title=text("view_indicators", lang),
        columns=_cols(
            lang,
            ("indicator", "id"),
            ("scope", "text"),
            ("title", "text"),
            ("numerator", "float"),
            ("denominator", "float"),
            ("value", "share"),
            ("target_share", "share"),
            ("due", "date"),
            ("status", "text"),
            ("citation", "text"),
            ("provenance", "text"),
            ("origin", "id"),
        ),
        rows=tuple(
            (
                i.id,
                text("national", lang) if i.scope == NATIONAL else i.scope,
                i.title_vi if lang == "vi" else i.title_en,
                count(i, i.numerator),
                count(i, i.denominator),
                i.value,
                _share(i.target_share),
                i.due,
                value_words(i.status, lang),
                reader_citation(i.citation, lang),
                provenance_words(i.provenance, lang),
                i.origin,
            )
            for i in report.indicators
        ),
    )


def _quality_view(report: Report, lang: Lang, people: _PeopleCell) -> View:
    return View(
        name="quality",
        title=text("view_quality", lang),
        columns=_cols(
            lang,
            ("unit_code", "text"),
            ("unit_name", "text"),
            ("province_code", "text"),
            ("people", "int"),
            *((d, "int") for d in DIMENSIONS),
            ("quality_score", "share"),
        ),
        rows=tuple(
            (
                q.unit_code,
                text("unplaced_row", lang) if q.unit_name == UNPLACED_NAME else q.unit_name,
                q.province_code,
                people(q.people),
                *(people(getattr(q, d)) for d in DIMENSIONS),
                None if q.people is None else q.score,  # a withheld count has no share
            )
            for q in report.quality.rows
        ),
    )


def _provenance_view(report: Report, lang: Lang) -> View:
    p = report.provenance
    scope = scope_label(report, lang) if p.scope == NATIONAL else f"{p.scope} {p.scope_name}"
    items: list[tuple[str, Cell]] = [
        ("scope", scope),
        ("reference_date", p.reference_date),
        # A moment (a datetime is a date): each writer says it in its own way.
        ("generated_at", p.generated_at.replace(microsecond=0)),
        ("library_version", p.library_version),
        *(("schemes", f"{s.id} {s.version} ({s.origin})") for s in p.schemes),
        *(
            ("plugins", f"{g.name} {g.distribution or ''} {g.version or ''}".strip())
            for g in p.plugins
        ),
        ("map_source", render(p.map_source, lang)),
        ("coverage_basis", text(f"coverage_{p.coverage_basis}", lang)),
        ("dataset_fingerprint", p.dataset_fingerprint),
        ("suppression_threshold", p.suppression_threshold),
        ("stale_after_days", p.stale_after_days),
        *(("notes", render(note, lang)) for note in report.notes),
    ]
    return View(
        name="provenance",
        title=text("view_provenance", lang),
        columns=_cols(lang, ("field", "text"), ("value", "text")),
        rows=tuple((text(key, lang), value) for key, value in items),
    )
