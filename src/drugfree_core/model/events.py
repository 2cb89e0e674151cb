"""Dated findings about a unit that Decision 28/2025 Art. 4-6 counts (criteria.md §2.4-§2.5).

* :class:`DrugLawViolation`: a person on the lists broke the drug law in a unit (a crime
  or an administrative violation), on a date.
* :class:`WantedFugitive`: a person wanted for a drug crime was hiding in a unit over a
  period.
* :class:`DrugUseLocation`: a place, an area or a vehicle organising or harbouring
  illegal drug use, suspected or documented, identified on a date and perhaps closed.

Each is dated, so an assessment can be re-run for any date. A table of them that the
data does not bring leaves the criteria that need it *unknown*; a table brought empty
means none.
"""

from __future__ import annotations

import datetime as dt

import attrs
from attrs import validators as v

from drugfree_core.model._checks import check_identifier, check_not_before
from drugfree_core.model.enums import LocationBasis, LocationKind, ViolationKind

_date = v.instance_of(dt.date)
_opt_date = v.optional(_date)


@attrs.frozen(kw_only=True)
class DrugLawViolation:
    """Subject ``subject_id`` violated the drug law in unit ``unit_code`` on ``date``.

    ``unit_code`` is where the violation was committed ("trên địa bàn"), which may differ
    from where the person lives; Art. 6.2 counts a violation by a resident of the unit
    committed in the unit. Planting narcotic plants is a prohibited act, so a planter is
    a violator (Law 120/2025/QH15 Art. 5.1).
    """

    subject_id: str = attrs.field(validator=check_identifier)
    unit_code: str = attrs.field(validator=check_identifier)
    date: dt.date = attrs.field(validator=_date)
    kind: ViolationKind = attrs.field(validator=v.instance_of(ViolationKind))


@attrs.frozen(kw_only=True)
class WantedFugitive:
    """A person wanted for a drug crime, found hiding in ``unit_code`` from ``start``.

    ``end`` is the last day known there (arrested, surrendered or moved on); ``None``
    while still hiding there. ``id`` is pseudonymous.
    """

    id: str = attrs.field(validator=check_identifier)
    unit_code: str = attrs.field(validator=check_identifier)
    start: dt.date = attrs.field(validator=_date)
    end: dt.date | None = attrs.field(
        default=None, validator=[_opt_date, check_not_before("start")]
    )


@attrs.frozen(kw_only=True)
class DrugUseLocation:
    """A location organising or harbouring illegal drug use (Decision 28/2025 Art. 2.1).

    A specific place, an area or a means of transport (``kind``), suspected of the crime
    or established by documents (``basis``: suspicion suffices). It exists from
    ``identified_on`` to ``closed_on`` (dismantled; ``None`` while it still operates).
    """

    id: str = attrs.field(validator=check_identifier)
    unit_code: str = attrs.field(validator=check_identifier)
    kind: LocationKind = attrs.field(validator=v.instance_of(LocationKind))
    basis: LocationBasis = attrs.field(validator=v.instance_of(LocationBasis))
    identified_on: dt.date = attrs.field(validator=_date)
    closed_on: dt.date | None = attrs.field(
        default=None, validator=[_opt_date, check_not_before("identified_on")]
    )
