"""Small attrs validators shared by the record classes.

Each raises :class:`~drugfree_core.errors.RecordError` naming the field and the rule it
breaks, never the value: the values of the records about people are personal data, and
the field's name is enough to find it.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from collections.abc import Callable
from typing import Any

import attrs

from drugfree_core.errors import RecordError

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
# Vietnamese identity-card numbers: 9-digit CMND or 12-digit CCCD.
_NATIONAL_ID = re.compile(r"^(\d{9}|\d{12})$")
# C0 and C1 control characters (line breaks, tabs, NUL, escape sequences) and DEL.
CONTROL_CHARACTERS = r"[\x00-\x1f\x7f-\x9f]"
_CONTROL = re.compile(CONTROL_CHARACTERS)
# Marks that change the direction of the text around them (a right-to-left override,
# an isolate): a name holding one can reorder the columns printed beside it.
DIRECTION_MARKS = "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
_DIRECTION = re.compile(DIRECTION_MARKS)
#: The longest name a unit may have, in characters (the longest official one has ~40).
MAX_NAME = 200
#: The largest integer a table column holds (64-bit signed).
MAX_INTEGER = 2**63 - 1
#: The largest resident population a unit may have: more people than live on Earth (8.2
#: billion in 2025). It keeps every sum of populations (a province's, the nation's) exact
#: in 64 bits, where two values near :data:`MAX_INTEGER` would wrap to a small total.
MAX_POPULATION = 10_000_000_000

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def check_identifier(_inst: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """Reject ids that are empty, too long, contain spaces or look like a national id."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise RecordError(
            f"{attribute.name} must be 1-64 characters of letters, digits, '.', '_', ':' or '-'"
        )
    if _NATIONAL_ID.fullmatch(value):
        raise RecordError(
            f"{attribute.name} looks like a national identity number; use a pseudonymous id"
        )


def is_identifier(value: str) -> bool:
    """Whether *value* is an acceptable record id (see :func:`check_identifier`)."""
    return bool(_ID.fullmatch(value)) and not _NATIONAL_ID.fullmatch(value)


def is_unicode(value: str) -> bool:
    """Whether *value* can be written as UTF-8 (it holds no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_problem(value: str) -> str | None:
    """Why *value* is not acceptable text for a name, or ``None`` if it is."""
    if not value:
        return "must not be empty"
    if len(value) > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    if not is_unicode(value):
        return "is not valid Unicode text: it holds a lone surrogate"
    if _CONTROL.search(value):
        return "contains a control character, such as a line break, tab, NUL or escape"
    if _DIRECTION.search(value):
        return "contains a direction mark, such as a right-to-left override"
    return None


def check_text(_inst: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """Names: non-empty text that every output can print (no control characters)."""
    if not isinstance(value, str):
        raise RecordError(f"{attribute.name} must be text")
    problem = text_problem(value)
    if problem:
        raise RecordError(f"{attribute.name} {problem}")


def check_not_before(start_field: str) -> Validator:
    """Validator: this optional date field is not before the date in *start_field*."""

    def _validate(inst: Any, attribute: attrs.Attribute[Any], value: dt.date | None) -> None:
        start = getattr(inst, start_field)
        if value is not None and start is not None and value < start:
            raise RecordError(f"{attribute.name} is before {start_field}")

    return _validate


def check_non_negative(_inst: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """Reject negative numbers (counts, areas, populations)."""
    if value is not None and value < 0:
        raise RecordError(f"{attribute.name} must not be negative")


def check_rank(_inst: Any, _attribute: attrs.Attribute[Any], value: object) -> None:
    """A rehab episode's optional rank: 1 for the person's first rehab, 2 or more after."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise RecordError("rank must be 1 or more; 1 is the first rehab")


def check_count(_inst: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """An optional whole number from 0 to :data:`MAX_POPULATION` (a population)."""
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise RecordError(f"{attribute.name} must be a whole number")
    if value < 0:
        raise RecordError(f"{attribute.name} must not be negative")
    if value > MAX_POPULATION:
        raise RecordError(f"{attribute.name} is too large: the limit is {MAX_POPULATION}")


def to_number(value: object) -> float:
    """Converter: a finite number as a float; anything else is a :class:`RecordError`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordError("value must be a number")
    try:
        number = float(value)
    except OverflowError:
        raise RecordError("value is too large to be a number") from None
    if not math.isfinite(number):
        raise RecordError("value must be a finite number")
    return number


def _kind(cls: type) -> str:
    if cls is dt.date:
        return "a date"
    if cls is bool:
        return "true or false"
    if issubclass(cls, enum.Enum):
        return f"a {cls.__name__} ({', '.join(str(m.value) for m in cls)})"
    return f"a {cls.__name__}"


def instance_of(cls: type, *, optional: bool = False) -> Validator:
    """Validator: the value is a *cls* (``None`` too when *optional*); datetimes are not dates."""
    wanted = _kind(cls)

    def _validate(_inst: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is None and optional:
            return
        # A datetime is a date in Python, but a time of day has no place in a record.
        if not isinstance(value, cls) or (cls is dt.date and isinstance(value, dt.datetime)):
            raise RecordError(f"{attribute.name} must be {wanted}")

    return _validate


def tuple_of(cls: type) -> Validator:
    """Validator: a tuple whose items are all *cls* records."""

    def _validate(_inst: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise RecordError(f"{attribute.name} must be a tuple of {cls.__name__}")
        for i, item in enumerate(value):
            if not isinstance(item, cls):
                raise RecordError(
                    f"{attribute.name}[{i}] must be a {cls.__name__}, not {type(item).__name__}"
                )

    return _validate
