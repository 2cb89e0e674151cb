"""A province's scheme written as changes to another scheme, and who applies which scheme.

:class:`SchemeExtension` says "take scheme *base*, give these parameters new values,
replace or add these criteria". It is resolved once every plugin has registered, so the
base may come from another distribution. Every change is recorded with ``by``, and
explanations show it ("overridden by Tỉnh Thanh Hóa").

:class:`Jurisdiction` says "province *P* applies scheme *S* from date A to date B". The
library uses it to pick the scheme in force for a unit on a date.
"""

from __future__ import annotations

import datetime as dt

import attrs
from attrs import validators as v

from drugfree_core.errors import SchemeError
from drugfree_core.i18n import msg
from drugfree_core.model.enums import Authority, Provenance
from drugfree_core.rules.params import DatedValue, Parameter
from drugfree_core.rules.scheme import Criterion, Scheme, check_id


@attrs.frozen(kw_only=True)
class ParameterOverride:
    """Give the base scheme's parameter ``parameter_id`` the dated ``value`` from its start."""

    parameter_id: str
    value: DatedValue


@attrs.frozen(kw_only=True)
class SchemeExtension:
    """A scheme defined as changes to ``base``; resolved with :meth:`apply`.

    ``by`` names who makes the changes (for example ``"Tỉnh Thanh Hóa"``); it is stored
    with every overridden parameter and criterion. ``replace`` must name criteria of the
    base; ``add`` must not. ``parameters`` may add parameters that added criteria use.
    ``authority``: an extension is a province's scheme unless it says otherwise, even
    when it applies the national criteria unchanged.
    """

    id: str = attrs.field(validator=check_id)
    base: str = attrs.field(validator=check_id)
    version: str = attrs.field(validator=v.min_len(1))
    by: str = attrs.field(validator=v.min_len(1))
    title_vi: str = attrs.field(validator=v.min_len(1))
    title_en: str = attrs.field(validator=v.min_len(1))
    description_en: str = ""
    description_vi: str = ""
    overrides: tuple[ParameterOverride, ...] = ()
    replace: tuple[Criterion, ...] = ()
    add: tuple[Criterion, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    sources: tuple[str, ...] = ()
    authority: Authority = Authority.PROVINCIAL

    # ``None`` dates inherit the base's; an extension cannot outlive its base's rules.

    def apply(self, base: Scheme) -> Scheme:
        """The scheme this extension makes of *base* (which must be the scheme ``base``)."""
        if base.id != self.base:
            raise SchemeError(
                msg(
                    "extension {extension} extends {base}, not {other}",
                    extension=str(self.id),
                    base=str(self.base),
                    other=str(base.id),
                )
            )
        base_ids = {c.id for c in base.criteria}
        unknown = sorted(c.id for c in self.replace if c.id not in base_ids)
        if unknown:
            raise SchemeError(
                msg(
                    "extension {extension} replaces criteria that {base} does not have: {ids}",
                    extension=str(self.id),
                    base=str(self.base),
                    ids=", ".join(unknown),
                )
            )
        clashing = sorted(c.id for c in self.add if c.id in base_ids)
        if clashing:
            raise SchemeError(
                msg(
                    "extension {extension} adds criteria that {base} already has "
                    "(use replace=): {ids}",
                    extension=str(self.id),
                    base=str(self.base),
                    ids=", ".join(clashing),
                )
            )
        scheme = base.with_parameters_added(self.parameters) if self.parameters else base
        added = {f"parameter:{p.id}": self.by for p in self.parameters}
        for change in self.overrides:
            scheme = scheme.with_parameter(change.parameter_id, change.value, by=self.by)
        for criterion in (*self.replace, *self.add):
            scheme = scheme.with_criterion(criterion, by=self.by)
        return attrs.evolve(
            scheme,
            id=self.id,
            version=self.version,
            title_vi=self.title_vi,
            title_en=self.title_en,
            description_en=self.description_en or base.description_en,
            description_vi=self.description_vi or base.description_vi,
            effective_from=self.effective_from or base.effective_from,
            effective_to=self.effective_to or base.effective_to,
            sources=tuple(dict.fromkeys((*base.sources, *self.sources))),
            overrides={**scheme.overrides, **added},
            authority=self.authority,
        )


@attrs.frozen(kw_only=True)
class Jurisdiction:
    """Province ``province`` applies scheme ``scheme_id`` over the effective dates.

    ``province`` is the code of the province unit in the administrative map (the
    official two-digit code in the embedded map); :data:`~drugfree_core.rules.NATIONAL`
    (``"*"``) makes the scheme the default for provinces without a jurisdiction of their
    own on the date. Dates are inclusive; ``None`` is open-ended.
    """

    province: str = attrs.field(validator=v.min_len(1))
    province_name: str = attrs.field(validator=v.min_len(1))
    scheme_id: str = attrs.field(validator=check_id)
    citation: str = attrs.field(validator=v.min_len(1))
    provenance: Provenance
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.effective_from and self.effective_to and self.effective_from > self.effective_to:
            raise SchemeError(
                msg(
                    "jurisdiction of {province} for {scheme}: effective_from is after effective_to",
                    province=str(self.province),
                    scheme=str(self.scheme_id),
                )
            )

    def in_force(self, on: dt.date) -> bool:
        """Whether the province applies the scheme on *on*."""
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )

    def overlaps(self, other: Jurisdiction) -> bool:
        """Whether both cover the same province on some day."""
        if self.province != other.province:
            return False
        lo = max(self.effective_from or dt.date.min, other.effective_from or dt.date.min)
        hi = min(self.effective_to or dt.date.max, other.effective_to or dt.date.max)
        return lo <= hi
