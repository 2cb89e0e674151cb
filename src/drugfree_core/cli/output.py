"""Formatting evaluation results for the terminal and for files."""

from __future__ import annotations

import datetime as dt

from drugfree_core.cli.table import Cell, Column, outcome_cell, render_table, text_width
from drugfree_core.engine.compare import Comparison
from drugfree_core.engine.results import Evaluation, UnitResult
from drugfree_core.i18n import (
    Lang,
    Message,
    format_count,
    format_date,
    label,
    msg,
    msgn,
    resolve_lang,
)
from drugfree_core.plugins.host import PluginHost
from drugfree_core.rules.describe import provenance_words
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.roadmap import NATIONAL
from drugfree_core.rules.scheme import Scheme
from drugfree_core.safe_csv import csv_text as safe_csv_text

#: Where the evaluation's coverage comes from (its dataset's ``coverage_basis``).
COVERAGE_BASIS: dict[str, Message] = {
    "declared": msg("coverage: as the dataset's coverage table declares"),
    "units": msg("coverage: every unit of the dataset's own units table (no coverage table)"),
    "none": msg("coverage: none (units from the official map, no coverage declared)"),
}


def missing_tables_line(tables: tuple[str, ...]) -> Message:
    """The line naming the tables the data did not supply."""
    return msgn(
        "table not supplied (criteria that read it are unknown): {tables}",
        "tables not supplied (criteria that read them are unknown): {tables}",
        len(tables),
        tables=", ".join(tables),
    )


#: The mark of each outcome in a criterion's column (the legend under the table says it).
MARKS = {"pass": "✓", "fail": "✗", "unknown": "?", "no_data": "–"}


def _rows(evaluation: Evaluation) -> tuple[list[str], list[list[str]]]:
    """Machine headers and values: unit code, name, verdict, level, each criterion."""
    # The verdicts are all this reads: no unit's rule tree is built.
    verdicts = evaluation.verdicts
    criteria = [cid for cid, _ in verdicts[0].criteria] if verdicts else []
    headers = ["unit", "name", "verdict"]
    if evaluation.levels:
        headers.append("level")
    headers += criteria
    rows = []
    for u in verdicts:
        row = [u.unit_code, u.unit_name, u.verdict.value]
        if evaluation.levels:
            if u.verdict is Outcome.NO_DATA:
                row.append("")
            else:
                row.append(u.level or ("?" + "/".join(u.level_candidates)))
        row += [outcome.value for _, outcome in u.criteria]
        rows.append(row)
    return headers, rows


def _level_words(unit: UnitResult, lang: Lang) -> str:
    if unit.verdict is Outcome.NO_DATA:
        return ""
    if unit.level == "none":
        return label("none", lang)
    if unit.level is not None:
        return label(unit.level, lang)
    if unit.level_candidates:
        names = msg(" or ").render(lang).join(label(c, lang) for c in unit.level_candidates)
        return msg("undecided: {levels}", levels=names).render(lang)
    return label("unknown", lang)


def _level_name(level_id: str, scheme: Scheme | None, lang: Lang) -> str:
    if level_id in ("none", "unknown"):
        return label(level_id, lang)
    for level in scheme.levels if scheme else ():
        if level.id == level_id:
            return f"{level_id} ({level.name_vi if lang == 'vi' else level.name_en})"
    return label(level_id, lang)  # the scheme's word for no level, e.g. unclassified


def summary_text(
    evaluation: Evaluation, lang: Lang | None = None, scheme: Scheme | None = None
) -> str:
    """Counts of verdicts (and levels, named after *scheme*) and per-criterion outcomes."""
    code = resolve_lang(lang)
    vc = evaluation.verdict_counts()
    total = sum(vc.values())
    covered = msgn(
        "{n} unit · data for {covered} of {n}",
        "{n} units · data for {covered} of {n}",
        total,
        covered=evaluation.covered_count(),
    ).render(code)
    lines = [
        f"{evaluation.scheme_id} v{evaluation.scheme_version} · "
        f"{format_date(evaluation.reference_date, code)} · {covered}",
    ]
    if evaluation.levels:
        for level_id, count in evaluation.level_counts().items():
            lines.append(f"  {_level_name(level_id, scheme, code)}: {format_count(count, code)}")
    else:
        lines.append(
            "  " + ", ".join(f"{label(k, code)}: {format_count(v, code)}" for k, v in vc.items())
        )
    for cid, counts in evaluation.criterion_counts().items():
        lines.append(
            f"  {cid}: "
            + ", ".join(f"{label(k, code)} {format_count(v, code)}" for k, v in counts.items())
        )
    lines.append("  " + COVERAGE_BASIS[evaluation.coverage_basis].render(code))
    if evaluation.missing_tables:
        lines.append("  " + missing_tables_line(evaluation.missing_tables).render(code))
    anywhere = evaluation.unplaced_anywhere
    if anywhere and not evaluation.levels:
        meeting = vc["pass"]
        least = max(0, meeting - anywhere)
        unplaced = msgn(
            "not placed in any unit: {n} person or record, so fewer units may pass: "
            "pass {meeting}, at least {least}",
            "not placed in any unit: {n} people or records, so fewer units may pass: "
            "pass {meeting}, at least {least}",
            anywhere,
            meeting=meeting,
            least=least,
        )
        lines.append("  " + unplaced.render(code))
    if evaluation.quarantined:
        n = len(evaluation.quarantined)
        quarantined = msgn("{n} record quarantined", "{n} records quarantined", n)
        lines.append("  " + quarantined.render(code))
    if evaluation.unplaced:
        n = len(evaluation.unplaced)
        lines.append(
            "  "
            + msgn(
                "{n} person not placed in one unit", "{n} people not placed in one unit", n
            ).render(code)
        )
    if evaluation.lost_records:
        # Counted above among those not placed: said apart, so the count adds up.
        n = len(evaluation.lost_records)
        lost = msgn(
            "{n} record in a unit that leads to no unit in force",
            "{n} records in units that lead to no unit in force",
            n,
        )
        lines.append("  " + lost.render(code))
    return "\n".join(lines)


def table_text(
    evaluation: Evaluation,
    lang: Lang | None = None,
    *,
    width: int | None = None,
    colour: bool = False,
) -> str:
    """One row per unit: its verdict, level, and a mark per criterion, then a legend.

    With *width*, long names are shortened (``…``) so that the table fits; with
    *colour*, verdicts and marks are coloured by outcome (for a terminal).
    """
    code = resolve_lang(lang)
    criteria = [c.criterion_id for c in evaluation.units[0].criteria] if evaluation.units else []
    columns = [
        Column(header=msg("Unit code").render(code)),
        Column(header=msg("Unit name").render(code), shrink=True),
        Column(header=msg("Verdict").render(code)),
    ]
    if evaluation.levels:
        columns.append(Column(header=msg("Level").render(code), shrink=True))
    columns += [Column(header=cid, gap=1) for cid in criteria]
    rows: list[list[str | Cell]] = []
    for u in evaluation.units:
        row: list[str | Cell] = [
            u.unit_code,
            u.unit_name,
            outcome_cell(label(u.verdict.value, code), u.verdict.value),
        ]
        if evaluation.levels:
            row.append(_level_words(u, code))
        row += [outcome_cell(MARKS.get(c.outcome.value, "?"), c.outcome.value) for c in u.criteria]
        rows.append(row)
    legend = "  ".join(
        f"{MARKS[o.value]} {label(o.value, code)}" for o in Outcome if o.value in MARKS
    )
    table = render_table(columns, rows, width=width, colour=colour)
    if width is not None and max(text_width(line) for line in table.splitlines()) > width:
        # Too many criteria for a column each: list the ones not passing instead.
        head = columns[: len(columns) - len(criteria)]
        compact, compact_rows = _compact_table(evaluation, head, rows, code)
        table = render_table(compact, compact_rows, width=width, colour=colour)
    return f"{table}\n\n{legend}" if criteria else table


def _compact_table(
    evaluation: Evaluation, head: list[Column], rows: list[list[str | Cell]], lang: Lang
) -> tuple[list[Column], list[list[str | Cell]]]:
    """The table with one column naming each unit's criteria that do not pass."""
    columns = [*head, Column(header=msg("Criteria not passing").render(lang), shrink=True)]
    compact: list[list[str | Cell]] = []
    for row, unit in zip(rows, evaluation.units, strict=True):
        marks = [
            f"{MARKS.get(c.outcome.value, '?')} {c.criterion_id}"
            for c in unit.criteria
            if c.outcome is not Outcome.PASS
        ]
        compact.append([*row[: len(head)], " ".join(marks)])
    return columns, compact


def csv_text(evaluation: Evaluation) -> str:
    """CSV, one row per unit, for programs: English headers and outcome codes, no ids.

    Text a spreadsheet would run as a formula is made safe.
    """
    headers, rows = _rows(evaluation)
    return safe_csv_text(headers, rows)


def _span(start: dt.date | None, end: dt.date | None, lang: Lang) -> str:
    first = "…" if start is None else format_date(start, lang)
    last = "…" if end is None else format_date(end, lang)
    return f"{first} → {last}"


def _authority_words(scheme: Scheme) -> Message:
    """Whose criteria a scheme holds and what it judges: national or provincial."""
    national = scheme.authority.value == "national"
    if scheme.unit_level.value == "province":
        if national:
            return msg("national criteria, judging provinces")
        return msg("provincial criteria, judging provinces")
    if national:
        return msg("national criteria, judging commune-level units")
    return msg("provincial criteria, judging commune-level units")


def schemes_text(host: PluginHost, lang: Lang | None = None) -> str:
    """The schemes and roadmaps of *host*, one block each, in *lang*."""
    code = resolve_lang(lang)
    lines: list[str] = []
    for s in host.schemes():
        lines.append(
            msg(
                "{scheme}  v{version}  in force {span}  [{plugin}]",
                scheme=s.id,
                version=s.version,
                span=_span(s.effective_from, s.effective_to, code),
                plugin=host.origin("scheme", s.id).name,
            ).render(code)
        )
        lines.append("  " + _authority_words(s).render(code))
        lines.append("  " + ((s.title_vi or s.title_en) if code == "vi" else s.title_en))
        provinces = [
            (msg("nationwide (default)").render(code) if j.province == NATIONAL else j.province)
            + " "
            + _span(j.effective_from, j.effective_to, code)
            for j in host.jurisdictions()
            if j.scheme_id == s.id
        ]
        if provinces:
            applied = msg("applied by: {provinces}", provinces=", ".join(provinces))
            lines.append("  " + applied.render(code))
        criteria = msg("criteria: {ids}", ids=", ".join(c.id for c in s.criteria))
        lines.append("  " + criteria.render(code))
        if s.levels:
            levels = msg("levels: {ids}", ids=", ".join(lv.id for lv in s.levels))
            lines.append("  " + levels.render(code))
        for src in s.sources:
            lines.append("  " + msg("source: {source}", source=src).render(code))
        lines.append("")
    roadmaps = host.roadmaps()
    if roadmaps:
        lines.append(msg("Roadmaps").render(code))
    for r in roadmaps:
        lines.append(
            "  "
            + msg(
                "{roadmap}  {name} ({scope})  in force {span}  [{plugin}]",
                roadmap=r.id,
                name=r.scope_name,
                scope=msg("National").render(code) if r.scope == NATIONAL else r.scope,
                span=_span(r.effective_from, r.effective_to, code),
                plugin=host.origin("roadmap", r.id).name,
            ).render(code)
        )
        targets = [
            msg(
                "{share} by {due} ({provenance})",
                share=m.share,
                due=m.due,
                provenance=provenance_words(m.provenance, code),
            ).render(code)
            for m in r.milestones
        ]
        lines.append("    " + "; ".join(targets))
    return "\n".join(lines) + "\n"


#: How the two schemes' results for a unit differ (:attr:`UnitComparison.difference`).
DIFFERENCE_WORDS: dict[str, Message] = {
    "opposite": msg("opposite"),
    "undecided": msg("one undecided"),
    "no_data": msg("no data"),
}


def comparison_text(comparison: Comparison, lang: Lang | None = None) -> str:
    """Both schemes, the counts, then one row per unit where they differ."""
    code = resolve_lang(lang)
    a, b = comparison.a, comparison.b
    counts = comparison.counts()
    lines = [
        f"A: {a.scheme_id} v{a.scheme_version}  ·  B: {b.scheme_id} v{b.scheme_version}  ·  "
        f"{format_date(comparison.reference_date, code)}",
        "  "
        + msg(
            "agree: {agree}, opposite: {opposite}, one undecided: {undecided}, no data: {no_data}",
            **{k: format_count(v, code) for k, v in counts.items()},
        ).render(code),
        "",
    ]
    rows: list[list[str | Cell]] = [
        [
            u.unit_code,
            u.unit_name,
            label(u.result_a, code),
            label(u.result_b, code),
            DIFFERENCE_WORDS[u.difference].render(code),
        ]
        for u in comparison.disagreements()
        if u.difference is not None
    ]
    if not rows:
        if counts["agree"] or not counts["no_data"]:
            lines.append(msg("The two schemes agree on every unit with data.").render(code))
        return "\n".join(lines)
    columns = [
        Column(header=msg("Unit code").render(code)),
        Column(header=msg("Unit name").render(code), shrink=True),
        Column(header="A"),
        Column(header="B"),
        Column(header=msg("Difference").render(code)),
    ]
    return "\n".join(lines) + render_table(columns, rows)


def comparison_csv(comparison: Comparison) -> str:
    """CSV of every unit: its result under A and under B, and how they differ.

    For programs: English headers and result codes. Text a spreadsheet would run as a
    formula is made safe.
    """
    headers = ["unit", "name", comparison.a.scheme_id, comparison.b.scheme_id, "difference"]
    rows = [
        [u.unit_code, u.unit_name, u.result_a, u.result_b, u.difference or ""]
        for u in comparison.units
    ]
    return safe_csv_text(headers, rows)
