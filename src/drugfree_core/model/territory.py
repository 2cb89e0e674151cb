"""Administrative units and their lineage across reorganisations."""

from __future__ import annotations

import datetime as dt

import attrs
from attrs import validators as v

from drugfree_core.errors import RecordError
from drugfree_core.model._checks import (
    check_count,
    check_identifier,
    check_not_before,
    check_text,
    instance_of,
)
from drugfree_core.model.enums import UnitKind, UnitLevel

#: First day of two-tier local government: districts abolished, communes merged.
TWO_TIER_START = dt.date(2025, 7, 1)

_opt_date = instance_of(dt.date, optional=True)


@attrs.frozen(kw_only=True)
class AdminUnit:
    """An administrative unit as it existed between ``valid_from`` and ``valid_to``.

    ``resident_population`` is the population currently residing (dân số hiện đang cư trú),
    the denominator of the rate criteria of Decision 28/2025; ``None`` means not known,
    which makes rate criteria *unknown* rather than passing.
    """

    code: str = attrs.field(validator=check_identifier)
    name: str = attrs.field(validator=check_text)
    kind: UnitKind = attrs.field(validator=instance_of(UnitKind))
    parent_code: str | None = attrs.field(default=None, validator=v.optional(check_identifier))
    resident_population: int | None = attrs.field(default=None, validator=check_count)
    valid_from: dt.date | None = attrs.field(default=None, validator=_opt_date)
    valid_to: dt.date | None = attrs.field(
        default=None, validator=[_opt_date, check_not_before("valid_from")]
    )

    @property
    def level(self) -> UnitLevel:
        """The tier of the hierarchy (derived from :attr:`kind`)."""
        return self.kind.level

    def in_force(self, on: dt.date) -> bool:
        """Whether the unit exists on *on* (both bounds inclusive)."""
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


@attrs.frozen(kw_only=True)
class LineageLink:
    """One edge of a reorganisation: *predecessor* became (part of) *successor*.

    A merger of three communes is three links to one successor; a split is several links
    from one predecessor. ``effective`` is the first day the successor exists.
    """

    predecessor_code: str = attrs.field(validator=check_identifier)
    successor_code: str = attrs.field(validator=check_identifier)
    effective: dt.date = attrs.field(validator=instance_of(dt.date))

    def __attrs_post_init__(self) -> None:
        if self.predecessor_code == self.successor_code:
            raise RecordError("a unit cannot be its own successor")
