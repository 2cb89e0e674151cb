"""Campaign indicators as data: what is measured, over which scope, against which target.

An indicator is a ratio measured over a scope's commune-level units and summed: either
the share of a population of people satisfying a predicate ("addicts with a management
record"), or one unit fact over another ("compulsory-rehab dossiers completed over those
assigned"). Both use the rule vocabulary schemes use; plugins register them with
:meth:`~drugfree_core.plugins.IndicatorRegistrar.add` and
:func:`drugfree_core.reports.indicators.measure_indicators` measures them.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs
from attrs import validators as v

from drugfree_core.errors import SchemeError
from drugfree_core.i18n import msg
from drugfree_core.model.enums import FactKind, Provenance
from drugfree_core.rules.params import Parameter, Period
from drugfree_core.rules.primitives import Population, SubjectPredicate
from drugfree_core.rules.roadmap import NATIONAL
from drugfree_core.rules.scheme import check_id


@attrs.frozen(kw_only=True)
class SubjectShare:
    """The share of ``population`` satisfying ``predicate``.

    People whose data cannot decide count in the denominator, not the numerator, so the
    share is never flattered.
    """

    population: Population
    predicate: SubjectPredicate


@attrs.frozen(kw_only=True)
class FactRatio:
    """The total of fact ``numerator`` over the total of fact ``denominator``.

    Both are summed over the facts whose period ends in ``(date - lookback, date]``.
    """

    numerator: FactKind
    denominator: FactKind
    lookback: Period


IndicatorMeasure = SubjectShare | FactRatio


def _share(_inst: object, attribute: attrs.Attribute[Fraction], value: Fraction) -> None:
    if not isinstance(value, Fraction) or not 0 < value <= 1:
        shown = str(value) if isinstance(value, Fraction) else type(value).__name__
        raise SchemeError(
            msg(
                "{name} must be a Fraction above 0 and at most 1, not {value}",
                name=attribute.name,
                value=shown,
            )
        )


@attrs.frozen(kw_only=True)
class IndicatorTarget:
    """At least ``share`` by ``due`` (inclusive), with where the target comes from."""

    share: Fraction = attrs.field(validator=_share)
    due: dt.date
    citation: str = attrs.field(validator=v.min_len(1))
    provenance: Provenance


@attrs.frozen(kw_only=True)
class Indicator:
    """A campaign indicator: what is measured, over which scope, against which target.

    ``scope`` is a province code or ``"*"`` (every scope a report covers). ``parameters``
    are those the measure's rules refer to by :class:`~drugfree_core.rules.ParamRef`.
    """

    id: str = attrs.field(validator=check_id)
    title_vi: str = attrs.field(validator=v.min_len(1))
    title_en: str = attrs.field(validator=v.min_len(1))
    measure: IndicatorMeasure
    citation: str = attrs.field(validator=v.min_len(1))
    provenance: Provenance
    scope: str = NATIONAL
    target: IndicatorTarget | None = None
    parameters: tuple[Parameter, ...] = ()
    sources: tuple[str, ...] = ()
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None

    def in_force(self, on: dt.date) -> bool:
        """Whether the indicator applies on *on*."""
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )
