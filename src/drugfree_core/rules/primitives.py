"""Declarative building blocks of criteria. Rules are data: frozen, comparable, listable.

Three layers:

* **Population** chooses the people a unit answers for at the reference date.
* **Subject predicates** say something about one person (has a record, tested negative
  within D days...). They are three-valued: true, false or unknown.
* **Unit rules** turn a population or a unit fact into an outcome for the unit:
  quantifiers (:class:`AllSatisfy`), comparisons of measures (:class:`Compare`,
  :class:`InBand`) and combinators (:class:`AllOf`, :class:`AnyOf`, :class:`AtLeast`,
  :class:`Not`). :class:`PythonRule` is the escape hatch for logic that is not expressible
  with primitives; it runs per unit.

Numbers may be literals or :class:`~drugfree_core.rules.params.ParamRef` references to
effective-dated parameters of the scheme.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any, TypeAlias

import attrs
from attrs import validators as v

from drugfree_core.errors import SchemeError
from drugfree_core.i18n import msg
from drugfree_core.model.enums import (
    FactKind,
    LocationBasis,
    LocationKind,
    RehabForm,
    SubjectKind,
    TestSchedule,
)
from drugfree_core.rules.outcome import CustomOutcome, UnitView
from drugfree_core.rules.params import ParamRef, Period, Window

#: A number in a rule: a literal, or a reference to a parameter.
NumberOrRef: TypeAlias = int | Fraction | ParamRef
#: A span of days ending on the reference date: a look-back period, a named window
#: (:class:`~drugfree_core.rules.params.Window`), or a parameter holding either.
PeriodOrRef: TypeAlias = Period | Window | ParamRef


def _subject_kinds(values: Any) -> frozenset[SubjectKind]:
    return frozenset(SubjectKind(x) for x in values)


def _schedules(values: Any) -> frozenset[TestSchedule]:
    return frozenset(TestSchedule(x) for x in values)


def _kind_tuple(values: Any) -> tuple[SubjectKind, ...]:
    return tuple(sorted({SubjectKind(x) for x in values}, key=lambda k: k.value))


class TestWindowRule(enum.Enum):
    """How the tests inside a window decide a person's test criterion.

    ``latest_negative_no_positive`` (default, [INFERRED] criteria.md §3.4): the latest
    test in the window is negative and no test in the window is positive.
    """

    __test__ = False

    LATEST_NEGATIVE_NO_POSITIVE = "latest_negative_no_positive"
    LATEST_NEGATIVE = "latest_negative"
    ANY_NEGATIVE = "any_negative"


# --------------------------------------------------------------------------- population


@attrs.frozen(kw_only=True)
class Population:
    """The people of a unit at the reference date whose status is one of ``kinds``.

    A person counts for the unit where they reside on the date (residences in a merged
    predecessor follow the lineage to the successor) and while a status period of one of
    ``kinds`` is running. With ``under_management`` only people whose statutory management
    period is still running count (illegal users: user-management period from the
    decision; post-rehab persons: 1 or 2 years by the rehab they completed).

    Kinds without a statutory period (addicts, psychosis cases) are not affected by it.

    With ``with_record`` only people whose status period has a management record count
    (Decision 28/2025 counts "with management records"); a person whose record is not
    known may or may not count, and measures over such populations give a range that is
    *unknown* when it straddles the threshold.

    ``exempt_forms``: people in an ongoing rehab episode of these forms on the date are
    left out (e.g. addicts inside a compulsory facility are tested there).
    ``exempt_custody``: people in prison or detention on the date are left out.
    ``exempt_facility``: people in an ongoing rehab episode at a facility (voluntary or
    compulsory) on the date are left out: they do not currently reside in the area.
    ``exempt_running``: people with a status of these kinds in force on the date, whose
    statutory management period is running, are left out (Decision 28/2025 Art. 6.1
    excepts persons "đang bị quản lý sau cai nghiện").
    """

    kinds: frozenset[SubjectKind] = attrs.field(converter=_subject_kinds)
    under_management: bool | ParamRef = False
    with_record: bool = False
    exempt_forms: tuple[RehabForm, ...] | ParamRef = ()
    exempt_custody: bool | ParamRef = False
    exempt_facility: bool | ParamRef = False
    exempt_running: tuple[SubjectKind, ...] = attrs.field(default=(), converter=_kind_tuple)

    @kinds.validator
    def _non_empty(self, _attribute: Any, value: frozenset[SubjectKind]) -> None:
        if not value:
            raise SchemeError(msg("a population needs at least one subject kind"))


# ----------------------------------------------------------------- subject predicates


@attrs.frozen
class HasManagementRecord:
    """The person has a management record (unknown when the data does not say)."""


@attrs.frozen(kw_only=True)
class InTreatment:
    """The person is in a rehab or treatment episode on the date (of ``forms``, if given).

    An open episode (no end date) counts only while it is within the legal maximum
    duration of its form (parameter ``law.rehab_max_duration``); past it the data is
    stale and the outcome is *unknown*.
    """

    forms: tuple[RehabForm, ...] | None = None


@attrs.frozen
class InCustody:
    """The person is in prison or detention on the date."""


@attrs.frozen(kw_only=True)
class NegativeTestWithin:
    """A negative in-body test dated ``ref - days <= date <= ref``, judged by ``rule``."""

    days: int | ParamRef
    rule: TestWindowRule | ParamRef = TestWindowRule.LATEST_NEGATIVE_NO_POSITIVE


@attrs.frozen(kw_only=True)
class TestedDuringManagement:
    """At least one test of each of ``schedules`` since management started, up to the date."""

    __test__ = False

    schedules: frozenset[TestSchedule] = attrs.field(
        default=frozenset({TestSchedule.PERIODIC, TestSchedule.SURPRISE}),
        converter=_schedules,
    )


@attrs.frozen
class SupportProvided:
    """Reintegration support was provided (unknown when the data does not say)."""


@attrs.frozen
class SubjectAllOf:
    """Every one of the predicates holds (three-valued AND)."""

    predicates: tuple[SubjectPredicate, ...] = attrs.field(validator=v.min_len(1))


@attrs.frozen
class SubjectAnyOf:
    """At least one of the predicates holds (three-valued OR)."""

    predicates: tuple[SubjectPredicate, ...] = attrs.field(validator=v.min_len(1))


@attrs.frozen
class SubjectNot:
    """The predicate does not hold (unknown stays unknown)."""

    predicate: SubjectPredicate


SubjectPredicate: TypeAlias = (
    HasManagementRecord
    | InTreatment
    | InCustody
    | NegativeTestWithin
    | TestedDuringManagement
    | SupportProvided
    | SubjectAllOf
    | SubjectAnyOf
    | SubjectNot
)

# --------------------------------------------------------------------------- measures


@attrs.frozen
class SubjectCount:
    """How many people of the population the unit has."""

    population: Population


@attrs.frozen
class SubjectRate:
    """People of the population per resident population (exact fraction)."""

    population: Population


@attrs.frozen(kw_only=True)
class FactTotal:
    """Sum of a unit fact over the periods ending in the window ending on the date.

    ``lookback`` is a :class:`Period` (the periods ending in ``(ref - lookback, ref]``)
    or a :class:`~drugfree_core.rules.params.Window` (``assessment_period``: from
    15 December to the date). No fact of that kind in the window means the value is
    *unknown*, not zero. Records of one place (a reporting unit, or one that became
    it) whose periods share a day may count the same things: the total is then a
    range, at most their sum, at least the most that records able to count different
    things add up to. A day from the window's first to the last one reported that no
    record covers (for a merged unit, none of its own and not every predecessor's)
    leaves the total at its least, with nothing above it (see the explanation of evaluation).
    """

    kind: FactKind
    lookback: PeriodOrRef


@attrs.frozen(kw_only=True)
class FactRate:
    """:class:`FactTotal` per resident population."""

    kind: FactKind
    lookback: PeriodOrRef


@attrs.frozen(kw_only=True)
class FactLatest:
    """The value of the latest fact of ``kind`` whose period ends in the window."""

    kind: FactKind
    lookback: PeriodOrRef


class ResidenceRule(enum.Enum):
    """Who counts as a resident violator of a unit (Decision 28/2025 Art. 6.2).

    ``reference_date``: resides in the unit on the reference date ("hiện đang cư trú");
    ``violation_date``: resided there on the day of the violation; ``either``: one or
    the other.
    """

    REFERENCE_DATE = "reference_date"
    VIOLATION_DATE = "violation_date"
    EITHER = "either"


class LocationPresence(enum.Enum):
    """Which drug-use locations a window holds.

    ``active``: operating on some day of the window (identified on or before the date,
    not closed before the window starts); ``identified``: identified within the window.
    """

    ACTIVE = "active"
    IDENTIFIED = "identified"


@attrs.frozen(kw_only=True)
class ResidentViolations:
    """Residents of the unit who violated the drug law in the unit within the window.

    Reads the ``drug_law_violations`` table: a violation committed in the unit (its
    ``unit_code``, following the lineage) dated within ``window``, by a person who
    counts as a resident by ``residence``. ``administrative`` counts administrative
    violations too, not crimes only; ``in_custody`` keeps violators who are in prison or
    detention on the date. The value is the number of such people; *unknown* when the
    dataset does not supply the table.
    """

    window: PeriodOrRef = Window.ASSESSMENT_PERIOD
    administrative: bool | ParamRef = True
    residence: ResidenceRule | ParamRef = ResidenceRule.REFERENCE_DATE
    in_custody: bool | ParamRef = True


@attrs.frozen(kw_only=True)
class WantedFugitives:
    """People wanted for a drug crime found hiding in the unit on some day of the window.

    Reads the ``wanted_fugitives`` table; *unknown* when the dataset does not supply it.
    """

    window: PeriodOrRef = Window.REFERENCE_DATE


@attrs.frozen(kw_only=True)
class DrugUseLocations:
    """Locations organising or harbouring illegal drug use in the unit, over the window.

    Reads the ``drug_use_locations`` table (``presence`` says which count; only
    ``kinds`` and ``bases`` count, all of them by default: Art. 2.1 names a place, an
    area or a vehicle, suspected or documented). When the dataset does not supply the
    table and ``facts_when_absent`` holds, the unit's ``drug_use_locations`` facts over
    the window count instead (unknown without them).
    """

    window: PeriodOrRef = Window.ASSESSMENT_PERIOD
    presence: LocationPresence | ParamRef = LocationPresence.ACTIVE
    kinds: tuple[LocationKind, ...] = tuple(LocationKind)
    bases: tuple[LocationBasis, ...] = tuple(LocationBasis)
    facts_when_absent: bool = True


@attrs.frozen(kw_only=True)
class CommuneShare:
    """Per province: the share of its commune-level units in force that ``scheme`` places.

    The units counted are those ``scheme`` (a commune-level classification) puts at one
    of ``levels``, certainly reached whatever the label's precedence, or, without
    ``levels``, whose verdict under ``scheme`` is *pass*. The commune-level evaluation
    runs in the same call. Only a province-level scheme can use it.
    """

    # A :class:`~drugfree_core.rules.Scheme`; typed loosely because the scheme module
    # builds on this one (a rule cannot name the class that holds rules).
    scheme: Any = attrs.field(eq=False, hash=False, metadata={"opaque": True})
    levels: tuple[str, ...] = ()

    @scheme.validator
    def _a_scheme(self, _attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(getattr(value, "id", None), str) or not hasattr(value, "criteria"):
            raise SchemeError(
                msg("CommuneShare needs a Scheme, not {type}", type=type(value).__name__)
            )

    @property
    def scheme_id(self) -> str:
        """The id of the commune-level scheme counted."""
        return str(self.scheme.id)


Measure: TypeAlias = (
    SubjectCount
    | SubjectRate
    | FactTotal
    | FactRate
    | FactLatest
    | ResidentViolations
    | WantedFugitives
    | DrugUseLocations
    | CommuneShare
)


class Op(enum.Enum):
    """Comparison of a measure with a threshold."""

    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "=="


# -------------------------------------------------------------------------- unit rules


@attrs.frozen
class AllSatisfy:
    """Every person of the population satisfies the predicate.

    Fails if anyone fails (their ids are reported); unknown if nobody fails but someone is
    unknown; passes otherwise, including when the population is empty.
    """

    population: Population
    predicate: SubjectPredicate


@attrs.frozen
class Compare:
    """``measure op value``; unknown when the measure or the value is unknown."""

    measure: Measure
    op: Op
    value: NumberOrRef


@attrs.frozen(kw_only=True)
class InBand:
    """``lower <= measure < upper``.

    A bound that is ``None`` (or a parameter holding ``None``) is not known, which makes
    the outcome unknown unless the other bound alone already decides it.
    """

    measure: Measure
    lower: NumberOrRef | None
    upper: NumberOrRef | None


@attrs.frozen(kw_only=True)
class NotYetKnown:
    """A rule whose content has not been found in the sources: always *unknown*."""

    reason_en: str
    reason_vi: str


@attrs.frozen
class ParamFlag:
    """Passes when the boolean parameter holds, fails when it does not.

    Lets an interpretation switch part of a rule on or off as data: ``AnyOf((Not(
    ParamFlag(p)), rule))`` applies ``rule`` only when ``p`` is true. A parameter
    holding ``None`` (not known) makes it *unknown*.
    """

    parameter: ParamRef


@attrs.frozen
class AllOf:
    """Every rule passes (three-valued AND)."""

    rules: tuple[Rule, ...] = attrs.field(validator=v.min_len(1))


@attrs.frozen
class AnyOf:
    """At least one rule passes (three-valued OR)."""

    rules: tuple[Rule, ...] = attrs.field(validator=v.min_len(1))


@attrs.frozen
class AtLeast:
    """At least ``k`` of the rules pass; unknown while the unknowns could still decide."""

    k: int
    rules: tuple[Rule, ...] = attrs.field(validator=v.min_len(1))

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.k <= len(self.rules):
            raise SchemeError(
                msg(
                    "k={k} must be between 1 and {n}, the number of rules",
                    k=str(self.k),
                    n=str(len(self.rules)),
                )
            )


@attrs.frozen
class Not:
    """The rule does not pass (unknown stays unknown)."""

    rule: Rule


@attrs.frozen(kw_only=True)
class PythonRule:
    """A custom rule written in Python over one unit's records; run per unit.

    ``func`` receives a :class:`~drugfree_core.engine.UnitView` and returns a
    :class:`~drugfree_core.engine.CustomOutcome`. It must be pure: same view, same
    outcome. ``name`` identifies it in results (functions do not compare by content).
    ``tables`` names the dataset tables the function reads (``"status_periods"``,
    ``"drug_tests"``...): when the input did not supply one of them, the rule is *unknown*
    instead of being run on a table that only looks empty.
    """

    name: str
    func: Callable[[UnitView], CustomOutcome] = attrs.field(eq=False)
    description_en: str
    description_vi: str
    tables: tuple[str, ...] = attrs.field(default=(), converter=tuple)


Rule: TypeAlias = (
    AllSatisfy
    | Compare
    | InBand
    | NotYetKnown
    | ParamFlag
    | AllOf
    | AnyOf
    | AtLeast
    | Not
    | PythonRule
)

UNIT_RULE_TYPES: tuple[type, ...] = (
    AllSatisfy,
    Compare,
    InBand,
    NotYetKnown,
    ParamFlag,
    AllOf,
    AnyOf,
    AtLeast,
    Not,
    PythonRule,
)
COMBINATOR_TYPES: tuple[type, ...] = (AllOf, AnyOf, AtLeast, Not)


def child_rules(rule: Rule) -> tuple[Rule, ...]:
    """The direct sub-rules of a combinator (empty for leaves)."""
    if isinstance(rule, AllOf | AnyOf | AtLeast):
        return rule.rules
    if isinstance(rule, Not):
        return (rule.rule,)
    return ()


def walk_values(node: object) -> Iterator[object]:
    """Every attrs node and value reachable from *node*, depth first (for checks)."""
    yield node
    if attrs.has(type(node)):
        for field in attrs.fields(type(node)):  # type: ignore[arg-type]  # has() checked it
            # A function, or another scheme used as a whole (with its own parameters).
            if field.name == "func" or field.metadata.get("opaque"):
                continue
            yield from walk_values(getattr(node, field.name))
    elif isinstance(node, tuple | frozenset):
        for item in node:
            yield from walk_values(item)


def param_refs(rule: Rule) -> frozenset[str]:
    """Ids of every parameter the rule refers to."""
    return frozenset(x.id for x in walk_values(rule) if isinstance(x, ParamRef))


def custom_rule_names(rule: Rule) -> frozenset[str]:
    """Names of the custom Python rules (:class:`PythonRule`) within *rule*."""
    return frozenset(x.name for x in walk_values(rule) if isinstance(x, PythonRule))
