"""Results to JSON-ready structures and back, through one cattrs converter."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import cattrs
import msgspec

from drugfree_core._gc import gc_paused
from drugfree_core.engine.json_floats import plain_floats
from drugfree_core.engine.results import (
    UNPLACED_REASONS,
    Evaluation,
    RuleResult,
    UnitResult,
    UnplacedSubject,
)
from drugfree_core.i18n import Message, Text, render, resolve_lang, use_lang
from drugfree_core.rules.describe import reader_citation
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.params import Deadline, Period

if TYPE_CHECKING:
    import polars as pl

converter = cattrs.Converter(omit_if_default=True, forbid_extra_keys=True)
converter.register_unstructure_hook(dt.date, lambda d: d.isoformat())
converter.register_structure_hook(dt.date, lambda v, _: dt.date.fromisoformat(v))
converter.register_unstructure_hook(Outcome, lambda o: o.value)
# A reason or note is said in the language in force; reading one back gives its words.
converter.register_unstructure_hook(Message, lambda m: m.render())
converter.register_structure_hook_func(
    lambda t: t == Text, lambda v, _: v if isinstance(v, str) else Message.from_dict(v)
)


def _param_value(value: object) -> Any:
    if isinstance(value, Fraction):
        return {"fraction": f"{value.numerator}/{value.denominator}", "value": float(value)}
    if isinstance(value, Period | Deadline):
        return str(value)
    if isinstance(value, dict):
        return {k: _param_value(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return list(value)
    return value


def _rule_dict(result: RuleResult, include_subjects: bool) -> dict[str, Any]:
    # Written out by hand: this runs for every node of every unit (tens of thousands).
    out: dict[str, Any] = {"id": result.id, "rule": result.rule, "outcome": result.outcome.value}
    for key in ("description_en", "description_vi"):
        value = getattr(result, key)
        if value:
            out[key] = value
    if result.threshold:
        out["threshold"] = render(result.threshold)
    if result.reason:
        out["reason"] = render(result.reason)
    for key in ("observed", "numerator", "denominator"):
        value = getattr(result, key)
        if value is not None:
            out[key] = value
    if include_subjects:
        if result.failing_subjects:
            out["failing_subjects"] = list(result.failing_subjects)
        if result.unknown_subjects:
            out["unknown_subjects"] = list(result.unknown_subjects)
    if result.children:
        out["children"] = [_rule_dict(c, include_subjects) for c in result.children]
    return out


def unit_dict(unit: UnitResult, include_subjects: bool) -> dict[str, Any]:
    """One unit's result as the evaluation JSON writes it."""
    out: dict[str, Any] = {
        "unit_code": unit.unit_code,
        "unit_name": unit.unit_name,
        "province_code": unit.province_code,
        "verdict": unit.verdict.value,
        "criteria": [
            {
                "criterion_id": c.criterion_id,
                "outcome": c.outcome.value,
                "provenance": c.provenance,
                "result": _rule_dict(c.result, include_subjects),
                **({"overridden_by": c.overridden_by} if c.overridden_by else {}),
            }
            for c in unit.criteria
        ],
    }
    if unit.level is not None:
        out["level"] = unit.level
    if unit.level_candidates:
        out["level_candidates"] = list(unit.level_candidates)
    if unit.levels_reached:
        out["levels_reached"] = list(unit.levels_reached)
    if unit.affected_by:
        out["affected_by"] = [render(note) for note in unit.affected_by]
    return out


def evaluation_to_dict(evaluation: Evaluation, *, include_subjects: bool) -> dict[str, Any]:
    """A JSON-ready dict of *evaluation*; without subjects when asked (aggregate use)."""
    # One language for the whole document, resolved once: every reason renders in it
    # without reading the environment again (tens of thousands of them nationally).
    with use_lang(resolve_lang()), gc_paused():  # many dicts and lists, none in a cycle
        units = evaluation.unit_dicts(include_subjects=include_subjects)
        return evaluation_header(evaluation, include_subjects=include_subjects, units=units)


def _bounds(evaluation: Evaluation) -> dict[str, Any]:
    """What the counts rest on: the coverage, and how many passes may not hold.

    Each person or record placed in no unit (``unplaced_anywhere``) may undo one pass,
    so at least ``meeting_at_least`` units pass (not said of a classification).
    """
    counts = evaluation.verdict_counts()
    anywhere = evaluation.unplaced_anywhere
    out: dict[str, Any] = {
        "coverage_basis": evaluation.coverage_basis,
        "units": sum(counts.values()),
        "covered": evaluation.covered_count(),
        "unplaced_anywhere": anywhere,
        "lost_records": [
            {"table": r.table, "row": r.row, "unit_code": r.unit_code}
            for r in evaluation.lost_records
        ],
    }
    if not evaluation.levels:
        out["meeting_at_least"] = max(0, counts[Outcome.PASS.value] - anywhere)
    return out


def evaluation_header(
    evaluation: Evaluation, *, include_subjects: bool, units: list[Any] | None = None
) -> dict[str, Any]:
    """:func:`evaluation_to_dict` without the units (or with *units* in their place)."""
    params = [
        {
            "id": p.id,
            "value": _param_value(p.value),
            # As a reason is: in the language in force, without the project's notes.
            "citation": reader_citation(p.citation),
            "provenance": p.provenance.value,
            **({"overridden_by": p.overridden_by} if p.overridden_by else {}),
        }
        for p in evaluation.parameters
    ]
    out: dict[str, Any] = {
        "scheme": {
            "id": evaluation.scheme_id,
            "version": evaluation.scheme_version,
            "title_en": evaluation.scheme_title_en,
            "title_vi": evaluation.scheme_title_vi,
        },
        "reference_date": evaluation.reference_date.isoformat(),
        "unit_level": evaluation.unit_level,
        "library_version": evaluation.library_version,
        "summary": {
            "verdicts": evaluation.verdict_counts(),
            "criteria": evaluation.criterion_counts(),
            **({"levels": evaluation.level_counts()} if evaluation.levels else {}),
            **_bounds(evaluation),
        },
        "parameters": params,
        **({"units": units} if units is not None else {}),
        "quarantined": [converter.unstructure(q) for q in evaluation.quarantined],
    }
    people = evaluation.unplaced_frame()
    if include_subjects:
        out["unplaced_subjects"] = (
            _unplaced_dicts(evaluation.unplaced) if people is None else _unplaced_rows(people)
        )
    else:
        out["unplaced_subjects"] = len(evaluation.unplaced) if people is None else people.height
        for q in out["quarantined"]:
            q.pop("record_id", None)
    return out


def _unplaced_dicts(unplaced: tuple[UnplacedSubject, ...]) -> list[dict[str, Any]]:
    """The unplaced people as the converter writes them, each reason said once.

    Written out by hand: a national dataset has tens of thousands of them, and they
    share a handful of reasons.
    """
    said: dict[int, str] = {}
    out = []
    for person in unplaced:
        key = id(person.reason)
        if key not in said:
            said[key] = render(person.reason)
        row: dict[str, Any] = {
            "subject_id": person.subject_id,
            "candidate_units": list(person.candidate_units),
            "reason": said[key],
        }
        if person.kind != "split":  # the converter leaves out a default
            row["kind"] = person.kind
        if person.unit_code is not None:
            row["unit_code"] = person.unit_code
        out.append(row)
    return out


def _unplaced_rows(people: pl.DataFrame) -> list[dict[str, Any]]:
    """:func:`_unplaced_dicts` read straight off the frame of unplaced people.

    The same dicts, without a record per person first (16,789 people nationally).
    """
    said = {why: render(reason) for why, reason in UNPLACED_REASONS.items()}
    out = []
    # Column by column, not row by row: a row iterator builds a tuple of objects per row.
    columns = (people[name].to_list() for name in ("subject_id", "candidates", "why", "recorded"))
    for subject_id, candidates, why, recorded in zip(*columns, strict=True):
        row: dict[str, Any] = {
            "subject_id": subject_id,
            "candidate_units": list(candidates or ()),
            "reason": said[why],
        }
        if why != "split":
            row["kind"] = why
        if recorded is not None:
            row["unit_code"] = recorded
        out.append(row)
    return out


def dumps(
    document: Any, *, indent: int | None = None, allow_nan: bool = True, text_keys: bool = False
) -> str:
    """*document* as JSON text, exactly as ``json.dumps(..., ensure_ascii=False, ...)``.

    The standard library writes indented JSON with its slow pure-Python encoder, and
    one-line JSON with a C encoder that is still a few times slower than msgspec. Here,
    when every float is plain (:mod:`~drugfree_core.engine.json_floats`), msgspec
    encodes it and lays it out (on one line with ``", "`` and ``": "`` between tokens,
    as the standard library does, or indented): its strings, integers and plain floats
    are the standard library's tokens, so the result is byte for byte the same.
    Otherwise the C encoder writes it on one line and msgspec re-indents the text, which
    keeps every token as written. What msgspec cannot take (``NaN``, lone surrogates,
    ``indent=0``) goes the slow way. *text_keys* says that every dict key is text (as in
    the documents of this module): not checked then.
    """
    plain = _fast_layout(indent) and plain_floats(document, text_keys=text_keys)
    written = _dumped(document, indent, allow_nan, plain)
    return written if isinstance(written, str) else written.decode("utf-8")


def evaluation_json(
    evaluation: Evaluation, *, include_subjects: bool = True, indent: int | None = None
) -> bytes:
    """The UTF-8 bytes of ``evaluation.to_json(...)``, without the text in between.

    The units' floats come from the engine's columns, checked there at once
    (``Evaluation.plain_unit_floats``): only the rest of the document is walked.
    """
    with gc_paused():  # tens of thousands of dicts and lists, none in a cycle
        document = evaluation_to_dict(evaluation, include_subjects=include_subjects)
        plain = _fast_layout(indent) and _evaluation_floats_plain(evaluation, document)
        written = _dumped(document, indent, True, plain)
        del document  # freed now, before collection resumes, never walked by it
    return written if isinstance(written, bytes) else written.encode("utf-8")


def _evaluation_floats_plain(evaluation: Evaluation, document: dict[str, Any]) -> bool:
    known = evaluation.plain_unit_floats() if evaluation.plain_unit_floats else None
    units = document.get("units", ())
    if not (known if known is not None else plain_floats(units, text_keys=True)):
        return False
    checked = {"units"}
    if evaluation.unplaced_frame() is not None:
        checked.add("unplaced_subjects")  # read off text columns: no float in them
    rest = {key: value for key, value in document.items() if key not in checked}
    return plain_floats(rest, text_keys=True)


def _fast_layout(indent: int | None) -> bool:
    """Whether msgspec can lay out JSON with *indent* (one line, or a positive indent)."""
    return indent is None or indent > 0


def _dumped(document: Any, indent: int | None, allow_nan: bool, plain: bool) -> bytes | str:
    """:func:`dumps`'s JSON, as msgspec's bytes or the standard library's text.

    *plain* says every float in *document* is plain and every key text (see
    :func:`dumps`).
    """
    if plain:
        try:
            # msgspec's indent 0 is one line with the standard library's separators
            return msgspec.json.format(msgspec.json.encode(document), indent=indent or 0)
        except (TypeError, ValueError, OverflowError):  # lone surrogates, odd types
            pass
    text = json.dumps(document, ensure_ascii=False, allow_nan=allow_nan)
    if indent is None:
        return text
    if indent > 0:
        try:
            formatted: str = msgspec.json.format(text, indent=indent)
        except (msgspec.DecodeError, UnicodeEncodeError):
            pass
        else:
            return formatted
    return json.dumps(document, ensure_ascii=False, indent=indent, allow_nan=allow_nan)


def rule_result_from_dict(data: dict[str, Any]) -> RuleResult:
    """Rebuild a :class:`RuleResult` from its JSON form (used to check round trips)."""
    return converter.structure(data, RuleResult)


converter.register_structure_hook(Outcome, lambda v, _: Outcome(v))
