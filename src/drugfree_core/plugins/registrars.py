"""Registrars: what a hook hands a plugin, and what checks everything the plugin adds.

Each registrar is bound to one plugin, so every object it accepts is stamped with the
plugin's name and distribution, and every error names them. Checks done here: types,
unique ids across plugins (a clash names both plugins), citations and provenance tags
present, effective dates in order. Checks that need every plugin's contributions (an
extension's base exists, jurisdictions do not overlap) are done by the host afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Generic, TypeVar

import attrs

from drugfree_core.dataset.schema import TABLES_BY_NAME
from drugfree_core.errors import PluginError
from drugfree_core.i18n import Message, Text, msg
from drugfree_core.model import AdminUnit, LineageLink, Provenance
from drugfree_core.rules.extension import Jurisdiction, SchemeExtension
from drugfree_core.rules.indicator import Indicator
from drugfree_core.rules.params import DatedValue, Parameter
from drugfree_core.rules.primitives import PythonRule, custom_rule_names
from drugfree_core.rules.roadmap import Roadmap
from drugfree_core.rules.scheme import Criterion, Scheme

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class PluginRef:
    """A loaded plugin: its registered name, distribution and version (``None`` for local)."""

    name: str
    distribution: str | None = None
    version: str | None = None

    def said(self) -> Message:
        """The plugin named in words, for a message: name, distribution and version."""
        if self.distribution is None:
            return msg("plugin {name}", name=repr(self.name))
        if not self.version:
            return msg(
                "plugin {name} (distribution {distribution})",
                name=repr(self.name),
                distribution=self.distribution,
            )
        return msg(
            "plugin {name} (distribution {distribution} {version})",
            name=repr(self.name),
            distribution=self.distribution,
            version=self.version,
        )

    def __str__(self) -> str:
        return self.said().render("en")


@attrs.frozen(kw_only=True)
class Registered(Generic[T]):
    """An object a plugin registered, with the plugin that registered it."""

    value: T
    plugin: PluginRef


@attrs.frozen(kw_only=True)
class Primitive:
    """A custom criterion primitive: a Python rule with where it comes from."""

    rule: PythonRule
    citation: str
    provenance: Provenance

    @property
    def name(self) -> str:
        """The primitive's name (the rule's name)."""
        return self.rule.name


@attrs.define
class Contributions:
    """Everything the plugins registered, before the host resolves it."""

    parameters: dict[str, Registered[Parameter]] = attrs.field(factory=dict)
    parameter_values: list[tuple[str, Registered[DatedValue]]] = attrs.field(factory=list)
    primitives: dict[str, Registered[Primitive]] = attrs.field(factory=dict)
    units: dict[str, Registered[AdminUnit]] = attrs.field(factory=dict)
    lineage: list[Registered[LineageLink]] = attrs.field(factory=list)
    map_sources: list[Registered[str]] = attrs.field(factory=list)
    schemes: dict[str, Registered[Scheme | SchemeExtension]] = attrs.field(factory=dict)
    jurisdictions: list[Registered[Jurisdiction]] = attrs.field(factory=list)
    roadmaps: dict[str, Registered[Roadmap]] = attrs.field(factory=dict)
    indicators: dict[str, Registered[Indicator]] = attrs.field(factory=dict)


def _blank(text: str) -> bool:
    return not text.strip()


def _check_dates(what: Message, start: dt.date | None, end: dt.date | None) -> Message | None:
    if start is not None and end is not None and start > end:
        return msg(
            "{what}: effective_from {start} is after effective_to {end}",
            what=what,
            start=start,
            end=end,
        )
    return None


def joined(problems: Iterable[Text]) -> Text:
    """Several problems as one text, in order, each rendered when the text is.

    Halves joined in turn, so that rendering a long list nests messages only as deep as
    the logarithm of its length.
    """
    texts = list(problems)
    if len(texts) <= 1:
        return texts[0] if texts else ""
    middle = len(texts) // 2
    # Translators: problems listed one after another.
    return msg("{earlier}; {later}", earlier=joined(texts[:middle]), later=joined(texts[middle:]))


class _Registrar:
    """Shared plumbing: the plugin, the store, and errors that name the plugin."""

    def __init__(self, plugin: PluginRef, store: Contributions) -> None:
        self._plugin = plugin
        self._store = store

    @property
    def plugin(self) -> PluginRef:
        """The plugin this registrar records contributions for."""
        return self._plugin

    def _fail(self, message: Text) -> PluginError:
        said = msg("{plugin}: {problem}", plugin=self._plugin.said(), problem=message)
        return PluginError(said, plugins=(self._plugin.name,))

    def _expect(self, value: object, kind: type, what: Message) -> None:
        if not isinstance(value, kind):
            raise self._fail(
                msg(
                    "{what} must be a {kind}, not {given}",
                    what=what,
                    kind=kind.__name__,
                    given=type(value).__name__,
                )
            )

    def _unique(self, table: dict[str, Registered[T]], key: str, what: Message) -> None:
        if key in table:
            raise self._fail(
                msg(
                    "{what} {key} is already registered by {other}; ids must be unique",
                    what=what,
                    key=repr(key),
                    other=table[key].plugin.said(),
                )
            )

    def _wrap(self, value: T) -> Registered[T]:
        return Registered(value=value, plugin=self._plugin)


def said_day(value: object) -> dt.date | str:
    """A day for a message: a date as the language writes it, anything else as text.

    What a plugin gave is not checked yet where it is named: a message must not fail on it.
    """
    return value if isinstance(value, dt.date) else str(value)


def _check_dated_value(dv: DatedValue) -> Message | None:
    if _blank(dv.citation):
        return msg("the value from {day} has no citation", day=said_day(dv.start))
    if not isinstance(dv.provenance, Provenance):
        return msg("the value from {day} has no provenance tag", day=said_day(dv.start))
    return None


def _check_criterion(criterion: Criterion) -> list[Text]:
    problems: list[Text] = []
    if _blank(criterion.citation):
        problems.append(msg("criterion {id} has a blank citation", id=criterion.id))
    if _blank(criterion.title_vi) or _blank(criterion.title_en):
        problems.append(msg("criterion {id} needs Vietnamese and English titles", id=criterion.id))
    dates = _check_dates(
        msg("criterion {id}", id=criterion.id), criterion.effective_from, criterion.effective_to
    )
    if dates:
        problems.append(dates)
    return problems


def scheme_problems(scheme: Scheme) -> list[Text]:
    """Metadata problems of *scheme*: blank texts, missing citations, dates out of order."""
    problems: list[Text] = []
    if _blank(scheme.version):
        problems.append(msg("scheme {id} has no version", id=scheme.id))
    if _blank(scheme.title_vi) or _blank(scheme.title_en):
        problems.append(msg("scheme {id} needs Vietnamese and English titles", id=scheme.id))
    dates = _check_dates(
        msg("scheme {id}", id=scheme.id), scheme.effective_from, scheme.effective_to
    )
    if dates:
        problems.append(dates)
    for criterion in scheme.criteria:
        problems.extend(_check_criterion(criterion))
    for parameter in scheme.parameters:
        for dv in parameter.values:
            problem = _check_dated_value(dv)
            if problem:
                problems.append(_of_parameter(parameter.id, problem))
    return problems


def _of_parameter(parameter_id: object, problem: Message) -> Message:
    return msg("parameter {id}: {problem}", id=str(parameter_id), problem=problem)


class ParameterRegistrar(_Registrar):
    """Handed to :func:`~drugfree_core.plugins.hookspecs.drugfree_register_parameters`."""

    def add(self, parameter: Parameter) -> None:
        """Add a shared parameter; its id must be new and every value cited and tagged."""
        self._expect(parameter, Parameter, msg("a parameter"))
        self._unique(self._store.parameters, parameter.id, msg("parameter"))
        for dv in parameter.values:
            problem = _check_dated_value(dv)
            if problem:
                raise self._fail(_of_parameter(parameter.id, problem))
        self._store.parameters[parameter.id] = self._wrap(parameter)

    def add_value(self, parameter_id: str, value: DatedValue) -> None:
        """Give the shared parameter *parameter_id* a new value from ``value.start`` on.

        The parameter may be registered by another plugin; the host applies the values
        once every plugin has registered (two values starting the same day are an error).
        """
        self._expect(value, DatedValue, msg("a dated value"))
        problem = _check_dated_value(value)
        if problem:
            raise self._fail(_of_parameter(parameter_id, problem))
        self._store.parameter_values.append((parameter_id, self._wrap(value)))


class PrimitiveRegistrar(_Registrar):
    """Handed to :func:`~drugfree_core.plugins.hookspecs.drugfree_register_primitives`."""

    def add(self, rule: PythonRule, *, citation: str, provenance: Provenance) -> None:
        """Add a custom primitive under ``rule.name`` (unique across plugins)."""
        self._expect(rule, PythonRule, msg("a primitive"))
        self._expect(provenance, Provenance, msg("the provenance"))
        if _blank(citation):
            raise self._fail(msg("primitive {name} needs a citation", name=repr(rule.name)))
        if not callable(rule.func):
            raise self._fail(msg("primitive {name}: func is not callable", name=repr(rule.name)))
        unknown = sorted(set(rule.tables) - set(TABLES_BY_NAME))
        if unknown:
            raise self._fail(
                msg(
                    "primitive {name} reads unknown tables {unknown} (tables: {tables})",
                    name=repr(rule.name),
                    unknown=", ".join(unknown),
                    tables=", ".join(TABLES_BY_NAME),
                )
            )
        self._unique(self._store.primitives, rule.name, msg("primitive"))
        primitive = Primitive(rule=rule, citation=citation, provenance=provenance)
        self._store.primitives[rule.name] = self._wrap(primitive)


class AdminMapRegistrar(_Registrar):
    """Handed to :func:`~drugfree_core.plugins.hookspecs.drugfree_register_admin_map`."""

    def add(
        self,
        *,
        units: Iterable[AdminUnit],
        lineage: Iterable[LineageLink] = (),
        source: str,
        provenance: Provenance,
    ) -> None:
        """Add units and lineage links; unit codes must be unique across plugins."""
        self._expect(provenance, Provenance, msg("the provenance"))
        if _blank(source):
            raise self._fail(msg("map data needs a source"))
        new_units = list(units)
        for unit in new_units:
            self._expect(unit, AdminUnit, msg("a unit"))
            self._unique(self._store.units, unit.code, msg("unit"))
        links = list(lineage)
        for link in links:
            self._expect(link, LineageLink, msg("a lineage link"))
        for unit in new_units:
            self._store.units[unit.code] = self._wrap(unit)
        self._store.lineage.extend(self._wrap(link) for link in links)
        self._store.map_sources.append(self._wrap(f"{source} [{provenance.value}]"))


class SchemeRegistrar(_Registrar):
    """Handed to :func:`~drugfree_core.plugins.hookspecs.drugfree_register_schemes`."""

    def add(self, scheme: Scheme) -> None:
        """Add a complete scheme; its id must be new and its metadata complete."""
        self._expect(scheme, Scheme, msg("a scheme"))
        problems = scheme_problems(scheme)
        if problems:
            raise self._fail(joined(problems))
        self._unique(self._store.schemes, scheme.id, msg("scheme"))
        self._store.schemes[scheme.id] = self._wrap(scheme)

    def extend(self, extension: SchemeExtension) -> None:
        """Add a scheme defined as changes to another (resolved after every plugin ran)."""
        self._expect(extension, SchemeExtension, msg("a scheme extension"))
        problems = [p for c in (*extension.replace, *extension.add) for p in _check_criterion(c)]
        problems += [
            msg("override of {id}: {problem}", id=o.parameter_id, problem=problem)
            for o in extension.overrides
            if (problem := _check_dated_value(o.value))
        ]
        dates = _check_dates(
            msg("scheme {id}", id=extension.id), extension.effective_from, extension.effective_to
        )
        if dates:
            problems.append(dates)
        if problems:
            raise self._fail(joined(problems))
        self._unique(self._store.schemes, extension.id, msg("scheme"))
        self._store.schemes[extension.id] = self._wrap(extension)

    def assign(self, jurisdiction: Jurisdiction) -> None:
        """Record that a province (or ``"*"``, the nation) applies a scheme over some dates."""
        self._expect(jurisdiction, Jurisdiction, msg("a jurisdiction"))
        if _blank(jurisdiction.citation):
            raise self._fail(
                msg(
                    "the jurisdiction of {province} needs a citation",
                    province=jurisdiction.province,
                )
            )
        self._store.jurisdictions.append(self._wrap(jurisdiction))


class RoadmapRegistrar(_Registrar):
    """Handed to :func:`~drugfree_core.plugins.hookspecs.drugfree_register_roadmaps`."""

    def add(self, roadmap: Roadmap) -> None:
        """Add a roadmap; its id must be new and every milestone cited."""
        self._expect(roadmap, Roadmap, msg("a roadmap"))
        problems: list[Text] = []
        if _blank(roadmap.citation):
            problems.append(msg("roadmap {id} has a blank citation", id=roadmap.id))
        problems += [
            msg(
                "roadmap {id}: the milestone due {day} has a blank citation",
                id=roadmap.id,
                day=said_day(m.due),
            )
            for m in roadmap.milestones
            if _blank(m.citation)
        ]
        if problems:
            raise self._fail(joined(problems))
        self._unique(self._store.roadmaps, roadmap.id, msg("roadmap"))
        self._store.roadmaps[roadmap.id] = self._wrap(roadmap)


class IndicatorRegistrar(_Registrar):
    """Handed to :func:`~drugfree_core.plugins.hookspecs.drugfree_register_indicators`.

    .. versionadded:: 1.1
    """

    def add(self, indicator: Indicator) -> None:
        """Add a campaign indicator; its id must be new and it and its target cited."""
        self._expect(indicator, Indicator, msg("an indicator"))
        if _blank(indicator.citation) or (
            indicator.target is not None and _blank(indicator.target.citation)
        ):
            raise self._fail(
                msg("indicator {id} needs citations for it and its target", id=indicator.id)
            )
        dates = _check_dates(
            msg("indicator {id}", id=indicator.id), indicator.effective_from, indicator.effective_to
        )
        if dates:
            raise self._fail(dates)
        self._unique(self._store.indicators, indicator.id, msg("indicator"))
        self._store.indicators[indicator.id] = self._wrap(indicator)


def primitive_names(scheme: Scheme) -> set[str]:
    """Names of the custom Python rules *scheme* uses."""
    return set().union(*(custom_rule_names(criterion.rule) for criterion in scheme.criteria))


__all__ = [
    "AdminMapRegistrar",
    "Contributions",
    "IndicatorRegistrar",
    "ParameterRegistrar",
    "PluginRef",
    "Primitive",
    "PrimitiveRegistrar",
    "Registered",
    "RoadmapRegistrar",
    "SchemeRegistrar",
    "joined",
    "primitive_names",
    "said_day",
    "scheme_problems",
]
