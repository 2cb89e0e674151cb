"""People under management and what happened to them, all dated.

Identifiers are pseudonymous: the model holds no names, birth dates or identity numbers.
"""

from __future__ import annotations

import datetime as dt

import attrs

from drugfree_core.errors import RecordError
from drugfree_core.model._checks import (
    check_identifier,
    check_not_before,
    check_rank,
    instance_of,
    tuple_of,
)
from drugfree_core.model.enums import (
    RehabForm,
    SubjectKind,
    TestMethod,
    TestResult,
    TestSchedule,
)

_date = instance_of(dt.date)
_opt_date = instance_of(dt.date, optional=True)
_opt_bool = instance_of(bool, optional=True)


@attrs.frozen(kw_only=True)
class Residence:
    """The person lived in ``unit_code`` from ``start`` to ``end`` (inclusive; open if None).

    A person who moved out (deregistered, handed over to another commune's police) has an
    ``end``; from the next day on the old commune no longer counts them.
    """

    unit_code: str = attrs.field(validator=check_identifier)
    start: dt.date = attrs.field(validator=_date)
    end: dt.date | None = attrs.field(
        default=None, validator=[_opt_date, check_not_before("start")]
    )


@attrs.frozen(kw_only=True)
class StatusPeriod:
    """A period during which the person had one status (addict, illegal user, ...).

    ``has_management_record`` says whether a management record (hồ sơ quản lý) exists;
    ``None`` means the source system did not say, and criteria that need it are *unknown*.
    ``management_start`` is the date of the management decision (or the start of
    post-rehab management); statutory periods (1 year for illegal users, 1 or 2 years after
    rehab) run from it, or from ``start`` when it is missing. ``support_provided`` records
    whether reintegration support (counselling, jobs, loans) was given, for post-rehab
    persons and released offenders.
    """

    kind: SubjectKind = attrs.field(validator=instance_of(SubjectKind))
    start: dt.date = attrs.field(validator=_date)
    end: dt.date | None = attrs.field(
        default=None, validator=[_opt_date, check_not_before("start")]
    )
    has_management_record: bool | None = attrs.field(default=None, validator=_opt_bool)
    management_start: dt.date | None = attrs.field(default=None, validator=_opt_date)
    support_provided: bool | None = attrs.field(default=None, validator=_opt_bool)

    def __attrs_post_init__(self) -> None:
        start, end = self.management_start, self.end
        if start is not None and end is not None and start > end:
            raise RecordError("management_start is after end")


@attrs.frozen(kw_only=True)
class DrugTest:
    """An in-body drug test (urine, blood or other sample)."""

    __test__ = False  # not a pytest test class

    date: dt.date = attrs.field(validator=_date)
    result: TestResult = attrs.field(validator=instance_of(TestResult))
    method: TestMethod = attrs.field(
        default=TestMethod.SCREENING, validator=instance_of(TestMethod)
    )
    schedule: TestSchedule = attrs.field(
        default=TestSchedule.PERIODIC, validator=instance_of(TestSchedule)
    )


@attrs.frozen(kw_only=True)
class RehabEpisode:
    """A rehabilitation or treatment episode.

    ``end`` is None while the episode is running. ``completed`` says whether it was
    finished as ordered (only completed episodes start post-rehab management). ``minor``
    is True when the person was 12 to under 18 at the start: their post-rehab management
    after compulsory rehab is 1 year instead of 2 (Law 73/2021 Art. 40). ``rank`` is 1 for
    the person's first rehab and 2 or more for a later one; from 1 July 2026 it sets the
    term (24 or 36 months, Law 120/2025/QH15 Art. 29.1). ``None``: not known.
    """

    form: RehabForm = attrs.field(validator=instance_of(RehabForm))
    start: dt.date = attrs.field(validator=_date)
    end: dt.date | None = attrs.field(
        default=None, validator=[_opt_date, check_not_before("start")]
    )
    completed: bool = attrs.field(default=False, validator=instance_of(bool))
    minor: bool = attrs.field(default=False, validator=instance_of(bool))
    rank: int | None = attrs.field(
        default=None, validator=[instance_of(int, optional=True), check_rank]
    )

    def __attrs_post_init__(self) -> None:
        if self.completed and self.end is None:
            raise RecordError("a completed episode needs an end date")


@attrs.frozen(kw_only=True)
class CustodyPeriod:
    """Time in prison or temporary detention (the person is not in the community)."""

    start: dt.date = attrs.field(validator=_date)
    end: dt.date | None = attrs.field(
        default=None, validator=[_opt_date, check_not_before("start")]
    )


@attrs.frozen(kw_only=True)
class Subject:
    """A person on a commune's lists, with every dated record about them."""

    id: str = attrs.field(validator=check_identifier)
    residences: tuple[Residence, ...] = attrs.field(default=(), validator=tuple_of(Residence))
    statuses: tuple[StatusPeriod, ...] = attrs.field(default=(), validator=tuple_of(StatusPeriod))
    tests: tuple[DrugTest, ...] = attrs.field(default=(), validator=tuple_of(DrugTest))
    rehab_episodes: tuple[RehabEpisode, ...] = attrs.field(
        default=(), validator=tuple_of(RehabEpisode)
    )
    custody: tuple[CustodyPeriod, ...] = attrs.field(default=(), validator=tuple_of(CustodyPeriod))
