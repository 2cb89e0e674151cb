"""Formatting evaluation results for the terminal and for files."""

from __future__ import annotations

from drugfree_core.engine.compare import Comparison
from drugfree_core.engine.results import Evaluation
from drugfree_core.i18n import Lang, label, message
from drugfree_core.rules.outcome import Outcome
from drugfree_core.safe_csv import csv_text as safe_csv_text


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def _rows(
    evaluation: Evaluation, lang: Lang, *, machine: bool = False
) -> tuple[list[str], list[list[str]]]:
    criteria = [c.criterion_id for c in evaluation.units[0].criteria] if evaluation.units else []
    headers = ["unit", "name", "verdict" if machine else label("verdict", lang)]
    if evaluation.levels:
        headers.append("level" if machine else label("level", lang))
    headers += criteria

    def word(outcome: Outcome) -> str:
        return outcome.value if machine else label(outcome.value, lang)

    rows = []
    for u in evaluation.units:
        row = [u.unit_code, u.unit_name, word(u.verdict)]
        if evaluation.levels:
            if u.verdict is Outcome.NO_DATA:
                row.append("")
            else:
                row.append(u.level or ("?" + "/".join(u.level_candidates)))
        row += [word(c.outcome) for c in u.criteria]
        rows.append(row)
    return headers, rows


def summary_text(evaluation: Evaluation, lang: Lang) -> str:
    """Counts of verdicts (and levels) and per-criterion outcomes, with the coverage."""
    vc = evaluation.verdict_counts()
    total = sum(vc.values())
    covered = message("units_covered", lang, total=total, covered=evaluation.covered_count())
    lines = [
        f"{evaluation.scheme_id} v{evaluation.scheme_version} · "
        f"{evaluation.reference_date.isoformat()} · {covered}",
    ]
    if evaluation.levels:
        lines.append("  " + ", ".join(f"{k}: {v}" for k, v in evaluation.level_counts().items()))
    else:
        lines.append("  " + ", ".join(f"{label(k, lang)}: {v}" for k, v in vc.items()))
    for cid, counts in evaluation.criterion_counts().items():
        lines.append(f"  {cid}: " + ", ".join(f"{label(k, lang)} {v}" for k, v in counts.items()))
    lines.append("  " + message(f"coverage_{evaluation.coverage_basis}", lang))
    if evaluation.missing_tables:
        tables = ", ".join(evaluation.missing_tables)
        lines.append("  " + message("missing_tables", lang, tables=tables))
    anywhere = evaluation.unplaced_anywhere
    if anywhere and not evaluation.levels:
        meeting = vc["pass"]
        least = max(0, meeting - anywhere)
        lines.append(
            "  " + message("unplaced_anywhere", lang, n=anywhere, meeting=meeting, least=least)
        )
    if evaluation.quarantined:
        lines.append("  " + message("quarantined_count", lang, n=len(evaluation.quarantined)))
    if evaluation.unplaced:
        lines.append("  " + message("unplaced_count", lang, n=len(evaluation.unplaced)))
    return "\n".join(lines)


def table_text(evaluation: Evaluation, lang: Lang) -> str:
    """One row per unit with its verdict and each criterion's outcome."""
    headers, rows = _rows(evaluation, lang)
    return _table(headers, rows)


def csv_text(evaluation: Evaluation) -> str:
    """CSV, one row per unit (wire values such as ``no_data``, no subject ids).

    Text a spreadsheet would run as a formula is made safe.
    """
    headers, rows = _rows(evaluation, "en", machine=True)
    return safe_csv_text(headers, rows)


def comparison_text(comparison: Comparison, lang: Lang) -> str:
    """Both schemes, the counts, then one row per unit where they differ."""
    vi = lang == "vi"
    a, b = comparison.a, comparison.b
    counts = comparison.counts()
    lines = [
        f"A: {a.scheme_id} v{a.scheme_version}  ·  B: {b.scheme_id} v{b.scheme_version}  ·  "
        f"{comparison.reference_date.isoformat()}",
        (
            "  giống nhau: {agree}, trái ngược: {opposite}, một bên chưa xác định: {undecided}, "
            "không có dữ liệu: {no_data}"
        ).format(**counts)
        if vi
        else (
            "  agree: {agree}, opposite: {opposite}, one undecided: {undecided}, "
            "no data: {no_data}"
        ).format(**counts),
        "",
    ]
    rows = [
        [u.unit_code, u.unit_name, label(u.result_a, lang), label(u.result_b, lang), u.difference]
        for u in comparison.disagreements()
        if u.difference is not None
    ]
    if not rows:
        if counts["agree"] or not counts["no_data"]:
            lines.append(
                "Hai bộ tiêu chí cho cùng kết quả ở mọi đơn vị có dữ liệu."
                if vi
                else "The two schemes agree on every unit with data."
            )
        return "\n".join(lines)
    headers = ["unit", "name", "A", "B", "khác biệt" if vi else "difference"]
    return "\n".join(lines) + _table(headers, rows)


def comparison_csv(comparison: Comparison) -> str:
    """CSV of every unit: its result under A and under B, and how they differ.

    Text a spreadsheet would run as a formula is made safe.
    """
    headers = ["unit", "name", comparison.a.scheme_id, comparison.b.scheme_id, "difference"]
    rows = [
        [u.unit_code, u.unit_name, u.result_a, u.result_b, u.difference or ""]
        for u in comparison.units
    ]
    return safe_csv_text(headers, rows)
