"""The conformance kit (drugfree_core.testing) run on good and deliberately broken schemes."""

from __future__ import annotations

import ast
import datetime as dt
import functools
import importlib
import importlib.metadata as md
import json
import sys
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from kit_examples import broken, broken_plugin, good, good_plugin

import drugfree_core.testing as kit
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine import evaluate
from drugfree_core.errors import SchemeError, UsageError
from drugfree_core.i18n import use_lang
from drugfree_core.model import (
    AdminUnit,
    CustodyPeriod,
    DrugTest,
    LineageLink,
    Provenance,
    RehabEpisode,
    Residence,
    StatusPeriod,
    Subject,
    UnitFact,
    UnitKind,
)
from drugfree_core.plugins import PluginHost
from drugfree_core.plugins.builtin import NATIONAL_ROADMAP
from drugfree_core.rules.params import constant
from drugfree_core.rules.primitives import PythonRule
from drugfree_core.rules.scheme import Scheme
from drugfree_core.schemes import mps_recognition_2024
from drugfree_core.testing import (
    CHECKS,
    ROADMAP_CHECKS,
    CheckResult,
    ConformanceError,
    ConformanceReport,
    SchemeConformanceTests,
    check_roadmap,
    check_scheme,
    run_check,
)
from drugfree_core.testing import strategies as dfs

# Few examples: the broken schemes fail on the first few, and the whole file stays fast.
EXAMPLES = 6

# ------------------------------------------------- (a) conforming schemes pass


class TestMpsRecognition2024(SchemeConformanceTests):
    max_examples = 8

    @pytest.fixture
    def scheme(self) -> Scheme:
        return mps_recognition_2024.SCHEME


class TestGoodExample(SchemeConformanceTests):
    max_examples = EXAMPLES

    @pytest.fixture
    def scheme(self) -> Scheme:
        return good.SCHEME


# ------------------------------------------ (b) each check catches its defect


@functools.cache
def broken_report(check: str) -> ConformanceReport:
    return check_scheme(broken.BROKEN_BY_CHECK[check], max_examples=EXAMPLES)


def test_every_check_has_a_broken_example() -> None:
    assert list(broken.BROKEN_BY_CHECK) == list(CHECKS)


@pytest.mark.parametrize("check", CHECKS)
def test_each_check_fails_on_its_broken_scheme_only(check: str) -> None:
    report = broken_report(check)
    assert not report.result(check).passed, str(report)
    assert [r.name for r in report.failures] == [check], str(report)


def test_failures_say_what_and_where() -> None:
    total = broken_report("check_total").result("check_total").message
    assert "NoneType" in total and "falsifying example: reference date" in total
    assert "subj-00" in total  # pseudonymous ids only
    assert "29 February" in broken_report("check_bad_input").result("check_bad_input").message
    metadata = broken_report("check_metadata").result("check_metadata").message
    assert "scheme.sources is a generator" in metadata
    json_message = broken_report("check_json_round_trip").result("check_json_round_trip").message
    assert "NaN" in json_message and ".observed" in json_message


def test_a_crash_on_empty_units_fails_bad_input_and_total() -> None:
    scheme = broken.EMPTY_UNIT_CRASH
    bad_input = run_check(scheme, "check_bad_input")
    assert not bad_input.passed
    assert "a unit with no people, no facts" in bad_input.message
    assert not run_check(scheme, "check_total", max_examples=EXAMPLES).passed


def good_dataset() -> Dataset:
    unit = AdminUnit(code="U1", name="Xã Một", kind=UnitKind.COMMUNE)
    return Dataset.from_records(units=[unit], subjects=[])


def test_a_scheme_empty_on_some_days_is_rejected() -> None:
    scheme = broken.EMPTY_AFTER_2025
    metadata = run_check(scheme, "check_metadata")
    assert not metadata.passed
    assert "no criterion is in force on 2026-01-01" in metadata.message
    assert run_check(good.SCHEME, "check_metadata").passed
    # Evaluating it on such a day is an error, not 'every unit passes'.
    with pytest.raises(SchemeError, match="no criterion in force on 2026-03-01"):
        evaluate(good_dataset(), scheme, dt.date(2026, 3, 1))


def test_skipped_examples_are_reported() -> None:
    result = run_check(broken.EMPTY_UNIT_CRASH, "check_json_round_trip", max_examples=EXAMPLES)
    assert result.passed and "skipped because evaluate raised" in result.message


def test_the_same_seed_finds_the_same_example() -> None:
    first = run_check(broken.CRASHES_ON_OPEN_EPISODE, "check_total", max_examples=EXAMPLES)
    second = run_check(broken.CRASHES_ON_OPEN_EPISODE, "check_total", max_examples=EXAMPLES)
    assert first.message == second.message


def test_random_exploration_without_a_seed() -> None:
    assert run_check(good.SCHEME, "check_total", max_examples=2, seed=None).passed


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"version": "draft"}, "version 'draft' must start with a digit"),
        ({"version": "1.0 beta"}, "must start with a digit and hold no spaces"),
        ({"sources": ["https://example.org"]}, "scheme.sources is a list"),
    ],
)
def test_metadata_is_stricter_than_the_registrar(change: dict[str, object], expected: str) -> None:
    result = run_check(attrs.evolve(good.SCHEME, **change), "check_metadata")  # type: ignore[arg-type]
    assert not result.passed and expected in result.message


def test_metadata_rejects_two_functions_with_one_name() -> None:
    twin = PythonRule(
        name=good.NO_LOCATIONS.name,
        func=lambda view: good.no_drug_use_locations(view),
        description_en="x",
        description_vi="x",
    )
    c1, c2 = good.criteria()
    c3 = attrs.evolve(good.criteria(twin)[1], id="KIT.C3")
    scheme = attrs.evolve(good.SCHEME, criteria=(c1, c2, c3))
    result = run_check(scheme, "check_metadata")
    assert not result.passed and "two different functions" in result.message


def test_metadata_requires_hashable_values_except_mappings() -> None:
    # The built-in law parameters hold mappings; they are allowed (the built-ins pass).
    listed = constant(
        "kit.list",
        ["a"],  # type: ignore[arg-type]
        since=good.START,
        en="x",
        vi="x",
        citation="c",
        provenance=Provenance.INFERRED,
    )
    scheme = attrs.evolve(good.SCHEME, parameters=(*good.SCHEME.parameters, listed))
    result = run_check(scheme, "check_metadata")
    assert not result.passed and "values[0].value is a list" in result.message


def test_bad_arguments_raise() -> None:
    with pytest.raises(UsageError, match="scheme must be a drugfree_core Scheme, not str"):
        check_scheme("mps-recognition-2024")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="max_examples must be at least 1"):
        check_scheme(good.SCHEME, max_examples=0)
    with pytest.raises(UsageError, match="max_examples must be a whole number, not a bool"):
        check_scheme(good.SCHEME, max_examples=True)
    with pytest.raises(UsageError, match="seed must be a whole number or None, not float"):
        check_scheme(good.SCHEME, seed=1.5)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="unknown check 'check_everything'"):
        run_check(good.SCHEME, "check_everything")
    with pytest.raises(UsageError, match="roadmap must be a drugfree_core Roadmap, not int"):
        check_roadmap(3)  # type: ignore[arg-type]


def test_bad_arguments_are_said_in_the_readers_language() -> None:
    with use_lang("vi"):
        with pytest.raises(UsageError) as caught:
            check_scheme(good.SCHEME, max_examples=0)
        assert str(caught.value) == "max_examples phải ít nhất là 1"
        with pytest.raises(UsageError) as caught:
            run_check(good.SCHEME, "check_everything")
        assert str(caught.value).startswith(
            "phép kiểm tra 'check_everything' không hợp lệ; hãy dùng"
        )


# ------------------------------------------------------------ (c) roadmaps


def test_national_roadmap_conforms() -> None:
    report = check_roadmap(NATIONAL_ROADMAP)
    assert report.ok, str(report)
    assert [r.name for r in report.results] == list(ROADMAP_CHECKS)
    assert report.kind == "roadmap" and report.scheme_id == "national-2030"


def test_broken_roadmap_fails_both_checks() -> None:
    report = check_roadmap(broken.BROKEN_ROADMAP)
    assert [r.name for r in report.failures] == list(ROADMAP_CHECKS)
    metadata = report.result("check_roadmap_metadata").message
    assert "scope 'Tỉnh Ví Dụ'" in metadata and "before the roadmap starts" in metadata
    assert "exactly" in report.result("check_roadmap_counts").message


# -------------------------------------------------------- plugins register them


def test_example_plugins_register_through_the_host() -> None:
    host = PluginHost(plugins=[good_plugin, broken_plugin], autoload=False)
    ids = {s.id for s in host.schemes()}
    assert {good.SCHEME.id, *(s.id for s in broken.BROKEN_SCHEMES)} <= ids
    assert run_check(host.scheme(good.SCHEME.id), "check_metadata").passed
    assert not run_check(host.scheme("kit-broken-metadata"), "check_metadata").passed


# ------------------------------------------------- (d) strategies and from_type

ON = dt.date(2025, 7, 1)


@settings(max_examples=10)
@given(dfs.datasets(on=ON, quarantine=True))
def test_datasets_are_valid(dataset: Dataset) -> None:
    assert isinstance(dataset, Dataset)
    codes = set(dataset.units["code"])
    assert {"P38", "A", "B", "M", "U"} <= codes
    assert set(dataset.residences["unit_code"]) <= codes
    assert all(set(q.unit_codes) <= codes for q in dataset.quarantined)


@settings(max_examples=10)
@given(dfs.subjects(on=dfs.reference_dates(), unit_codes=st.just(("M", "U")), subject_id="s-1"))
def test_arguments_may_be_strategies(subject: Subject) -> None:
    assert subject.id == "s-1"
    assert {r.unit_code for r in subject.residences} <= {"M", "U"}


@settings(max_examples=10)
@given(dfs.territories(split=True, chain=False, special_zone=st.just(True)))
def test_territories_have_the_merger(territory: dfs.Territory) -> None:
    units, lineage = territory
    assert {(x.predecessor_code, x.successor_code) for x in lineage} == {
        ("A", "M"),
        ("B", "M"),
        ("C", "S1"),
        ("C", "S2"),
    }
    assert {"Z", "S1", "S2"} <= set(territory.commune_codes)
    assert all(u.kind is not UnitKind.PROVINCE for u in units[1:])


def test_reference_dates_stay_in_range() -> None:
    lo, hi = dt.date(2025, 7, 2), dt.date(2026, 6, 30)

    @settings(max_examples=30)
    @given(dfs.reference_dates(min_date=lo, max_date=hi))
    def inside(day: dt.date) -> None:
        assert lo <= day <= hi

    inside()


def test_hypothesis_entry_point_is_installed() -> None:
    hooks = [e.value for e in md.entry_points(group="hypothesis")]
    assert "drugfree_core.testing._hypothesis_hook:_hypothesis_setup_hook" in hooks


MODEL_TYPES = (
    AdminUnit,
    LineageLink,
    Subject,
    DrugTest,
    RehabEpisode,
    StatusPeriod,
    Residence,
    CustodyPeriod,
    UnitFact,
    Dataset,
)


@settings(max_examples=5)
@given(st.data())
def test_from_type_draws_every_model_type(data: st.DataObject) -> None:
    for cls in MODEL_TYPES:
        assert isinstance(data.draw(st.from_type(cls)), cls)


def test_the_hook_imports_nothing_at_import_time() -> None:
    source = Path(kit.__file__).with_name("_hypothesis_hook.py").read_text(encoding="utf-8")
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
        for node in ast.parse(source).body
        if isinstance(node, ast.Import | ast.ImportFrom)
    }
    assert imported <= {"__future__", "typing"}


@pytest.mark.parametrize(
    ("make", "hint"),
    [
        (lambda: dfs.datasets(on="2025-07-01"), "datetime.date"),
        (lambda: dfs.datasets(on=dt.datetime(2025, 7, 1)), "datetime.date"),
        (lambda: dfs.dataset_records(max_subjects=-1), "max_subjects"),
        (lambda: dfs.subjects(unit_codes=()), "non-empty sequence"),
        (lambda: dfs.subjects(unit_codes=("has space",)), "invalid unit codes"),
        (lambda: dfs.reference_dates(min_date=ON, max_date=dt.date(2025, 1, 1)), "swap"),
        (lambda: dfs.units(kind=UnitKind.PROVINCE), "below the province"),
        (lambda: dfs.drug_tests(on=dt.date(1000, 1, 1)), "nearer date"),
        (lambda: dfs.territories(split="yes"), "True, False"),
    ],
)
def test_invalid_arguments_raise_with_a_hint(make: object, hint: str) -> None:
    with pytest.raises(InvalidArgument, match=hint):
        make()  # type: ignore[operator]


def test_invalid_values_drawn_from_strategies_raise() -> None:
    @given(dfs.drug_tests(on=st.just(dt.datetime(2025, 7, 1))))
    def draw(_test: DrugTest) -> None:
        pass

    with pytest.raises(InvalidArgument, match=r"datetime\.date"):
        draw()


# --------------------------------------------------- (e) reports and the base


def test_report_to_dict_and_str() -> None:
    report = broken_report("check_total")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["id"] == "kit-broken-total" and data["ok"] is False
    assert [r["name"] for r in data["results"]] == list(CHECKS)
    text = str(report)
    assert text.splitlines()[0] == "scheme kit-broken-total: 5/6 checks passed"
    assert "  FAIL check_total (" in text and "  PASS check_metadata (" in text


def test_the_kit_speaks_the_language_chosen_for_its_caller(monkeypatch) -> None:
    # Like the library's errors: the language a front or use_lang chose, else English,
    # whatever the environment says (a test suite's log should not change with it).
    monkeypatch.setenv("DRUGFREE_LANG", "vi")
    metadata = broken.BROKEN_BY_CHECK["check_metadata"]
    english = run_check(metadata, "check_metadata").message
    assert english.startswith("unstable metadata: ")
    with use_lang("vi"):
        vietnamese = run_check(metadata, "check_metadata").message
        passed = run_check(good.SCHEME, "check_bad_input", max_examples=2).message
        report = str(check_roadmap(NATIONAL_ROADMAP))
        failing = ConformanceReport(
            scheme_id="s",
            results=(CheckResult(name="check_a", passed=False, message="x", seconds=0.25),),
        )
        listed = str(failing)
        with pytest.raises(ConformanceError) as caught:
            failing.raise_for_failures()
    assert vietnamese.startswith("siêu dữ liệu không ổn định: ")
    assert passed.startswith("báo lỗi rõ ràng cho đơn vị không có")
    assert report.startswith("lộ trình national-2030: đạt 2/2 kiểm tra")
    assert "ĐẠT check_roadmap_counts" in report
    assert listed == "bộ tiêu chí s: đạt 0/1 kiểm tra\n  KHÔNG ĐẠT check_a (0,25 giây): x"
    assert str(caught.value).startswith("bộ tiêu chí s không đạt 1 kiểm tra:")


def test_raise_for_failures_lists_every_failure() -> None:
    failing = ConformanceReport(
        scheme_id="s",
        results=(
            CheckResult(name="check_a", passed=False, message="first", seconds=0.1),
            CheckResult(name="check_b", passed=True, message="fine", seconds=0.1),
            CheckResult(name="check_c", passed=False, message="second", seconds=0.1),
        ),
    )
    with pytest.raises(ConformanceError) as caught:
        failing.raise_for_failures()
    assert isinstance(caught.value, AssertionError)
    assert str(caught.value) == "scheme s fails 2 checks:\n- check_a: first\n- check_c: second"
    assert caught.value.report is failing
    ConformanceReport(scheme_id="s", results=failing.results[1:2]).raise_for_failures()


class _MetadataOnly(SchemeConformanceTests):
    """Not collected (no Test prefix): its methods are called directly below."""

    expected_failures = {"check_metadata": "sources are a generator"}  # noqa: RUF012


def test_expected_failures_xfail_and_never_go_stale() -> None:
    suite = _MetadataOnly()
    with pytest.raises(pytest.xfail.Exception, match="sources are a generator"):
        suite.test_metadata(broken.UNSTABLE_METADATA)
    with pytest.raises(pytest.fail.Exception, match="remove it"):
        suite.test_metadata(good.SCHEME)
    with pytest.raises(pytest.fail.Exception, match="check_bad_input failed"):
        suite.test_bad_input(broken.LEAP_DAY_CRASH)


def test_expected_failures_must_name_checks() -> None:
    with pytest.raises(
        UsageError, match=r"Bad\.expected_failures names unknown checks 'check_typo'"
    ):
        type("Bad", (SchemeConformanceTests,), {"expected_failures": {"check_typo": "x"}})


def test_the_base_class_is_not_collected() -> None:
    assert not SchemeConformanceTests.__name__.startswith("Test")
    assert [n for n in dir(SchemeConformanceTests) if n.startswith("test_")] == sorted(
        f"test_{c.removeprefix('check_')}" for c in CHECKS
    )


def test_missing_extra_gives_a_clear_import_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    monkeypatch.delitem(sys.modules, "drugfree_core.testing")
    with pytest.raises(ImportError, match=r"install drugfree-core\[testing\]"):
        importlib.import_module("drugfree_core.testing")


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError):
        _ = kit.no_such_name  # type: ignore[attr-defined]
    assert "check_scheme" in dir(kit) and kit.strategies is dfs


def test_assert_plugin_installed_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    from drugfree_core.testing import assert_plugin_installed

    monkeypatch.setattr("drugfree_core.plugins.host.md.entry_points", lambda group: ())
    with pytest.raises(AssertionError, match="entry point 'nowhere' not found"):
        assert_plugin_installed("nowhere", distribution="drugfree-nowhere")
    with pytest.raises(AssertionError, match="schemes"):
        assert_plugin_installed("drugfree-core", distribution="drugfree-core", schemes=["only-one"])
    info = assert_plugin_installed(
        "drugfree-core",
        distribution="drugfree-core",
        schemes=[
            "mps-recognition-2024",
            "qd28-2025-drug-free",
            "qd28-2025-complex-areas",
            "qd28-2025-provinces",
            "qd28-2025-drug-free-province",
            "qd28-2025-drug-free-province-all-communes",
        ],
        roadmaps=["national-2030"],
    )
    assert info.builtin
