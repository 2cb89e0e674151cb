"""Checks of a public function's arguments: a wrong one is a :class:`UsageError`.

A caller who passes a file name where a dataset goes, or a string where a date goes,
gets one sentence naming the argument and what it must be, instead of an
``AttributeError`` from deep inside polars.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

from drugfree_core.errors import UsageError


def expect(value: object, kind: type | tuple[type, ...], what: str, wanted: str) -> None:
    """Raise :class:`UsageError` unless *value* is a *kind*: ``"<what> must be <wanted>"``."""
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise UsageError(f"{what} must be {wanted}, not a bool")
    if not isinstance(value, kind):
        raise UsageError(f"{what} must be {wanted}, not {type(value).__name__}")


def expect_date(value: object, what: str) -> dt.date:
    """*value* if it is a :class:`datetime.date` (not a datetime), else a :class:`UsageError`."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise UsageError(f"{what} must be a datetime.date, not {type(value).__name__}")
    return value


def expect_path(value: object, what: str) -> Path:
    """*value* as a :class:`~pathlib.Path` if it is a path or a string of one."""
    if isinstance(value, str | os.PathLike) and not isinstance(value, bytes):
        text = os.fspath(value)
        if isinstance(text, str):
            if not text or "\x00" in text:
                raise UsageError(f"{what} must be a non-empty path without NUL characters")
            try:
                os.fsencode(text)
            except UnicodeEncodeError:
                raise UsageError(f"{what} is not a path this system can name") from None
            return Path(text)
    raise UsageError(f"{what} must be a path (str or os.PathLike), not {type(value).__name__}")


def expect_choice(value: object, choices: tuple[str, ...], what: str) -> str:
    """*value* if it is one of the words *choices*, else a :class:`UsageError`."""
    if not isinstance(value, str) or value not in choices:
        shown = repr(value[:40]) if isinstance(value, str) else type(value).__name__
        listed = ", ".join(repr(c) for c in choices)
        raise UsageError(f"unknown {what} {shown}; use {listed}")
    return value


def expect_lang(value: object) -> None:
    """A :class:`UsageError` unless *value* is a language of the library (``vi``, ``en``).

    ``None`` is allowed: it means the language in force (``drugfree_core.i18n``).
    """
    if value is not None:
        expect_choice(value, ("vi", "en"), "language")


def expect_items(value: object, kind: type, what: str, wanted: str) -> tuple[object, ...]:
    """*value* as a tuple if it is a collection (not a string) of *kind* objects."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise UsageError(f"{what} must be a list of {wanted}, not {type(value).__name__}")
    items = tuple(value)
    for item in items:
        if not isinstance(item, kind):
            raise UsageError(f"{what} must hold {wanted}, not {type(item).__name__}")
    return items


def expect_codes(value: object, what: str) -> tuple[str, ...]:
    """A list of unit codes (not one string, which would be read letter by letter)."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise UsageError(f"{what} must be a list of unit codes, not {type(value).__name__}")
    codes = tuple(value)
    for code in codes:
        if not isinstance(code, str):
            raise UsageError(f"{what} must hold unit codes (str), not {type(code).__name__}")
    return codes
