"""The finding tables and recognitions through every door: supplied, empty or absent.

A finding table left out is *not supplied* (its criteria are unknown); supplied empty,
it means there were none. The doors keep that difference through a round trip, check
every row and quarantine what depends on a bad record.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from drugfree_core.dataset.jsonschema import dataset_json_schema
from drugfree_core.dataset.schema import FINDING_TABLES
from drugfree_core.errors import DatasetError
from drugfree_core.io import load, read_json_text, save, validate
from drugfree_core.model import (
    AdminUnit,
    DrugLawViolation,
    DrugUseLocation,
    LocationBasis,
    LocationKind,
    Recognition,
    RehabEpisode,
    RehabForm,
    Residence,
    Subject,
    UnitKind,
    ViolationKind,
    WantedFugitive,
)

UNITS = [
    {"code": "P", "name": "Tỉnh", "kind": "province"},
    {"code": "U1", "name": "Xã Một", "kind": "commune", "parent_code": "P"},
]
SUBJECT = {"id": "s1", "residences": [{"unit_code": "U1", "start": "2024-01-01"}]}
VIOLATION = {"subject_id": "s1", "unit_code": "U1", "date": "2025-03-01", "kind": "crime"}
FUGITIVE = {"id": "f1", "unit_code": "U1", "start": "2025-02-01"}
LOCATION = {
    "id": "L1",
    "unit_code": "U1",
    "kind": "vehicle",
    "basis": "suspected",
    "identified_on": "2025-04-01",
}
RECOGNITION = {
    "unit_code": "U1",
    "scheme_id": "qd28-2025-drug-free",
    "assessment_year": 2025,
    "decided_on": "2026-01-12",
    "decision_ref": "12/QĐ-UBND",
}


def document(**tables: object) -> str:
    return json.dumps(
        {"format": "drugfree-dataset/1", "units": UNITS, "subjects": [SUBJECT], **tables}
    )


def test_left_out_is_not_supplied_and_empty_is_supplied() -> None:
    absent = read_json_text(document())
    assert not any(t in absent.supplied for t in FINDING_TABLES)
    empty = read_json_text(document(drug_use_locations=[], recognitions=[]))
    assert "drug_use_locations" in empty.supplied and "recognitions" in empty.supplied
    assert "drug_law_violations" not in empty.supplied
    full = read_json_text(
        document(
            drug_law_violations=[VIOLATION],
            wanted_fugitives=[FUGITIVE],
            drug_use_locations=[LOCATION],
            recognitions=[RECOGNITION],
        )
    )
    assert {t: full.frame(t).height for t in sorted(FINDING_TABLES)} == {
        "drug_law_violations": 1,
        "drug_use_locations": 1,
        "recognitions": 1,
        "wanted_fugitives": 1,
    }
    records = full.to_records()
    assert records.drug_use_locations == (
        DrugUseLocation(
            id="L1",
            unit_code="U1",
            kind=LocationKind.VEHICLE,
            basis=LocationBasis.SUSPECTED,
            identified_on=dt.date(2025, 4, 1),
        ),
    )
    assert records.recognitions[0].decision_ref == "12/QĐ-UBND"  # type: ignore[index]


@pytest.mark.parametrize("fmt", ["json", "csv", "parquet"])
def test_what_was_supplied_survives_a_round_trip(tmp_path: Path, fmt: str) -> None:
    dataset = read_json_text(document(drug_law_violations=[VIOLATION], wanted_fugitives=[]))
    target = tmp_path / ("d.json" if fmt == "json" else "d")
    save(dataset, target, format=fmt)  # type: ignore[arg-type]
    again = load(target)
    assert again.supplied == dataset.supplied
    assert again.to_records() == dataset.to_records()
    if fmt != "json":
        files = {p.stem for p in target.iterdir()}
        assert "wanted_fugitives" in files and "drug_use_locations" not in files


def test_a_folder_supplies_a_table_by_its_file(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text(
        "code,name,kind,parent_code\nP,Tỉnh,province,\nU1,Xã Một,commune,P\n", encoding="utf-8"
    )
    (tmp_path / "drug_use_locations.csv").write_text(
        "id,unit_code,kind,basis,identified_on,closed_on\n", encoding="utf-8"
    )
    dataset = load(tmp_path)
    assert "drug_use_locations" in dataset.supplied and dataset.drug_use_locations.height == 0
    assert "wanted_fugitives" not in dataset.supplied


def test_writing_over_a_stale_finding_table_removes_it(tmp_path: Path) -> None:
    save(read_json_text(document(drug_use_locations=[LOCATION])), tmp_path, format="csv")
    save(read_json_text(document()), tmp_path, format="csv")
    assert not (tmp_path / "drug_use_locations.csv").exists()
    assert "drug_use_locations" not in load(tmp_path).supplied


@pytest.mark.parametrize(
    ("tables", "location", "reason"),
    [
        (
            {"drug_law_violations": [{**VIOLATION, "subject_id": "nobody"}]},
            "$.drug_law_violations[0]",
            "subject_id does not match any subject",
        ),
        (
            {"wanted_fugitives": [{**FUGITIVE, "unit_code": "X9"}]},
            "$.wanted_fugitives[0]",
            "unit_code X9 does not match any unit",
        ),
        (
            {"drug_use_locations": [LOCATION, LOCATION]},
            "$.drug_use_locations[1]",
            "duplicate location id: 2 records have this key",
        ),
        (
            {"drug_use_locations": [{**LOCATION, "kind": "boat"}]},
            "$.drug_use_locations[0].kind",
            "expected one of: place, area, vehicle",
        ),
        (
            {"recognitions": [{**RECOGNITION, "withdrawn_on": "2025-01-01"}]},
            "$.recognitions[0].withdrawn_on",
            "withdrawn_on is before decided_on",
        ),
        (
            {"recognitions": [{**RECOGNITION, "scheme_id": "a b"}]},
            "$.recognitions[0].scheme_id",
            "scheme_id must be 1-80 letters, digits, '.', '_' or '-'",
        ),
        (
            {"recognitions": [RECOGNITION, RECOGNITION]},
            "$.recognitions[1]",
            "duplicate recognition: 2 records have this key",
        ),
    ],
)
def test_every_problem_named_with_its_place(
    tmp_path: Path, tables: dict, location: str, reason: str
) -> None:  # type: ignore[type-arg]
    path = tmp_path / "bad.json"
    path.write_text(document(**tables), encoding="utf-8")
    problems = [(p.location, p.reason) for p in validate(path)]
    assert (location, reason) in problems


def test_a_violation_goes_with_its_quarantined_subject() -> None:
    bad = {**SUBJECT, "residences": [{"unit_code": "U1", "start": "2024-13-01"}]}
    text = json.dumps(
        {
            "format": "drugfree-dataset/1",
            "units": UNITS,
            "subjects": [bad],
            "drug_law_violations": [VIOLATION],
        }
    )
    with pytest.raises(DatasetError):
        read_json_text(text)
    dataset = read_json_text(text, quarantine=True)
    assert dataset.drug_law_violations.height == 0
    (violation,) = [q for q in dataset.quarantined if q.table == "drug_law_violations"]
    assert violation.reason == "the subject it names was quarantined"
    assert violation.unit_codes == ("U1",)  # its unit is downgraded, never passed


def test_a_finding_about_a_quarantined_unit_stays_with_its_placeholder() -> None:
    units = [*UNITS, {"code": "U2", "name": "", "kind": "commune", "parent_code": "P"}]
    text = json.dumps(
        {
            "format": "drugfree-dataset/1",
            "units": units,
            "drug_use_locations": [{**LOCATION, "unit_code": "U2"}],
        }
    )
    dataset = read_json_text(text, quarantine=True)
    # The bad unit row stays as a placeholder (its unit is downgraded, never passed), so
    # the finding about it is kept: dropping it could only make U2 look better.
    assert [q.table for q in dataset.quarantined] == ["units"]
    assert dataset.drug_use_locations["unit_code"].to_list() == ["U2"]


def test_the_json_schema_describes_the_optional_tables() -> None:
    schema = dataset_json_schema()
    for table in FINDING_TABLES:
        prop = schema["properties"][table]
        assert prop["type"] == "array" and "null" not in json.dumps(prop)
        assert table not in schema.get("required", [])
    location = schema["$defs"]["DrugUseLocation"]
    assert location["properties"]["kind"] == {"$ref": "#/$defs/LocationKind"}
    assert schema["$defs"]["RehabEpisode"]["properties"]["rank"]["default"] is None


def test_records_say_what_they_supply() -> None:
    from drugfree_core.dataset.dataset import Dataset

    units = [
        AdminUnit(code="P", name="Tỉnh", kind=UnitKind.PROVINCE),
        AdminUnit(code="U1", name="Xã", kind=UnitKind.COMMUNE, parent_code="P"),
    ]
    subject = Subject(
        id="s1",
        residences=(Residence(unit_code="U1", start=dt.date(2024, 1, 1)),),
        rehab_episodes=(
            RehabEpisode(form=RehabForm.VOLUNTARY_FACILITY, start=dt.date(2025, 1, 1), rank=2),
        ),
    )
    ds = Dataset.from_records(
        units=units,
        subjects=[subject],
        drug_law_violations=[
            DrugLawViolation(
                subject_id="s1",
                unit_code="U1",
                date=dt.date(2025, 1, 2),
                kind=ViolationKind.ADMINISTRATIVE,
            )
        ],
        wanted_fugitives=[WantedFugitive(id="f1", unit_code="U1", start=dt.date(2025, 1, 1))],
        recognitions=[],
    )
    assert "wanted_fugitives" in ds.supplied and "recognitions" in ds.supplied
    assert "drug_use_locations" not in ds.supplied
    assert ds.to_records().subjects[0].rehab_episodes[0].rank == 2
    with pytest.raises(ValueError, match="rank must be 1"):
        RehabEpisode(form=RehabForm.VOLUNTARY_FACILITY, start=dt.date(2025, 1, 1), rank=0)
    with pytest.raises(ValueError, match="withdrawn_on"):
        Recognition(
            unit_code="U1",
            scheme_id="x",
            assessment_year=2025,
            decided_on=dt.date(2026, 1, 1),
            withdrawn_on=dt.date(2025, 1, 1),
        )
