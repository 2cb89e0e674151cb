"""Readable explanations: why a unit got its verdict, criterion by criterion."""

from __future__ import annotations

from drugfree_core._args import expect, expect_lang
from drugfree_core.engine.results import Evaluation, RuleResult, UnitResult
from drugfree_core.i18n import Lang, label, message
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.params import Period
from drugfree_core.rules.scheme import Scheme

_MARK = {Outcome.PASS: "✓", Outcome.FAIL: "✗", Outcome.UNKNOWN: "?", Outcome.NO_DATA: "∅"}
_MAX_IDS = 10


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def _observed(result: RuleResult, lang: Lang) -> str:
    if result.observed is None and result.numerator is None:
        return ""
    if result.rule == "AllSatisfy":
        n, d = _number(result.numerator), _number(result.denominator)
        return f"{n}/{d} " + ("người đạt" if lang == "vi" else "people meet it")
    if result.denominator is not None and result.rule in {"Compare", "InBand"}:
        pct = "" if result.observed is None else f" = {result.observed * 100:.3f} %"
        return f"{_number(result.numerator)}/{_number(result.denominator)}{pct}"
    if result.rule in {"AllOf", "AnyOf", "AtLeast", "Not"}:
        n, d = _number(result.numerator), _number(result.denominator)
        return f"{n}/{d} " + ("điều kiện đạt" if lang == "vi" else "parts pass")
    return _number(result.observed)


def _ids(ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:_MAX_IDS])
    return shown + (f" (+{len(ids) - _MAX_IDS})" if len(ids) > _MAX_IDS else "")


def _render_rule(result: RuleResult, lang: Lang, prefix: str, lines: list[str]) -> None:
    text = result.description_vi if lang == "vi" else result.description_en
    observed = _observed(result, lang)
    threshold = (
        result.threshold if result.threshold not in {"", "all", "any", "not", "custom"} else ""
    )
    detail = " — ".join(
        x for x in (observed, f"{label('threshold', lang)} {threshold}" if threshold else "") if x
    )
    lines.append(f"{prefix}{_MARK[result.outcome]} {text}" + (f" ({detail})" if detail else ""))
    if result.failing_subjects:
        lines.append(f"{prefix}    {label('failing', lang)}: {_ids(result.failing_subjects)}")
    if result.unknown_subjects:
        lines.append(f"{prefix}    {label('undecided', lang)}: {_ids(result.unknown_subjects)}")
    if result.reason:
        lines.append(f"{prefix}    {label('reason', lang)}: {result.reason}")
    for child in result.children:
        _render_rule(child, lang, prefix + "    ", lines)


def _value_text(value: object) -> str:
    if isinstance(value, Period):
        return str(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    if value is None:
        return "—"
    return str(value)


def explain_unit(
    unit: UnitResult, evaluation: Evaluation, scheme: Scheme, lang: Lang = "en"
) -> str:
    """A tree of why *unit* got its verdict, in Vietnamese (``vi``) or English (``en``)."""
    expect(unit, UnitResult, "the unit", "a UnitResult (from an Evaluation)")
    expect(evaluation, Evaluation, "the evaluation", "an Evaluation")
    expect(scheme, Scheme, "the scheme", "a Scheme")
    expect_lang(lang)
    title = scheme.title_vi if lang == "vi" else scheme.title_en
    lines = [
        f"{unit.unit_name} ({unit.unit_code}) — {title}",
        f"{scheme.id} v{scheme.version} · {evaluation.reference_date.isoformat()}",
        f"{label('verdict', lang)}: {label(unit.verdict.value, lang).upper()}",
    ]
    if scheme.levels and unit.verdict is not Outcome.NO_DATA:
        level = label(unit.level, lang) if unit.level else label("unknown", lang)
        candidates = " / ".join(label(c, lang) for c in unit.level_candidates)
        extra = f" ({candidates})" if candidates else ""
        lines.append(f"{label('level', lang)}: {level}{extra}")
        if len(unit.levels_reached) > 1:
            # Several levels met: the label is the first in the order; say the others.
            met = ", ".join(label(x, lang) for x in unit.levels_reached)
            lines.append(f"{'đạt các mức' if lang == 'vi' else 'levels met'}: {met}")
    for note in unit.affected_by:
        lines.append(f"! {label('affected', lang)}: {note}")
    if evaluation.unplaced_anywhere and unit.verdict is Outcome.PASS:
        note = message("unplaced_note", lang, n=evaluation.unplaced_anywhere)
        lines.append(f"! {label('affected', lang)}: {note}")
    used_params: set[str] = set()
    for cr in unit.criteria:
        criterion = scheme.criterion(cr.criterion_id)
        ctitle = criterion.title_vi if lang == "vi" else criterion.title_en
        lines.append("")
        lines.append(f"{_MARK[cr.outcome]} {criterion.id} [{cr.provenance}] {ctitle}")
        if cr.overridden_by:
            lines.append(f"    {label('overridden_by', lang)}: {cr.overridden_by}")
        _render_rule(cr.result, lang, "    ", lines)
        lines.append(f"    {label('source', lang)}: {criterion.citation}")
        note = criterion.note_vi if lang == "vi" else criterion.note_en
        if note:
            lines.append(f"    {note}")
        from drugfree_core.rules.primitives import param_refs

        refs = param_refs(criterion.rule)
        used_params |= refs
        # A province's change to a number this criterion uses is shown where it matters.
        for p in evaluation.parameters:
            if p.id in refs and p.overridden_by:
                lines.append(
                    f"    {p.overridden_by} {label('overrides', lang)} {criterion.id} "
                    f"{p.id}: {_value_text(p.value)} ({label('source', lang)}: {p.citation})"
                )
    law = {
        "law.user_management_period",
        "law.post_rehab_period",
        "law.rehab_max_duration",
        "law.rehab_term_law",
    }
    shown = [p for p in evaluation.parameters if p.id in used_params or p.id in law]
    if shown:
        lines.append("")
        lines.append("Tham số" if lang == "vi" else "Parameters")
        for p in shown:
            by = f" — {label('overridden_by', lang)} {p.overridden_by}" if p.overridden_by else ""
            lines.append(
                f"  {p.id} = {_value_text(p.value)} [{p.provenance.value}] ({p.citation}){by}"
            )
    return "\n".join(lines)
