"""The report as one stable JSON document (``"format": "drugfree-report"``, version 1).

Keys follow the fields of :mod:`drugfree_core.reports.model` in declaration order, so two
runs over the same data print the same bytes (``generated_at`` aside). Conventions:

* an exact share is a string ``"3/10"`` with its float beside it under ``<key>_value``;
  ``progress`` and ``series`` entries also carry ``share`` (meeting / units in force)
  and, beside it, ``covered`` and ``coverage`` (units with data, and their share: a share
  never goes without its coverage; both ``null`` when no unit was evaluated, the units
  in force then counted in ``not_evaluated``); ``progress`` and ``series`` entries carry
  ``meeting_at_least`` (the passes less the people who could not be placed; when that
  count is withheld, ``unplaced`` is ``null`` and ``unplaced_below`` the threshold the
  bound holds below);
* dates are ISO strings (``2025-10-01``), timestamps ISO with seconds;
* a suppressed count of people is ``null``; ``provenance.suppression_threshold`` says
  that small counts were withheld, and below what;
* ``quality`` holds the per-unit rows and counts per dimension and per check, never the
  case-level issues (they may carry pseudonymous subject ids).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from fractions import Fraction
from typing import Any

import attrs

from drugfree_core.engine.serialize import dumps
from drugfree_core.i18n import Message, render
from drugfree_core.reports.labels import text
from drugfree_core.reports.model import Progress, Report, SeriesPoint
from drugfree_core.reports.quality import CHECK_LABELS, UNPLACED_NAME, QualityReport, QualityRow

FORMAT = "drugfree-report"
FORMAT_VERSION = 1

JSON = dict[str, Any] | list[Any] | str | int | float | bool | None


def fraction_text(value: Fraction) -> str:
    """An exact share as ``"numerator/denominator"`` (always both, so ``1`` is ``"1/1"``)."""
    return f"{value.numerator}/{value.denominator}"


#: Values written as they are, told by their exact type before any other test: most of
#: a national report's 200,000 values are such.
_AS_IS = frozenset({str, int, bool, type(None)})


def _scalar(value: object) -> JSON:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # JSON has no NaN or infinity
    if isinstance(value, tuple | list):
        return [v if type(v) in _AS_IS else _plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Message):
        return value.render()  # a note, in the language in force
    raise TypeError(f"cannot write {type(value).__name__} to a report document")  # internal: a bug


def _plain(obj: object) -> JSON:
    """*obj* as JSON values: attrs records become objects in field order."""
    kind = type(obj)
    if kind in _AS_IS:
        return obj  # type: ignore[return-value]
    if kind is float:
        return obj if math.isfinite(obj) else None  # type: ignore[arg-type,return-value]
    if kind is Message:  # a note, in the language in force (Message is an attrs record too)
        return obj.render()  # type: ignore[attr-defined,no-any-return]
    return _record(obj) if attrs.has(kind) else _scalar(obj)


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    """The names of the attrs record *cls*'s fields, in declaration order."""
    return tuple(field.name for field in attrs.fields(cls))


def _record(obj: object) -> dict[str, JSON]:
    cls = type(obj)
    if not attrs.has(cls):
        raise TypeError(f"{cls.__name__} is not a record")  # internal: the report's records
    out: dict[str, JSON] = {}
    for name in _field_names(cls):
        value = getattr(obj, name)
        if type(value) in _AS_IS:
            out[name] = value
        else:
            _put(out, name, value)
        if name == "unknown" and isinstance(obj, Progress | SeriesPoint):
            # The share sits beside the counts it is made of, and its coverage beside it.
            units = obj.units_in_force
            # No share of units none of which was evaluated (no scheme in force then).
            measured = units and (not isinstance(obj, Progress) or obj.evaluated)
            _put(out, "no_data", obj.no_data)
            _put(out, "covered", obj.covered)
            _put(out, "share", Fraction(obj.meeting, units) if measured else None, fraction=True)
            coverage = Fraction(obj.covered, units) if measured else None
            _put(out, "coverage", coverage, fraction=True)
            _put(out, "meeting_at_least", obj.meeting_at_least)
    if isinstance(obj, QualityRow):
        out["total"] = _safe_total(obj)
        withheld = obj.people is None or obj.flagged is None
        out["score"] = None if withheld else _scalar(obj.score)
    return out


def _put(out: dict[str, JSON], key: str, value: object, *, fraction: bool = False) -> None:
    if isinstance(value, Fraction) or (fraction and value is None):
        out[key] = None if value is None else fraction_text(value)
        out[f"{key}_value"] = None if value is None else float(value)
    else:
        out[key] = _plain(value)


def _safe_total(row: QualityRow) -> int | None:
    # A suppressed dimension leaves the total unknown, not smaller.
    parts = (row.correct, row.sufficient, row.clean, row.live)
    return None if any(p is None for p in parts) else row.total


def _quality(quality: QualityReport, threshold: int | None) -> dict[str, JSON]:
    return {
        "rows": [_quality_row(r, threshold) for r in quality.rows],
        "totals": _withheld(quality.totals(), threshold),
        "by_check": _withheld(quality.by_check(), threshold),
        "checks": [
            {
                "id": check,
                "dimension": dimension,
                "description": description,
                "title_vi": CHECK_LABELS.get(check, (description, description))[0],
                "title_en": CHECK_LABELS.get(check, (description, description))[1],
            }
            for check, dimension, description in quality.checks
        ],
    }


def _withheld(counts: dict[str, int], threshold: int | None) -> dict[str, JSON]:
    # Scope-wide issue counts: a small one could point at the people of one unit row.
    if threshold is None:
        return dict(counts)
    return {k: None if 0 < v < threshold else v for k, v in counts.items()}


def _quality_row(row: QualityRow, threshold: int | None) -> JSON:
    out = _record(row)
    if row.unit_name == UNPLACED_NAME:
        out["unit_name"] = text("unplaced_row")
    # A small ``flagged`` count also gives away the unit's score: withhold both.
    if threshold is not None and row.flagged is not None and 0 < row.flagged < threshold:
        out["flagged"] = None
        out["score"] = None
    return out


def report_document(report: Report) -> dict[str, JSON]:
    """The report as a JSON-ready dict, keys in the documented order."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "provenance": _plain(report.provenance),
        "overall": _plain(report.overall),
        "progress": _plain(report.progress),
        "units": _plain(report.units),
        "closest": _plain(report.closest),
        "criteria": _plain(report.criteria),
        "series": _plain(report.series),
        "indicators": _plain(report.indicators),
        "quality": _quality(report.quality, report.provenance.suppression_threshold),
        "notes": [render(note) for note in report.notes],
    }


def render_json(report: Report) -> str:
    """The report document as indented UTF-8 JSON text, ending in a newline."""
    doc = report_document(report)
    # the standard library's bytes, at the C encoder's speed (engine.serialize.dumps);
    # every key is a field's name or a check's id
    return dumps(doc, indent=2, allow_nan=False, text_keys=True) + "\n"
