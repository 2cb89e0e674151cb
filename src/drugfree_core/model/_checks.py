"""Small attrs validators shared by the record classes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
# Vietnamese identity-card numbers: 9-digit CMND or 12-digit CCCD.
_NATIONAL_ID = re.compile(r"^(\d{9}|\d{12})$")


def check_identifier(_inst: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    """Reject ids that are empty, too long, contain spaces or look like a national id."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ValueError(
            f"{attribute.name} must be 1-64 characters of letters, digits, '.', '_', ':' or '-'"
        )
    if _NATIONAL_ID.fullmatch(value):
        raise ValueError(
            f"{attribute.name} looks like a national identity number; use a pseudonymous id"
        )


def is_identifier(value: str) -> bool:
    """Whether *value* is an acceptable record id (see :func:`check_identifier`)."""
    return bool(_ID.fullmatch(value)) and not _NATIONAL_ID.fullmatch(value)


def check_not_before(start_field: str) -> Any:
    """Validator: this optional date field is not before the date in *start_field*."""

    def _validate(inst: Any, attribute: attrs.Attribute[Any], value: dt.date | None) -> None:
        start = getattr(inst, start_field)
        if value is not None and start is not None and value < start:
            raise ValueError(f"{attribute.name} ({value}) is before {start_field} ({start})")

    return _validate


def check_non_negative(_inst: Any, attribute: attrs.Attribute[Any], value: float | None) -> None:
    """Reject negative numbers (counts, areas, populations)."""
    if value is not None and value < 0:
        raise ValueError(f"{attribute.name} must not be negative")
