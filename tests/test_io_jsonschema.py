"""The published JSON Schema agrees with the converter.

``jsonschema`` is not a dependency, so a tiny validator for exactly the keywords the
generated schema uses lives here; if ``jsonschema`` is installed, it checks the same
documents too.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from drugfree_core.dataset.checks import LOC
from drugfree_core.dataset.document import FORMAT, DatasetDocument, converter
from drugfree_core.dataset.jsonschema import SCHEMA_DIALECT, dataset_json_schema
from drugfree_core.dataset.schema import TABLES_BY_NAME
from drugfree_core.model import RehabForm, SubjectKind, UnitKind

SMALL = Path(__file__).parent / "data" / "io" / "small.json"
KNOWN = {
    "$schema",
    "title",
    "description",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "$defs",
    "$ref",
    "items",
    "anyOf",
    "enum",
    "const",
    "pattern",
    "not",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "format",
    "default",
    "allOf",
    "if",
    "then",
    "multipleOf",
}


def mini_errors(
    schema: dict[str, Any], value: Any, root: dict[str, Any], path: str = "$"
) -> list[str]:
    """Errors of *value* against *schema*, for the keywords in KNOWN only."""
    assert set(schema) <= KNOWN, set(schema) - KNOWN
    if "$ref" in schema:
        return mini_errors(root["$defs"][schema["$ref"].rsplit("/", 1)[1]], value, root, path)
    out: list[str] = []
    kind = schema.get("type")
    types = {
        "object": dict,
        "array": list,
        "string": str,
        "boolean": bool,
        "integer": int,
        "number": (int, float),
        "null": type(None),
    }
    if kind is not None:
        ok = isinstance(value, types[kind]) and not (
            kind in ("integer", "number") and isinstance(value, bool)
        )
        if not ok:
            return [f"{path}: not {kind}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: not const")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: not in enum")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        out.append(f"{path}: pattern")
    if "not" in schema and not mini_errors(schema["not"], value, root, path):
        out.append(f"{path}: matches not")
    if "minimum" in schema and value < schema["minimum"]:
        out.append(f"{path}: minimum")
    if "maximum" in schema and value > schema["maximum"]:
        out.append(f"{path}: maximum")
    if "minLength" in schema and len(value) < schema["minLength"]:
        out.append(f"{path}: minLength")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        out.append(f"{path}: maxLength")
    if "anyOf" in schema and all(mini_errors(s, value, root, path) for s in schema["anyOf"]):
        out.append(f"{path}: anyOf")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if "multipleOf" in schema and number and value % schema["multipleOf"]:
        out.append(f"{path}: multipleOf")
    for part in schema.get("allOf", []):
        out += mini_errors(part, value, root, path)
    if "if" in schema and not mini_errors(schema["if"], value, root, path):
        out += mini_errors(schema["then"], value, root, path)
    if kind == "array":
        for i, item in enumerate(value):
            out += mini_errors(schema["items"], item, root, f"{path}[{i}]")
    if kind == "object" or (kind is None and isinstance(value, dict)):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                out.append(f"{path}.{key}: required")
        for key, item in value.items():
            if key in props:
                out += mini_errors(props[key], item, root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}.{key}: additional")
    return out


def small() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SMALL.read_text(encoding="utf-8"))
    return data


def test_schema_is_draft_2020_12_and_json() -> None:
    schema = dataset_json_schema()
    assert schema["$schema"] == SCHEMA_DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(json.dumps(schema)) == schema
    assert schema["properties"]["format"]["const"] == FORMAT
    assert schema["required"] == ["format"]
    assert schema["additionalProperties"] is False


def test_every_class_is_described_closed_and_has_required_fields() -> None:
    defs = dataset_json_schema()["$defs"]
    assert defs["AdminUnit"]["required"] == ["code", "name", "kind"]
    assert defs["DrugTest"]["required"] == ["date", "result"]
    assert defs["Subject"]["required"] == ["id"]
    for name, schema in defs.items():
        assert schema["description"], name
        if schema["type"] == "object":
            assert schema["additionalProperties"] is False, name


def test_enums_carry_their_wire_values() -> None:
    defs = dataset_json_schema()["$defs"]
    assert defs["UnitKind"]["enum"] == [k.value for k in UnitKind]
    assert defs["SubjectKind"]["enum"] == [k.value for k in SubjectKind]
    assert defs["RehabForm"]["enum"] == [k.value for k in RehabForm]


def test_field_details() -> None:
    defs = dataset_json_schema()["$defs"]
    unit = defs["AdminUnit"]["properties"]
    assert unit["code"]["pattern"].startswith("^")
    assert unit["code"]["not"] == {"pattern": r"^(\d{9}|\d{12})$"}
    assert unit["resident_population"]["anyOf"] == [
        {"type": "integer", "minimum": 0, "maximum": 10**10},
        {"type": "null"},
    ]
    assert unit["name"]["minLength"] == 1
    assert unit["name"]["maxLength"] == 200
    test = defs["DrugTest"]["properties"]
    assert test["date"]["format"] == "date"
    assert test["method"] == {"$ref": "#/$defs/TestMethod", "default": "screening"}
    assert defs["Subject"]["properties"]["tests"] == {
        "type": "array",
        "items": {"$ref": "#/$defs/DrugTest"},
        "default": [],
    }
    # The record refuses a rank below 1: so does the schema (a valid document loads).
    assert defs["RehabEpisode"]["properties"]["rank"]["anyOf"] == [
        {"type": "integer", "minimum": 1},
        {"type": "null"},
    ]


def test_every_table_column_appears_in_the_schema() -> None:
    defs = dataset_json_schema()["$defs"]
    by_table = {
        "units": "AdminUnit",
        "lineage": "LineageLink",
        "residences": "Residence",
        "status_periods": "StatusPeriod",
        "drug_tests": "DrugTest",
        "rehab_episodes": "RehabEpisode",
        "custody_periods": "CustodyPeriod",
        "unit_facts": "UnitFact",
    }
    for table, cls in by_table.items():
        columns = set(TABLES_BY_NAME[table].column_names) - {"subject_id"}
        assert set(defs[cls]["properties"]) == columns, table


def test_valid_document_passes_the_schema() -> None:
    schema = dataset_json_schema()
    data = small()
    assert mini_errors(schema, data, schema) == []
    written = converter.unstructure(converter.structure(data, DatasetDocument))
    assert mini_errors(schema, written, schema) == []


MUTATIONS = [
    ("units", 0, "code", "123456789"),
    ("units", 0, "code", "has space"),
    ("units", 1, "resident_population", -5),
    ("units", 1, "kind", "village"),
    ("units", 1, "extra", 1),
    ("units", 1, "name", ""),
    ("units", 1, "name", "Xã\nMột"),
    ("units", 1, "name", "Xã\x1b[2JMột"),
    ("units", 1, "resident_population", 2**63),
    ("lineage", 0, "effective", "1 July 2025"),
    ("unit_facts", 0, "value", "3"),
    ("unit_facts", 0, "value", -1),
]


@pytest.mark.parametrize(
    ("kind", "value", "valid"),
    [
        ("drug_use_locations", 2, True),
        ("drug_use_locations", 0.5, False),
        ("arrested_drug_offenders", 1.234, False),  # a Vietnamese "1.234" is 1,234
        ("narcotic_plants_area_m2", 124.5, True),  # an area may have a fraction
        ("on_complex_route", 1, True),
        ("on_complex_route", 7, False),
        ("on_inter_provincial_route", 0.5, False),
    ],
)
def test_a_facts_value_fits_its_kind_in_every_door(kind: str, value: float, valid: bool) -> None:
    # A count is whole and a yes/no fact is 1 or 0: the record, the fast JSON path, the
    # folder door's column checks and the JSON Schema agree.
    from drugfree_core.dataset.checks import record_problems
    from drugfree_core.errors import RecordError
    from drugfree_core.model import FactKind, UnitFact

    def make() -> UnitFact:
        return UnitFact(
            unit_code="98001",
            kind=FactKind(kind),
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 3, 31),
            value=value,
        )

    if valid:
        make()
    else:
        with pytest.raises(RecordError):
            make()
    frame = pl.DataFrame(
        {
            "unit_code": ["98001"],
            "kind": [kind],
            "period_start": [dt.date(2025, 1, 1)],
            "period_end": [dt.date(2025, 3, 31)],
            "value": [float(value)],
            LOC: [0],
        }
    )
    assert record_problems("unit_facts", frame).is_empty() is valid
    jsonschema = pytest.importorskip("jsonschema")
    data = copy.deepcopy(small())
    data["unit_facts"][0].update(kind=kind, value=value)
    errors = list(jsonschema.Draft202012Validator(dataset_json_schema()).iter_errors(data))
    assert (not errors) is valid


@pytest.mark.parametrize(("table", "index", "key", "value"), MUTATIONS)
def test_schema_and_converter_reject_the_same_mutations(
    table: str, index: int, key: str, value: object
) -> None:
    schema = dataset_json_schema()
    data = copy.deepcopy(small())
    data[table][index][key] = value
    assert mini_errors(schema, data, schema)
    with pytest.raises(Exception):  # noqa: B017 - any structuring error will do
        converter.structure(data, DatasetDocument)


def test_with_jsonschema_package_if_installed() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = dataset_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(small())) == []
    for table, index, key, value in MUTATIONS:
        data = copy.deepcopy(small())
        data[table][index][key] = value
        assert list(validator.iter_errors(data)), (table, key, value)


@pytest.mark.parametrize("mark", ["\u202e", "\u2067", "\u200f"])
def test_a_name_with_a_direction_mark_is_refused_in_every_door(mark: str) -> None:
    # A right-to-left override in a unit's name reorders the verdict columns printed
    # beside it, in a terminal or a spreadsheet.
    from drugfree_core.dataset.checks import record_problems
    from drugfree_core.errors import RecordError
    from drugfree_core.model import AdminUnit

    name = f"Xã {mark}Thử"
    with pytest.raises(RecordError, match="direction mark"):
        AdminUnit(code="98001", name=name, kind=UnitKind.COMMUNE, parent_code="98")
    frame = pl.DataFrame({"code": ["98001"], "name": [name], LOC: [0]})
    frame = frame.with_columns(
        pl.lit(None, pl.String).alias("parent_code"),
        pl.lit(None, pl.Int64).alias("resident_population"),
        pl.lit(None, pl.String).alias("source_system"),
        pl.lit(None, pl.Date).alias("valid_from"),
        pl.lit(None, pl.Date).alias("valid_to"),
    )
    reasons = record_problems("units", frame)["reason"].to_list()
    assert reasons == ["name contains a direction mark, such as a right-to-left override"]
    schema = dataset_json_schema()
    data = copy.deepcopy(small())
    data["units"][0]["name"] = name
    assert mini_errors(schema, data, schema)
