"""Numbers, percentages, counts, dates and durations as each language writes them.

Every figure a person reads goes through these functions (Babel's CLDR data), so one
report never mixes ``0.5 %`` and ``0,5%``, and a count of people is always a whole
number. The style, per language:

============  ===============  ===============
what          Vietnamese       English
============  ===============  ===============
count         ``1.234``        ``1,234``
decimal       ``1.234,5``      ``1,234.5``
percentage    ``39,5 %``       ``39.5%``
date          ``31/12/2025``   ``2025-12-31``
duration      ``1 năm``        ``1 year``
============  ===============  ===============

English dates are ISO 8601: the same form the command line takes, and unambiguous for
every English reader.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from contextlib import AbstractContextManager
from fractions import Fraction
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from drugfree_core.i18n.language import Lang, resolve_lang

if TYPE_CHECKING:
    from babel import Locale

Number = int | float | Fraction | decimal.Decimal

#: Percent patterns: Vietnamese writes a space before the sign, English does not.
_PERCENT_SIGN = {"vi": " %", "en": "%"}


@cache
def babel_locale(lang: Lang) -> Locale:
    """The Babel locale behind *lang* (``vi``, ``en``)."""
    from babel import Locale

    return Locale.parse(lang)


def _pattern(digits: int, max_digits: int | None) -> str:
    most = max(digits, max_digits if max_digits is not None else digits)
    if most == 0:
        return "#,##0"
    return "#,##0." + "0" * digits + "#" * (most - digits)


def _enough_precision(value: Number) -> AbstractContextManager[decimal.Context]:
    """A decimal context holding every whole digit of *value* and the decimals shown.

    The default 28 digits cannot round a share of 10**27 to four decimals (Babel would
    raise ``InvalidOperation``); a huge value is a caller's data, never a crash.
    """
    finite = isinstance(value, Fraction | int) or (
        math.isfinite(value) if isinstance(value, float) else value.is_finite()
    )
    whole = abs(int(value)) if finite else 0
    context = decimal.getcontext().copy()
    context.prec = max(context.prec, len(str(whole)) + 12)
    return decimal.localcontext(context)


def _decimal(value: Number) -> decimal.Decimal | float | int:
    # Babel formats Decimal exactly; a Fraction is made one with ample precision.
    if isinstance(value, Fraction):
        return decimal.Decimal(value.numerator) / decimal.Decimal(value.denominator)
    return value


def format_count(value: int | float, lang: str | None = None) -> str:
    """A count (of people, units…) as a whole number: ``1.234`` (vi), ``1,234`` (en).

    A float that holds a whole number is accepted (``126.0`` gives ``126``); any other
    float is a mistake by the caller and raises :class:`ValueError`.
    """
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"a count must be a whole number, not {value}")
        value = int(value)
    return _count_text(value, resolve_lang(lang))


@lru_cache(maxsize=4096, typed=True)  # typed: True and 1 are told apart, as before
def _count_text(value: int, lang: Lang) -> str:
    # Kept: Babel parses the pattern again on every call (17 µs), and a report writes the
    # same few counts into thousands of units' notes (60 ms of a national monthly one).
    from babel.numbers import format_decimal

    with _enough_precision(value):
        return format_decimal(value, format="#,##0", locale=babel_locale(lang))


def format_number(
    value: Number, lang: str | None = None, digits: int = 0, *, max_digits: int | None = None
) -> str:
    """*value* with *digits* decimals (up to *max_digits* when more are needed), grouped.

    ``format_number(1234.5, "vi", 1)`` is ``1.234,5``; ``format_number(0.05, "en", 0,
    max_digits=4)`` is ``0.05``.
    """
    from babel.numbers import format_decimal

    with _enough_precision(value):
        return format_decimal(
            _decimal(value),
            format=_pattern(digits, max_digits),
            locale=babel_locale(resolve_lang(lang)),
        )


def format_percent(
    share: Number, lang: str | None = None, digits: int = 1, *, max_digits: int | None = None
) -> str:
    """A share (``0.395``) as a percentage: ``39,5 %`` (vi), ``39.5%`` (en).

    *digits* decimals are always written; with *max_digits*, up to that many when the
    value needs them (a threshold of 0.05 % with ``digits=0, max_digits=4``).
    """
    from babel.numbers import format_percent as babel_percent

    code = resolve_lang(lang)
    with _enough_precision(share):
        return babel_percent(
            _decimal(share),
            format=_pattern(digits, max_digits) + _PERCENT_SIGN[code],
            locale=babel_locale(code),
        )


def format_date(value: dt.date, lang: str | None = None) -> str:
    """A date: ``31/12/2025`` (vi), ``2025-12-31`` (en)."""
    if resolve_lang(lang) == "vi":
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return value.isoformat()


def format_datetime(value: dt.datetime, lang: str | None = None) -> str:
    """A moment to the second: ``31/12/2025 14:03:05`` (vi), ``2025-12-31 14:03:05`` (en).

    An aware time keeps its offset (``+07:00``), so a reader knows which clock it is.
    """
    offset = value.strftime("%z")
    zone = f" {offset[:3]}:{offset[3:]}" if offset else ""
    clock = value.strftime("%H:%M:%S")
    return f"{format_date(value.date(), lang)} {clock}{zone}"
