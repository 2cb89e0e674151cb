"""Decision 28/2025 Art. 5 for provinces, and the two readings of a drug-free province.

A province's values add up its communes' records; P.4 counts its communes' own
classification, evaluated in the same run. Every example is checked against the oracle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs
import pytest
from conftest import (
    PROVINCE,
    build_dataset,
    commune,
    complete_reports,
    days,
    make_records,
    person,
    province,
    status,
)
from oracle import oracle_evaluate

from drugfree_core.dataset import Dataset
from drugfree_core.dataset.dataset import DatasetRecords
from drugfree_core.engine import UnitResult, evaluate
from drugfree_core.errors import SchemeError, UsageError
from drugfree_core.model import (
    AdminUnit,
    FactKind,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    UnitFact,
    UnitKind,
)
from drugfree_core.rules.scheme import Scheme
from drugfree_core.schemes import qd28_drug_free, qd28_provinces

P = qd28_provinces.SCHEME
ON = dt.date(2025, 12, 14)
LOC, ARREST, PLANTS, AREA = (
    FactKind.DRUG_USE_LOCATIONS,
    FactKind.ARRESTED_DRUG_OFFENDERS,
    FactKind.NARCOTIC_PLANTS_COUNT,
    FactKind.NARCOTIC_PLANTS_AREA_M2,
)
ROUTE, INTER = FactKind.ON_COMPLEX_ROUTE, FactKind.ON_INTER_PROVINCIAL_ROUTE


def fact(unit: str, kind: FactKind, value: float, back: int = 10) -> UnitFact:
    end = ON - days(back)
    return UnitFact(
        unit_code=unit, kind=kind, period_start=end - days(30), period_end=end, value=value
    )


def quiet(unit: str) -> list[UnitFact]:
    """A complete report of a commune where nothing was found."""
    return [fact(unit, k, 0) for k in (LOC, ARREST, PLANTS, AREA, ROUTE)]


def users(unit: str, n: int, prefix: str) -> list[Subject]:
    return [person(f"{prefix}{i}", unit, status(SubjectKind.ADDICT)) for i in range(n)]


def run(
    records: DatasetRecords, scheme: Scheme = P, on: dt.date = ON
) -> tuple[UnitResult, dict[str, str]]:
    # A period's report stands for the window: the rest of it reported nothing found.
    records = attrs.evolve(records, unit_facts=tuple(complete_reports(records.unit_facts)))
    evaluation = evaluate(build_dataset(records), scheme, on)
    oracle = oracle_evaluate(records, scheme, on)
    (got,) = evaluation.units
    want = oracle.units[got.unit_code]
    outcomes = {c.criterion_id: c.outcome.value for c in got.criteria}
    assert outcomes == {cid: c.outcome for cid, c in want.criteria.items()}, "oracle"
    assert (got.level, got.level_candidates) == (want.level, want.level_candidates)
    assert evaluation.unit_level == "province"
    return got, outcomes


def communes(n: int, population: int = 10_000) -> list[AdminUnit]:
    return [commune(f"C{i:03d}", population=population) for i in range(n)]


# ------------------------------------------------------------------------ P.1 - P.3


@pytest.mark.parametrize(("n", "expected"), [(40, "pass"), (39, "fail")])
def test_p1_user_rate_0_2_percent_of_the_province(n: int, expected: str) -> None:
    # two communes of 10,000 with no population for the province: their sum is 20,000
    people = [*users("C000", n // 2, "a"), *users("C001", n - n // 2, "b")]
    got, outcomes = run(make_records([province(), *communes(2)], people))
    assert outcomes["P.1"] == expected
    assert got.criterion("P.1").result.denominator == 20_000


def test_p1_uses_the_province_population_when_the_data_gives_it() -> None:
    big = province()
    big = AdminUnit(code=big.code, name=big.name, kind=big.kind, resident_population=100_000)
    _, outcomes = run(make_records([big, *communes(2)], users("C000", 199, "a")))
    assert outcomes["P.1"] == "fail"  # 199 of 100,000 is below 0.2 %
    _, outcomes = run(make_records([big, *communes(2)], users("C000", 200, "a")))
    assert outcomes["P.1"] == "pass"


def test_p1_is_unknown_when_a_commune_population_is_missing() -> None:
    units = [province(), commune("C000"), commune("C001", population=None)]
    _, outcomes = run(make_records(units, users("C000", 100, "a")))
    assert outcomes["P.1"] == "unknown"


@pytest.mark.parametrize(("counts", "expected"), [((3, 2), "pass"), ((2, 2), "fail")])
def test_p2_five_locations_summed_over_the_communes(counts: tuple[int, int], expected: str) -> None:
    facts = [fact("C000", LOC, counts[0]), fact("C001", LOC, counts[1])]
    _, outcomes = run(make_records([province(), *communes(2)], unit_facts=facts))
    assert outcomes["P.2"] == expected


@pytest.mark.parametrize(("arrests", "expected"), [(10, "pass"), (9, "fail")])
def test_p3_arrests_0_05_percent(arrests: int, expected: str) -> None:
    # Every commune reports: one that did not could have had any number of arrests.
    facts = [fact("C000", ARREST, arrests), fact("C001", ARREST, 0)]
    _, outcomes = run(make_records([province(), *communes(2)], unit_facts=facts))
    assert outcomes["P.3"] == expected  # 10 of 20,000 is 0.05 %


@pytest.mark.parametrize(
    ("plants", "area", "expected"),
    [(8000, 0, "pass"), (7999, 1999.5, "fail"), (0, 2000, "pass")],
)
def test_p5_8000_plants_or_2000_m2(plants: int, area: float, expected: str) -> None:
    facts = [
        fact("C000", PLANTS, plants - plants // 2),  # plants are counted whole
        fact("C001", PLANTS, plants // 2),
        fact("C000", AREA, area),
        fact("C001", AREA, 0),
    ]
    _, outcomes = run(make_records([province(), *communes(2)], unit_facts=facts))
    assert outcomes["P.5"] == expected


def test_p6_reads_the_province_s_inter_provincial_route() -> None:
    _, outcomes = run(
        make_records([province(), *communes(1)], unit_facts=[fact(PROVINCE, INTER, 1)])
    )
    assert outcomes["P.6"] == "pass"
    _, outcomes = run(
        make_records([province(), *communes(1)], unit_facts=[fact(PROVINCE, INTER, 0)])
    )
    assert outcomes["P.6"] == "fail"
    _, outcomes = run(make_records([province(), *communes(1)]))
    assert outcomes["P.6"] == "unknown"


# ----------------------------------------------------------------------------- P.4


def type_ii(unit: str, prefix: str) -> tuple[list[Subject], list[UnitFact]]:
    """A commune of type II: 0.2 % users, 1 location, 0.06 % arrests, off any route."""
    facts = [
        fact(unit, LOC, 1),
        fact(unit, ARREST, 6),
        fact(unit, PLANTS, 0),
        fact(unit, AREA, 0),
        fact(unit, ROUTE, 0),
    ]
    return users(unit, 20, prefix), facts


def province_with(n_units: int, n_type_ii: int, unknown: int = 0) -> DatasetRecords:
    units = communes(n_units)
    people: list[Subject] = []
    facts: list[UnitFact] = []
    for i, unit in enumerate(units):
        if i < n_type_ii:
            found, reported = type_ii(unit.code, f"s{i}-")
            people += found
            facts += reported
        elif i < n_type_ii + unknown:
            # T2.a and T2.b pass; arrests, plants and the route are not reported
            facts += [fact(unit.code, LOC, 1)]
            people += users(unit.code, 20, f"s{i}-")
        else:
            facts += quiet(unit.code)
    return make_records([province(), *units], people, unit_facts=complete_reports(facts))


@pytest.mark.parametrize(
    ("n_units", "n_type_ii", "expected"),
    [
        (100, 3, "pass"),  # 3 %
        (100, 2, "fail"),  # 2 %
        (34, 1, "fail"),  # 2.94 %
        (33, 1, "pass"),  # 3.03 %
    ],
)
def test_p4_type_i_and_ii_communes_3_percent(n_units: int, n_type_ii: int, expected: str) -> None:
    got, outcomes = run(province_with(n_units, n_type_ii))
    assert outcomes["P.4"] == expected
    result = got.criterion("P.4").result
    assert (result.numerator, result.denominator) == (n_type_ii, n_units)


def test_p4_is_unknown_while_communes_could_still_be_type_ii() -> None:
    _, outcomes = run(province_with(100, 2, unknown=1))  # 2 certain, 1 possible: 2-3 %
    assert outcomes["P.4"] == "unknown"
    _, outcomes = run(province_with(100, 3, unknown=1))  # 3 certain already
    assert outcomes["P.4"] == "pass"


def test_p4_counts_the_communes_evaluated_in_the_same_run() -> None:
    records = province_with(33, 1)
    evaluation = evaluate(
        build_dataset(records), qd28_provinces.SCHEME.criteria[3].rule.measure.scheme, ON
    )  # type: ignore[union-attr]
    assert [u.unit_code for u in evaluation.units if "type-II" in u.levels_reached] == ["C000"]


# ------------------------------------------------------------------------ 4 of 6


def four_of_six(passes: Sequence[str], unknown: Sequence[str] = ()) -> DatasetRecords:
    """A province meeting exactly the criteria named, the rest failing (or unknown).

    The findings are reported for the province itself (not attributed to a commune),
    so its two communes stay below type II and P.4 fails.
    """
    units = communes(2)  # 20,000 residents
    people = users("C000", 40 if "P.1" in passes else 0, "a")
    facts = [*quiet("C000"), *quiet("C001")]
    if "P.2" in passes:
        facts.append(fact(PROVINCE, LOC, 5, back=20))
    if "P.3" in passes:
        facts.append(fact(PROVINCE, ARREST, 10, back=20))
    if "P.5" in passes:
        facts.append(fact(PROVINCE, PLANTS, 8000, back=20))
    if "P.6" not in unknown:
        facts.append(fact(PROVINCE, INTER, 1 if "P.6" in passes else 0))
    return make_records([province(), *units], people, unit_facts=facts)


@pytest.mark.parametrize(
    ("passes", "unknown", "level"),
    [
        (("P.1", "P.2", "P.3", "P.5"), (), "key-complex"),
        (("P.1", "P.2", "P.3", "P.6"), (), "key-complex"),
        (("P.1", "P.2", "P.3"), (), "not-key-complex"),
        (("P.1", "P.2", "P.3"), ("P.6",), None),  # the unknown route could make it 4
        (("P.1", "P.2"), ("P.6",), "not-key-complex"),  # at most 3
    ],
)
def test_at_least_four_of_six(
    passes: tuple[str, ...], unknown: tuple[str, ...], level: str | None
) -> None:
    got, outcomes = run(four_of_six(passes, unknown))
    assert {c for c, o in outcomes.items() if o == "pass"} == set(passes)
    assert got.level == level


# --------------------------------------------------------------- drug-free province


def test_the_two_readings_of_a_drug_free_province() -> None:
    whole = qd28_provinces.WHOLE_PROVINCE
    every = qd28_provinces.ALL_COMMUNES
    clean = {"drug_law_violations": [], "wanted_fugitives": [], "drug_use_locations": []}
    records = make_records([province(), *communes(2)], [], unit_facts=[], **clean)
    assert run(records, whole)[0].verdict.value == "pass"
    assert run(records, every)[0].verdict.value == "pass"
    one_addict = make_records([province(), *communes(2)], users("C001", 1, "a"), **clean)
    got, outcomes = run(one_addict, whole)
    assert outcomes["DF.1"] == "fail"
    got, outcomes = run(one_addict, every)
    assert outcomes["DFP.1"] == "fail"
    assert got.criterion("DFP.1").result.numerator == 1  # one of the two communes
    unknown = make_records([province(), *communes(2)])  # no finding tables
    assert run(unknown, every)[1]["DFP.1"] == "unknown"


def test_a_resident_violating_in_another_commune_of_the_province_counts_for_it() -> None:
    from drugfree_core.model import DrugLawViolation, ViolationKind

    violation = DrugLawViolation(
        subject_id="v1", unit_code="C001", date=ON - days(3), kind=ViolationKind.CRIME
    )
    records = make_records(
        [province(), *communes(2)],
        [person("v1", "C000")],
        drug_law_violations=[violation],
        wanted_fugitives=[],
        drug_use_locations=[],
    )
    _, outcomes = run(records, qd28_provinces.WHOLE_PROVINCE)
    assert outcomes["DF.2a"] == "fail"
    by_commune = evaluate(build_dataset(records), qd28_drug_free.SCHEME, ON)
    assert {u.unit_code: u.criterion("DF.2a").outcome.value for u in by_commune.units} == {
        "C000": "pass",
        "C001": "pass",
    }


def test_units_of_a_province_scheme_are_provinces() -> None:
    records = make_records([province(), *communes(2)])
    ds = build_dataset(records)
    with pytest.raises(UsageError, match="not a province in force"):
        evaluate(ds, P, ON, units=["C000"])
    assert [u.unit_code for u in evaluate(ds, P, ON, units=[PROVINCE]).units] == [PROVINCE]


def test_a_commune_share_needs_a_province_scheme() -> None:
    import attrs

    wrong = attrs.evolve(qd28_provinces.ALL_COMMUNES, unit_level=qd28_drug_free.SCHEME.unit_level)
    with pytest.raises(SchemeError, match="provinces only"):
        evaluate(build_dataset(make_records([province(), *communes(1)])), wrong, ON)


def test_a_commune_share_counts_a_level_the_label_order_put_behind_another() -> None:
    # A commune certainly of type III whose Art. 6 criteria are undecided (its drug-law
    # violations were not supplied): it may be drug-free too, whatever label wins. A
    # province's share of drug-free communes is then unknown, not a certain failure.
    from drugfree_core.model import Provenance, UnitLevel
    from drugfree_core.model.enums import RehabForm
    from drugfree_core.model.subjects import RehabEpisode
    from drugfree_core.rules import CommuneShare, Compare, Criterion
    from drugfree_core.rules.primitives import Op
    from drugfree_core.schemes import qd28_complex_areas as ca

    addict = Subject(
        id="s1",
        residences=(Residence(unit_code="X1", start=dt.date(2020, 1, 1)),),
        statuses=(
            StatusPeriod(
                kind=SubjectKind.ADDICT, start=dt.date(2024, 3, 1), has_management_record=True
            ),
        ),
        rehab_episodes=(
            RehabEpisode(form=RehabForm.OPIOID_SUBSTITUTION, start=dt.date(2024, 4, 1)),
        ),
    )
    facts = [
        UnitFact(unit_code="X1", kind=kind, period_start=ON - days(364), period_end=ON, value=0)
        for kind in (
            FactKind.ARRESTED_DRUG_OFFENDERS,
            FactKind.NARCOTIC_PLANTS_COUNT,
            FactKind.NARCOTIC_PLANTS_AREA_M2,
            FactKind.ON_COMPLEX_ROUTE,
        )
    ]
    units = [
        AdminUnit(code="P1", name="Tỉnh", kind=UnitKind.PROVINCE),
        AdminUnit(
            code="X1", name="Xã", kind=UnitKind.COMMUNE, parent_code="P1", resident_population=4000
        ),
    ]
    share = Compare(CommuneShare(scheme=ca.SCHEME, levels=("drug-free",)), Op.GE, 1)
    every = Scheme(
        id="test-every-commune-drug-free",
        version="1",
        title_vi="t",
        title_en="t",
        description_en="d",
        description_vi="d",
        criteria=(
            Criterion(
                id="S.1",
                title_vi="t",
                title_en="every commune drug-free",
                rule=share,
                citation="test",
                provenance=Provenance.INFERRED,
                sources=("test",),
            ),
        ),
        parameters=ca.SCHEME.parameters,
        unit_level=UnitLevel.PROVINCE,
    )
    found = {}
    for violations in (None, []):
        given = {} if violations is None else {"drug_law_violations": violations}
        dataset = Dataset.from_records(
            units=units,
            subjects=[addict],
            unit_facts=facts,
            wanted_fugitives=[],
            drug_use_locations=[],
            **given,
        )
        commune = evaluate(dataset, ca.SCHEME, ON).unit("X1")
        assert commune.level == "type-III"
        province_result = evaluate(dataset, every, ON).unit("P1").criteria[0].result
        found[violations is None] = (province_result.outcome.value, province_result.numerator)
    assert found == {True: ("unknown", 0.0), False: ("pass", 1.0)}
