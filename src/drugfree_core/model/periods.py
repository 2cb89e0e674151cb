"""The assessment year of Decision 28/2025/QĐ-TTg: 15 December to 14 December.

Art. 7.1 [READ]: "Kỳ đánh giá và báo cáo tính từ ngày 15 tháng 12 năm trước đến ngày 14
tháng 12 năm sau" (the assessment and reporting period runs from 15 December of the
previous year to 14 December). Assessment year *Y* is 15 Dec (Y-1) to 14 Dec (Y), both
days included, labelled by the year in which it ends [INFERRED, criteria.md §2.6].
"""

from __future__ import annotations

import datetime as dt

import attrs

from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg

#: Month and day the assessment period starts (of the previous year) and ends.
PERIOD_START = (12, 15)
PERIOD_END = (12, 14)

_FIRST_YEAR, _LAST_YEAR = 1901, 9999


def _year(_inst: object, _attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(msg("an assessment year is a whole year, such as 2025"))
    if not _FIRST_YEAR <= value <= _LAST_YEAR:
        raise UsageError(
            msg(
                "assessment year {year} is outside {first}..{last}",
                year=str(value),  # a year, never grouped as 2.025
                first=str(_FIRST_YEAR),
                last=str(_LAST_YEAR),
            )
        )


@attrs.frozen
class AssessmentPeriod:
    """Assessment year ``year``: 15 Dec of ``year - 1`` to 14 Dec of ``year``, inclusive.

    Use it wherever a reference date is asked for: it stands for its last day, the
    reference date of the national scheme [INFERRED, criteria.md §2.6]::

        >>> AssessmentPeriod(2025).start, AssessmentPeriod(2025).end
        (datetime.date(2024, 12, 15), datetime.date(2025, 12, 14))
    """

    year: int = attrs.field(validator=_year)

    @property
    def start(self) -> dt.date:
        """The first day, 15 December of the previous year."""
        return dt.date(self.year - 1, *PERIOD_START)

    @property
    def end(self) -> dt.date:
        """The last day, 14 December."""
        return dt.date(self.year, *PERIOD_END)

    @property
    def reference_date(self) -> dt.date:
        """The date an assessment of the year is made on: its last day."""
        return self.end

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @classmethod
    def containing(cls, day: dt.date) -> AssessmentPeriod:
        """The assessment year *day* falls in (15-31 December belong to the next year)."""
        return cls(day.year + 1 if (day.month, day.day) >= PERIOD_START else day.year)

    @classmethod
    def last_completed(cls, day: dt.date) -> AssessmentPeriod:
        """The latest assessment year whose last day is on or before *day*."""
        current = cls.containing(day)
        return current if day == current.end else cls(current.year - 1)

    def __str__(self) -> str:
        return f"{self.year} ({self.start.isoformat()} – {self.end.isoformat()})"


def period_start_on(day: dt.date) -> dt.date:
    """The first day of the assessment year *day* falls in, for any date.

    15 December of the year before (or of *day*'s year from 15 December), even outside
    the years an :class:`AssessmentPeriod` names; 1 January of year 1 at the start of the
    calendar.
    """
    year = day.year if (day.month, day.day) >= PERIOD_START else day.year - 1
    return dt.date(year, *PERIOD_START) if year >= dt.MINYEAR else dt.date.min


def last_completed_year(day: dt.date) -> int:
    """The label of the latest assessment year whose last day is on or before *day*.

    Plain arithmetic, so any date has one (a year before 1901 or after 9999 labels no
    :class:`AssessmentPeriod`, and no recognition either).
    """
    return day.year if (day.month, day.day) >= PERIOD_END else day.year - 1


#: A reference date, or an assessment year standing for its last day.
DateOrPeriod = dt.date | AssessmentPeriod


def reference_date_of(value: DateOrPeriod) -> dt.date:
    """The reference date *value* stands for (an assessment year: its last day)."""
    if isinstance(value, AssessmentPeriod):
        return value.reference_date
    return value
