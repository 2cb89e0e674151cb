"""Tests of Nghệ An's 2024 district rule, on a small hand-built map before the reform."""

from __future__ import annotations

import datetime as dt

import attrs
import polars as pl
import pytest
from drugfree_nghe_an import CONDITIONS, district_status

from drugfree_core.dataset import Dataset
from drugfree_core.engine import Evaluation, Outcome, evaluate
from drugfree_core.errors import UsageError
from drugfree_core.model import (
    AdminUnit,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    UnitKind,
)
from drugfree_core.schemes.mps_recognition_2024 import SCHEME as MPS

ON = dt.date(2025, 6, 1)
LAST_DAY = dt.date(2025, 6, 30)  # districts were abolished on 1 Jul 2025


def _district(code: str, parent: str = "40") -> AdminUnit:
    return AdminUnit(
        code=code,
        name=f"Huyện {code}",
        kind=UnitKind.DISTRICT,
        parent_code=parent,
        valid_to=LAST_DAY,
    )


def _commune(code: str, district: str) -> AdminUnit:
    return AdminUnit(
        code=code,
        name=f"Xã {code}",
        kind=UnitKind.COMMUNE,
        parent_code=district,
        valid_to=LAST_DAY,
    )


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """Four districts in force until 30 Jun 2025.

    D1 has two clean communes, D2 a clean and a failing one, D3 none; D9 is in another
    province.
    """
    # An addict without a management record fails TH.C1 and TH.C2.
    unrecorded_addict = Subject(
        id="S1",
        residences=(Residence(unit_code="D2C2", start=dt.date(2020, 1, 1)),),
        statuses=(
            StatusPeriod(
                kind=SubjectKind.ADDICT, start=dt.date(2024, 1, 1), has_management_record=False
            ),
        ),
    )
    return Dataset.from_records(
        units=[
            AdminUnit(code="40", name="Tỉnh Nghệ An", kind=UnitKind.PROVINCE),
            AdminUnit(code="42", name="Tỉnh Hà Tĩnh", kind=UnitKind.PROVINCE),
            _district("D1"),
            _commune("D1C1", "D1"),
            _commune("D1C2", "D1"),
            _district("D2"),
            _commune("D2C1", "D2"),
            _commune("D2C2", "D2"),
            _district("D3"),
            _district("D9", parent="42"),
            _commune("D9C1", "D9"),
        ],
        subjects=[unrecorded_addict],
    )


@pytest.fixture(scope="module")
def evaluation(dataset: Dataset) -> Evaluation:
    """The communes evaluated under the national criteria before the reform."""
    return evaluate(dataset, MPS, ON)


def test_communes_are_as_built(evaluation: Evaluation) -> None:
    """The commune verdicts the district tests rely on."""
    verdicts = {u.unit_code: u.verdict for u in evaluation.units}
    assert verdicts == {
        "D1C1": Outcome.PASS,
        "D1C2": Outcome.PASS,
        "D2C1": Outcome.PASS,
        "D2C2": Outcome.FAIL,
        "D9C1": Outcome.PASS,
    }


def test_every_commune_passing_is_unknown_never_pass(
    dataset: Dataset, evaluation: Evaluation
) -> None:
    """Condition 4 passes, the other five are unknown, so the district is unknown."""
    d1 = {s.district_code: s for s in district_status(evaluation, dataset, ON)}["D1"]
    assert d1.commune_units == ("D1C1", "D1C2")
    assert d1.condition("NA.D4").outcome is Outcome.PASS
    for other in ("NA.D1", "NA.D2", "NA.D3", "NA.D5", "NA.D6"):
        assert d1.condition(other).outcome is Outcome.UNKNOWN
        assert d1.condition(other).reason == "not recorded in the dataset"
    assert d1.verdict is Outcome.UNKNOWN


def test_one_failing_commune_fails_the_district(dataset: Dataset, evaluation: Evaluation) -> None:
    """One failing commune fails condition 4 and the district."""
    d2 = {s.district_code: s for s in district_status(evaluation, dataset, ON)}["D2"]
    communes = d2.condition("NA.D4")
    assert communes.outcome is Outcome.FAIL
    assert communes.failing_units == ("D2C2",)
    assert d2.verdict is Outcome.FAIL


def test_a_district_without_communes_is_unknown(dataset: Dataset, evaluation: Evaluation) -> None:
    """No communes: condition 4 is unknown, not a vacuous pass."""
    d3 = {s.district_code: s for s in district_status(evaluation, dataset, ON)}["D3"]
    assert d3.commune_units == ()
    assert d3.condition("NA.D4").outcome is Outcome.UNKNOWN
    assert d3.verdict is Outcome.UNKNOWN


def test_a_commune_left_out_of_the_evaluation_is_unknown(dataset: Dataset) -> None:
    """A commune missing from the evaluation leaves condition 4 undecided."""
    partial = evaluate(dataset, MPS, ON, units=["D1C1"])
    d1 = {s.district_code: s for s in district_status(partial, dataset, ON)}["D1"]
    assert d1.condition("NA.D4").outcome is Outcome.UNKNOWN
    assert d1.condition("NA.D4").unknown_units == ("D1C2",)


def test_a_commune_with_no_data_is_unknown_never_pass(dataset: Dataset) -> None:
    """A commune the dataset does not cover leaves condition 4 undecided."""
    covered = attrs.evolve(
        dataset,
        coverage=pl.DataFrame(
            {"unit_code": ["D1C1"], "covered_from": [None], "covered_to": [None]},
            schema={"unit_code": pl.String, "covered_from": pl.Date, "covered_to": pl.Date},
        ).with_columns(pl.lit(None, pl.String).alias("source_system")),
        supplied=dataset.supplied | {"coverage"},
    )
    evaluation = evaluate(covered, MPS, ON)
    assert evaluation.unit("D1C2").verdict is Outcome.NO_DATA
    d1 = {s.district_code: s for s in district_status(evaluation, covered, ON)}["D1"]
    assert d1.condition("NA.D4").outcome is Outcome.UNKNOWN
    assert d1.condition("NA.D4").unknown_units == ("D1C2",)
    assert "have no data" in d1.condition("NA.D4").reason


def test_only_nghe_an_districts_by_default(dataset: Dataset, evaluation: Evaluation) -> None:
    """Districts of other provinces are left out unless asked for."""
    assert [s.district_code for s in district_status(evaluation, dataset, ON)] == [
        "D1",
        "D2",
        "D3",
    ]
    everywhere = district_status(evaluation, dataset, ON, province=None)
    assert [s.district_code for s in everywhere] == ["D1", "D2", "D3", "D9"]


def test_no_districts_after_the_reform(dataset: Dataset) -> None:
    """Districts were abolished on 1 Jul 2025."""
    after = dt.date(2025, 7, 1)
    assert district_status(evaluate(dataset, MPS, after), dataset, after) == ()


def test_the_dates_must_match(dataset: Dataset, evaluation: Evaluation) -> None:
    """The evaluation must be of the date asked about."""
    with pytest.raises(UsageError, match="same date"):
        district_status(evaluation, dataset, dt.date(2025, 5, 1))


def test_conditions_carry_citation_and_tags() -> None:
    """Every condition is cited [READ] S7; reading condition 4 from communes is [INFERRED]."""
    assert [c.id for c in CONDITIONS] == [f"NA.D{i}" for i in range(1, 7)]
    assert all("S7" in c.citation and c.provenance.value == "READ" for c in CONDITIONS)
    (communes,) = [c for c in CONDITIONS if c.id == "NA.D4"]
    assert "[INFERRED]" in communes.note
