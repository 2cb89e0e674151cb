"""Criteria and schemes: named, cited, effective-dated sets of rules."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

import attrs
from attrs import validators as v

from drugfree_core.errors import SchemeError
from drugfree_core.i18n import msg
from drugfree_core.model.enums import Authority, Provenance, UnitLevel
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.params import DatedValue, Parameter, ParamValue
from drugfree_core.rules.primitives import Rule, param_refs

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def check_id(_inst: object, attribute: attrs.Attribute[str], value: str) -> None:
    """Attrs validator: an id is letters, digits, ".", "_" or "-" (at most 80)."""
    if not _ID.match(value):
        raise SchemeError(
            msg(
                "{name} {value} must be letters, digits, '.', '_', '-'",
                name=attribute.name,
                value=repr(value),
            )
        )


def _in_force(start: dt.date | None, end: dt.date | None, on: dt.date) -> bool:
    return (start is None or start <= on) and (end is None or on <= end)


@attrs.frozen(kw_only=True)
class Criterion:
    """One criterion: a stable id, its texts in Vietnamese and English, its rule, its source.

    ``citation`` names the legal text or report it comes from; ``provenance`` says how sure
    we are of it (criteria.md §0); ``sources`` are the addresses read.
    """

    id: str = attrs.field(validator=check_id)
    title_vi: str = attrs.field(validator=v.min_len(1))
    title_en: str = attrs.field(validator=v.min_len(1))
    rule: Rule
    citation: str = attrs.field(validator=v.min_len(1))
    provenance: Provenance
    sources: tuple[str, ...] = ()
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    note_en: str = ""
    note_vi: str = ""

    def in_force(self, on: dt.date) -> bool:
        """Whether the criterion applies on *on*."""
        return _in_force(self.effective_from, self.effective_to, on)


@attrs.frozen(kw_only=True)
class Level:
    """A class of an ordered classification, such as complex-area type I.

    A unit reaches the level when at least ``min_pass`` of ``criteria`` pass.
    """

    id: str = attrs.field(validator=check_id)
    name_vi: str
    name_en: str
    criteria: tuple[str, ...] = attrs.field(validator=v.min_len(1))
    min_pass: int

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.min_pass <= len(self.criteria):
            raise SchemeError(
                msg(
                    "level {level}: min_pass must be 1..{count}",
                    level=str(self.id),
                    count=str(len(self.criteria)),
                )
            )

    def reached(self, outcomes: Mapping[str, Outcome]) -> bool | None:
        """Whether a unit with these criterion *outcomes* reaches the level (None: cannot tell).

        A criterion not in *outcomes* is unknown. The level's own answer, whatever comes
        before it in a scheme's order of labels.
        """
        results = [outcomes.get(cid, Outcome.UNKNOWN) for cid in self.criteria]
        passed = sum(r is Outcome.PASS for r in results)
        if passed >= self.min_pass:
            return True
        open_ = sum(r is Outcome.UNKNOWN for r in results)
        return None if passed + open_ >= self.min_pass else False


@attrs.frozen(kw_only=True)
class ResolvedParameter:
    """A parameter's value on the reference date, with where that value comes from."""

    id: str
    value: ParamValue
    citation: str
    provenance: Provenance
    overridden_by: str | None = None


@attrs.frozen(kw_only=True)
class Scheme:
    """A named, versioned set of criteria with its parameters.

    Without ``levels`` a unit's verdict is *pass* when every criterion in force passes
    (three-valued AND). With ``levels`` (ordered from the top, e.g. type I, II, III) the
    unit is classified into the first level it reaches; the criteria are then evaluated
    for that purpose only. ``level_order`` may name a parameter holding the level ids in
    the order they are tried (a precedence the texts leave open); ``no_level`` is the
    label of a unit that reaches none.

    ``authority`` says who issued the criteria: only Decision 28/2025/QĐ-TTg's are
    national (criteria.md §2.8); a scheme is provincial unless it says otherwise.
    ``unit_level`` is what the scheme judges: commune-level units (the default) or
    provinces, whose values then add up their communes' records.
    """

    id: str = attrs.field(validator=check_id)
    version: str
    title_vi: str
    title_en: str
    description_en: str = ""
    description_vi: str = ""
    criteria: tuple[Criterion, ...] = attrs.field(validator=v.min_len(1))
    parameters: tuple[Parameter, ...] = ()
    levels: tuple[Level, ...] = ()
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    sources: tuple[str, ...] = ()
    overrides: Mapping[str, str] = attrs.field(factory=dict, eq=False)
    authority: Authority = attrs.field(
        default=Authority.PROVINCIAL, validator=v.instance_of(Authority)
    )
    unit_level: UnitLevel = attrs.field(
        default=UnitLevel.COMMUNE_LEVEL,
        validator=v.in_((UnitLevel.COMMUNE_LEVEL, UnitLevel.PROVINCE)),
    )
    level_order: str | None = None
    no_level: str = attrs.field(default="none", validator=check_id)

    def __attrs_post_init__(self) -> None:
        ids = [c.id for c in self.criteria]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise SchemeError(
                msg(
                    "scheme {scheme}: duplicate criterion ids {ids}",
                    scheme=str(self.id),
                    ids=", ".join(dupes),
                )
            )
        pids = [p.id for p in self.parameters]
        pdupes = sorted({i for i in pids if pids.count(i) > 1})
        if pdupes:
            raise SchemeError(
                msg(
                    "scheme {scheme}: duplicate parameter ids {ids}",
                    scheme=str(self.id),
                    ids=", ".join(pdupes),
                )
            )
        known = set(pids)
        for criterion in self.criteria:
            missing = param_refs(criterion.rule) - known
            if missing:
                raise SchemeError(
                    msg(
                        "scheme {scheme}: criterion {criterion} uses undefined parameters {ids}",
                        scheme=str(self.id),
                        criterion=str(criterion.id),
                        ids=", ".join(sorted(missing)),
                    )
                )
        for level in self.levels:
            unknown = set(level.criteria) - set(ids)
            if unknown:
                raise SchemeError(
                    msg(
                        "scheme {scheme}: level {level} names unknown criteria {ids}",
                        scheme=str(self.id),
                        level=str(level.id),
                        ids=", ".join(sorted(unknown)),
                    )
                )
        if self.level_order is not None and self.level_order not in known:
            raise SchemeError(
                msg(
                    "scheme {scheme}: level_order names undefined parameter {parameter}",
                    scheme=str(self.id),
                    parameter=str(self.level_order),
                )
            )
        if self.no_level in {level.id for level in self.levels}:
            raise SchemeError(
                msg(
                    "scheme {scheme}: no_level {value} is a level id",
                    scheme=str(self.id),
                    value=repr(self.no_level),
                )
            )

    @property
    def is_classification(self) -> bool:
        """Whether the scheme classifies units into ordered levels."""
        return bool(self.levels)

    def in_force(self, on: dt.date) -> bool:
        """Whether the scheme applies on *on*."""
        return _in_force(self.effective_from, self.effective_to, on)

    @property
    def is_national(self) -> bool:
        """Whether the criteria are national (issued by the national government)."""
        return self.authority is Authority.NATIONAL

    def levels_on(self, on: dt.date) -> tuple[Level, ...]:
        """The levels in the order they are tried on *on* (see ``level_order``).

        Levels the order leaves out are tried last, in scheme order.
        """
        if self.level_order is None:
            return self.levels
        try:
            wanted = self.parameter(self.level_order).at(on).value
        except SchemeError:
            return self.levels
        if not isinstance(wanted, tuple) or not all(isinstance(x, str) for x in wanted):
            raise SchemeError(
                msg(
                    "scheme {scheme}: parameter {parameter} must hold level ids",
                    scheme=str(self.id),
                    parameter=str(self.level_order),
                )
            )
        by_id = {level.id: level for level in self.levels}
        unknown = sorted(set(wanted) - set(by_id))
        if unknown:
            raise SchemeError(
                msg(
                    "scheme {scheme}: parameter {parameter} names unknown levels {ids}",
                    scheme=str(self.id),
                    parameter=str(self.level_order),
                    ids=", ".join(unknown),
                )
            )
        ordered = [by_id[i] for i in dict.fromkeys(wanted)]
        return (*ordered, *(lv for lv in self.levels if lv.id not in wanted))

    def criteria_on(self, on: dt.date) -> tuple[Criterion, ...]:
        """The criteria in force on *on*, in scheme order."""
        return tuple(c for c in self.criteria if c.in_force(on))

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion called *criterion_id*."""
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise SchemeError(
            msg(
                "scheme {scheme} has no criterion {criterion}",
                scheme=str(self.id),
                criterion=repr(criterion_id),
            )
        )

    def parameter(self, parameter_id: str) -> Parameter:
        """The parameter called *parameter_id*."""
        for p in self.parameters:
            if p.id == parameter_id:
                return p
        raise SchemeError(
            msg(
                "scheme {scheme} has no parameter {parameter}",
                scheme=str(self.id),
                parameter=repr(parameter_id),
            )
        )

    def resolve_parameters(self, on: dt.date) -> dict[str, ResolvedParameter]:
        """Every parameter's value in force on *on*, with its citation."""
        resolved: dict[str, ResolvedParameter] = {}
        for p in self.parameters:
            try:
                dv = p.at(on)
            except SchemeError:
                continue  # not yet in force: rules using it report it when evaluated
            resolved[p.id] = ResolvedParameter(
                id=p.id,
                value=dv.value,
                citation=dv.citation,
                provenance=dv.provenance,
                overridden_by=self.overrides.get(f"parameter:{p.id}"),
            )
        return resolved

    # ----------------------------------------------------------------- derivation

    def with_parameter(
        self, parameter_id: str, value: DatedValue, *, by: str | None = None
    ) -> Scheme:
        """A copy where *parameter_id* takes *value* from its start on.

        *by* names who overrides it (a province scheme); explanations show it.
        """
        target = self.parameter(parameter_id)
        params = tuple(p.overridden(value) if p is target else p for p in self.parameters)
        overrides = dict(self.overrides)
        if by:
            overrides[f"parameter:{parameter_id}"] = by
        return attrs.evolve(self, parameters=params, overrides=overrides)

    def with_criterion(self, criterion: Criterion, *, by: str | None = None) -> Scheme:
        """A copy where *criterion* replaces the criterion of the same id, or is added."""
        ids = [c.id for c in self.criteria]
        if criterion.id in ids:
            criteria = tuple(criterion if c.id == criterion.id else c for c in self.criteria)
        else:
            criteria = (*self.criteria, criterion)
        overrides = dict(self.overrides)
        if by:
            overrides[f"criterion:{criterion.id}"] = by
        return attrs.evolve(self, criteria=criteria, overrides=overrides)

    def with_parameters_added(self, parameters: Iterable[Parameter]) -> Scheme:
        """A copy with extra parameters (for added criteria that need them)."""
        return attrs.evolve(self, parameters=(*self.parameters, *parameters))
