"""Schemes that give the same verdicts (``engine.evaluate.same_verdicts``).

A report evaluates the provinces that adopt the national criteria as they stand together
with the national scheme on the dates whose verdicts it only counts. That is right only
when what decides a verdict is the same: these tests pin what makes two schemes differ,
and check that schemes said to agree do give the same verdicts, unit by unit.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Callable

import attrs
import pytest

import drugfree_core as dfc
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine import CustomOutcome, Outcome, UnitView, evaluate_verdicts
from drugfree_core.engine.evaluate import same_verdicts
from drugfree_core.model import Authority, Provenance
from drugfree_core.rules import CommuneShare, Compare, Criterion, PythonRule
from drugfree_core.rules.params import DatedValue, Period
from drugfree_core.schemes.registry import builtin_schemes
from drugfree_core.synth import SynthConfig, generate

BEFORE = dt.date(2025, 3, 31)  # the Ministry's 2024 criteria
AFTER = dt.date(2025, 10, 1)  # Decision 28/2025's


@pytest.fixture(scope="module")
def merged() -> Dataset:
    """Invented provinces with merged and split communes."""
    config = SynthConfig.scaled(units=60, subjects=1500, seed=11)
    return generate(attrs.evolve(config, split_share=0.1))


def _scheme(scheme_id: str) -> dfc.Scheme:
    return dfc.get_scheme(scheme_id)


def test_a_copy_under_another_name_and_authority_agrees() -> None:
    # As the provinces' plugins adopt Decision 28/2025's criteria (Bắc Ninh, Hải Phòng,
    # Nghệ An) or the Ministry's 2024 ones (Bắc Giang).
    for scheme_id, on in (("qd28-2025-drug-free", AFTER), ("mps-recognition-2024", BEFORE)):
        scheme = _scheme(scheme_id)
        assert same_verdicts(scheme, _adopted(scheme, "31"), on)
        assert same_verdicts(_adopted(scheme, "31"), scheme, on)


def test_a_parameter_changed_in_force_or_later_disagrees() -> None:
    mps = _scheme("mps-recognition-2024")
    value = mps.parameter("th.test_window_days").at(BEFORE)
    now = attrs.evolve(value, value=value.value + 1)  # type: ignore[operator]
    assert not same_verdicts(mps, mps.with_parameter("th.test_window_days", now), BEFORE)
    # A value from a later date changes no verdict on this one, but a rule may read a
    # value as of a record's own date: only the same dated values agree.
    later = DatedValue(
        start=dt.date(2030, 1, 1),
        value=Period(years=3),
        citation="test",
        provenance=Provenance.INFERRED,
    )
    assert not same_verdicts(mps, mps.with_parameter("law.user_management_period", later), BEFORE)


def test_other_criteria_or_levels_or_unit_level_disagree() -> None:
    national = _scheme("qd28-2025-drug-free")
    fewer = attrs.evolve(national, criteria=national.criteria[:-1])
    assert not same_verdicts(national, fewer, AFTER)
    renamed = attrs.evolve(
        national,
        criteria=(attrs.evolve(national.criteria[0], id="other-id"), *national.criteria[1:]),
    )
    assert not same_verdicts(national, renamed, AFTER)
    assert not same_verdicts(
        _scheme("qd28-2025-drug-free"), _scheme("qd28-2025-drug-free-province"), AFTER
    )
    complex_areas = _scheme("qd28-2025-complex-areas")
    assert complex_areas.levels
    # The levels are tried in the order a parameter gives: another order disagrees.
    tried = complex_areas.levels_on(AFTER)
    reordered = attrs.evolve(complex_areas, level_order=None, levels=tuple(reversed(tried)))
    assert not same_verdicts(complex_areas, reordered, AFTER)
    in_order = attrs.evolve(complex_areas, level_order=None, levels=tried)
    assert same_verdicts(complex_areas, in_order, AFTER)
    assert not same_verdicts(complex_areas, attrs.evolve(complex_areas, no_level="none2"), AFTER)


def _adopted(scheme: dfc.Scheme, province: str) -> dfc.Scheme:
    """*scheme* as a province adopts it: its own names, texts, citations and authority.

    The rules and values are rebuilt, not shared, as a plugin's own copy would be.
    """
    criteria = tuple(
        attrs.evolve(
            c,
            rule=copy.deepcopy(c.rule),
            title_en=f"{c.title_en} ({province})",
            title_vi=f"{c.title_vi} ({province})",
            citation=f"Quyết định của tỉnh {province}",
            provenance=Provenance.INFERRED,
            sources=("test",),
        )
        for c in scheme.criteria
    )
    parameters = tuple(
        attrs.evolve(
            p,
            description_en=f"{p.description_en} ({province})",
            values=tuple(
                attrs.evolve(
                    dv,
                    value=copy.deepcopy(dv.value),
                    citation=f"Quyết định của tỉnh {province}",
                    provenance=Provenance.INFERRED,
                )
                for dv in p.values
            ),
        )
        for p in scheme.parameters
    )
    return attrs.evolve(
        scheme,
        id=f"{scheme.id}-{province}",
        title_en=f"{scheme.title_en} ({province})",
        title_vi=f"{scheme.title_vi} ({province})",
        criteria=criteria,
        parameters=parameters,
        sources=("test",),
        authority=Authority.PROVINCIAL,
        overrides={"parameter:law.period_end_rule": province},
    )


def _custom(func: Callable[[UnitView], CustomOutcome]) -> dfc.Scheme:
    rule = PythonRule(name="few", func=func, description_en="few", description_vi="ít")
    criterion = Criterion(
        id="X.1",
        title_vi="Ít người",
        title_en="Few people",
        rule=rule,
        citation="test",
        provenance=Provenance.INFERRED,
    )
    return dfc.Scheme(
        id="custom", version="1", title_vi="Tùy chỉnh", title_en="Custom", criteria=(criterion,)
    )


def _passes(view: UnitView) -> CustomOutcome:
    return CustomOutcome(Outcome.PASS, observed=0)


def _fails(view: UnitView) -> CustomOutcome:
    return CustomOutcome(Outcome.FAIL, observed=1)


def test_a_custom_rule_agrees_only_with_its_very_function() -> None:
    # Functions do not compare by content: two custom rules with one name and one text
    # but two functions may decide differently.
    assert same_verdicts(_custom(_passes), _custom(_passes), AFTER)
    assert not same_verdicts(_custom(_passes), _custom(_fails), AFTER)


def test_a_share_of_communes_agrees_only_with_a_scheme_that_places_them_alike() -> None:
    provinces = _scheme("qd28-2025-drug-free-province-all-communes")
    (criterion,) = provinces.criteria
    assert isinstance(criterion.rule, Compare)
    share = criterion.rule.measure
    assert isinstance(share, CommuneShare)

    def counting(scheme: dfc.Scheme) -> dfc.Scheme:
        rule = attrs.evolve(criterion.rule, measure=attrs.evolve(share, scheme=scheme))
        return attrs.evolve(provinces, criteria=(attrs.evolve(criterion, rule=rule),))

    adopted = _adopted(share.scheme, "31")
    assert same_verdicts(provinces, counting(adopted), AFTER)
    assert not same_verdicts(provinces, counting(_scheme("mps-recognition-2024")), AFTER)


def test_a_scheme_not_in_force_agrees_only_with_one_not_in_force() -> None:
    national = _scheme("qd28-2025-drug-free")
    ended = attrs.evolve(national, effective_to=AFTER - dt.timedelta(days=1))
    assert not same_verdicts(national, ended, AFTER)
    assert same_verdicts(national, ended, AFTER - dt.timedelta(days=1))


@pytest.mark.parametrize("on", [BEFORE, AFTER, dt.date(2026, 12, 31)])
def test_schemes_that_agree_give_every_unit_the_same_verdict(merged: Dataset, on: dt.date) -> None:
    builtin = [s for s in builtin_schemes() if s.in_force(on) and s.criteria_on(on)]
    changed = [
        s.with_parameter(p.id, attrs.evolve(p.at(on), value=not p.at(on).value))
        for s in builtin
        for p in s.parameters
        if isinstance(p.at(on).value, bool) and not p.id.startswith("law.")
    ][:4]
    schemes = [*builtin, *(_adopted(s, "99") for s in builtin), *changed]
    agreeing = [(a, b) for a, b in itertools.combinations(schemes, 2) if same_verdicts(a, b, on)]
    assert len(agreeing) == len(builtin)  # each with its adopted copy, none other
    for a, b in agreeing:
        first = evaluate_verdicts(merged, a, on, allow_no_coverage=True)
        assert evaluate_verdicts(merged, b, on, allow_no_coverage=True) == first
