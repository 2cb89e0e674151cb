"""The hook specifications: every way a plugin can add to drugfree-core.

A plugin is a module (or object) with functions marked ``@hookimpl`` whose names are the
hooks below. Each hook hands the plugin a *registrar*; the plugin calls its methods to
add objects, and the registrar checks them and records which plugin added them. A plugin
implements only the hooks it needs and may take fewer arguments than the spec names.

Hooks are called once per host, in this order, after every plugin is loaded: parameters,
primitives, administrative map, schemes, roadmaps and indicators. Their results are
``None``: everything a plugin gives goes through the registrar.

A plugin module must declare the hook API it was written for::

    DRUGFREE_HOOK_API = "1.0"

Within API major version 1 changes are additive only (see :mod:`drugfree_core.plugins.versioning`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from drugfree_core.plugins.registrars import (
        AdminMapRegistrar,
        IndicatorRegistrar,
        ParameterRegistrar,
        PrimitiveRegistrar,
        RoadmapRegistrar,
        SchemeRegistrar,
    )

#: The pluggy project name, which is also the entry-point group plugins declare.
PROJECT = "drugfree"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def drugfree_register_parameters(registrar: ParameterRegistrar) -> None:
    """Add shared, effective-dated parameters, or new dated values of existing ones.

    Called first, once per host. Shared parameters are those many schemes use, such as
    the management periods the drug law sets (``law.*``). Every scheme that declares a
    parameter with the same id is given the registered one, so a plugin that records a
    change in the law (``registrar.add_value("law.post_rehab_period", DatedValue(...))``)
    changes every scheme from that date on.

    :param registrar: call ``registrar.add(parameter)`` or
        ``registrar.add_value(parameter_id, dated_value)``.

    .. versionadded:: 1.0
    """


@hookspec
def drugfree_register_primitives(registrar: PrimitiveRegistrar) -> None:
    """Add custom criterion primitives: rules written in Python over one unit's records.

    Called after :func:`drugfree_register_parameters`. A primitive is a
    :class:`~drugfree_core.rules.PythonRule` with a citation and a provenance tag; schemes
    of any plugin can use it by name with ``host.primitive(name)``. Name the dataset
    tables the function reads in ``rule.tables``: when a dataset did not supply one, the
    rule is *unknown* instead of running on a table that only looks empty.

    :param registrar: call ``registrar.add(rule, citation=..., provenance=...)``.

    .. versionadded:: 1.0
    """


@hookspec
def drugfree_register_admin_map(registrar: AdminMapRegistrar) -> None:
    """Add administrative-map data: units with their validity dates, and lineage links.

    Called after :func:`drugfree_register_primitives`. The registered map is the one the
    host uses to find a unit's province on a date when the caller gives no dataset (or the
    dataset lacks the unit). Unit codes must be unique across all plugins.

    :param registrar: call ``registrar.add(units=..., lineage=..., source=..., provenance=...)``.

    .. versionadded:: 1.0
    """


@hookspec
def drugfree_register_schemes(registrar: SchemeRegistrar) -> None:
    """Add criteria schemes, extensions of other schemes, and the provinces that apply them.

    Called after :func:`drugfree_register_admin_map`. ``registrar.add(scheme)`` adds a
    complete :class:`~drugfree_core.rules.Scheme`; ``registrar.extend(extension)`` adds a
    :class:`~drugfree_core.rules.extension.SchemeExtension` resolved against its base once
    every plugin has registered; ``registrar.assign(jurisdiction)`` says which province
    applies which scheme over which dates. Scheme ids are unique across all plugins.

    :param registrar: the scheme registrar.

    .. versionadded:: 1.0
    """


@hookspec
def drugfree_register_roadmaps(registrar: RoadmapRegistrar) -> None:
    """Add roadmaps: dated targets for the share of drug-free units of a province or the nation.

    Called after :func:`drugfree_register_schemes`. ``registrar.add(roadmap)`` adds a
    :class:`~drugfree_core.rules.roadmap.Roadmap`; ids are unique. When two roadmaps of a
    scope are in force on a day, the one that started last applies (a later plan
    supersedes an earlier one); two of a scope starting on the same day are an error.

    :param registrar: the roadmap registrar.

    .. versionadded:: 1.0
    """


@hookspec
def drugfree_register_indicators(registrar: IndicatorRegistrar) -> None:
    """Add campaign indicators: indicator/target pairs that reports measure per scope.

    Called last. ``registrar.add(indicator)`` adds a
    :class:`~drugfree_core.rules.indicator.Indicator`: a share of people satisfying a
    predicate, or one unit fact over another, for a province or ``"*"``, with an
    optional target share due by a date (for example Nghệ An Plan 359/2023:
    compulsory-rehab dossiers at ≥ 60 % of the assigned yearly target by end of June).
    Ids are unique across all plugins.

    :param registrar: the indicator registrar.

    .. versionadded:: 1.1
    """
