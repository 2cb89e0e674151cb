"""Fuzzing the PostgreSQL door: corrupted tables in a real server (tests/pgserver.py).

The door shares the table doors' staging (``io/table_door.py`` ``stage_frames``), so the
same frame corruptions as the Parquet fuzz run here, written with the library's own
writer (``save`` to a ``postgresql://`` URI, which may itself refuse a frame with a
library error). Columns a server cannot hold as such (lists, categoricals, a column of
nothing) and text with NUL characters (which PostgreSQL text cannot store) are left
out. Then a few relations only a database has: ``infinity`` dates, ``NaN`` numerics, a
view whose cast fails on a person's value.
"""

from __future__ import annotations

import itertools
from typing import Any

import polars as pl
import pytest
from conftest import records_to_frames
from hostile import (
    ON,
    Expect,
    assert_private,
    check_door,
    frame_corruption,
    hostile_texts,
    library_only,
)
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import drugfree_core as dfc
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.io.postgres import display_uri, write_postgres
from drugfree_core.testing.strategies import dataset_records

_schemas = itertools.count()
SQL_KINDS = ("text", "int", "float", "bool", "date", "datetime", "binary", "uint64")


def _fresh(uri: str) -> tuple[str, str]:
    schema = f"fz{next(_schemas)}"
    return schema, f"{uri}?schema={schema}"


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=dataset_records(on=ON, max_subjects=3), data=st.data())
def test_postgres_relations_corrupted(postgres_uri: str, records: Any, data: st.DataObject) -> None:
    frames = {n: f for n, f in records_to_frames(records).items() if f.height or n == "units"}
    secrets: set[str] = set()
    musts: dict[str, str] = {}
    texts = hostile_texts().map(lambda t: t.replace("\x00", ""))
    for _ in range(data.draw(st.integers(1, 2), label="corruptions")):
        facts = data.draw(frame_corruption(frames, SQL_KINDS, texts), label="corruption")
        note(str(facts))
        if facts.get("secret"):
            secrets.add(facts["secret"])
        musts.pop(facts.get("table", ""), None)
        if facts.get("must"):
            musts[facts["table"]] = facts["must"]
    schema, uri = _fresh(postgres_uri)
    _, refused = library_only(lambda: write_postgres(frames, uri))
    if refused is not None:
        # The writer's own refusal: one line, located at the database, nothing personal.
        assert str(refused).startswith(f"cannot write to {display_uri(uri)}"), str(refused)
        assert_private([str(refused)], secrets, "the writer's refusal")
        return
    expect = Expect(
        rows={n: f.height for n, f in frames.items()},
        secrets=frozenset(secrets),
        places=(f"{schema}.", display_uri(uri)),
        must_fail=next(iter(musts.values()), None),
    )
    note(str(check_door(uri, expect)))


def _run(uri: str, sql: str) -> None:
    import adbc_driver_postgresql.dbapi as driver

    with driver.connect(uri) as connection, connection.cursor() as cursor:
        for statement in sql.split(";\n"):
            if statement.strip():
                cursor.execute(statement)
        connection.commit()


UNITS = """
CREATE TABLE {s}.units (code text, name text, kind text, parent_code text,
    resident_population {pop}, valid_from date, valid_to date);
INSERT INTO {s}.units VALUES ('98', 'Tỉnh Ví Dụ', 'province', NULL, NULL, NULL, NULL),
    ('98001', 'Xã An', 'commune', '98', {value}, {date}, NULL);
CREATE TABLE {s}.subjects (id text);
INSERT INTO {s}.subjects VALUES ('S1')
"""


@pytest.mark.parametrize(
    ("pop", "value", "date", "reason"),
    [
        ("int8", "1000", "'infinity'", "valid_from: value is not a date between the years"),
        ("int8", "1000", "'-infinity'", "valid_from: value is not a date between the years"),
        ("int8", "1000", "'5874897-12-31'", "valid_from: value is not a date between the years"),
        ("int8", "1000", "'0001-01-01 BC'", "valid_from: value is not a date between the years"),
        ("numeric", "'NaN'", "NULL", "resident_population:"),
        ("numeric", "1e400", "NULL", "resident_population:"),
        ("numeric", "-5", "NULL", "resident_population must not be negative"),
        ("float8", "'Infinity'", "NULL", "resident_population:"),
        ("text", "'12 000'", "NULL", "resident_population: '12 000' is not an integer"),
    ],
)
def test_database_only_values_are_problems_at_their_row(
    postgres_uri: str, pop: str, value: str, date: str, reason: str
) -> None:
    schema, uri = _fresh(postgres_uri)
    _run(
        postgres_uri,
        f"CREATE SCHEMA {schema};\n" + UNITS.format(s=schema, pop=pop, value=value, date=date),
    )
    problems, error = library_only(lambda: dfc.validate(uri))
    assert error is None
    assert [p.location for p in problems] == [f"{schema}.units:row 2"], problems
    assert reason in problems[0].reason, problems[0].reason
    dataset, error = library_only(lambda: dfc.load(uri, quarantine=True))
    assert error is None and isinstance(dataset, Dataset)
    # The bad row is listed, and its unit stays in the map as a placeholder.
    assert [q.location for q in dataset.quarantined] == [f"{schema}.units:row 2"]
    assert dataset.units.height == 2


def test_a_view_whose_cast_fails_never_quotes_the_value(postgres_uri: str) -> None:
    schema, uri = _fresh(postgres_uri)
    _run(
        postgres_uri,
        f"""CREATE SCHEMA {schema};
CREATE TABLE {schema}.units (code text, name text, kind text, parent_code text);
INSERT INTO {schema}.units VALUES ('98', 'Tỉnh', 'province', NULL),
    ('98001', 'Xã', 'commune', '98');
CREATE TABLE {schema}.subjects (id text);
INSERT INTO {schema}.subjects VALUES ('S1');
CREATE TABLE {schema}.raw_residences (sid text, unit text, since text);
INSERT INTO {schema}.raw_residences VALUES ('S1', '98001', '31/12/1987');
CREATE VIEW {schema}.residences AS
    SELECT sid AS subject_id, unit AS unit_code, since::date AS start, NULL::date AS "end"
    FROM {schema}.raw_residences""",
    )
    problems, error = library_only(lambda: dfc.validate(uri))
    assert error is None
    assert [p.location for p in problems] == [f"{schema}.residences"]
    assert problems[0].reason.startswith("cannot be read: "), problems[0].reason
    assert_private([str(p) for p in problems], {"31/12/1987", "1987"}, "a read error")
    _, error = library_only(lambda: dfc.load(uri))
    assert isinstance(error, dfc.DatasetError)
    assert "1987" not in str(error)


def test_text_the_server_refuses_is_a_writer_error_without_the_value(postgres_uri: str) -> None:
    _, uri = _fresh(postgres_uri)
    frames = {
        "units": pl.DataFrame({"code": ["P"], "name": ["Tỉnh"], "kind": ["province"]}),
        "subjects": pl.DataFrame({"id": ["S1"]}),
        "residences": pl.DataFrame({"subject_id": ["S1"], "unit_code": ["SECRET\x00042"]}),
    }
    _, error = library_only(lambda: write_postgres(frames, uri))
    assert isinstance(error, dfc.UsageError)
    assert "SECRET" not in str(error) and "042" not in str(error)
