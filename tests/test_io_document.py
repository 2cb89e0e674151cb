"""The document converter: strict types, unknown keys, paths of errors, small output."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from cattrs.errors import ClassValidationError

from drugfree_core.dataset.document import (
    FORMAT,
    DatasetDocument,
    converter,
    describe_errors,
    object_pairs,
)
from drugfree_core.model import (
    AdminUnit,
    DrugTest,
    RehabEpisode,
    RehabForm,
    Subject,
    TestMethod,
    TestResult,
    UnitFact,
    UnitKind,
)

SMALL = Path(__file__).parent / "data" / "io" / "small.json"


def small() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SMALL.read_text(encoding="utf-8"))
    return data


def errors_of(data: Any, cls: type = DatasetDocument) -> list[tuple[str, str]]:
    with pytest.raises(ClassValidationError) as info:
        converter.structure(data, cls)
    return describe_errors(info.value)


def test_small_document_round_trips_exactly() -> None:
    data = small()
    doc = converter.structure(data, DatasetDocument)
    assert doc.format == FORMAT
    assert doc.units[3].name == "Phường Hạc Thành"
    assert doc.subjects[0].tests[0].method is TestMethod.CONFIRMATORY
    again = converter.structure(converter.unstructure(doc), DatasetDocument)
    assert again == doc


def test_output_leaves_defaults_out() -> None:
    doc = DatasetDocument(
        format=FORMAT,
        subjects=(
            Subject(
                id="S1", tests=(DrugTest(date=dt.date(2025, 1, 2), result=TestResult.NEGATIVE),)
            ),
        ),
    )
    assert converter.unstructure(doc) == {
        "format": FORMAT,
        "subjects": [{"id": "S1", "tests": [{"date": "2025-01-02", "result": "negative"}]}],
    }


@pytest.mark.parametrize(
    "value",
    [
        "2025-1-2",
        "20250102",
        "2025-W01-1",
        "2025-01-02T00:00:00",
        "2025-02-30",
        " 2025-01-02",
        20250102,
    ],
)
def test_dates_must_be_iso_days(value: object) -> None:
    data = {"date": value, "result": "negative"}
    assert [p for p, _ in errors_of(data, DrugTest)] == ["$.date"]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("resident_population", "12", "expected an integer"),
        ("resident_population", 12.0, "expected an integer"),
        ("resident_population", True, "expected an integer"),
        ("resident_population", -1, "resident_population must not be negative"),
        ("name", 5, "expected a string"),
        ("name", "", "name must not be empty"),
        (
            "name",
            "Xã\tA",
            "name contains a control character, such as a line break, tab, NUL or escape",
        ),
        ("name", "\ud800", "text is not valid Unicode: it holds a lone surrogate"),
        (
            "resident_population",
            2**63,
            f"integer out of range: it must lie between {-(2**63)} and {2**63 - 1}",
        ),
        ("resident_population", True, "expected an integer"),
        ("kind", "Ward", "expected one of: province, district, commune, ward, town, special_zone"),
        (
            "code",
            "123456789012",
            "code looks like a national identity number; use a pseudonymous id",
        ),
        ("code", "a b", "code must be 1-64 characters of letters, digits, '.', '_', ':' or '-'"),
        ("code", "C1\n", "code must be 1-64 characters of letters, digits, '.', '_', ':' or '-'"),
        ("valid_to", "2020-01-01", "valid_to is before valid_from"),
    ],
)
def test_unit_field_errors(field: str, value: object, reason: str) -> None:
    data = {"code": "C1", "name": "Xã A", "kind": "ward", "valid_from": "2021-01-01", field: value}
    assert errors_of(data, AdminUnit) == [(f"$.{field}", reason)]


def test_booleans_are_not_coerced() -> None:
    data = {
        "form": "opioid_substitution",
        "start": "2024-01-01",
        "end": "2024-02-01",
        "minor": "false",
    }
    assert errors_of(data, RehabEpisode) == [("$.minor", "expected true or false")]


def test_non_finite_numbers_are_rejected() -> None:
    text = '{"unit_code": "C1", "kind": "drug_use_locations", "period_start": "2024-01-01",'
    text += ' "period_end": "2024-01-31", "value": NaN}'
    data = json.loads(text, parse_constant=float)
    assert errors_of(data, UnitFact) == [("$.value", "expected a finite number")]


def test_check_across_fields_is_reported_at_the_record() -> None:
    data = {"form": "opioid_substitution", "start": "2024-01-01", "completed": True}
    assert errors_of(data, RehabEpisode) == [("$", "a completed episode needs an end date")]


def test_unknown_keys_are_rejected_at_every_level() -> None:
    data = small()
    data["units"][0]["population"] = 1
    data["subjects"][1]["tests"][0]["lab"] = "X"
    data["subjects"][2]["name"] = "Nguyễn Văn A"
    data["subjects"][0]["079123456789"] = "id-card number used as a key"
    data["subjects"][0]["statuse"] = []
    found = errors_of(data)
    paths = [p for p, _ in found]
    # The object is the location; the key is named by position, never quoted.
    assert paths == [
        "$.units[0]",
        "$.subjects[0]",
        "$.subjects[0]",
        "$.subjects[1].tests[0]",
        "$.subjects[2]",
    ]
    assert all(r.startswith("unknown key (the ") for _, r in found)
    assert "079123456789" not in repr(found) and "Nguyễn" not in repr(found)
    assert "the 4th key of this object); allowed keys: code, name" in found[0][1]
    assert "did you mean 'statuses'?" in found[2][1]


def test_duplicate_keys_are_rejected() -> None:
    text = '{"date": "2025-01-01", "result": "negative", "result": "positive"}'
    data = json.loads(text, object_pairs_hook=object_pairs)
    assert errors_of(data, DrugTest) == [("$.result", "key given more than once")]


def test_every_problem_of_a_record_is_reported_with_its_path() -> None:
    data = {
        "id": "123456789",
        "residences": [{"unit_code": "C1", "start": "2024-05-01", "end": "2024-01-01"}],
        "tests": [{"date": "2024-13-01", "result": "maybe"}, {"result": "positive"}],
        "statuses": "addict",
    }
    assert sorted(errors_of(data, Subject)) == sorted(
        [
            ("$.id", "id looks like a national identity number; use a pseudonymous id"),
            ("$.residences[0].end", "end is before start"),
            ("$.tests[0].date", "expected a date written YYYY-MM-DD that exists"),
            ("$.tests[0].result", "expected one of: negative, positive"),
            ("$.tests[1].date", "required field missing"),
            ("$.statuses", "expected a list"),
        ]
    )


def test_lists_must_be_json_arrays() -> None:
    assert errors_of({"format": FORMAT, "units": {"code": "C1"}}) == [
        ("$.units", "expected a list")
    ]
    assert errors_of({"format": FORMAT, "units": ["C1"]}) == [("$.units[0]", "expected an object")]


def test_format_is_checked() -> None:
    assert errors_of({"format": "drugfree-dataset/2"}) == [
        ("$.format", "format must be 'drugfree-dataset/1'")
    ]
    assert errors_of({}) == [("$.format", "required field missing")]


def test_messages_do_not_repeat_subject_values() -> None:
    data = {
        "id": "S1",
        "statuses": [
            {
                "kind": "addict",
                "start": "2024-05-01",
                "end": "2024-03-01",
                "management_start": "2024-04-01",
            }
        ],
    }
    found = errors_of(data, Subject)
    assert found == [("$.statuses[0].end", "end is before start")]
    data["statuses"][0]["end"] = "2024-03-15"
    data["statuses"][0]["start"] = "2024-03-01"
    found = errors_of(data, Subject)
    assert found == [("$.statuses[0]", "management_start is after end")]
    assert "2024" not in repr(found)


def test_records_built_in_python_unstructure_to_wire_values() -> None:
    unit = AdminUnit(code="C1", name="Đặc khu Phú Quốc", kind=UnitKind.SPECIAL_ZONE)
    episode = RehabEpisode(
        form=RehabForm.VOLUNTARY_HOME_COMMUNITY, start=dt.date(2024, 1, 1), minor=True
    )
    assert converter.unstructure(unit) == {
        "code": "C1",
        "name": "Đặc khu Phú Quốc",
        "kind": "special_zone",
    }
    assert converter.unstructure(episode) == {
        "form": "voluntary_home_community",
        "start": "2024-01-01",
        "minor": True,
    }
