"""Roadmaps: the share of commune-level units a province (or the nation) must make drug-free.

A roadmap is a list of dated milestones ("30 % by the end of 2025, 45 % by the end of
2027…"). Shares are exact fractions and the required count is ``ceil(share × units)``:
"at least 30 % of 114 units" is 35 units, never 34 (criteria.md §5, [INFERRED]).
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import attrs
from attrs import validators as v

from drugfree_core.errors import SchemeError, UsageError
from drugfree_core.i18n import msg
from drugfree_core.model.enums import Provenance
from drugfree_core.rules.scheme import check_id

#: The scope of a national roadmap (every province).
NATIONAL = "*"
#: What a roadmap counts toward its targets: units meeting the criteria on the data, or
#: units formally recognised by a provincial decision (Decision 28/2025 Art. 9).
MEETING, RECOGNISED = "meeting", "recognised"


def _share(_inst: object, attribute: attrs.Attribute[Fraction], value: Fraction) -> None:
    if not isinstance(value, Fraction) or not 0 < value <= 1:
        raise SchemeError(
            msg(
                "{name} must be a Fraction in (0, 1], not {value}",
                name=attribute.name,
                value=repr(value),
            )
        )


def required_count(share: Fraction, units: int) -> int:
    """Units needed to reach *share* of *units*: ``ceil(share × units)``, exactly.

    >>> required_count(Fraction(30, 100), 114)
    35
    >>> required_count(Fraction(1, 2), 3321)
    1661
    """
    if not isinstance(share, Fraction | int) or isinstance(share, bool):
        raise UsageError(msg("the share must be a Fraction, not {type}", type=type(share).__name__))
    if isinstance(units, bool) or not isinstance(units, int):
        raise UsageError(
            msg("the unit count must be a whole number, not {type}", type=type(units).__name__)
        )
    if units < 0:
        # The count as given (str, not int: no thousands separator in the echoed value).
        raise SchemeError(msg("a unit count cannot be negative: {units}", units=str(units)))
    return math.ceil(share * units)


@attrs.frozen(kw_only=True)
class Milestone:
    """At least ``share`` of the units in force must be drug-free by ``due`` (inclusive).

    Shares are cumulative: Hải Phòng's "a further 15 % by 2027" after 30 % in 2025 is
    the milestone ``45 %`` due 31 Dec 2027.
    """

    due: dt.date
    share: Fraction = attrs.field(validator=_share)
    citation: str = attrs.field(validator=v.min_len(1))
    provenance: Provenance
    note: str = ""

    def required(self, units: int) -> int:
        """How many of *units* must be drug-free to meet this milestone."""
        return required_count(self.share, units)


@attrs.frozen(kw_only=True)
class Roadmap:
    """A province's (or the nation's) dated targets for drug-free commune-level units.

    ``scope`` is the province code the targets are for (the code of the province unit in
    the administrative map), or :data:`NATIONAL`. ``effective_from``/``effective_to``
    bound the period the roadmap applies, so a roadmap of a province that merged on
    1 July 2025 can end the day before; a milestone may fall after the end (the plan was
    superseded before its target). ``note`` holds caveats ("an ambition", "superseded").

    ``counts`` is which units the targets count, a documented choice per roadmap:
    ``"meeting"`` (the default), units meeting the criteria on the data on the date, or
    ``"recognised"``, units formally recognised for the assessment year (which needs a
    ``recognitions`` table; without one the progress is unknown). ``counts_note`` says
    why the roadmap counts what it counts.
    """

    id: str = attrs.field(validator=check_id)
    scope: str = attrs.field(validator=v.min_len(1))
    scope_name: str = attrs.field(validator=v.min_len(1))
    title_vi: str = attrs.field(validator=v.min_len(1))
    title_en: str = attrs.field(validator=v.min_len(1))
    milestones: tuple[Milestone, ...] = attrs.field(validator=v.min_len(1))
    citation: str = attrs.field(validator=v.min_len(1))
    provenance: Provenance
    sources: tuple[str, ...] = ()
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note: str = ""
    counts: str = attrs.field(default=MEETING, validator=v.in_((MEETING, RECOGNISED)))
    counts_note: str = ""

    def __attrs_post_init__(self) -> None:
        dues = [m.due for m in self.milestones]
        if dues != sorted(dues) or len(set(dues)) != len(dues):
            raise SchemeError(
                msg(
                    "roadmap {roadmap}: milestones must have increasing due dates",
                    roadmap=str(self.id),
                )
            )
        shares = [m.share for m in self.milestones]
        if shares != sorted(shares):
            raise SchemeError(
                msg("roadmap {roadmap}: cumulative shares cannot decrease", roadmap=str(self.id))
            )
        if self.effective_from and self.effective_to and self.effective_from > self.effective_to:
            raise SchemeError(
                msg("roadmap {roadmap}: effective_from is after effective_to", roadmap=str(self.id))
            )

    @property
    def is_national(self) -> bool:
        """Whether the roadmap covers the whole country."""
        return self.scope == NATIONAL

    def in_force(self, on: dt.date) -> bool:
        """Whether the roadmap applies on *on*."""
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )

    def next_milestone(self, on: dt.date) -> Milestone | None:
        """The first milestone due on or after *on*, or ``None`` after the last one."""
        return next((m for m in self.milestones if m.due >= on), None)

    def last_due(self, on: dt.date) -> Milestone | None:
        """The latest milestone already due before *on*, or ``None`` before the first."""
        due = [m for m in self.milestones if m.due < on]
        return due[-1] if due else None
