"""Readable explanations: why a unit got its verdict, criterion by criterion."""

from __future__ import annotations

from drugfree_core._args import expect, expect_lang
from drugfree_core.engine.results import (
    Evaluation,
    RuleResult,
    UnitResult,
    unplaced_note,
)
from drugfree_core.errors import UsageError
from drugfree_core.i18n import (
    Lang,
    Text,
    format_date,
    format_number,
    format_percent,
    label,
    msg,
    render,
    resolve_lang,
)
from drugfree_core.rules.describe import (
    describe_value,
    provenance_words,
    reader_citation,
    reader_text,
)
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.primitives import param_refs
from drugfree_core.rules.scheme import Scheme

_MARK = {Outcome.PASS: "✓", Outcome.FAIL: "✗", Outcome.UNKNOWN: "?", Outcome.NO_DATA: "∅"}
_MAX_IDS = 10
#: The law's periods, shown under every explanation because every criterion depends on
#: who is under management.
_LAW = (
    "law.user_management_period",
    "law.post_rehab_period",
    "law.rehab_max_duration",
    "law.rehab_term_law",
)


def _number(value: float | None, lang: Lang) -> str:
    if value is None:
        return "–"
    return format_number(value, lang, 0, max_digits=4)


def _observed(result: RuleResult, lang: Lang) -> str:
    if result.observed is None and result.numerator is None:
        return ""
    n, d = _number(result.numerator, lang), _number(result.denominator, lang)
    if result.rule == "AllSatisfy":
        return msg("{met}/{total} people meet it", met=n, total=d).render(lang)
    if result.denominator is not None and result.rule in {"Compare", "InBand"}:
        pct = "" if result.observed is None else f" = {format_percent(result.observed, lang, 3)}"
        return f"{n}/{d}{pct}"
    if result.rule in {"AllOf", "AnyOf", "AtLeast", "Not"}:
        return msg("{met}/{total} parts pass", met=n, total=d).render(lang)
    return _number(result.observed, lang)


def _ids(ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:_MAX_IDS])
    return shown + (f" (+{len(ids) - _MAX_IDS})" if len(ids) > _MAX_IDS else "")


def _render_rule(result: RuleResult, lang: Lang, prefix: str, lines: list[str]) -> None:
    text = result.description_vi if lang == "vi" else result.description_en
    observed = _observed(result, lang)
    # The engine's own words for a combination say nothing a reader needs.
    threshold = (
        render(result.threshold, lang)
        if result.threshold not in {"", "all", "any", "not", "custom"}
        else ""
    )
    detail = " — ".join(
        x for x in (observed, f"{label('threshold', lang)} {threshold}" if threshold else "") if x
    )
    lines.append(f"{prefix}{_MARK[result.outcome]} {text}" + (f" ({detail})" if detail else ""))
    if result.failing_subjects:
        lines.append(f"{prefix}    {label('failing', lang)}: {_ids(result.failing_subjects)}")
    if result.unknown_subjects:
        lines.append(f"{prefix}    {label('undecided', lang)}: {_ids(result.unknown_subjects)}")
    reason: Text = result.reason
    if reason:
        lines.append(f"{prefix}    {label('reason', lang)}: {render(reason, lang)}")
    for child in result.children:
        _render_rule(child, lang, prefix + "    ", lines)


def _level_name(scheme: Scheme, level_id: str, lang: Lang) -> str:
    for level in scheme.levels:
        if level.id == level_id:
            return (level.name_vi or level.name_en) if lang == "vi" else level.name_en
    # The scheme's word for "no level" (e.g. *unclassified*) is a label, not a level.
    return label(level_id, lang)


def _level_line(unit: UnitResult, scheme: Scheme, lang: Lang) -> str:
    if unit.level == "none":
        shown = label("none", lang)
    elif unit.level is not None:
        shown = _level_name(scheme, unit.level, lang)
    else:
        shown = label("unknown", lang)
        if unit.level_candidates:
            names = (
                msg(" or ")
                .render(lang)
                .join(_level_name(scheme, c, lang) for c in unit.level_candidates)
            )
            shown = msg("{unknown} (one of: {levels})", unknown=shown, levels=names).render(lang)
    line = f"{label('level', lang)}: {shown}"
    if len(unit.levels_reached) > 1:
        # Several levels met: the label is the first in the order; say the others.
        met = ", ".join(_level_name(scheme, x, lang) for x in unit.levels_reached)
        line += "\n" + msg("levels met: {levels}", levels=met).render(lang)
    return line


def explain_unit(
    unit: UnitResult,
    evaluation: Evaluation,
    scheme: Scheme,
    lang: Lang | None = None,
    *,
    unplaced: int | None = None,
) -> str:
    """A tree of why *unit* got its verdict, in Vietnamese (``vi``) or English (``en``).

    ``lang=None`` is the current language (:func:`~drugfree_core.i18n.resolve_lang`).
    Provenance tags are said in words, citations without the project's note
    references, parameter values as durations, percentages and labels. A passing unit
    says how many people or records placed in no unit may belong to it: *unplaced*, or
    by default every one of the evaluation's (:attr:`Evaluation.unplaced_anywhere`). A
    front that shows a reader one province gives the count that may belong there.
    """
    expect(unit, UnitResult, msg("the unit"), msg("a UnitResult (from an Evaluation)"))
    expect(evaluation, Evaluation, msg("the evaluation"), msg("an Evaluation"))
    expect(scheme, Scheme, msg("the scheme"), msg("a Scheme"))
    expect_lang(lang)
    if unplaced is not None and (
        isinstance(unplaced, bool) or not isinstance(unplaced, int) or unplaced < 0
    ):
        raise UsageError(msg("unplaced must be a whole number of people, 0 or more"))
    code = resolve_lang(lang)
    title = scheme.title_vi if code == "vi" else scheme.title_en
    lines = [
        f"{unit.unit_name} ({unit.unit_code}) — {title}",
        f"{scheme.id} v{scheme.version} · {format_date(evaluation.reference_date, code)}",
        f"{label('verdict', code)}: {label(unit.verdict.value, code).upper()}",
    ]
    if scheme.levels and unit.verdict is not Outcome.NO_DATA:
        lines.append(_level_line(unit, scheme, code))
    for note in unit.affected_by:
        lines.append(f"! {label('affected', code)}: {render(note, code)}")
    # Only a pass can be undone by someone unplaced: the count is not needed otherwise.
    if unit.verdict is Outcome.PASS:
        anywhere = evaluation.unplaced_anywhere if unplaced is None else unplaced
        if anywhere:
            lines.append(f"! {label('affected', code)}: {unplaced_note(anywhere).render(code)}")
    used_params: set[str] = set()
    for cr in unit.criteria:
        criterion = scheme.criterion(cr.criterion_id)
        ctitle = criterion.title_vi if code == "vi" else criterion.title_en
        lines.append("")
        lines.append(f"{_MARK[cr.outcome]} {criterion.id} {ctitle}")
        if cr.overridden_by:
            lines.append(f"    {label('overridden_by', code)}: {cr.overridden_by}")
        _render_rule(cr.result, code, "    ", lines)
        source = reader_citation(criterion.citation, code)
        lines.append(
            f"    {label('source', code)}: {source} — {provenance_words(cr.provenance, code)}"
        )
        note = criterion.note_vi if code == "vi" else criterion.note_en
        if note:
            lines.append(f"    {reader_text(note, code)}")
        refs = param_refs(criterion.rule)
        used_params |= refs
        # A province's change to a number this criterion uses is shown where it matters.
        for p in evaluation.parameters:
            if p.id in refs and p.overridden_by:
                lines.append(
                    f"    {p.overridden_by} {label('overrides', code)} {criterion.id} "
                    f"{p.id}: {describe_value(p.value, code)} "
                    f"({label('source', code)}: {reader_citation(p.citation, code)})"
                )
    shown = [p for p in evaluation.parameters if p.id in used_params or p.id in _LAW]
    if shown:
        lines.append("")
        lines.append(msg("Parameters").render(code))
        for p in shown:
            by = f" — {label('overridden_by', code)} {p.overridden_by}" if p.overridden_by else ""
            lines.append(
                f"  {p.id} = {describe_value(p.value, code)} "
                f"({reader_citation(p.citation, code)} — {provenance_words(p.provenance, code)})"
                f"{by}"
            )
    return "\n".join(lines)
