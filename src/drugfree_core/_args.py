"""Checks of a public function's arguments: a wrong one is a :class:`UsageError`.

A caller who passes a file name where a dataset goes, or a string where a date goes,
gets one sentence naming the argument and what it must be, instead of an
``AttributeError`` from deep inside polars. The sentence is a catalogue message, in the
reader's language: a caller names the argument by a message (``msg("the dataset")``) or
by its Python name (``"units"``, shown as it is), and what it must be by a message
(``msg("a Dataset (see drugfree_core.load)")``).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

from drugfree_core.errors import UsageError
from drugfree_core.i18n.message import Message, msg

#: An argument's name in a sentence: a message, or its Python name (shown as it is).
Named = str | Message


def _kind(value: object) -> str:
    """The name of *value*'s type, as a sentence shows it (``int``, ``NoneType``)."""
    return type(value).__name__


def expect(value: object, kind: type | tuple[type, ...], what: Named, wanted: Message) -> None:
    """Raise :class:`UsageError` unless *value* is a *kind*: ``"<what> must be <wanted>"``."""
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise UsageError(msg("{what} must be {wanted}, not a bool", what=what, wanted=wanted))
    if not isinstance(value, kind):
        raise UsageError(
            msg("{what} must be {wanted}, not {kind}", what=what, wanted=wanted, kind=_kind(value))
        )


def expect_date(value: object, what: Named) -> dt.date:
    """*value* if it is a :class:`datetime.date` (not a datetime), else a :class:`UsageError`."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise UsageError(
            msg("{what} must be a datetime.date, not {kind}", what=what, kind=_kind(value))
        )
    return value


def expect_path(value: object, what: Named) -> Path:
    """*value* as a :class:`~pathlib.Path` if it is a path or a string of one."""
    if isinstance(value, str | os.PathLike) and not isinstance(value, bytes):
        text = os.fspath(value)
        if isinstance(text, str):
            if not text or "\x00" in text:
                raise UsageError(
                    msg("{what} must be a non-empty path without NUL characters", what=what)
                )
            try:
                os.fsencode(text)
            except UnicodeEncodeError:
                raise UsageError(
                    msg("{what} is not a path this system can name", what=what)
                ) from None
            return Path(text)
    raise UsageError(
        msg("{what} must be a path (str or os.PathLike), not {kind}", what=what, kind=_kind(value))
    )


def expect_choice(value: object, choices: tuple[str, ...], what: Named) -> str:
    """*value* if it is one of the words *choices*, else a :class:`UsageError`."""
    if not isinstance(value, str) or value not in choices:
        shown = repr(value[:40]) if isinstance(value, str) else _kind(value)
        listed = ", ".join(repr(c) for c in choices)
        raise UsageError(
            msg("unknown {what} {shown}; use {choices}", what=what, shown=shown, choices=listed)
        )
    return value


def expect_lang(value: object) -> None:
    """A :class:`UsageError` unless *value* is a language of the library (``vi``, ``en``).

    ``None`` is allowed: it means the language in force (``drugfree_core.i18n``).
    """
    if value is not None:
        expect_choice(value, ("vi", "en"), msg("language"))


def expect_items(value: object, kind: type, what: Named, wanted: Message) -> tuple[object, ...]:
    """*value* as a tuple if it is a collection (not a string) of *kind* objects."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise UsageError(
            msg(
                "{what} must be a list of {wanted}, not {kind}",
                what=what,
                wanted=wanted,
                kind=_kind(value),
            )
        )
    items = tuple(value)
    for item in items:
        if not isinstance(item, kind):
            raise UsageError(
                msg(
                    "{what} must hold {wanted}, not {kind}",
                    what=what,
                    wanted=wanted,
                    kind=_kind(item),
                )
            )
    return items


def expect_codes(value: object, what: Named) -> tuple[str, ...]:
    """A list of unit codes (not one string, which would be read letter by letter)."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise UsageError(
            msg("{what} must be a list of unit codes, not {kind}", what=what, kind=_kind(value))
        )
    codes = tuple(value)
    for code in codes:
        if not isinstance(code, str):
            raise UsageError(
                msg("{what} must hold unit codes (str), not {kind}", what=what, kind=_kind(code))
            )
    return codes
