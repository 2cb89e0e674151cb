"""Numbers, percentages, counts, dates and durations as each language writes them.

Every figure a person reads goes through these functions, so one report never mixes
``0.5 %`` and ``0,5%``, and a count of people is always a whole number. The style, per
language:

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

Numbers are written as Babel writes them with CLDR's number symbols of each language
(the tests compare every form with Babel's on generated values), by the same steps:
rounded half to even, grouped by threes. Babel itself is not called: importing it and
reading its locale data for both languages took about 35 ms, for the two symbols each
language needs (a process's first explanation took 105 ms with it, 79 ms without).
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from contextlib import AbstractContextManager
from fractions import Fraction
from functools import lru_cache

from drugfree_core.i18n.catalog import N_, translate
from drugfree_core.i18n.language import Lang, resolve_lang

Number = int | float | Fraction | decimal.Decimal

#: CLDR's decimal and group symbols of each language (its "latn" digits), as Babel has
#: them; a test checks that they still are.
NUMBER_SYMBOLS: dict[Lang, tuple[str, str]] = {"vi": (",", "."), "en": (".", ",")}

#: After a percentage: Vietnamese writes a space before the sign, English does not.
_PERCENT_SIGN = {"vi": " %", "en": "%"}

#: CLDR's sign of infinity in both languages. Not-a-number comes out as Babel writes it
#: (``NaN``, with the decimals asked for).
_INFINITY = "\u221e"


def _written(value: Number, lang: Lang, digits: int, most: int, *, scale: int = 0) -> str:
    """*value* times ``10**scale``, with *digits* to *most* decimals, grouped by threes.

    The steps of Babel's number patterns (``#,##0.00##``): the value as a Decimal (a
    float through its shortest text), its sign apart, rounded to *most* decimals in the
    current decimal context (half to even), trailing zeros dropped down to *digits*.
    """
    number = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
    number = number.scaleb(scale)
    sign = "-" if number.is_signed() else ""
    number = abs(number).normalize()
    if number.is_infinite():
        return sign + _INFINITY
    point, group = NUMBER_SYMBOLS[lang]
    whole, _, fraction = f"{number.quantize(decimal.Decimal(10) ** -most):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.append(whole[-3:])
        whole = whole[:-3]
    text = group.join([whole, *reversed(groups)])
    fraction = (fraction or "0").ljust(digits, "0")
    if most == 0 or (digits == 0 and int(fraction) == 0):
        return sign + text
    return sign + text + point + (fraction[:digits] + fraction[digits:].rstrip("0"))


def _caller_error(template: str, **fields: object) -> ValueError:
    """A caller's mistake as :class:`ValueError`, said in the language in force.

    A catalogue text, not a :class:`~drugfree_core.i18n.Message`: messages format their
    values with this module.
    """
    return ValueError(translate(resolve_lang(None), template).format(**fields))


def _most_digits(digits: int, max_digits: int | None) -> int:
    if digits < 0:
        raise _caller_error(N_("{name} must not be negative"), name="digits")
    return max(digits, max_digits if max_digits is not None else digits)


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
            raise _caller_error(N_("a count must be a whole number, not {value}"), value=value)
        value = int(value)
    return _count_text(value, resolve_lang(lang))


@lru_cache(maxsize=4096, typed=True)  # typed: True and 1 are told apart, as before
def _count_text(value: int, lang: Lang) -> str:
    # Kept: a report writes the same few counts into thousands of units' notes.
    with _enough_precision(value):
        return _written(value, lang, 0, 0)


def format_number(
    value: Number, lang: str | None = None, digits: int = 0, *, max_digits: int | None = None
) -> str:
    """*value* with *digits* decimals (up to *max_digits* when more are needed), grouped.

    A negative *digits* raises :class:`ValueError`.

    ``format_number(1234.5, "vi", 1)`` is ``1.234,5``; ``format_number(0.05, "en", 0,
    max_digits=4)`` is ``0.05``.
    """
    with _enough_precision(value):
        return _written(
            _decimal(value), resolve_lang(lang), digits, _most_digits(digits, max_digits)
        )


def format_percent(
    share: Number, lang: str | None = None, digits: int = 1, *, max_digits: int | None = None
) -> str:
    """A share (``0.395``) as a percentage: ``39,5 %`` (vi), ``39.5%`` (en).

    *digits* decimals are always written; with *max_digits*, up to that many when the
    value needs them (a threshold of 0.05 % with ``digits=0, max_digits=4``).
    """
    code = resolve_lang(lang)
    with _enough_precision(share):
        written = _written(_decimal(share), code, digits, _most_digits(digits, max_digits), scale=2)
    return written + _PERCENT_SIGN[code]


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
