"""The JSON door: every problem at its JSON path, strict and quarantine modes."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.records import TOP_LEVEL
from drugfree_core.errors import DatasetError, Problem
from drugfree_core.io import load, read_json, read_json_text, validate

SMALL = Path(__file__).parent / "data" / "io" / "small.json"
CHILD_FIELDS = {
    "residences": "residences",
    "status_periods": "statuses",
    "drug_tests": "tests",
    "rehab_episodes": "rehab_episodes",
    "custody_periods": "custody",
}


def small() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SMALL.read_text(encoding="utf-8"))
    return data


def text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


def problems_of(data: Any) -> tuple[Problem, ...]:
    with pytest.raises(DatasetError) as info:
        read_json_text(text(data) if not isinstance(data, str) else data)
    assert info.value.problems
    return info.value.problems


def input_rows(data: dict[str, Any]) -> Counter[str]:
    rows: Counter[str] = Counter()
    for table in TOP_LEVEL:
        rows[table] = len(data.get(table, []))
    for subject in data.get("subjects", []):
        for table, field in CHILD_FIELDS.items():
            if isinstance(subject, dict) and isinstance(subject.get(field), list):
                rows[table] += len(subject[field])
    return rows


def placeholders(dataset: Dataset) -> int:
    """Units kept in the map for quarantined unit rows (one per code)."""
    codes = set(dataset.units["code"].to_list())
    return len({q.record_id for q in dataset.quarantined if q.table == "units"} & codes)


def assert_nothing_lost(data: dict[str, Any], dataset: Dataset) -> None:
    quarantined = Counter(q.table for q in dataset.quarantined)
    for table, count in input_rows(data).items():
        kept = dataset.frame(table).height - (placeholders(dataset) if table == "units" else 0)
        assert kept + quarantined[table] == count, table
    locations = [q.location for q in dataset.quarantined]
    assert len(locations) == len(set(locations))


def test_small_document_loads() -> None:
    dataset = read_json(SMALL)
    assert dataset.counts() == dict(input_rows(small()))
    assert dataset.quarantined == ()
    assert load(SMALL).units.equals(dataset.units)
    assert validate(SMALL) == ()


def test_malformed_json_is_one_problem_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "drugfree-dataset/1",\n  "units": [,]\n}', encoding="utf-8")
    for quarantine in (False, True):
        with pytest.raises(DatasetError) as info:
            read_json(path, quarantine=quarantine)
        (problem,) = info.value.problems
        assert problem.location == f"{path}:line 3 column 13"
        assert problem.reason.startswith("malformed JSON: ")
    assert str(info.value).startswith(f"1 problem in {path}; first: {path}:line 3 column 13")
    assert validate(path) == info.value.problems


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(
        '{"format": "drugfree-dataset/1", "units": [{"name": "Hóa"}]}'.encode("latin-1")
    )
    (problem,) = validate(path)
    assert problem.reason == "not UTF-8 text"
    assert problem.location.startswith(f"{path}:byte ")


@pytest.mark.parametrize(
    ("data", "location", "reason"),
    [
        ([], "$", "a dataset document must be a JSON object"),
        ({"units": []}, "$.format", "required field missing (expected 'drugfree-dataset/1')"),
        ({"format": "drugfree-dataset/0"}, "$.format", "format must be 'drugfree-dataset/1'"),
        (
            {"format": "drugfree-dataset/1", "people": []},
            "$",
            "unknown key (the 2nd key of this object); "
            "allowed keys: format, units, lineage, subjects, unit_facts, coverage, "
            "drug_law_violations, wanted_fugitives, drug_use_locations, recognitions",
        ),
        ({"format": "drugfree-dataset/1", "units": {}}, "$.units", "expected a list"),
    ],
)
def test_document_level_problems_raise_even_in_quarantine(
    data: Any, location: str, reason: str
) -> None:
    with pytest.raises(DatasetError) as info:
        read_json_text(text(data), quarantine=True)
    assert [(p.location, p.reason) for p in info.value.problems] == [(location, reason)]


def test_duplicate_top_level_key_is_fatal() -> None:
    raw = '{"format": "drugfree-dataset/1", "units": [], "units": []}'
    with pytest.raises(DatasetError) as info:
        read_json_text(raw, quarantine=True)
    assert [(p.location, p.reason) for p in info.value.problems] == [
        ("$.units", "key given more than once")
    ]


def test_every_bad_element_is_reported_at_its_path() -> None:
    data = small()
    data["units"][4]["resident_population"] = "12000"
    data["lineage"][1]["effective"] = "2025-07-01T00:00:00"
    data["subjects"][0]["tests"][1]["result"] = "unclear"
    data["subjects"][0]["rehab_episodes"][0].pop("end")
    data["subjects"][2]["statuses"][0]["kind"] = "dealer"
    data["unit_facts"][1]["value"] = -2
    found = [(p.table, p.location, p.reason, p.record_id) for p in problems_of(data)]
    # Problems inside a subject are filed under the table of the row they are in.
    assert found == [
        ("units", "$.units[4].resident_population", "expected an integer", "16200"),
        ("lineage", "$.lineage[1].effective", "expected a date written YYYY-MM-DD", "16003->16100"),
        (
            "status_periods",
            "$.subjects[2].statuses[0].kind",
            "expected one of: addict, illegal_user, post_rehab, psychosis, released_offender",
            "S-0003",
        ),
        (
            "drug_tests",
            "$.subjects[0].tests[1].result",
            "expected one of: negative, positive",
            "S-0001",
        ),
        (
            "rehab_episodes",
            "$.subjects[0].rehab_episodes[0]",
            "a completed episode needs an end date",
            "S-0001",
        ),
        ("unit_facts", "$.unit_facts[1].value", "value must not be negative", "16200"),
    ]


def test_summary_line_names_the_count_and_the_first_problem() -> None:
    data = small()
    data["units"][1]["kind"] = "hamlet"
    data["units"][2]["kind"] = "hamlet"
    with pytest.raises(DatasetError) as info:
        read_json_text(text(data), source="thanh-hoa.json")
    assert str(info.value) == (
        "2 problems in thanh-hoa.json; first: $.units[1].kind [16000]: expected one of: "
        "province, district, commune, ward, town, special_zone"
    )


def test_national_id_is_never_used_as_record_id() -> None:
    data = small()
    data["subjects"][1]["id"] = "001204012345"
    (problem,) = problems_of(data)
    assert problem.location == "$.subjects[1].id"
    assert problem.record_id is None
    assert "001204012345" not in str(problem)


def test_nan_is_reported_at_its_path() -> None:
    raw = SMALL.read_text(encoding="utf-8").replace('"value": 12.5', '"value": NaN')
    (problem,) = problems_of(raw)
    assert (problem.location, problem.reason) == ("$.unit_facts[1].value", "expected a number")


def test_quarantine_drops_a_bad_subject_with_all_its_rows() -> None:
    data = small()
    data["subjects"][0]["tests"][1]["date"] = "11/02/2025"
    dataset = read_json_text(text(data), quarantine=True)
    assert_nothing_lost(data, dataset)
    got = {(q.table, q.location): q for q in dataset.quarantined}
    subject = got["subjects", "$.subjects[0]"]
    assert subject.reason == "a record of this subject was quarantined ($.subjects[0].tests[1])"
    assert subject.record_id == "S-0001"
    assert subject.unit_codes == ("16000", "16100")
    assert set(got) == {
        ("subjects", "$.subjects[0]"),
        ("residences", "$.subjects[0].residences[0]"),
        ("residences", "$.subjects[0].residences[1]"),
        ("status_periods", "$.subjects[0].statuses[0]"),
        ("status_periods", "$.subjects[0].statuses[1]"),
        ("drug_tests", "$.subjects[0].tests[0]"),
        ("drug_tests", "$.subjects[0].tests[1]"),
        ("rehab_episodes", "$.subjects[0].rehab_episodes[0]"),
    }
    bad = got["drug_tests", "$.subjects[0].tests[1]"]
    assert bad.reason == "$.subjects[0].tests[1].date: expected a date written YYYY-MM-DD"
    child = got["drug_tests", "$.subjects[0].tests[0]"]
    assert child.reason == "dropped with its subject ($.subjects[0])"
    assert child.unit_codes == ("16000", "16100")
    assert "S-0001" not in dataset.subjects["id"].to_list()
    assert "S-0001" not in dataset.drug_tests["subject_id"].to_list()


def test_quarantined_unit_stays_as_a_placeholder_with_its_dependents() -> None:
    data = small()
    data["units"][1]["valid_from"] = "2026-01-01"  # after its valid_to: unit 16000 is bad
    dataset = read_json_text(text(data), quarantine=True)
    assert_nothing_lost(data, dataset)
    (record,) = dataset.quarantined
    assert (record.table, record.location, record.unit_codes) == ("units", "$.units[1]", ("16000",))
    assert record.reason == "$.units[1].valid_to: valid_to is before valid_from"
    # The unit stays in the map (its dates contradict each other, so they are open) and
    # nothing that refers to it is lost: its link, its people and their records stay.
    placeholder = dataset.units.filter(pl.col("code") == "16000").row(0, named=True)
    assert placeholder["kind"] == "commune" and placeholder["parent_code"] == "38"
    assert (placeholder["valid_from"], placeholder["valid_to"]) == (None, None)
    assert dataset.lineage.height == 2
    assert dataset.subjects["id"].to_list() == ["S-0001", "S-0002", "S-0003"]


def test_quarantined_province_keeps_its_communes() -> None:
    data = small()
    data["units"][0]["kind"] = "country"
    dataset = read_json_text(text(data), quarantine=True)
    assert_nothing_lost(data, dataset)
    # The official map has province 38 and nothing readable in the bad row contradicts it.
    assert dataset.units.height == 5
    province = dataset.units.filter(pl.col("code") == "38").row(0, named=True)
    assert province["kind"] == "province" and province["name"] == "Tỉnh Thanh Hóa"
    assert dataset.subjects.height == 3
    assert [q.location for q in dataset.quarantined] == ["$.units[0]"]


def test_quarantine_of_broken_elements_of_any_shape() -> None:
    data = small()
    data["units"].append("not an object")
    data["subjects"].append(
        {"id": 7, "tests": [{"date": "2025-01-01", "result": "negative"}], "x": 1}
    )
    data["subjects"].append(None)
    dataset = read_json_text(text(data), quarantine=True)
    assert_nothing_lost(data, dataset)
    got = {q.location: q for q in dataset.quarantined}
    assert got["$.units[5]"].reason == "$.units[5]: expected an object"
    assert got["$.subjects[3]"].reason.startswith(
        "$.subjects[3].id: expected a string; $.subjects[3]: unknown key (the 3rd key"
    )
    assert got["$.subjects[3].tests[0]"].record_id is None
    assert got["$.subjects[4]"].unit_codes == ()


def test_cross_record_problems_in_a_document() -> None:
    data = small()
    data["subjects"][2]["id"] = "S-0002"
    data["subjects"][1]["residences"].append({"unit_code": "99999", "start": "2024-01-01"})
    data["unit_facts"][0]["unit_code"] = "16999"
    data["lineage"][0]["effective"] = "2025-06-30"
    found = [(p.location, p.reason, p.record_id) for p in problems_of(data)]
    assert found == [
        (
            "$.lineage[0]",
            "effective (2025-06-30) is not the successor's valid_from (2025-07-01)",
            "16000->16100",
        ),
        ("$.subjects[1]", "duplicate subject id: 2 records have this id", "S-0002"),
        ("$.subjects[2]", "duplicate subject id: 2 records have this id", "S-0002"),
        ("$.subjects[1].residences[1]", "unit_code 99999 does not match any unit", "S-0002"),
        (
            "$.subjects[1].residences[1]",
            "residence overlaps another residence of the same subject "
            "(a person lives in one unit at a time)",
            "S-0002",
        ),
        ("$.unit_facts[0]", "unit_code 16999 does not match any unit", "16999"),
    ]
    dataset = read_json_text(text(data), quarantine=True)
    assert_nothing_lost(data, dataset)
    assert dataset.subjects["id"].to_list() == ["S-0001"]


def test_duplicate_subjects_in_a_document_take_their_own_children() -> None:
    data = small()
    data["subjects"][2]["id"] = "S-0002"
    dataset = read_json_text(text(data), quarantine=True)
    assert_nothing_lost(data, dataset)
    got = {q.location: q for q in dataset.quarantined}
    assert got["$.subjects[2].statuses[0]"].reason == "dropped with its subject ($.subjects[2])"
    assert got["$.subjects[2].statuses[0]"].unit_codes == ("16003",)
    assert got["$.subjects[1].tests[0]"].unit_codes == ("16200",)


def test_validate_lists_every_problem_without_raising(tmp_path: Path) -> None:
    data = small()
    for unit in data["units"][1:]:
        unit["kind"] = "hamlet"
    path = tmp_path / "bad.json"
    path.write_text(text(data), encoding="utf-8")
    problems = validate(path)
    assert [p.location for p in problems] == [f"$.units[{i}].kind" for i in range(1, 5)]


def test_lenient_load_of_a_clean_document_quarantines_nothing() -> None:
    data = copy.deepcopy(small())
    dataset = read_json_text(text(data), quarantine=True)
    assert dataset.quarantined == ()
    assert dataset.counts() == dict(input_rows(data))
