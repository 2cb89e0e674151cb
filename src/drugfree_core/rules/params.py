"""Effective-dated parameters: the numbers a law or scheme sets, with their sources.

A rule that changes on a date is a new dated value of a parameter, not an ``if`` in code.
Primitives refer to parameters with :class:`ParamRef`; a scheme resolves them at the
reference date, and a province scheme can override any of them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Mapping
from fractions import Fraction
from typing import TypeAlias

import attrs
from attrs import validators as v

from drugfree_core.errors import SchemeError
from drugfree_core.i18n import msg
from drugfree_core.model._dates import shift
from drugfree_core.model.enums import Provenance
from drugfree_core.model.periods import period_start_on


@attrs.frozen(kw_only=True)
class Period:
    """A calendar duration (years, months, days), added like a person counts it.

    Adding 1 year to 29 Feb gives 28 Feb of the next year.
    """

    years: int = 0
    months: int = 0
    days: int = 0

    def to_polars(self, *, backwards: bool = False) -> str:
        """The duration as a polars ``offset_by`` string (``"1y"``; ``"-1y"`` backwards)."""
        sign = "-" if backwards else ""
        units = ((self.years, "y"), (self.months, "mo"), (self.days, "d"))
        return "".join(f"{sign}{n}{unit}" for n, unit in units if n) or "0d"

    def add_to(self, day: dt.date) -> dt.date:
        """*day* plus this period, clamping to the end of a shorter month.

        A result beyond the calendar (before year 1 or after 9999) is its first or last day.
        """
        total_months = day.year * 12 + (day.month - 1) + self.years * 12 + self.months
        year, month0 = divmod(total_months, 12)
        month = month0 + 1
        if not dt.MINYEAR <= year <= dt.MAXYEAR:
            return dt.date.min if year < dt.MINYEAR else dt.date.max
        last = _days_in_month(year, month)
        return shift(dt.date(year, month, min(day.day, last)), self.days)

    def __str__(self) -> str:
        names = (("year", self.years), ("month", self.months), ("day", self.days))
        parts = [f"{n} {name}{'s' if n != 1 else ''}" for name, n in names if n]
        return " ".join(parts) or "0 days"


def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


class Window(enum.Enum):
    """A span of days ending on the reference date, named rather than measured.

    ``assessment_period``: from the start of the assessment year the date falls in
    (15 December, Decision 28/2025 Art. 7.1) to the date. ``reference_date``: the
    reference date alone. A :class:`Period` as a window means the days in
    ``(date - period, date]``.
    """

    ASSESSMENT_PERIOD = "assessment_period"
    REFERENCE_DATE = "reference_date"


def window_start(window: Period | Window | str, on: dt.date) -> dt.date:
    """The first day of *window* ending on *on* (inclusive).

    >>> window_start(Window.ASSESSMENT_PERIOD, dt.date(2025, 10, 1))
    datetime.date(2024, 12, 15)
    >>> window_start(Period(years=1), dt.date(2025, 10, 1))
    datetime.date(2024, 10, 2)
    """
    if isinstance(window, Period):
        back = Period(years=-window.years, months=-window.months, days=-window.days)
        return back.add_to(on) + dt.timedelta(days=1)
    kind = Window(window)
    if kind is Window.REFERENCE_DATE:
        return on
    return period_start_on(on)


def reports_due_from(window: Period | Window | str, on: dt.date) -> dt.date:
    """The first day a total over *window* ending on *on* needs its reports to cover.

    The window's first day, except that a look-back of whole months or years from a
    month's last day starts its reports on the first of a month: six months to 30 June
    count the periods ending from 31 December (30 June less six months is 30 December),
    and half-year reports from 1 January still cover them.

    >>> reports_due_from(Period(months=6), dt.date(2025, 6, 30))
    datetime.date(2025, 1, 1)
    >>> reports_due_from(Period(years=1), dt.date(2025, 10, 1))
    datetime.date(2024, 10, 2)
    """
    start = window_start(window, on)
    month_end = (on + dt.timedelta(days=1)).day == 1
    if isinstance(window, Period) and not window.days and month_end and start.day != 1:
        return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start


_DEADLINE_UNITS = ("working_days", "days", "hours")


@attrs.frozen(kw_only=True)
class Deadline:
    """A time limit to act after an event: ``amount`` working days, days or hours.

    With dates only (no times), :meth:`latest_day` is the last day an act can be dated
    and still be within the limit: working days skip Saturdays and Sundays (public
    holidays are not known to the library, so the limit may be a day or two short of the
    law's); 24 hours from a moment during the day can end on the next day.
    """

    amount: int = attrs.field(validator=v.ge(0))
    unit: str = attrs.field(validator=v.in_(_DEADLINE_UNITS))

    def latest_day(self, event: dt.date) -> dt.date:
        """The last day within the limit after an event on *event*."""
        if self.unit == "days":
            return event + dt.timedelta(days=self.amount)
        if self.unit == "hours":
            return event + dt.timedelta(days=-(-self.amount // 24))
        day, left = event, self.amount
        while left:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day

    def __str__(self) -> str:
        name = {"working_days": "working day", "days": "day", "hours": "hour"}[self.unit]
        return f"{self.amount} {name}{'s' if self.amount != 1 else ''}"


#: What a parameter may hold. ``None`` means "not known": rules using it report *unknown*.
ParamValue: TypeAlias = (
    int
    | Fraction
    | bool
    | str
    | Period
    | Deadline
    | tuple[str, ...]
    | Mapping[str, "Period | None"]
    | None
)


@attrs.frozen(kw_only=True)
class DatedValue:
    """The value a parameter has from ``start`` (inclusive) until the next dated value.

    ``note`` is prose for a reader (translated through the catalogue when it is a
    built-in's, see :func:`~drugfree_core.i18n.localize`); ``sources`` are where the
    value was read (URLs, repository paths), kept apart so they are never part of a text
    to translate.
    """

    start: dt.date
    value: ParamValue
    citation: str
    provenance: Provenance
    note: str = ""
    sources: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class Parameter:
    """A named, documented, effective-dated number or choice.

    ``values`` are sorted by start; the value in force on a date is the last one that
    started on or before it. Before the first start the parameter is not in force.
    """

    id: str
    description_en: str
    description_vi: str
    values: tuple[DatedValue, ...] = attrs.field(validator=v.min_len(1))

    def __attrs_post_init__(self) -> None:
        starts = [dv.start for dv in self.values]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise SchemeError(
                msg(
                    "parameter {parameter}: dated values must have increasing starts",
                    parameter=str(self.id),
                )
            )

    def at(self, on: dt.date) -> DatedValue:
        """The dated value in force on *on*."""
        current: DatedValue | None = None
        for dv in self.values:
            if dv.start <= on:
                current = dv
        if current is None:
            raise SchemeError(
                msg("parameter {id} is not in force on {date}", id=str(self.id), date=on)
            )
        return current

    def overridden(self, value: DatedValue) -> Parameter:
        """A copy where *value* replaces every value from its start on."""
        kept = tuple(dv for dv in self.values if dv.start < value.start)
        return attrs.evolve(self, values=(*kept, value))


@attrs.frozen
class ParamRef:
    """A reference from a rule to a parameter of its scheme, resolved at the reference date."""

    id: str

    def __str__(self) -> str:
        return f"${self.id}"


def constant(
    id: str,
    value: ParamValue,
    *,
    since: dt.date,
    en: str,
    vi: str,
    citation: str,
    provenance: Provenance,
    note: str = "",
    sources: tuple[str, ...] = (),
) -> Parameter:
    """A parameter with one value from *since* on (the common case)."""
    return Parameter(
        id=id,
        description_en=en,
        description_vi=vi,
        values=(
            DatedValue(
                start=since,
                value=value,
                citation=citation,
                provenance=provenance,
                note=note,
                sources=sources,
            ),
        ),
    )
