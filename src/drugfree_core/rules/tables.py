"""Which dataset tables each primitive reads, so that a table not supplied is *unknown*.

A dataset records which tables its input gave
(:attr:`Dataset.supplied <drugfree_core.dataset.Dataset.supplied>`). A criterion that
reads a table the input did not give cannot say "nobody" or "nothing": the engine makes
every rule that reads it *unknown* with that reason, and ``drugfree validate`` warns.

The registry is generic: a primitive (built-in or from a plugin) states its tables once
with :func:`register_tables`, either as a fixed set or as a function of the node and of
the parameter values on the date, and :func:`tables_needed` collects them over any rule
tree. Nothing here names a table specially; a primitive added later registers its own.

A primitive may also name, with :func:`register_stand_in`, the tables it reads instead
when its own are not all supplied (the count of drug-use locations falls back to the
units' reported counts). Given the dataset's supplied tables, :func:`tables_needed`
then counts those, so a criterion is *unknown* only when neither source was supplied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

from drugfree_core._args import expect
from drugfree_core.i18n import msg
from drugfree_core.rules import primitives as p
from drugfree_core.rules.params import ParamRef

#: Resolves a literal or a :class:`~drugfree_core.rules.params.ParamRef` to its value.
Resolve: TypeAlias = Callable[[Any], Any]
#: A fixed set of table names, or a function of (node, resolve) giving them.
TableNeeds: TypeAlias = Iterable[str] | Callable[[Any, Resolve], Iterable[str]]

_NEEDS: dict[type, TableNeeds] = {}
_STAND_INS: dict[type, TableNeeds] = {}

#: The tables that say who lives where with which status: read by every population.
PEOPLE_TABLES = ("subjects", "residences", "status_periods")


def register_tables(kind: type, needs: TableNeeds) -> None:
    """Declare which tables the primitive class *kind* reads.

    *needs* is a set of table names, or a function ``needs(node, resolve)`` for a
    primitive whose tables depend on its fields (``resolve`` gives a parameter's value
    on the reference date, or the reference itself when no date is known). Registering
    a class again replaces its entry.
    """
    expect(kind, type, "kind", msg("a class"))
    _NEEDS[kind] = needs if callable(needs) else tuple(needs)


def register_stand_in(kind: type, needs: TableNeeds) -> None:
    """Declare the tables the primitive class *kind* reads when its own are missing.

    *needs* has the form of :func:`register_tables`' (a set, or a function of the node
    and ``resolve``; an empty result means "no stand-in for this node"). Registering a
    class again replaces its entry.
    """
    expect(kind, type, "kind", msg("a class"))
    _STAND_INS[kind] = needs if callable(needs) else tuple(needs)


def _identity(value: Any) -> Any:
    return value


def _lookup(registry: dict[type, TableNeeds], node: object, resolve: Resolve) -> frozenset[str]:
    for kind in type(node).__mro__:
        needs = registry.get(kind)
        if needs is not None:
            found = needs(node, resolve) if callable(needs) else needs
            return frozenset(found)
    return frozenset()


def _own_tables(node: object, resolve: Resolve, supplied: frozenset[str] | None) -> frozenset[str]:
    own = _lookup(_NEEDS, node, resolve)
    if supplied is None or own <= supplied:
        return own
    # The stand-in counts only when it was supplied itself; else the primitive's own
    # tables are the ones to name as missing.
    stand_in = _lookup(_STAND_INS, node, resolve)
    return stand_in if stand_in and stand_in <= supplied else own


def tables_needed(
    rule: object, resolve: Resolve = _identity, supplied: Iterable[str] | None = None
) -> frozenset[str]:
    """Every table the rule tree *rule* reads, with parameters resolved by *resolve*.

    Without *resolve*, a choice held by a parameter counts as made (the table is
    needed), which is what a check made before any date is known wants. With
    *supplied* (the tables a dataset gave), a primitive whose own tables are not all
    supplied counts its stand-in tables instead when it has some and they were supplied
    (:func:`register_stand_in`).
    """
    given = None if supplied is None else frozenset(supplied)
    needed: set[str] = set()
    for node in p.walk_values(rule):
        if node is not None and not isinstance(node, str | int | float | bool):
            needed |= _own_tables(node, resolve, given)
    return frozenset(needed)


def scheme_tables(
    criteria: Iterable[Any], supplied: Iterable[str] | None = None
) -> Mapping[str, tuple[str, ...]]:
    """For each table read by any of *criteria*, the ids of the criteria that read it.

    With *supplied*, stand-ins count for the tables missing from it (see
    :func:`tables_needed`).
    """
    given = None if supplied is None else frozenset(supplied)
    found: dict[str, list[str]] = {}
    for criterion in criteria:
        for table in sorted(tables_needed(criterion.rule, supplied=given)):
            found.setdefault(table, []).append(criterion.id)
    return {table: tuple(ids) for table, ids in sorted(found.items())}


def _flag(value: Any) -> bool:
    # A parameter not resolved (no date) may hold True: count its table as needed.
    return True if isinstance(value, ParamRef) else bool(value)


def _population(node: p.Population, resolve: Resolve) -> Iterable[str]:
    tables = list(PEOPLE_TABLES)
    forms = resolve(node.exempt_forms)
    if isinstance(forms, ParamRef) or forms or _flag(resolve(node.exempt_facility)):
        tables.append("rehab_episodes")
    if _flag(resolve(node.exempt_custody)):
        tables.append("custody_periods")
    return tables


def _python_rule(node: p.PythonRule, _resolve: Resolve) -> Iterable[str]:
    return node.tables


def _violations(node: p.ResidentViolations, resolve: Resolve) -> Iterable[str]:
    # Who is a resident comes from the residences; people in custody may be left out.
    tables = ["drug_law_violations", "subjects", "residences"]
    counted = resolve(node.in_custody)
    if isinstance(counted, ParamRef) or not counted:
        tables.append("custody_periods")
    return tables


def _locations_stand_in(node: p.DrugUseLocations, _resolve: Resolve) -> Iterable[str]:
    return ("unit_facts",) if node.facts_when_absent else ()


register_tables(p.Population, _population)
register_tables(p.InTreatment, ("rehab_episodes",))
register_tables(p.InCustody, ("custody_periods",))
register_tables(p.NegativeTestWithin, ("drug_tests",))
register_tables(p.TestedDuringManagement, ("drug_tests",))
register_tables(p.FactTotal, ("unit_facts",))
register_tables(p.FactRate, ("unit_facts",))
register_tables(p.FactLatest, ("unit_facts",))
register_tables(p.PythonRule, _python_rule)
register_tables(p.ResidentViolations, _violations)
register_tables(p.WantedFugitives, ("wanted_fugitives",))
register_tables(p.DrugUseLocations, ("drug_use_locations",))
register_stand_in(p.DrugUseLocations, _locations_stand_in)
# A commune share reads nothing itself: the communes' evaluation under the other scheme
# leaves unknown what a missing table decides, and the share counts them as "maybe".
register_tables(p.CommuneShare, ())

__all__ = [
    "PEOPLE_TABLES",
    "Resolve",
    "TableNeeds",
    "register_stand_in",
    "register_tables",
    "scheme_tables",
    "tables_needed",
]
