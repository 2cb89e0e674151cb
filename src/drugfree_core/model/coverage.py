"""What a dataset vouches for: which units its records cover, and over which days."""

from __future__ import annotations

import datetime as dt

import attrs
from attrs import validators as v

from drugfree_core.model._checks import (
    check_identifier,
    check_not_before,
    check_text,
    instance_of,
)

_opt_date = instance_of(dt.date, optional=True)


@attrs.frozen(kw_only=True)
class Coverage:
    """The dataset holds every record about ``unit_code`` from ``covered_from`` to ``covered_to``.

    Both bounds are inclusive; a missing bound is open. A row naming a province (or,
    before 1 July 2025, a district) covers every commune-level unit under it. A unit in
    force on the reference date is *covered* when a row for it, its district or its
    province contains the date, or when every unit it was formed from by lineage is
    covered on that date. A unit that is not covered gets the outcome *no data*: the
    dataset does not say that nobody there is under management, so the unit is never
    counted as passing. A criterion that looks back over a window starting before the
    unit's records do (``covered_from``, joined up with the rows before it) decides only
    what the missing records could not change (see *Coverage that begins inside a
    window* in the explanation of evaluation). ``source_system`` names the system the
    records came from (for the reader; it changes nothing).
    """

    unit_code: str = attrs.field(validator=check_identifier)
    covered_from: dt.date | None = attrs.field(default=None, validator=_opt_date)
    covered_to: dt.date | None = attrs.field(
        default=None, validator=[_opt_date, check_not_before("covered_from")]
    )
    source_system: str | None = attrs.field(default=None, validator=v.optional(check_text))

    def contains(self, on: dt.date) -> bool:
        """Whether *on* lies inside the covered period (both bounds inclusive)."""
        return (self.covered_from is None or self.covered_from <= on) and (
            self.covered_to is None or on <= self.covered_to
        )
