"""The JSON form of a dataset: one nested document, read and written by one converter.

A document looks like::

    {
      "format": "drugfree-dataset/1",
      "units": [{"code": "00001", "name": "Phường Ba Đình", "kind": "ward"}],
      "lineage": [],
      "subjects": [{"id": "S-1", "residences": [{"unit_code": "00001", "start": "2024-01-01"}]}],
      "unit_facts": [],
      "drug_use_locations": []
    }

Rules enforced by :data:`converter`:

* dates are strings ``YYYY-MM-DD`` (nothing else, not even a datetime);
* enums are written by their value (``"ward"``, ``"positive"``);
* lists become tuples; a JSON value of the wrong type is rejected, never coerced
  (``"12"`` is not an integer, ``1`` is not ``true``);
* an optional field (one with a default) may be left out; an unknown key anywhere is an
  error (named by its position, never quoted: see :class:`UnknownKeys`), and so is a
  key given twice in one object (see :class:`DuplicateKeys`);
* integers fit in 64 bits and text is valid Unicode, so every value can be stored;
* on output, a field whose value equals its default is left out, to keep national-scale
  documents small (``"method": "screening"`` is the default of every drug test, for
  example); reading the smaller document gives back equal records.

Structuring errors are cattrs' ``ClassValidationError`` / ``IterableValidationError``
trees; :func:`describe_errors` turns one into ``(JSON path, reason)`` pairs.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import math
import re
import types
import typing
from collections.abc import Callable, Collection, Iterator
from typing import Any

import attrs
import cattrs
from attrs import validators as v
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from drugfree_core.dataset.ordinals import ordinal
from drugfree_core.model import (
    AdminUnit,
    Coverage,
    DrugLawViolation,
    DrugUseLocation,
    LineageLink,
    Recognition,
    Subject,
    UnitFact,
    WantedFugitive,
)
from drugfree_core.model._checks import MAX_INTEGER, is_unicode

#: The value of ``format`` in every document this version reads and writes.
FORMAT = "drugfree-dataset/1"

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Values are left out of messages; the path already says where the value is, and a
# subject's dates are personal data.
_VALUE_IN_PARENS = re.compile(r" \([^()]*\)")


def _check_format(_inst: object, _attribute: attrs.Attribute[Any], value: object) -> None:
    if value != FORMAT:
        raise ValueError(f"format must be {FORMAT!r}")


def _tuple_of(cls: type) -> Any:
    return v.deep_iterable(
        member_validator=v.instance_of(cls), iterable_validator=v.instance_of(tuple)
    )


def _list(cls: type, description: str) -> Any:
    """A top-level list of the document: optional, and described for the JSON Schema."""
    return attrs.field(default=(), validator=_tuple_of(cls), metadata={"description": description})


_LEFT_OUT = (
    " Leaving the key out means the table was not supplied, so criteria that read it are "
    "unknown; an empty list means none."
)


@attrs.frozen(kw_only=True)
class DatasetDocument:
    """A dataset as one JSON document: units, lineage links, subjects, unit facts, coverage.

    Each subject carries its own residences, status periods, drug tests, rehabilitation
    episodes and custody periods. ``format`` must be ``"drugfree-dataset/1"``. A list
    that is left out is a table that was not supplied, which is not the same as an empty
    list: see each key.
    """

    format: str = attrs.field(validator=_check_format)
    units: tuple[AdminUnit, ...] = _list(
        AdminUnit,
        "The administrative units the records refer to. Left out (with lineage), the "
        "embedded official map is used: it says which units exist, never which ones the "
        "data cover.",
    )
    lineage: tuple[LineageLink, ...] = _list(
        LineageLink, "Links from units that were merged or split to the units they became."
    )
    subjects: tuple[Subject, ...] = _list(
        Subject,
        "The people on the units' lists, each with their residences, statuses, tests, "
        "rehabilitation episodes and custody periods (a person's list left out is empty)."
        + _LEFT_OUT,
    )
    unit_facts: tuple[UnitFact, ...] = _list(
        UnitFact, "Counts and measures reported about units for a period." + _LEFT_OUT
    )
    coverage: tuple[Coverage, ...] = _list(
        Coverage,
        "Which units the records cover, and over which days. A unit that is not covered "
        "on the reference date has no data and is never counted as passing. Left out, "
        "every commune-level unit of `units` is covered whenever it is in force; with "
        "the official map, no unit is. An empty list covers nothing.",
    )
    drug_law_violations: tuple[DrugLawViolation, ...] = _list(
        DrugLawViolation,
        "Drug-law violations (crimes or administrative offences) committed in a unit, each "
        "by a subject on a date (Decision 28/2025 Art. 6.2)." + _LEFT_OUT,
    )
    wanted_fugitives: tuple[WantedFugitive, ...] = _list(
        WantedFugitive,
        "Wanted drug fugitives known to hide in a unit, from a date until a date "
        "(Decision 28/2025 Art. 6.2)." + _LEFT_OUT,
    )
    drug_use_locations: tuple[DrugUseLocation, ...] = _list(
        DrugUseLocation,
        "Places, areas or vehicles organising or harbouring illegal drug use, identified "
        "on a date and closed on a date (Decision 28/2025 Art. 6.3)." + _LEFT_OUT,
    )
    recognitions: tuple[Recognition, ...] = _list(
        Recognition,
        "Formal recognitions of a unit under a scheme for an assessment year, with the "
        "decision and its withdrawal (Decision 28/2025 Art. 9)." + _LEFT_OUT,
    )


class DuplicateKeys(dict[str, Any]):
    """A JSON object in which some key was given more than once.

    Produce it with ``json.loads(text, object_pairs_hook=object_pairs)``; the converter
    rejects it instead of silently keeping the last value.
    """

    duplicates: tuple[str, ...] = ()


def object_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for :func:`json.loads` that remembers duplicate keys."""
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    seen: set[str] = set()
    dupes: dict[str, None] = {}
    for key, _ in pairs:
        if key in seen:
            dupes[key] = None
        seen.add(key)
    marked = DuplicateKeys(result)
    marked.duplicates = tuple(dupes)
    return marked


# --- structure hooks: strict JSON types, never coercion ----------------------------------


def _structure_str(value: object, _t: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    if not is_unicode(value):
        # JSON may escape half of a surrogate pair ("\\ud800"), which no output can write.
        raise ValueError("text is not valid Unicode: it holds a lone surrogate")
    return value


def _structure_int(value: object, _t: object) -> int:
    # bool is an int in Python but not in JSON.
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("expected an integer")
    if not -MAX_INTEGER - 1 <= value <= MAX_INTEGER:
        raise ValueError(
            f"integer out of range: it must lie between {-MAX_INTEGER - 1} and {MAX_INTEGER}"
        )
    return value


def _structure_float(value: object, _t: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError("expected a number")
    try:
        number = float(value)
    except OverflowError:  # an integer with hundreds of digits
        raise ValueError("number too large") from None
    if not math.isfinite(number):
        raise ValueError("expected a finite number")
    return number


def _structure_bool(value: object, _t: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _structure_date(value: object, _t: object) -> dt.date:
    # fromisoformat alone would also accept "20240105" and week dates.
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError("expected a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("expected a date written YYYY-MM-DD that exists") from None


def _is_enum(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, enum.Enum)


def _enum_hook(t: type[enum.Enum]) -> Callable[[object, object], enum.Enum]:
    by_value = {member.value: member for member in t}
    allowed = ", ".join(str(value) for value in by_value)

    def structure(value: object, _t: object) -> enum.Enum:
        if isinstance(value, str) and value in by_value:
            return by_value[value]
        raise ValueError(f"expected one of: {allowed}")

    return structure


def _is_tuple(t: Any) -> bool:
    args = typing.get_args(t)
    return typing.get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_hook(t: Any, conv: cattrs.Converter) -> Callable[[object, object], tuple[Any, ...]]:
    item_type = typing.get_args(t)[0]
    item_hook = conv.get_structure_hook(item_type)

    def structure(value: object, _t: object) -> tuple[Any, ...]:
        # A string or an object is iterable in Python but is not a JSON array.
        if not isinstance(value, list):
            raise ValueError("expected a list")
        items: list[Any] = []
        errors: list[Exception] = []
        for index, item in enumerate(value):
            try:
                items.append(item_hook(item, item_type))
            except Exception as exc:
                exc.__notes__ = [
                    *getattr(exc, "__notes__", []),
                    IterableValidationNote(f"Structuring item {index}", index, item_type),
                ]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {t!r}", errors, t)
        return tuple(items)

    return structure


def _note(exc: Exception, name: str, t: Any) -> Exception:
    exc.__notes__ = [
        *getattr(exc, "__notes__", []),
        AttributeValidationNote(f"Structuring field {name!r}", name, t),
    ]
    return exc


def _field_errors(
    fields: tuple[Any, ...], given: dict[str, Any], failed: set[str]
) -> list[Exception]:
    """Run each field's validators alone, to say which field a failing record got wrong."""
    seen: dict[str, Any] = {}  # what the validators see: the default, or None if it failed
    for f in fields:
        if f.name in given:
            seen[f.name] = given[f.name]
        elif f.name in failed or f.default is attrs.NOTHING:
            seen[f.name] = None
        elif isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
            seen[f.name] = f.default.factory()
        else:
            seen[f.name] = f.default
    stand_in = types.SimpleNamespace(**seen)
    errors: list[Exception] = []
    for f in fields:
        if f.validator is not None and f.name in given:
            try:
                f.validator(stand_in, f, given[f.name])
            except (ValueError, TypeError) as exc:
                errors.append(_note(exc, f.name, f.type))
    return errors


def _attrs_hook(cls: type, conv: cattrs.Converter) -> Callable[[object, object], Any]:
    """Structure an attrs class, reporting every bad field, validators included.

    cattrs' generated hook reports a failing attrs validator only for the whole record,
    and only once the types are right; this one also runs each field's validator on its
    own when a record fails, so every problem of a record comes out at once, each with
    its field's path. Valid records cost one call to the class, as usual.
    """
    attrs.resolve_types(cls)
    fields = attrs.fields(cls)
    names = frozenset(f.name for f in fields)
    spec = [
        (f.name, conv.get_structure_hook(f.type), f.type, f.default is attrs.NOTHING)
        for f in fields
    ]

    def structure(value: object, _t: object) -> Any:
        if not isinstance(value, dict):
            raise ValueError("expected an object")
        errors: list[Exception] = []
        given: dict[str, Any] = {}
        failed: set[str] = set()
        for name, hook, t, required in spec:
            if name in value:
                try:
                    given[name] = hook(value[name], t)
                except Exception as exc:
                    errors.append(_note(exc, name, t))
                    failed.add(name)
            elif required:
                errors.append(_note(ValueError("required field missing"), name, t))
        for key in getattr(value, "duplicates", ()):
            if key in names:  # an unknown key given twice is reported once, as unknown
                errors.append(_note(ValueError("key given more than once"), key, None))
        if conv.forbid_extra_keys:
            extra = value.keys() - names
            if extra:
                errors.append(UnknownKeys(list(value), names, [f.name for f in fields]))
        if not errors:
            try:
                return cls(**given)
            except (ValueError, TypeError) as exc:
                # Locate the failing validators; what none explains spans fields
                # (__attrs_post_init__) and belongs to the record as a whole.
                errors = _field_errors(fields, given, failed) or [exc]
        else:
            errors += _field_errors(fields, given, failed)
        raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)

    return structure


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True, omit_if_default=True)
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_structure_hook_factory(_is_enum, _enum_hook)
    conv.register_structure_hook_factory(_is_tuple, _tuple_hook)
    conv.register_structure_hook_factory(attrs.has, _attrs_hook)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    return conv


#: The one converter between JSON-ready Python data and the model's record classes.
converter: cattrs.Converter = _make_converter()


# --- turning structuring errors into (path, reason) pairs --------------------------------


class UnknownKeys(ValueError):
    """Keys an object may not have, told by position: a key can be personal data.

    A key is never quoted (an identity-card number or a name used as a key would be
    repeated in every message); it is named by its position among the object's keys,
    with the closest allowed key when one is close enough to be a typo.
    """

    def __init__(self, keys: list[str], known: Collection[str], allowed: list[str]) -> None:
        super().__init__("unknown keys")
        self.positions = [(i + 1, key) for i, key in enumerate(keys) if key not in known]
        self.allowed = allowed

    def reasons(self) -> list[str]:
        """One reason per unknown key, in the object's order."""
        return [unknown_key_reason(n, key, self.allowed) for n, key in self.positions]


def unknown_key_reason(position: int, key: object, allowed: list[str]) -> str:
    """``unknown key (the 3rd key of this object; did you mean 'statuses'?); allowed: ...``."""
    guess = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.75)
    hint = f"; did you mean {guess[0]!r}?" if guess else ""
    return (
        f"unknown key (the {ordinal(position)} key of this object{hint}); "
        f"allowed keys: {', '.join(allowed)}"
    )


def _key_path(path: str, key: object) -> str:
    text = str(key)[:40]
    return f"{path}.{text}" if _PLAIN_KEY.match(text) else f"{path}[{text!r}]"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ValueError | TypeError) and exc.args and isinstance(exc.args[0], str):
        # Our hooks and the model's validators speak plain sentences; strip any value.
        return _VALUE_IN_PARENS.sub("", exc.args[0])
    # Anything else is unexpected; its text might quote the input, so name only its kind.
    return f"invalid value ({type(exc).__name__})"


def _walk(exc: BaseException, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, attr_note in with_notes:
            yield from _walk(sub, _key_path(path, attr_note.name))
        for sub in without:
            yield from _walk(sub, path)
    elif isinstance(exc, IterableValidationError):
        items, without = exc.group_exceptions()
        for sub, item_note in items:
            yield from _walk(sub, f"{path}[{item_note.index!r}]")
        for sub in without:
            yield from _walk(sub, path)
    elif isinstance(exc, UnknownKeys):
        yield from ((path, reason) for reason in exc.reasons())
    elif isinstance(exc, ForbiddenExtraKeysError):
        allowed = [f.name for f in attrs.fields(exc.cl)]
        for reason in UnknownKeys(sorted(exc.extra_fields, key=str), (), allowed).reasons():
            yield path, reason
    else:
        yield path, _reason(exc)


def describe_errors(exc: BaseException, path: str = "$") -> list[tuple[str, str]]:
    """Every problem in a structuring error as ``(JSON path, reason)``, in input order.

    Reasons never repeat the offending value (the path locates it, and values of subject
    records are personal data).
    """
    return list(_walk(exc, path))


__all__ = [
    "FORMAT",
    "DatasetDocument",
    "DuplicateKeys",
    "UnknownKeys",
    "converter",
    "describe_errors",
    "object_pairs",
]
