"""The plugin host: strict loading, registrars, resolution, and one test per hook.

Plugins here are throwaway modules built with :func:`make_plugin`; no installed plugin
leaks in because every host is built with ``autoload=False`` unless a test fakes the
entry points itself.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata as md
import inspect
import io
import sys
import types
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drugfree_core import explain
from drugfree_core.dataset import Dataset
from drugfree_core.errors import PluginError, SchemeError, UsageError
from drugfree_core.i18n import msg, render, use_lang
from drugfree_core.model import AdminUnit, LineageLink, Provenance, SubjectKind, UnitKind
from drugfree_core.plugins import (
    HOOK_API_VERSION,
    PluginHost,
    RemovedInHookApi2Warning,
    hookimpl,
    hookspecs,
)
from drugfree_core.plugins.registrars import joined
from drugfree_core.plugins.versioning import DrugfreeDeprecationWarning, api_incompatibility
from drugfree_core.rules import Criterion, DatedValue, PythonRule
from drugfree_core.rules.extension import Jurisdiction, ParameterOverride, SchemeExtension
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.roadmap import NATIONAL, Milestone, Roadmap, required_count
from drugfree_core.schemes.mps_recognition_2024 import SCHEME as MPS

HOOKS = sorted(n for n in dir(hookspecs) if n.startswith("drugfree_"))
MERGER = dt.date(2025, 7, 1)
CITE = "test citation"


def make_plugin(name: str = "p", api: str | None = HOOK_API_VERSION, **hooks: Callable[..., Any]):
    """A module-shaped plugin with the given hook functions (marked as hookimpls)."""
    module = types.ModuleType(name)
    if api is not None:
        module.DRUGFREE_HOOK_API = api  # type: ignore[attr-defined]
    for hook_name, func in hooks.items():
        setattr(module, hook_name, hookimpl(func))
    return module


@pytest.fixture(scope="module")
def demo() -> Dataset:
    from drugfree_core.io import load
    from drugfree_core.samples import demo_path

    return load(demo_path())


def host(*plugins: object, **kw: Any) -> PluginHost:
    return PluginHost(plugins=[(p.__name__, p) for p in plugins], autoload=False, **kw)


def roadmap(rid: str = "r1", scope: str = "31", **kw: Any) -> Roadmap:
    fields: dict[str, Any] = {
        "id": rid,
        "scope": scope,
        "scope_name": "Thành phố Hải Phòng",
        "title_vi": "Lộ trình",
        "title_en": "Roadmap",
        "milestones": (
            Milestone(
                due=dt.date(2025, 12, 31),
                share=Fraction(3, 10),
                citation=CITE,
                provenance=Provenance.READ,
            ),
        ),
        "citation": CITE,
        "provenance": Provenance.READ,
    }
    fields.update(kw)
    return Roadmap(**fields)


def milestone(due: dt.date, share: Fraction) -> Milestone:
    return Milestone(due=due, share=share, citation=CITE, provenance=Provenance.READ)


def extension(sid: str = "x-2025", base: str = MPS.id, **kw: Any) -> SchemeExtension:
    fields: dict[str, Any] = {
        "id": sid,
        "base": base,
        "version": "1",
        "by": "Tỉnh Thanh Hóa",
        "title_vi": "Tiêu chí",
        "title_en": "Criteria",
    }
    fields.update(kw)
    return SchemeExtension(**fields)


def jurisdiction(province: str, scheme_id: str, **kw: Any) -> Jurisdiction:
    return Jurisdiction(
        province=province,
        province_name=f"P{province}",
        scheme_id=scheme_id,
        citation=CITE,
        provenance=Provenance.INFERRED,
        **kw,
    )


# ------------------------------------------------------------------ one test per hook


def test_hook_drugfree_register_parameters() -> None:
    new_value = DatedValue(
        start=dt.date(2027, 1, 1),
        value=LAW_PARAMETERS[0].values[-1].value,
        citation="a later amendment",
        provenance=Provenance.READ,
    )
    seen = []

    def drugfree_register_parameters(registrar: Any) -> None:
        seen.append(registrar.plugin.name)
        registrar.add_value(LAW_PARAMETERS[0].id, new_value)

    h = host(make_plugin("amend", drugfree_register_parameters=drugfree_register_parameters))
    assert seen == ["amend"]
    shared = {p.id: p for p in h.parameters()}
    assert shared[LAW_PARAMETERS[0].id].values[-1] == new_value
    # Every scheme using the shared parameter now has the new dated value.
    in_scheme = h.scheme(MPS.id).parameter(LAW_PARAMETERS[0].id)
    assert in_scheme.values[-1] == new_value
    assert h.origin("parameter", LAW_PARAMETERS[0].id).name == "drugfree-core"


def test_hook_drugfree_register_primitives() -> None:
    rule = PythonRule(
        name="t.always-unknown",
        func=lambda view: None,  # type: ignore[arg-type,return-value]
        description_en="x",
        description_vi="x",
    )

    def drugfree_register_primitives(registrar: Any) -> None:
        registrar.add(rule, citation=CITE, provenance=Provenance.INFERRED)

    h = host(make_plugin("prims", drugfree_register_primitives=drugfree_register_primitives))
    assert h.primitive("t.always-unknown") is rule
    assert [p.name for p in h.primitives()] == ["t.always-unknown"]
    with pytest.raises(SchemeError, match=r"unknown primitive 'nope'; registered: t\.always"):
        h.primitive("nope")


def _bac_ninh_map() -> tuple[list[AdminUnit], list[LineageLink]]:
    units = [
        AdminUnit(code="24", name="Tỉnh Bắc Ninh", kind=UnitKind.PROVINCE),
        AdminUnit(
            code="27",
            name="Tỉnh Bắc Ninh (cũ)",
            kind=UnitKind.PROVINCE,
            valid_to=MERGER - dt.timedelta(days=1),
        ),
        AdminUnit(
            code="D1",
            name="Huyện Cũ",
            kind=UnitKind.DISTRICT,
            parent_code="24",
            valid_to=MERGER - dt.timedelta(days=1),
        ),
        AdminUnit(
            code="D2",
            name="Huyện Khác",
            kind=UnitKind.DISTRICT,
            parent_code="27",
            valid_to=MERGER - dt.timedelta(days=1),
        ),
        AdminUnit(
            code="OLD24",
            name="Xã Cũ",
            kind=UnitKind.COMMUNE,
            parent_code="D1",
            valid_to=MERGER - dt.timedelta(days=1),
        ),
        AdminUnit(
            code="OLD27",
            name="Xã Cũ Khác",
            kind=UnitKind.COMMUNE,
            parent_code="D2",
            valid_to=MERGER - dt.timedelta(days=1),
        ),
        AdminUnit(
            code="NEW", name="Xã Mới", kind=UnitKind.COMMUNE, parent_code="24", valid_from=MERGER
        ),
    ]
    lineage = [
        LineageLink(predecessor_code="OLD24", successor_code="NEW", effective=MERGER),
        LineageLink(predecessor_code="OLD27", successor_code="NEW", effective=MERGER),
    ]
    return units, lineage


def test_hook_drugfree_register_admin_map() -> None:
    units, lineage = _bac_ninh_map()

    def drugfree_register_admin_map(registrar: Any) -> None:
        registrar.add(units=units, lineage=lineage, source=CITE, provenance=Provenance.INFERRED)

    h = host(make_plugin("map", drugfree_register_admin_map=drugfree_register_admin_map))
    assert h.admin_map() == (tuple(units), tuple(lineage))
    # No dataset given: the registered map answers.
    assert h.scheme_for("OLD27", dt.date(2025, 6, 1)).province == "27"
    assert h.scheme_for("NEW", dt.date(2025, 8, 1)).province == "24"
    (info,) = [i for i in h.plugins() if i.name == "map"]
    assert info.units == len(units)


def test_hook_drugfree_register_schemes() -> None:
    def drugfree_register_schemes(registrar: Any) -> None:
        registrar.extend(extension("bg", effective_to=MERGER - dt.timedelta(days=1)))
        registrar.extend(extension("bn", effective_from=MERGER))
        registrar.assign(
            jurisdiction(
                "24",
                "bg",
                effective_from=MPS.effective_from,
                effective_to=MERGER - dt.timedelta(days=1),
            )
        )
        registrar.assign(jurisdiction("24", "bn", effective_from=MERGER))

    h = host(make_plugin("bac-ninh", drugfree_register_schemes=drugfree_register_schemes))
    units, lineage = _bac_ninh_map()
    dataset = Dataset.from_records(units=units, lineage=lineage)
    before = h.scheme_for("OLD24", dt.date(2025, 6, 30), dataset)
    assert (before.province, before.scheme.id) == ("24", "bg")
    after = h.scheme_for("NEW", MERGER, dataset)
    assert (after.province, after.scheme.id) == ("24", "bn")
    # A unit that ended follows its lineage to the successor's province.
    assert h.scheme_for("OLD24", dt.date(2025, 8, 1), dataset).scheme.id == "bn"
    # A province without its own jurisdiction gets the national default.
    other = h.scheme_for("OLD27", dt.date(2025, 6, 1), dataset)
    assert (other.province, other.scheme.id, other.jurisdiction.province) == (
        "27",
        MPS.id,
        NATIONAL,
    )
    assert other.roadmap is not None and other.roadmap.id == "national-2030"
    assert h.origin("scheme", "bg").name == "bac-ninh"


def test_hook_drugfree_register_roadmaps() -> None:
    def drugfree_register_roadmaps(registrar: Any) -> None:
        registrar.add(roadmap("hp", effective_from=MERGER))

    h = host(make_plugin("hp", drugfree_register_roadmaps=drugfree_register_roadmaps))
    assert h.roadmap("hp").milestones[0].required(114) == 35
    assert h.roadmap_for("31", dt.date(2025, 8, 1)) == h.roadmap("hp")
    assert h.roadmap_for("31", dt.date(2025, 6, 1)) is None
    assert h.roadmap_for(NATIONAL, dt.date(2025, 8, 1)) == h.roadmap("national-2030")


def test_hook_drugfree_register_indicators() -> None:
    from fractions import Fraction

    from drugfree_core.rules.indicator import Indicator, IndicatorTarget, SubjectShare
    from drugfree_core.rules.primitives import HasManagementRecord, Population

    indicator = Indicator(
        id="hp.records",
        title_vi="Tỷ lệ có hồ sơ",
        title_en="Share with a record",
        measure=SubjectShare(
            population=Population(kinds=frozenset({SubjectKind.ADDICT})),
            predicate=HasManagementRecord(),
        ),
        citation="test plan",
        provenance=Provenance.INFERRED,
        scope="31",
        target=IndicatorTarget(
            share=Fraction(9, 10), due=MERGER, citation="test plan", provenance=Provenance.INFERRED
        ),
    )

    def drugfree_register_indicators(registrar: Any) -> None:
        registrar.add(indicator)

    h = host(make_plugin("hp", drugfree_register_indicators=drugfree_register_indicators))
    assert indicator in h.indicators()
    assert h.origin("indicator", "hp.records").name == "hp"
    assert indicator.target is not None
    blank_target = attrs.evolve(indicator.target, citation=" ")
    blank = attrs.evolve(indicator, id="hp.blank", target=blank_target)

    def bad(registrar: Any) -> None:
        registrar.add(blank)

    with pytest.raises(PluginError, match="needs citations"):
        host(make_plugin("bad", drugfree_register_indicators=bad))


def test_every_hook_has_a_test_here() -> None:
    names = {n for n, _ in inspect.getmembers(sys.modules[__name__], inspect.isfunction)}
    missing = [h for h in HOOKS if f"test_hook_{h}" not in names]
    assert not missing, f"hooks without a test_hook_<name> test: {missing}"


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_takes_only_its_registrar(hook: str) -> None:
    # That it is documented (docstring and hook reference) is tested in test_docs.py.
    signature = inspect.signature(getattr(hookspecs, hook))
    assert list(signature.parameters) == ["registrar"]


def test_hook_order_covers_every_hook() -> None:
    from drugfree_core.plugins.host import HOOK_ORDER

    assert sorted(name for name, _ in HOOK_ORDER) == HOOKS


# ------------------------------------------------------------------ strict loading


def test_builtin_plugin_registers_the_national_rules() -> None:
    h = PluginHost(autoload=False)
    (info,) = h.plugins()
    assert (info.name, info.distribution, info.builtin) == ("drugfree-core",) * 2 + (True,)
    assert info.schemes == (
        "qd28-2025-drug-free",
        "qd28-2025-complex-areas",
        "qd28-2025-provinces",
        "qd28-2025-drug-free-province",
        "qd28-2025-drug-free-province-all-communes",
        MPS.id,
    )
    assert info.roadmaps == ("national-2030",)
    assert h.roadmap("national-2030").milestones[-1].required(3321) == 1661
    assert [j.province for j in h.jurisdictions()] == [NATIONAL, NATIONAL]


@pytest.mark.parametrize(
    ("day", "scheme_id"),
    [
        (dt.date(2024, 10, 15), "mps-recognition-2024"),
        (dt.date(2025, 8, 23), "mps-recognition-2024"),
        (dt.date(2025, 8, 24), "qd28-2025-drug-free"),
        (dt.date(2026, 7, 1), "qd28-2025-drug-free"),
    ],
)
def test_the_national_default_follows_the_dates(day: dt.date, scheme_id: str) -> None:
    h = PluginHost(autoload=False)
    assert h.jurisdiction_for("01", day).scheme_id == scheme_id
    assert h.scheme(scheme_id).is_national is (scheme_id != "mps-recognition-2024")


def test_duplicate_scheme_ids_name_both_plugins() -> None:
    def one(registrar: Any) -> None:
        registrar.extend(extension("same"))

    with pytest.raises(PluginError) as err:
        host(
            make_plugin("first", drugfree_register_schemes=one),
            make_plugin("second", drugfree_register_schemes=one),
        )
    assert "plugin 'second'" in str(err.value) and "plugin 'first'" in str(err.value)
    assert "'same' is already registered" in str(err.value)


def test_duplicate_of_a_builtin_id_names_the_builtin() -> None:
    def again(registrar: Any) -> None:
        registrar.add(MPS)

    with pytest.raises(PluginError, match=r"distribution drugfree-core"):
        host(make_plugin("copycat", drugfree_register_schemes=again))


def test_unknown_hook_fails_loudly() -> None:
    plugin = make_plugin("typo", drugfree_register_scheme=lambda registrar: None)
    with pytest.raises(PluginError, match=r"plugin 'typo' implements a hook .* does not define"):
        host(plugin)


def test_hookimpl_with_an_argument_the_spec_lacks_fails() -> None:
    plugin = make_plugin("args", drugfree_register_schemes=lambda registrar, extra: None)
    with pytest.raises(PluginError, match=r"plugin 'args'.*extra"):
        host(plugin)


@pytest.mark.parametrize(
    ("api", "message"),
    [
        (None, "does not declare the hook API"),
        ("2.0", "written for hook API 2.0"),
        ("1.99", "needs hook API 1.99, newer"),
        ("one", 'expected "MAJOR.MINOR"'),
    ],
)
def test_hook_api_version_is_checked(api: str | None, message: str) -> None:
    with pytest.raises(PluginError, match=message):
        host(make_plugin("old", api=api))


def test_api_versions_within_the_major_load() -> None:
    assert api_incompatibility("1.0") is None
    assert issubclass(RemovedInHookApi2Warning, DrugfreeDeprecationWarning)
    assert issubclass(DrugfreeDeprecationWarning, DeprecationWarning)


def test_plugin_errors_are_said_in_the_language_chosen_for_their_reader() -> None:
    # A plugin developer reads why the host refused a contribution in the language of
    # the front (drugfree --lang vi), else English.
    def add_blank(registrar: Any) -> None:
        registrar.add(roadmap(citation="  "))

    with pytest.raises(PluginError) as caught:
        host(make_plugin("blank", drugfree_register_roadmaps=add_blank))
    assert str(caught.value).startswith("plugin 'blank': roadmap ")
    assert " has blank citations" in str(caught.value) or " has a blank citation" in str(
        caught.value
    )
    with use_lang("vi"):
        said = str(caught.value)
    assert said.startswith("plugin 'blank': lộ trình ") and " có trích dẫn để trống" in said
    with pytest.raises(PluginError) as caught:
        host(make_plugin("old", api="0.9"))
    with use_lang("vi"):
        said = str(caught.value)
    assert said.startswith("plugin 'old' được viết cho hook API 0.9, nhưng drugfree-core này")


def test_a_reason_is_said_whatever_the_plugin_gave_and_however_many() -> None:
    # What a plugin gave is named before it is checked: a reason must not fail on it (a
    # day that is not a date), nor on a long list of problems (halves nest, not a chain).
    def odd_day(registrar: Any) -> None:
        registrar.add_value(
            LAW_PARAMETERS[0].id,
            DatedValue(start="soon", value=1, citation=" ", provenance=Provenance.READ),  # type: ignore[arg-type]
        )

    with pytest.raises(PluginError, match="the value from soon has no citation"):
        host(make_plugin("odd", drugfree_register_parameters=odd_day))
    many = joined([msg("scheme {id}", id=str(i)) for i in range(5000)])
    with use_lang("vi"):
        said = render(many)
    assert said.startswith("bộ tiêu chí 0; bộ tiêu chí 1; ") and said.endswith("bộ tiêu chí 4999")


def test_an_exception_in_a_hook_names_the_plugin_and_hook() -> None:
    def boom(registrar: Any) -> None:
        raise KeyError("oops")

    with pytest.raises(PluginError, match=r"plugin 'boom' raised KeyError in drugfree_register"):
        host(make_plugin("boom", drugfree_register_roadmaps=boom))


@pytest.mark.parametrize(
    ("hook", "register", "message"),
    [
        ("drugfree_register_schemes", lambda r: r.add("not a scheme"), "must be a Scheme"),
        (
            "drugfree_register_roadmaps",
            lambda r: r.add(roadmap(citation="  ")),
            "blank citation",
        ),
        (
            "drugfree_register_schemes",
            lambda r: r.assign(jurisdiction("31", "no-such-scheme")),
            "assigns scheme 'no-such-scheme'",
        ),
        (
            "drugfree_register_schemes",
            lambda r: r.extend(extension(base="no-such-base")),
            "extends 'no-such-base', which no installed plugin registers",
        ),
        (
            "drugfree_register_parameters",
            lambda r: r.add_value(
                "law.nope",
                DatedValue(
                    start=dt.date(2026, 1, 1), value=1, citation=CITE, provenance=Provenance.READ
                ),
            ),
            "which no plugin registers",
        ),
        (
            "drugfree_register_parameters",
            lambda r: r.add_value(
                LAW_PARAMETERS[0].id,
                DatedValue(
                    start=LAW_PARAMETERS[0].values[0].start,
                    value=1,
                    citation=CITE,
                    provenance=Provenance.READ,
                ),
            ),
            "already has a value from",
        ),
        (
            "drugfree_register_parameters",
            lambda r: r.add_value(
                LAW_PARAMETERS[0].id,
                DatedValue(
                    start=dt.date(2030, 1, 1), value=1, citation=" ", provenance=Provenance.READ
                ),
            ),
            "has no citation",
        ),
        (
            "drugfree_register_admin_map",
            lambda r: r.add(units=[], source="", provenance=Provenance.READ),
            "needs a source",
        ),
    ],
)
def test_registrars_reject_invalid_contributions(
    hook: str, register: Callable[[Any], None], message: str
) -> None:
    with pytest.raises(PluginError, match=message) as err:
        host(make_plugin("bad", **{hook: lambda registrar: register(registrar)}))
    assert "plugin 'bad'" in str(err.value)


def test_extension_cycles_are_reported() -> None:
    def loop(registrar: Any) -> None:
        registrar.extend(extension("a", base="b"))
        registrar.extend(extension("b", base="a"))

    with pytest.raises(PluginError, match="cycle"):
        host(make_plugin("loop", drugfree_register_schemes=loop))


def test_overlapping_jurisdictions_name_both_plugins() -> None:
    def mine(registrar: Any) -> None:
        registrar.assign(jurisdiction("38", MPS.id, effective_from=MPS.effective_from))

    with pytest.raises(PluginError, match=r"'a'.* and .*'b'.*province 38"):
        host(
            make_plugin("b", drugfree_register_schemes=mine),
            make_plugin("a", drugfree_register_schemes=mine),
        )


def test_a_later_roadmap_supersedes_an_earlier_one_across_plugins() -> None:
    project = roadmap("project", effective_from=dt.date(2024, 10, 15))
    plan = roadmap("plan", effective_from=dt.date(2025, 12, 22))
    h = host(
        make_plugin("a", drugfree_register_roadmaps=lambda registrar: registrar.add(project)),
        make_plugin("b", drugfree_register_roadmaps=lambda registrar: registrar.add(plan)),
    )
    assert h.roadmap_for("31", dt.date(2025, 12, 21)) == project
    assert h.roadmap_for("31", dt.date(2025, 12, 22)) == plan


def test_roadmaps_of_one_scope_starting_the_same_day_are_rejected() -> None:
    def two(registrar: Any) -> None:
        registrar.add(roadmap("r1", effective_from=MERGER))
        registrar.add(roadmap("r2", effective_from=MERGER))

    with pytest.raises(PluginError, match=r"starting 2025-07-01 \(r2 and r1\)"):
        host(make_plugin("two", drugfree_register_roadmaps=two))


def test_a_jurisdiction_outside_its_schemes_dates_is_rejected() -> None:
    def early(registrar: Any) -> None:
        registrar.assign(jurisdiction("38", MPS.id, effective_from=dt.date(2020, 1, 1)))

    with pytest.raises(PluginError, match="but the scheme is in force only from 2024-10-15"):
        host(make_plugin("early", drugfree_register_schemes=early))


def test_units_report_their_province_through_the_district() -> None:
    from drugfree_core.engine import evaluate

    units, lineage = _bac_ninh_map()
    dataset = Dataset.from_records(units=units, lineage=lineage)
    before = evaluate(dataset, MPS, dt.date(2025, 6, 1))
    assert {u.unit_code: u.province_code for u in before.units} == {"OLD24": "24", "OLD27": "27"}
    assert evaluate(dataset, MPS, MERGER).unit("NEW").province_code == "24"
    part = dataset.restrict_to_units(["OLD27"])
    assert evaluate(part, MPS, dt.date(2025, 6, 1)).unit("OLD27").province_code == "27"


# ------------------------------------------------------------------ scheme extension


def test_province_override_is_visible_in_the_explanation(demo: Dataset) -> None:
    window = DatedValue(
        start=dt.date(2024, 10, 15),
        value=20,
        citation="Thanh Hóa project, 2024",
        provenance=Provenance.ARTICLE,
    )

    def schemes(registrar: Any) -> None:
        registrar.extend(
            extension(
                overrides=(ParameterOverride(parameter_id="th.test_window_days", value=window),)
            )
        )

    scheme = host(make_plugin("th", drugfree_register_schemes=schemes)).scheme("x-2025")
    assert scheme.parameter("th.test_window_days").at(dt.date(2025, 10, 1)).value == 20
    assert MPS.parameter("th.test_window_days").at(dt.date(2025, 10, 1)).value == 30
    unit = demo.units.filter(demo.units["kind"] == "ward")["code"][0]
    text = explain(demo, scheme, dt.date(2025, 10, 1), unit)
    assert (
        "Tỉnh Thanh Hóa overrides TH.C3 th.test_window_days: 20 (source: Thanh Hóa project, 2024)"
        in text
    )


def test_extension_replaces_and_adds_criteria() -> None:
    c2 = MPS.criterion("TH.C2")
    stricter = Criterion(
        id="TH.C2",
        title_vi=c2.title_vi,
        title_en=c2.title_en,
        rule=c2.rule,
        citation="stricter provincial rule",
        provenance=Provenance.INFERRED,
    )
    extra = Criterion(
        id="X.C6",
        title_vi="Không có người sử dụng trái phép",
        title_en="No illegal users",
        rule=c2.rule,
        citation=CITE,
        provenance=Provenance.INFERRED,
    )

    def schemes(registrar: Any) -> None:
        registrar.extend(extension(replace=(stricter,), add=(extra,)))

    scheme = host(make_plugin("x", drugfree_register_schemes=schemes)).scheme("x-2025")
    assert [c.id for c in scheme.criteria] == [c.id for c in MPS.criteria] + ["X.C6"]
    assert scheme.criterion("TH.C2").citation == "stricter provincial rule"
    assert scheme.overrides["criterion:TH.C2"] == "Tỉnh Thanh Hóa"

    def clash(registrar: Any) -> None:
        registrar.extend(extension(add=(stricter,)))

    with pytest.raises(PluginError, match="use replace="):
        host(make_plugin("y", drugfree_register_schemes=clash))


# ------------------------------------------------------------------ discovery switches


@pytest.fixture
def fake_entry_points(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Two importable plugin modules advertised as ``drugfree`` entry points."""
    names = ["ep-one", "ep-two"]
    for name in names:
        module = name.replace("-", "_")
        (tmp_path / f"{module}.py").write_text(
            "from drugfree_core.plugins import hookimpl\n"
            f'DRUGFREE_HOOK_API = "{HOOK_API_VERSION}"\n'
            "@hookimpl\n"
            "def drugfree_register_roadmaps(registrar):\n"
            "    from drugfree_core.rules.roadmap import Roadmap, Milestone\n"
            "    import datetime as dt, fractions\n"
            "    from drugfree_core.model import Provenance\n"
            f"    registrar.add(Roadmap(id='{module}', scope='{module}', scope_name='x',\n"
            "        title_vi='x', title_en='x', citation='c', provenance=Provenance.READ,\n"
            "        milestones=(Milestone(due=dt.date(2030, 1, 1),\n"
            "            share=fractions.Fraction(1, 2),\n"
            "            citation='c', provenance=Provenance.READ),)))\n",
            encoding="utf-8",
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = md.EntryPoints(
        md.EntryPoint(name=n, value=n.replace("-", "_"), group="drugfree") for n in names
    )
    monkeypatch.setattr(
        "drugfree_core.plugins.host.md.entry_points",
        lambda group: eps if group == "drugfree" else md.EntryPoints(()),
    )
    return names


def _loaded(h: PluginHost) -> list[str]:
    return [i.name for i in h.plugins() if not i.builtin]


def test_entry_points_are_loaded(fake_entry_points: list[str]) -> None:
    h = PluginHost(environ={})
    assert _loaded(h) == fake_entry_points
    assert h.origin("roadmap", "ep_two").name == "ep-two"


def test_autoload_can_be_disabled(fake_entry_points: list[str]) -> None:
    assert _loaded(PluginHost(environ={"DRUGFREE_DISABLE_PLUGIN_AUTOLOAD": "1"})) == []


def test_allow_list(fake_entry_points: list[str]) -> None:
    assert _loaded(PluginHost(environ={"DRUGFREE_PLUGINS": "ep-two"})) == ["ep-two"]
    assert _loaded(PluginHost(environ={"DRUGFREE_PLUGINS": ""})) == []


def test_block_list(fake_entry_points: list[str]) -> None:
    assert _loaded(PluginHost(environ={"DRUGFREE_DISABLED_PLUGINS": "ep-one"})) == ["ep-two"]


def test_trace(fake_entry_points: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    PluginHost(environ={"DRUGFREE_TRACE_PLUGINS": "1"})
    err = capsys.readouterr().err
    assert "drugfree: calling drugfree_register_roadmaps on [ep-one]" in err
    assert "drugfree: drugfree_register_roadmaps ok" in err
    out = io.StringIO()
    PluginHost(environ={}, trace=out)
    assert "drugfree_register_schemes on [drugfree-core]" in out.getvalue()


def test_a_plugin_that_fails_to_import_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    eps = md.EntryPoints([md.EntryPoint(name="ghost", value="no_such_module_x", group="drugfree")])
    monkeypatch.setattr("drugfree_core.plugins.host.md.entry_points", lambda group: eps)
    with pytest.raises(PluginError, match="plugin 'ghost' failed to import 'no_such_module_x'"):
        PluginHost(environ={})


# ------------------------------------------------------------------ roadmap arithmetic


@pytest.mark.parametrize(
    ("share", "units", "required"),
    [
        (Fraction(30, 100), 114, 35),  # 34.2 -> 35
        (Fraction(45, 100), 114, 52),  # 51.3 -> 52
        (Fraction(60, 100), 114, 69),  # 68.4 -> 69
        (Fraction(1), 114, 114),
        (Fraction(50, 100), 3321, 1661),  # 1660.5 -> 1661
        (Fraction(20, 100), 130, 26),  # exact: no rounding up
        (Fraction(30, 100), 130, 39),
        (Fraction(1, 3), 3, 1),
    ],
)
def test_required_count_is_an_exact_ceiling(share: Fraction, units: int, required: int) -> None:
    assert required_count(share, units) == required


def test_roadmap_validation() -> None:
    m1 = Milestone(
        due=dt.date(2027, 12, 31),
        share=Fraction(45, 100),
        citation=CITE,
        provenance=Provenance.READ,
    )
    m0 = Milestone(
        due=dt.date(2025, 12, 31),
        share=Fraction(30, 100),
        citation=CITE,
        provenance=Provenance.READ,
    )
    with pytest.raises(SchemeError, match="increasing due dates"):
        roadmap(milestones=(m1, m0))
    with pytest.raises(SchemeError, match="cannot decrease"):
        roadmap(
            milestones=(
                m0,
                Milestone(
                    due=dt.date(2030, 1, 1),
                    share=Fraction(1, 10),
                    citation=CITE,
                    provenance=Provenance.READ,
                ),
            )
        )
    with pytest.raises(SchemeError, match=r"Fraction in \(0, 1\]"):
        Milestone(
            due=dt.date(2030, 1, 1), share=Fraction(3, 2), citation=CITE, provenance=Provenance.READ
        )
    r = roadmap(milestones=(m0, m1))
    assert r.next_milestone(dt.date(2026, 1, 1)) == m1
    assert r.last_due(dt.date(2026, 1, 1)) == m0
    assert r.next_milestone(dt.date(2028, 1, 1)) is None


def test_unit_outside_the_map_is_a_usage_error() -> None:
    units, lineage = _bac_ninh_map()
    dataset = Dataset.from_records(units=units, lineage=lineage)
    with pytest.raises(UsageError, match="unit NOPE is not in the administrative map"):
        PluginHost(autoload=False).scheme_for("NOPE", MERGER, dataset)
    with pytest.raises(UsageError, match="unit NEW is not in the administrative map"):
        PluginHost(autoload=False).scheme_for("NEW", MERGER)


def test_without_a_dataset_the_official_map_decides() -> None:
    """A Bắc Giang commune before the merger, its Bắc Ninh successor after (official codes)."""
    from drugfree_core.adminmap import official_map

    units = official_map().units
    districts = units.filter(pl.col("parent_code") == "pre2025:24")["code"]
    commune = units.filter(pl.col("parent_code").is_in(districts.implode()))["code"][0]
    h = PluginHost(autoload=False)
    assert h.scheme_for(commune, dt.date(2025, 6, 30)).province == "pre2025:24"
    assert h.scheme_for(commune, MERGER).province == "24"  # followed the lineage


def test_default_host_is_built_lazily_and_can_be_reset() -> None:
    from drugfree_core.plugins import default_host, reset_default_host

    reset_default_host()
    first = default_host()
    assert default_host() is first
    reset_default_host()
    assert default_host() is not first


@given(
    share=st.fractions(min_value=Fraction(1, 1000), max_value=1, max_denominator=1000),
    units=st.integers(min_value=0, max_value=20_000),
)
def test_required_count_is_the_least_count_reaching_the_share(share: Fraction, units: int) -> None:
    k = required_count(share, units)
    assert k >= share * units  # reaches the share
    assert k == 0 or (k - 1) < share * units  # and one fewer would not
    assert 0 <= k <= units
