"""Formal recognition: the provincial decision that puts a unit on the drug-free list.

Recognition is a decision, annual and revocable (Decision 28/2025/QĐ-TTg Art. 9.2.b
[READ]: the provincial People's Committee considers, approves, puts on and takes off
the list). It is recorded as data, distinct from "meets the criteria on the data": a
report shows both and lists where they disagree.
"""

from __future__ import annotations

import datetime as dt
import re

import attrs
from attrs import validators as v

from drugfree_core.errors import RecordError
from drugfree_core.model._checks import check_identifier, check_not_before


def _year(_inst: object, _attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not 1901 <= value <= 9999:
        raise RecordError("assessment_year must be a year such as 2025")


#: The rule of scheme ids (``rules.scheme.check_id``, a layer above this one).
SCHEME_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def _scheme_id(_inst: object, _attribute: attrs.Attribute[str], value: str) -> None:
    if not SCHEME_ID.fullmatch(value):
        raise RecordError("scheme_id must be 1-80 letters, digits, '.', '_' or '-'")


@attrs.frozen(kw_only=True)
class Recognition:
    """Unit ``unit_code`` was recognised drug-free under ``scheme_id`` for a year.

    ``assessment_year`` is the period assessed (15 Dec of the year before to 14 Dec);
    ``decided_on`` is the date of the decision, often after the period (An Giang's 2025
    decisions were announced on 12 Jan 2026); ``decision_ref`` its number, if known.
    ``withdrawn_on`` is the day the unit was taken off the list, if it was.
    """

    unit_code: str = attrs.field(validator=check_identifier)
    scheme_id: str = attrs.field(validator=[v.instance_of(str), _scheme_id])
    assessment_year: int = attrs.field(validator=[v.instance_of(int), _year])
    decided_on: dt.date = attrs.field(validator=v.instance_of(dt.date))
    decision_ref: str | None = attrs.field(
        default=None, validator=v.optional(v.and_(v.instance_of(str), v.min_len(1)))
    )
    withdrawn_on: dt.date | None = attrs.field(
        default=None,
        validator=[v.optional(v.instance_of(dt.date)), check_not_before("decided_on")],
    )

    def withdrawn_by(self, on: dt.date) -> bool:
        """Whether the unit was taken off the list on or before *on*."""
        return self.withdrawn_on is not None and self.withdrawn_on <= on
