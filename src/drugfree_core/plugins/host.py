"""The plugin host: loads plugins strictly, calls the hooks, and holds what they registered.

Each :class:`PluginHost` has its own pluggy ``PluginManager``; nothing is loaded at import
time. Loading:

1. the hook specifications are added, then the built-in plugin (the national rules);
2. plugins passed by the caller are registered;
3. unless autoload is off, each ``drugfree`` entry point is loaded, honouring the
   environment switches below;
4. ``check_pending()`` makes a plugin that implements an unknown hook fail loudly, and
   each plugin's ``DRUGFREE_HOOK_API`` is checked;
5. the hooks are called one plugin at a time, so everything registered is stamped with
   the plugin (and distribution) it came from;
6. extensions, shared parameters, jurisdictions and roadmaps are resolved and checked.

Environment switches (read when a host is created):

``DRUGFREE_DISABLE_PLUGIN_AUTOLOAD=1``
    load no entry-point plugins (built-ins still load).
``DRUGFREE_PLUGINS=a,b``
    load only these entry-point plugins (an empty value loads none).
``DRUGFREE_DISABLED_PLUGINS=a,b``
    never load these plugins.
``DRUGFREE_TRACE_PLUGINS=1``
    print every hook call, its plugins and its outcome to stderr.

A plugin is untrusted code: whatever it raises while it is imported or while its hooks
run (even ``SystemExit`` or ``KeyboardInterrupt``), and a hook that returns a value
instead of calling its registrar, becomes a :class:`~drugfree_core.errors.PluginError`
naming it (``PluginError.plugins``) and the way to run without it. With
``strict=False`` a host leaves such plugins out and lists them in
:attr:`PluginHost.failures` instead.

Only this module calls ``pm.hook.*``.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import os
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import ModuleType
from typing import Any, TextIO

import attrs
import pluggy

from drugfree_core._args import expect
from drugfree_core._env import switched_on
from drugfree_core.adminmap import official_code
from drugfree_core.errors import DrugfreeError, PluginError, SchemeError, UsageError
from drugfree_core.i18n import Message, Text, exception_text, msg
from drugfree_core.model import AdminUnit, LineageLink
from drugfree_core.plugins import hookspecs
from drugfree_core.plugins.registrars import (
    AdminMapRegistrar,
    Contributions,
    IndicatorRegistrar,
    ParameterRegistrar,
    PluginRef,
    Primitive,
    PrimitiveRegistrar,
    Registered,
    RoadmapRegistrar,
    SchemeRegistrar,
    said_day,
)
from drugfree_core.plugins.territory import TerritoryIndex
from drugfree_core.plugins.versioning import api_incompatibility
from drugfree_core.rules.extension import Jurisdiction, SchemeExtension
from drugfree_core.rules.indicator import Indicator
from drugfree_core.rules.params import Parameter
from drugfree_core.rules.primitives import PythonRule
from drugfree_core.rules.roadmap import NATIONAL, Roadmap
from drugfree_core.rules.scheme import Scheme

#: The order the hooks are called in, each with the registrar it hands plugins.
HOOK_ORDER: tuple[tuple[str, type], ...] = (
    ("drugfree_register_parameters", ParameterRegistrar),
    ("drugfree_register_primitives", PrimitiveRegistrar),
    ("drugfree_register_admin_map", AdminMapRegistrar),
    ("drugfree_register_schemes", SchemeRegistrar),
    ("drugfree_register_roadmaps", RoadmapRegistrar),
    ("drugfree_register_indicators", IndicatorRegistrar),
)

BUILTIN_NAME = "drugfree-core"


def _names(value: str) -> frozenset[str]:
    return frozenset(n.strip() for n in value.split(",") if n.strip())


@attrs.frozen(kw_only=True)
class PluginInfo:
    """One loaded plugin and what it registered (for ``drugfree plugins``)."""

    name: str
    distribution: str | None
    version: str | None
    builtin: bool
    hooks: tuple[str, ...]
    schemes: tuple[str, ...]
    roadmaps: tuple[str, ...]
    parameters: tuple[str, ...]
    primitives: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    units: int
    indicators: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class PluginFailure:
    """A plugin a lenient host (``strict=False``) left out, and why."""

    name: str
    message: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class SchemeChoice:
    """The scheme in force for a unit on a date, and why."""

    unit_code: str
    on: dt.date
    province: str
    province_name: str | None
    scheme: Scheme
    jurisdiction: Jurisdiction
    roadmap: Roadmap | None


def _tracer(stream: TextIO) -> tuple[Callable[..., None], Callable[..., None]]:
    def before(hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]) -> None:
        names = ", ".join(i.plugin_name for i in impls)
        stream.write(f"drugfree: calling {hook_name} on [{names}]\n")

    def after(
        outcome: pluggy.Result[Any],
        hook_name: str,
        impls: Sequence[pluggy.HookImpl],
        kwargs: Mapping[str, Any],
    ) -> None:
        exc = outcome.exception
        status = "ok" if exc is None else f"raised {type(exc).__name__}"
        stream.write(f"drugfree: {hook_name} {status}\n")

    return before, after


class PluginHost:
    """A plugin manager with the national rules, installed plugins and what they registered.

    :param plugins: extra plugin objects (modules, classes or instances with
        ``@hookimpl`` functions), registered before entry points; pass ``(name, plugin)``
        pairs to choose their names.
    :param autoload: load ``drugfree`` entry points; ``None`` follows
        ``DRUGFREE_DISABLE_PLUGIN_AUTOLOAD``.
    :param builtins: register the built-in national plugin (off only in tests).
    :param environ: the environment to read switches from (default ``os.environ``).
    :param trace: where to trace hook calls (default: stderr when
        ``DRUGFREE_TRACE_PLUGINS`` is set).
    :param disabled: names of plugins not to load, on top of ``DRUGFREE_DISABLED_PLUGINS``
        (the command line's ``--disable-plugin``).
    :param strict: when true (the default), any faulty plugin raises; when false, faulty
        plugins are left out and listed in :attr:`failures`, and the rest load.

    Raises :class:`~drugfree_core.errors.PluginError` naming the plugin and its
    distribution when any plugin fails to load or registers something invalid.
    """

    def __init__(
        self,
        *,
        plugins: Iterable[object | tuple[str, object]] = (),
        autoload: bool | None = None,
        builtins: bool = True,
        environ: Mapping[str, str] | None = None,
        trace: TextIO | None = None,
        disabled: Iterable[str] = (),
        strict: bool = True,
    ) -> None:
        env = os.environ if environ is None else environ
        if trace is None and switched_on(env.get("DRUGFREE_TRACE_PLUGINS")):
            trace = sys.stderr
        if autoload is None:
            autoload = not switched_on(env.get("DRUGFREE_DISABLE_PLUGIN_AUTOLOAD"))
        allowed = env.get("DRUGFREE_PLUGINS")
        extra = [item if isinstance(item, tuple) else (None, item) for item in plugins]
        blocked = set(_names(env.get("DRUGFREE_DISABLED_PLUGINS", ""))) | set(disabled)
        failures: dict[str, PluginFailure] = {}
        # While plugins are imported, a plugin that uses the library (get_scheme() at
        # module level) gets the built-ins only (see default_host): never a second load
        # of the plugins from inside this one, which would see it half-imported.
        _STATE.building += 1
        try:
            self._load_until_settled(
                extra, builtins, autoload, allowed, blocked, trace, strict, failures
            )
        finally:
            _STATE.building -= 1
        self._failures = tuple(failures.values())

    def _load_until_settled(
        self,
        extra: list[tuple[str | None, object]],
        builtins: bool,
        autoload: bool,
        allowed: str | None,
        blocked: set[str],
        trace: TextIO | None,
        strict: bool,
        failures: dict[str, PluginFailure],
    ) -> None:
        """Load; a lenient host loads again without each plugin at fault, until none is."""
        while True:
            try:
                self._load(
                    extra,
                    builtins=builtins,
                    entry_points=autoload,
                    allowed=None if allowed is None else _names(allowed),
                    blocked=blocked | set(failures),
                    trace=trace,
                )
                break
            except PluginError as exc:
                culprits = [n for n in exc.plugins if n not in self._builtin_names]
                if strict or not culprits or set(culprits) <= set(failures):
                    raise
                # Leave the culprits out and load everything again without them, so
                # nothing they registered before failing survives.
                for name in culprits:
                    failures[name] = PluginFailure(name=name, message=str(exc))

    def _load(
        self,
        extra: list[tuple[str | None, object]],
        *,
        builtins: bool,
        entry_points: bool,
        allowed: frozenset[str] | None,
        blocked: set[str],
        trace: TextIO | None,
    ) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._refs: dict[str, PluginRef] = {}
        self._builtin_names: set[str] = set()
        if trace is not None:
            self._pm.add_hookcall_monitoring(*_tracer(trace))
        for name in blocked:
            self._pm.set_blocked(name)
        if builtins:
            from drugfree_core.plugins import builtin

            self._builtin_names.add(BUILTIN_NAME)
            self._register(builtin, BUILTIN_NAME, _core_ref())
        for given_name, plugin in extra:
            name = given_name or _plugin_name(plugin)
            self._register(plugin, name, PluginRef(name=name))
        if entry_points:
            self._load_entry_points(allowed)
        self._check_pending()
        self._contributions = self._collect()
        self._resolve()

    # ------------------------------------------------------------------ loading

    def _register(self, plugin: object, name: str, ref: PluginRef) -> None:
        if self._pm.is_blocked(name):
            return
        if self._pm.has_plugin(name):
            raise PluginError(
                msg(
                    "{plugin}: a plugin named {name} is already registered",
                    plugin=ref.said(),
                    name=repr(name),
                ),
                plugins=(name,),
            )
        try:
            problem = api_incompatibility(getattr(plugin, "DRUGFREE_HOOK_API", None))
            if problem:
                raise PluginError(
                    msg("{plugin} {problem}", plugin=ref.said(), problem=problem), plugins=(name,)
                )
            self._pm.register(plugin, name=name)
        except PluginError:
            raise
        except pluggy.PluginValidationError as exc:
            detail = "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
            raise PluginError(
                msg("{plugin}: {problem}", plugin=ref.said(), problem=detail), plugins=(name,)
            ) from exc
        except BaseException as exc:
            raise PluginError(
                msg("{plugin} cannot be registered: {fault}", plugin=ref.said(), fault=_fault(exc)),
                plugins=(name,),
            ) from exc
        self._refs[name] = ref

    def _load_entry_points(self, allowed: frozenset[str] | None) -> None:
        for ep in md.entry_points(group=hookspecs.PROJECT):
            if (allowed is not None and ep.name not in allowed) or self._pm.is_blocked(ep.name):
                continue
            dist = ep.dist
            ref = PluginRef(
                name=ep.name,
                distribution=dist.metadata["Name"] if dist else None,
                version=dist.version if dist else None,
            )
            if self._pm.has_plugin(ep.name):
                other = self._refs.get(ep.name, PluginRef(name=ep.name))
                raise PluginError(
                    msg(
                        "{plugin}: the name {name} is already used by {other}",
                        plugin=ref.said(),
                        name=repr(ep.name),
                        other=other.said(),
                    ),
                    plugins=(ep.name,),
                )
            try:
                plugin = ep.load()
            except BaseException as exc:
                raise PluginError(
                    msg(
                        "{plugin} failed to import {target}: {fault}",
                        plugin=ref.said(),
                        target=repr(ep.value),
                        fault=_fault(exc),
                    ),
                    plugins=(ep.name,),
                ) from exc
            self._register(plugin, ep.name, ref)

    def _check_pending(self) -> None:
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = self._pm.get_name(exc.plugin) or "?"
            ref = self._refs.get(name, PluginRef(name=name))
            detail = "; ".join(line.strip() for line in str(exc).splitlines() if line.strip())
            raise PluginError(
                msg(
                    "{plugin} implements a hook drugfree-core does not define: {detail}. Check "
                    "the hook name against drugfree_core.plugins.hookspecs, or upgrade "
                    "drugfree-core if the plugin needs a newer hook API.",
                    plugin=ref.said(),
                    detail=detail,
                ),
                plugins=(name,),
            ) from exc

    def _collect(self) -> Contributions:
        store = Contributions()
        for hook_name, registrar_type in HOOK_ORDER:
            caller = getattr(self._pm.hook, hook_name)
            for impl in caller.get_hookimpls():
                ref = self._refs[impl.plugin_name]
                others = [p for p in self._pm.get_plugins() if p is not impl.plugin]
                one = self._pm.subset_hook_caller(hook_name, remove_plugins=others)
                try:
                    returned = one(registrar=registrar_type(ref, store))
                except DrugfreeError as exc:
                    if isinstance(exc, PluginError):
                        raise
                    raise PluginError(
                        msg(
                            "{plugin}, in {hook}: {error}",
                            plugin=ref.said(),
                            hook=hook_name,
                            error=exception_text(exc),
                        ),
                        plugins=(ref.name,),
                    ) from exc
                except BaseException as exc:
                    raise PluginError(
                        msg("{plugin} {fault}", plugin=ref.said(), fault=_raised(exc, hook_name)),
                        plugins=(ref.name,),
                    ) from exc
                if returned:
                    raise PluginError(
                        msg(
                            "{plugin}: {hook} returned a {kind} instead of registering it; call "
                            "the registrar (registrar.add(...)) and return nothing",
                            plugin=ref.said(),
                            hook=hook_name,
                            kind=type(returned[0]).__name__,
                        ),
                        plugins=(ref.name,),
                    )
        return store

    # ---------------------------------------------------------------- resolving

    def _resolve(self) -> None:
        store = self._contributions
        self._parameters = _shared_parameters(store)
        self._schemes: dict[str, Registered[Scheme]] = {}
        for scheme_id in store.schemes:
            self._resolve_scheme(scheme_id, ())
        self._jurisdictions = _checked_jurisdictions(store.jurisdictions, self._schemes)
        self._roadmaps = _checked_roadmaps(store.roadmaps)
        self._map: Any = None

    def _resolve_scheme(self, scheme_id: str, chain: tuple[str, ...]) -> Scheme:
        if scheme_id in self._schemes:
            return self._schemes[scheme_id].value
        entry = self._contributions.schemes[scheme_id]
        value = entry.value
        if isinstance(value, SchemeExtension):
            if value.base in chain or value.base == scheme_id:
                cycle = " -> ".join((*chain, scheme_id, value.base))
                raise PluginError(
                    msg(
                        "{plugin}: scheme extensions form a cycle: {cycle}",
                        plugin=entry.plugin.said(),
                        cycle=cycle,
                    ),
                    plugins=(entry.plugin.name,),
                )
            if value.base not in self._contributions.schemes:
                raise PluginError(
                    msg(
                        "{plugin}: scheme {id} extends {base}, which no installed plugin "
                        "registers; available: {available}",
                        plugin=entry.plugin.said(),
                        id=scheme_id,
                        base=repr(value.base),
                        available=", ".join(sorted(self._contributions.schemes)),
                    ),
                    plugins=(entry.plugin.name,),
                )
            base = self._resolve_scheme(value.base, (*chain, scheme_id))
            try:
                scheme = value.apply(base)
            except SchemeError as exc:
                raise PluginError(
                    msg(
                        "{plugin}: {problem}",
                        plugin=entry.plugin.said(),
                        problem=exception_text(exc),
                    ),
                    plugins=(entry.plugin.name,),
                ) from exc
        else:
            scheme = value
        scheme = _with_shared_parameters(scheme, self._parameters)
        self._schemes[scheme_id] = Registered(value=scheme, plugin=entry.plugin)
        return scheme

    # ------------------------------------------------------------------ queries

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """The underlying pluggy manager (for tools; plugins never need it)."""
        return self._pm

    @property
    def failures(self) -> tuple[PluginFailure, ...]:
        """The plugins a lenient host (``strict=False``) left out, and why (else empty)."""
        return self._failures

    def schemes(self) -> tuple[Scheme, ...]:
        """Every registered scheme, built-ins first, in registration order."""
        return tuple(r.value for r in self._schemes.values())

    def scheme(self, scheme_id: str) -> Scheme:
        """The scheme called *scheme_id*; a clear error lists the ones available."""
        expect(scheme_id, str, msg("the scheme id"), msg("a str"))
        if scheme_id not in self._schemes:
            raise SchemeError(
                msg(
                    "unknown scheme {scheme}; available: {available}",
                    scheme=repr(scheme_id),
                    available=", ".join(sorted(self._schemes)),
                )
            )
        return self._schemes[scheme_id].value

    def origin(self, kind: str, object_id: str) -> PluginRef:
        """The plugin that registered the scheme, roadmap, parameter or primitive *object_id*."""
        tables: dict[str, Mapping[str, Registered[Any]]] = {
            "scheme": self._schemes,
            "roadmap": self._roadmaps,
            "indicator": self._contributions.indicators,
            "parameter": self._parameters,
            "primitive": self._contributions.primitives,
        }
        if not isinstance(kind, str) or not isinstance(object_id, str):
            raise UsageError(msg("kind and object_id must be str"))
        if kind not in tables or object_id not in tables[kind]:
            raise UsageError(
                msg("no {kind} {object} is registered", kind=kind, object=repr(object_id))
            )
        return tables[kind][object_id].plugin

    def roadmaps(self) -> tuple[Roadmap, ...]:
        """Every registered roadmap."""
        return tuple(r.value for r in self._roadmaps.values())

    def roadmap(self, roadmap_id: str) -> Roadmap:
        """The roadmap called *roadmap_id*."""
        expect(roadmap_id, str, msg("the roadmap id"), msg("a str"))
        if roadmap_id not in self._roadmaps:
            raise UsageError(
                msg(
                    "unknown roadmap {roadmap}; available: {available}",
                    roadmap=repr(roadmap_id),
                    available=", ".join(sorted(self._roadmaps)),
                )
            )
        return self._roadmaps[roadmap_id].value

    def roadmap_for(self, scope: str, on: dt.date) -> Roadmap | None:
        """The roadmap in force on *on* for province *scope* (or ``"*"``, the nation).

        When several are in force the one that started last wins: a later plan
        supersedes an earlier one from its start (Thanh Hóa's Plan 258 of 22 Dec 2025
        over its 2024-2025 project), even when they come from different plugins.
        """
        current = [
            r
            for r in self.roadmaps()
            if (r.scope == scope or _same_province(r.scope, scope)) and r.in_force(on)
        ]
        return max(current, key=lambda r: r.effective_from or dt.date.min, default=None)

    def indicators(self) -> tuple[Indicator, ...]:
        """Every registered campaign indicator."""
        return tuple(r.value for r in self._contributions.indicators.values())

    def parameters(self) -> tuple[Parameter, ...]:
        """The shared parameters, with every dated value plugins added."""
        return tuple(r.value for r in self._parameters.values())

    def primitives(self) -> tuple[Primitive, ...]:
        """The registered custom primitives."""
        return tuple(r.value for r in self._contributions.primitives.values())

    def primitive(self, name: str) -> PythonRule:
        """The custom rule registered as *name*, to use in a criterion."""
        if name not in self._contributions.primitives:
            known = ", ".join(sorted(self._contributions.primitives))
            if not known:
                raise SchemeError(
                    msg("unknown primitive {name}; none is registered", name=repr(name))
                )
            raise SchemeError(
                msg("unknown primitive {name}; registered: {known}", name=repr(name), known=known)
            )
        return self._contributions.primitives[name].value.rule

    def jurisdictions(self) -> tuple[Jurisdiction, ...]:
        """Which province applies which scheme, over which dates."""
        return tuple(r.value for r in self._jurisdictions)

    def admin_map(self) -> tuple[tuple[AdminUnit, ...], tuple[LineageLink, ...]]:
        """The administrative map plugins registered: units and lineage links."""
        store = self._contributions
        return (
            tuple(r.value for r in store.units.values()),
            tuple(r.value for r in store.lineage),
        )

    def territory(self, dataset: Any = None) -> TerritoryIndex:
        """The map *dataset* brings, then the plugins' and the embedded official map, indexed.

        The index :meth:`scheme_for` uses to find a unit's province on a date.
        """
        return self._map_index(dataset)

    def _map_index(self, dataset: Any) -> TerritoryIndex:
        if self._map is None:
            from drugfree_core.dataset import Dataset

            units, lineage = self.admin_map()
            self._map = Dataset.from_records(units=units, lineage=lineage) if units else None
        pairs = []
        if dataset is not None:
            pairs.append((dataset.units, dataset.lineage))
        if self._map is not None:
            pairs.append((self._map.units, self._map.lineage))
        # The embedded official map comes last: a dataset or plugin may refine it.
        from drugfree_core.adminmap import official_map

        official = official_map()
        pairs.append((official.units, official.lineage))
        return TerritoryIndex.from_frames(*pairs)

    def scheme_for(self, unit_code: str, on: dt.date, dataset: Any = None) -> SchemeChoice:
        """The scheme in force for *unit_code* on *on*, chosen by the unit's province.

        The province is found in *dataset*'s map (then in the map plugins registered),
        following the lineage when the unit is not in force on the date, so a commune of
        Bắc Giang before 1 July 2025 resolves to Bắc Giang's jurisdiction and its successor
        after that date to Bắc Ninh's. A province without a jurisdiction of its own on
        the date gets the national one (``"*"``).
        """
        index = self._map_index(dataset)
        province = index.province_of(unit_code, on)
        jurisdiction = self.jurisdiction_for(province, on)
        return SchemeChoice(
            unit_code=unit_code,
            on=on,
            province=province,
            province_name=index.name(province) if province in index else None,
            scheme=self.scheme(jurisdiction.scheme_id),
            jurisdiction=jurisdiction,
            roadmap=self.roadmap_for(province, on) or self.roadmap_for(NATIONAL, on),
        )

    def jurisdiction_for(self, province: str, on: dt.date) -> Jurisdiction:
        """The jurisdiction in force for *province* on *on*, else the national one.

        Province codes match by their official code, so the pre-reform unit
        ``pre2025:24`` (Bắc Giang) matches a jurisdiction for ``"24"`` dated before
        1 July 2025 and the post-reform ``24`` (Bắc Ninh) one dated after.
        """
        matches = [j for j in self._jurisdictions if j.value.in_force(on)]
        own = [j for j in matches if _same_province(j.value.province, province)]
        national = [j for j in matches if j.value.province == NATIONAL]
        candidates = own or national
        if not candidates:
            raise SchemeError(
                msg(
                    "no scheme is in force for province {province} on {date} and no "
                    "national scheme applies then",
                    province=province,
                    date=on,
                )
            )
        return candidates[0].value

    def plugins(self) -> tuple[PluginInfo, ...]:
        """Every loaded plugin with the hooks it implements and what it registered."""
        store = self._contributions
        infos = []
        for name, plugin in self._pm.list_name_plugin():
            if plugin is None:
                continue
            ref = self._refs[name]
            hooks = sorted(h.name for h in self._pm.get_hookcallers(plugin) or ())

            def mine(table: Iterable[Registered[Any]], ref: PluginRef = ref) -> list[Any]:
                return [r.value for r in table if r.plugin == ref]

            infos.append(
                PluginInfo(
                    name=name,
                    distribution=ref.distribution,
                    version=ref.version,
                    builtin=name in self._builtin_names,
                    hooks=tuple(hooks),
                    schemes=tuple(s.id for s in mine(self._schemes.values())),
                    roadmaps=tuple(r.id for r in mine(self._roadmaps.values())),
                    parameters=tuple(p.id for p in mine(store.parameters.values()))
                    + tuple(
                        f"{pid}@{r.value.start}"
                        for pid, r in store.parameter_values
                        if r.plugin == ref
                    ),
                    primitives=tuple(p.name for p in mine(store.primitives.values())),
                    jurisdictions=tuple(
                        f"{j.province}:{j.scheme_id}" for j in mine(self._jurisdictions)
                    ),
                    units=len(mine(store.units.values())),
                    indicators=tuple(i.id for i in mine(store.indicators.values())),
                )
            )
        return tuple(infos)


# ---------------------------------------------------------------------- helpers


def _culprits(*refs: PluginRef) -> tuple[str, ...]:
    """The names of the plugins in a conflict, the built-in left out (it is not optional)."""
    return tuple(dict.fromkeys(r.name for r in refs if r.name != BUILTIN_NAME))


def _fault(exc: BaseException) -> Text:
    """What a plugin raised, in words (``SystemExit`` is a request to exit, not an error)."""
    if isinstance(exc, SystemExit):
        return msg("it called sys.exit({code}), which a plugin must not do", code=repr(exc.code))
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _raised(exc: BaseException, hook_name: str) -> Message:
    """``raised KeyError in <hook>: 'x'``, or that the plugin tried to exit in it."""
    if isinstance(exc, SystemExit):
        return msg(
            "called sys.exit({code}) in {hook}, which a plugin must not do",
            code=repr(exc.code),
            hook=hook_name,
        )
    text = str(exc)
    kind = type(exc).__name__
    if text:
        return msg("raised {kind} in {hook}: {text}", kind=kind, hook=hook_name, text=text)
    return msg("raised {kind} in {hook}", kind=kind, hook=hook_name)


def _same_province(a: str, b: str) -> bool:
    """Whether two province codes name the same official code (era prefix ignored)."""
    return a != NATIONAL and b != NATIONAL and official_code(a) == official_code(b)


def _core_ref() -> PluginRef:
    try:
        version: str | None = md.version("drugfree-core")
    except md.PackageNotFoundError:  # running from a source tree
        version = None
    return PluginRef(name=BUILTIN_NAME, distribution="drugfree-core", version=version)


def _plugin_name(plugin: object) -> str:
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    name = getattr(plugin, "__name__", None) or type(plugin).__name__
    return str(name)


def _shared_parameters(store: Contributions) -> dict[str, Registered[Parameter]]:
    shared = dict(store.parameters)
    for parameter_id, entry in store.parameter_values:
        if parameter_id not in shared:
            raise PluginError(
                msg(
                    "{plugin}: adds a value to parameter {id}, which no plugin registers; "
                    "shared parameters: {known}",
                    plugin=entry.plugin.said(),
                    id=repr(parameter_id),
                    known=", ".join(sorted(shared)) or msg("none"),
                ),
                plugins=(entry.plugin.name,),
            )
        current = shared[parameter_id]
        clash = [dv for dv in current.value.values if dv.start == entry.value.start]
        if clash:
            raise PluginError(
                msg(
                    "{plugin}: parameter {id} already has a value from {day} (registered by "
                    "{other})",
                    plugin=entry.plugin.said(),
                    id=str(parameter_id),
                    day=said_day(entry.value.start),
                    other=current.plugin.said(),
                ),
                plugins=(entry.plugin.name,),
            )
        values = tuple(sorted((*current.value.values, entry.value), key=lambda d: d.start))
        shared[parameter_id] = Registered(
            value=attrs.evolve(current.value, values=values), plugin=current.plugin
        )
    return shared


def _with_shared_parameters(scheme: Scheme, shared: Mapping[str, Registered[Parameter]]) -> Scheme:
    """*scheme* with each parameter that is shared replaced by the registered one."""
    if not any(p.id in shared for p in scheme.parameters):
        return scheme
    params = tuple(
        shared[p.id].value if p.id in shared and f"parameter:{p.id}" not in scheme.overrides else p
        for p in scheme.parameters
    )
    return attrs.evolve(scheme, parameters=params)


def _checked_jurisdictions(
    entries: list[Registered[Jurisdiction]], schemes: Mapping[str, Registered[Scheme]]
) -> list[Registered[Jurisdiction]]:
    for i, entry in enumerate(entries):
        j = entry.value
        if j.scheme_id not in schemes:
            raise PluginError(
                msg(
                    "{plugin}: assigns scheme {id} to {province}, but no plugin registers it",
                    plugin=entry.plugin.said(),
                    id=repr(j.scheme_id),
                    province=j.province,
                ),
                plugins=(entry.plugin.name,),
            )
        scheme = schemes[j.scheme_id].value
        starts_early = (j.effective_from or dt.date.min) < (scheme.effective_from or dt.date.min)
        ends_late = (j.effective_to or dt.date.max) > (scheme.effective_to or dt.date.max)
        if starts_early or ends_late:
            raise PluginError(
                msg(
                    "{plugin}: assigns {id} to {province} from {start} to {end}, but the "
                    "scheme is in force only from {first} to {last}",
                    plugin=entry.plugin.said(),
                    id=j.scheme_id,
                    province=j.province,
                    start=j.effective_from or "…",
                    end=j.effective_to or "…",
                    first=scheme.effective_from or "…",
                    last=scheme.effective_to or "…",
                ),
                plugins=(entry.plugin.name,),
            )
        for other in entries[:i]:
            if j.overlaps(other.value):
                raise PluginError(
                    msg(
                        "{plugin} and {other} both assign a scheme to province {province} over "
                        "overlapping dates ({id} and {other_id})",
                        plugin=entry.plugin.said(),
                        other=other.plugin.said(),
                        province=j.province,
                        id=j.scheme_id,
                        other_id=other.value.scheme_id,
                    ),
                    plugins=_culprits(entry.plugin, other.plugin),
                )
    return entries


def _checked_roadmaps(entries: Mapping[str, Registered[Roadmap]]) -> dict[str, Registered[Roadmap]]:
    items = list(entries.values())
    for i, entry in enumerate(items):
        r = entry.value
        for other in items[:i]:
            o = other.value
            # A later start supersedes; the same start leaves no way to choose.
            if o.scope == r.scope and o.effective_from == r.effective_from:
                raise PluginError(
                    msg(
                        "{plugin} and {other} both register a roadmap for {scope} starting "
                        "{start} ({id} and {other_id}); a later plan must start later to "
                        "supersede an earlier one",
                        plugin=entry.plugin.said(),
                        other=other.plugin.said(),
                        scope=r.scope,
                        start=r.effective_from or msg("the beginning"),
                        id=r.id,
                        other_id=o.id,
                    ),
                    plugins=_culprits(entry.plugin, other.plugin),
                )
    return dict(entries)


class _DefaultState(threading.local):
    """Per thread: how many plugin hosts this thread is building right now."""

    building = 0


_LOCK = threading.RLock()
_STATE = _DefaultState()
_DEFAULT: list[PluginHost] = []
_BUILTINS_ONLY: list[PluginHost] = []
_DISABLED: list[frozenset[str]] = [frozenset()]


def default_host() -> PluginHost:
    """The host the library's functions use: built once, on first use, then reused.

    It loads every installed plugin (subject to the environment switches and to
    :func:`configure_default_host`). Call :func:`reset_default_host` after installing a
    plugin in a running process.

    A plugin that uses the library while it is being imported by any host
    (``get_scheme(...)`` at module level) gets a host with the built-in rules only: the
    other plugins are not loaded yet, and loading them again from inside the import
    would see that plugin half-imported (and fail with whatever fails in them).
    """
    with _LOCK:
        if _DEFAULT:
            return _DEFAULT[0]
        if _STATE.building:
            if not _BUILTINS_ONLY:
                _BUILTINS_ONLY.append(PluginHost(autoload=False))
            return _BUILTINS_ONLY[0]
        host = PluginHost(disabled=_DISABLED[0])
        _DEFAULT.append(host)
        return host


def configure_default_host(*, disabled: Iterable[str] = ()) -> None:
    """Leave the plugins named in *disabled* out of the default host, from now on.

    They are left out on top of ``DRUGFREE_DISABLED_PLUGINS``; the command line's
    ``--disable-plugin NAME`` calls this. The default host is rebuilt on next use if
    the set changed.
    """
    names = frozenset(disabled)
    with _LOCK:
        if names != _DISABLED[0]:
            _DISABLED[0] = names
            _DEFAULT.clear()


def reset_default_host() -> None:
    """Forget the default host, so the next use loads plugins again."""
    with _LOCK:
        _DEFAULT.clear()
        _BUILTINS_ONLY.clear()
