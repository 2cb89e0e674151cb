"""Facts reported about a unit for a period (locations, arrests, plants, routes)."""

from __future__ import annotations

import datetime as dt

import attrs

from drugfree_core.errors import RecordError
from drugfree_core.model._checks import (
    check_identifier,
    check_non_negative,
    check_not_before,
    instance_of,
    to_number,
)
from drugfree_core.model.enums import WHOLE_FACT_KINDS, YES_NO_FACT_KINDS, FactKind


@attrs.frozen(kw_only=True)
class UnitFact:
    """A count or measure for one unit over ``period_start`` .. ``period_end`` (inclusive).

    Counts (locations, arrests, plants) are summed over the periods that fall in a
    criterion's look-back window and must be whole numbers (only an area may have a
    fraction: "1.234" is not read as a thousand); ``on_complex_route`` and
    ``on_inter_provincial_route`` use 1 for yes and 0 for no.
    A unit with no fact of a kind in the window has an *unknown* value, never zero.
    """

    unit_code: str = attrs.field(validator=check_identifier)
    kind: FactKind = attrs.field(validator=instance_of(FactKind))
    period_start: dt.date = attrs.field(validator=instance_of(dt.date))
    period_end: dt.date = attrs.field(
        validator=[instance_of(dt.date), check_not_before("period_start")]
    )
    value: float = attrs.field(converter=to_number, validator=check_non_negative)

    @value.validator
    def _fits_kind(self, _attribute: attrs.Attribute[float], value: float) -> None:
        # Run after every field is set, so the kind is known (and checked) by now.
        if self.kind in WHOLE_FACT_KINDS and value != int(value):
            raise RecordError(f"value of {self.kind.value} must be a whole number: it is a count")
        if self.kind in YES_NO_FACT_KINDS and value not in (0, 1):
            raise RecordError(f"value of {self.kind.value} must be 1 (yes) or 0 (no)")
