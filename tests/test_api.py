"""The public API: custom rules, overrides, effective dating, serialisation."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import drugfree_core as dfc
from drugfree_core.engine.serialize import rule_result_from_dict
from drugfree_core.model import Provenance
from drugfree_core.rules import (
    AllSatisfy,
    Criterion,
    DatedValue,
    HasManagementRecord,
    Period,
    Population,
    PythonRule,
    Scheme,
)
from drugfree_core.samples import demo_path

ON = dt.date(2025, 10, 1)


@pytest.fixture(scope="module")
def demo() -> dfc.Dataset:
    return dfc.load(demo_path())


def test_public_names_have_docstrings() -> None:
    for name in dfc.__all__:
        obj = getattr(dfc, name)
        assert getattr(obj, "__doc__", None), name


def test_evaluate_unit_equals_full_evaluation(demo: dfc.Dataset) -> None:
    scheme = dfc.get_scheme("mps-recognition-2024")
    full = dfc.evaluate(demo, scheme, ON)
    for unit in full.units:
        alone, _ = dfc.evaluate_unit(demo, scheme, ON, unit.unit_code)
        assert alone == unit


def test_results_round_trip_through_json(demo: dfc.Dataset) -> None:
    evaluation = dfc.evaluate(demo, dfc.get_scheme("mps-recognition-2024"), ON)
    data = json.loads(evaluation.to_json(include_subjects=True))
    for unit, unit_data in zip(evaluation.units, data["units"], strict=True):
        for cr, cr_data in zip(unit.criteria, unit_data["criteria"], strict=True):
            assert rule_result_from_dict(cr_data["result"]) == cr.result.in_words()


def test_aggregate_json_has_no_subject_ids(demo: dfc.Dataset) -> None:
    evaluation = dfc.evaluate(demo, dfc.get_scheme("mps-recognition-2024"), ON)
    text = evaluation.to_json(include_subjects=False)
    subject_ids = demo.subjects["id"].to_list()
    assert not any(sid in text for sid in subject_ids)


def test_parameter_override_is_used_and_named(demo: dfc.Dataset) -> None:
    base = dfc.get_scheme("mps-recognition-2024")
    wider = base.with_parameter(
        "th.test_window_days",
        DatedValue(
            start=dt.date(2024, 10, 15),
            value=45,
            citation="test province decision",
            provenance=Provenance.READ,
        ),
        by="test-province",
    )
    narrow_counts = dfc.evaluate(demo, base, ON).criterion_counts()["TH.C3"]
    wide = dfc.evaluate(demo, wider, ON)
    # a wider window can only help the test criterion
    assert wide.criterion_counts()["TH.C3"]["pass"] >= narrow_counts["pass"]
    text = dfc.explain_unit(wide.units[0], wide, wider, "en")
    assert "th.test_window_days = 45" in text and "overridden by test-province" in text


def test_criterion_override_is_named_in_results(demo: dfc.Dataset) -> None:
    base = dfc.get_scheme("mps-recognition-2024")
    replaced = base.with_criterion(
        Criterion(
            id="TH.C2",
            title_vi="Có hồ sơ",
            title_en="Records only",
            rule=AllSatisfy(Population(kinds={dfc.SubjectKind.ADDICT}), HasManagementRecord()),
            citation="test",
            provenance=Provenance.INFERRED,
        ),
        by="test-province",
    )
    unit = dfc.evaluate(demo, replaced, ON).units[0]
    assert unit.criterion("TH.C2").overridden_by == "test-province"


def test_custom_python_rule_runs_per_unit(demo: dfc.Dataset) -> None:
    def at_most_five_people(view: dfc.UnitView) -> dfc.CustomOutcome:
        n = len(view.subjects)
        return dfc.CustomOutcome(
            outcome=dfc.Outcome.PASS if n <= 5 else dfc.Outcome.FAIL,
            observed=float(n),
            failing_subjects=tuple(s.id for s in view.subjects) if n > 5 else (),
        )

    scheme = Scheme(
        id="custom",
        version="1",
        title_vi="Tùy chỉnh",
        title_en="Custom",
        criteria=(
            Criterion(
                id="X.1",
                title_vi="Ít người",
                title_en="Few people",
                rule=PythonRule(
                    name="at_most_five",
                    func=at_most_five_people,
                    description_en="at most five people on the lists",
                    description_vi="tối đa năm người",
                ),
                citation="test",
                provenance=Provenance.INFERRED,
            ),
        ),
    )
    evaluation = dfc.evaluate(demo, scheme, ON)
    for unit in evaluation.units:
        result = unit.criterion("X.1").result
        assert result.observed is not None
        expected = dfc.Outcome.PASS if result.observed <= 5 else dfc.Outcome.FAIL
        if unit.affected_by:  # a passing outcome on uncertain data is downgraded
            expected = dfc.Outcome.UNKNOWN if expected is dfc.Outcome.PASS else expected
        assert unit.verdict is expected


def test_custom_rule_errors_are_clear(demo: dfc.Dataset) -> None:
    def broken(view: dfc.UnitView) -> dfc.CustomOutcome:
        raise ZeroDivisionError("boom")

    scheme = Scheme(
        id="broken",
        version="1",
        title_vi="x",
        title_en="x",
        criteria=(
            Criterion(
                id="X.1",
                title_vi="x",
                title_en="x",
                rule=PythonRule(name="broken", func=broken, description_en="x", description_vi="x"),
                citation="test",
                provenance=Provenance.INFERRED,
            ),
        ),
    )
    with pytest.raises(dfc.SchemeError, match="custom rule 'broken' failed on unit"):
        dfc.evaluate(demo, scheme, ON)


def test_scheme_rejects_undefined_parameters_and_duplicates() -> None:
    from drugfree_core.rules import NegativeTestWithin, ParamRef

    rule = AllSatisfy(
        Population(kinds={dfc.SubjectKind.ADDICT}), NegativeTestWithin(days=ParamRef("nope"))
    )
    criterion = Criterion(
        id="A", title_vi="a", title_en="a", rule=rule, citation="c", provenance=Provenance.READ
    )
    with pytest.raises(dfc.SchemeError, match="undefined parameters nope"):
        Scheme(id="s", version="1", title_vi="s", title_en="s", criteria=(criterion,))
    ok = AllSatisfy(Population(kinds={dfc.SubjectKind.ADDICT}), HasManagementRecord())
    twin = Criterion(
        id="A", title_vi="a", title_en="a", rule=ok, citation="c", provenance=Provenance.READ
    )
    with pytest.raises(dfc.SchemeError, match="duplicate criterion ids A"):
        Scheme(id="s", version="1", title_vi="s", title_en="s", criteria=(twin, twin))


def test_law_parameters_change_on_1_july_2026() -> None:
    scheme = dfc.get_scheme("mps-recognition-2024")
    before = scheme.resolve_parameters(dt.date(2026, 6, 30))["law.rehab_max_duration"]
    after = scheme.resolve_parameters(dt.date(2026, 7, 1))["law.rehab_max_duration"]
    assert before.value["compulsory_facility"] == Period(months=24)  # type: ignore[index]
    assert after.value["compulsory_facility"] == Period(months=36)  # type: ignore[index]
    assert "120/2025" in after.citation and "73/2021" in before.citation


@pytest.mark.parametrize(
    "start,period,expected",
    [
        (dt.date(2024, 2, 29), Period(years=1), dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 31), Period(months=1), dt.date(2024, 2, 29)),
        (dt.date(2024, 3, 1), Period(years=2), dt.date(2026, 3, 1)),
    ],
)
def test_period_arithmetic(start: dt.date, period: Period, expected: dt.date) -> None:
    assert period.add_to(start) == expected


def test_every_criterion_cites_and_tags_its_source() -> None:
    for scheme in dfc.builtin_schemes():
        assert scheme.sources
        for criterion in scheme.criteria:
            assert criterion.citation and criterion.sources, criterion.id
            assert isinstance(criterion.provenance, Provenance)
            assert criterion.title_vi and criterion.title_en
        for parameter in scheme.parameters:
            for value in parameter.values:
                assert value.citation and isinstance(value.provenance, Provenance), parameter.id


def test_public_names_are_not_shadowed_by_submodules() -> None:
    """Importing every submodule must leave each public name what it is documented to be.

    (A submodule named like a function, once imported, replaced the package attribute:
    ``drugfree_core.explain`` became a module after ``evaluate_unit`` was used.)
    """
    import importlib
    import pkgutil
    import types

    import drugfree_core

    for info in pkgutil.walk_packages(drugfree_core.__path__, "drugfree_core."):
        if ".cli" in info.name or info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
    for name in drugfree_core.__all__:
        assert not isinstance(getattr(drugfree_core, name), types.ModuleType), name
