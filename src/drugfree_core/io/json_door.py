"""Reading a dataset document (JSON) through the one converter.

Each element of the four top-level lists is structured on its own, so one bad subject
costs that subject only (in quarantine mode) and every bad element is reported, each
problem at its JSON path (``$.subjects[3].tests[0].date``).
"""

from __future__ import annotations

import json
import os
from typing import Any

from drugfree_core._args import expect, expect_path
from drugfree_core.dataset.checks import Staged
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.document import (
    FORMAT,
    converter,
    describe_errors,
    object_pairs,
    unknown_key_reason,
)
from drugfree_core.dataset.records import CHILD_FIELDS, TOP_LEVEL, RowBuilder, supplied_tables
from drugfree_core.dataset.schema import TABLES
from drugfree_core.errors import Problem
from drugfree_core.i18n import msg, os_reason, render
from drugfree_core.io.json_fast import stage_fast
from drugfree_core.io.known_units import with_known_units

# Which key of a rejected top-level element names it, to follow duplicates and references.
_KEYS = {
    "units": ("code", "parent_code", "kind", "valid_from", "valid_to"),
    "lineage": ("predecessor_code", "successor_code"),
    "unit_facts": ("unit_code",),
    "drug_law_violations": ("subject_id", "unit_code"),
    "wanted_fugitives": ("id", "unit_code"),
    "drug_use_locations": ("id", "unit_code"),
    "recognitions": ("unit_code", "scheme_id"),
    "coverage": ("unit_code",),
}


class _NonFinite:
    """Stands for NaN / Infinity in the input, which JSON does not allow."""


def _constant(_name: str) -> _NonFinite:
    # Python's json accepts NaN and Infinity; keep them as a value the converter rejects
    # at its path instead of failing the whole document.
    return _NonFinite()


def _fatal(location: str, reason: str) -> Problem:
    return Problem(table="", location=location, reason=reason)


def _parse(text: str, source: str) -> tuple[Any, list[Problem]]:
    try:
        return json.loads(text, object_pairs_hook=object_pairs, parse_constant=_constant), []
    except json.JSONDecodeError as exc:
        return None, [
            _fatal(f"{source}:line {exc.lineno} column {exc.colno}", f"malformed JSON: {exc.msg}")
        ]
    except RecursionError:
        return None, [_fatal(source, "malformed JSON: nested too deeply")]


def stage_document(data: Any, source: str) -> Staged:
    """Structure a parsed document element by element into a :class:`Staged` input."""
    builder = RowBuilder(prefix="$.")
    fatal: list[Problem] = []
    unavailable: list[str] = []
    if not isinstance(data, dict):
        fatal.append(_fatal("$", "a dataset document must be a JSON object"))
        return builder.stage(source, fatal, unavailable=[t.name for t in TABLES])
    allowed = ("format", *TOP_LEVEL)
    for key in getattr(data, "duplicates", ()):
        if key in allowed:  # an unknown key given twice is reported once, as unknown
            fatal.append(_fatal(f"$.{key}", "key given more than once"))
    for position, key in enumerate(data, start=1):
        if key not in allowed:
            # Named by position, never quoted: a key can be personal data.
            fatal.append(_fatal("$", unknown_key_reason(position, key, list(allowed))))
    if "format" not in data:
        fatal.append(_fatal("$.format", f"required field missing (expected {FORMAT!r})"))
    elif data["format"] != FORMAT:
        fatal.append(_fatal("$.format", f"format must be {FORMAT!r}"))

    for table, cls in TOP_LEVEL.items():
        elements = data.get(table, [])
        if not isinstance(elements, list):
            fatal.append(_fatal(f"$.{table}", "expected a list"))
            unavailable.append(table)
            if table == "subjects":
                unavailable.extend(CHILD_FIELDS)
            continue
        for i, element in enumerate(elements):
            path = f"{table}[{i}]"
            try:
                record: Any = converter.structure(element, cls)
            except Exception as exc:
                problems = describe_errors(exc, f"$.{path}")
                if table == "subjects":
                    builder.reject_subject(path, element, str(i), problems)
                else:
                    raw = element if isinstance(element, dict) else {}
                    builder.reject(
                        table, path, {k: raw.get(k) for k in _KEYS[table]}, problems=problems
                    )
                continue
            if table == "subjects":
                builder.add_subject(path, record, str(i))
            else:
                builder.add(table, path, record)
    given = [table for table in TOP_LEVEL if table in data and table not in unavailable]
    return builder.stage(source, fatal, unavailable=unavailable, supplied=supplied_tables(given))


def stage_json_text(text: str, source: str = "<string>") -> Staged:
    """Parse and structure JSON text; malformed JSON is one fatal problem."""
    expect(text, str, msg("the JSON text"), msg("a str"))
    expect(source, str, "source", msg("a str"))
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: the general way names it
        raw = None
    fast = stage_fast(raw, source) if raw is not None else None
    return fast if fast is not None else _stage_text(text, source)


def _stage_text(text: str, source: str) -> Staged:
    """The general way: every element structured into the model's records."""
    data, fatal = _parse(text, source)
    if fatal:
        return Staged(source=source, locate=lambda _t, _i: source, good={}, fatal=tuple(fatal))
    return stage_document(data, source)


def stage_json_file(path: str | os.PathLike[str]) -> Staged:
    """Read a document file (UTF-8) and structure it."""
    file = expect_path(path, msg("the JSON file"))
    source = str(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        # In English, as every problem's reason is; read back in the reader's language.
        reason = render(os_reason(exc), "en")
        problem = _fatal(source, f"cannot read the file: {reason}")
        return Staged(source=source, locate=lambda _t, _i: source, good={}, fatal=(problem,))
    # Most documents are clean: read them the fast way (json_fast), else the general one.
    fast = stage_fast(raw.removeprefix(b"\xef\xbb\xbf"), source)  # utf-8-sig
    if fast is not None:
        return fast
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problem = _fatal(f"{source}:byte {exc.start}", "not UTF-8 text")
        return Staged(source=source, locate=lambda _t, _i: source, good={}, fatal=(problem,))
    return _stage_text(text, source)


def read_json(path: str | os.PathLike[str], *, quarantine: bool = False) -> Dataset:
    """Read a dataset document from the JSON file at *path*.

    Strict by default: any problem raises :class:`~drugfree_core.errors.DatasetError`
    listing every problem. With *quarantine*, bad records (and what depends on them) are
    left out and listed in :attr:`Dataset.quarantined`; a document that cannot be read
    at all (malformed JSON, wrong ``format``, unknown top-level key) still raises.
    """
    return Dataset.from_staged(with_known_units(stage_json_file(path)), quarantine=quarantine)


def read_json_text(text: str, *, quarantine: bool = False, source: str = "<string>") -> Dataset:
    """Like :func:`read_json`, from JSON text; *source* names it in messages."""
    staged = with_known_units(stage_json_text(text, source))
    return Dataset.from_staged(staged, quarantine=quarantine)
