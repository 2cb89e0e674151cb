"""The PostgreSQL door, against a real server (tests/pgserver.py starts one per session)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

import drugfree_core as dfc
from drugfree_core.cli.main import cli
from drugfree_core.errors import DatasetError, UsageError
from drugfree_core.io import display_source, is_database_uri
from drugfree_core.io.postgres import split_uri
from drugfree_core.reports.provenance import fingerprint
from drugfree_core.samples import demo_path

VIEWS_SQL = Path(__file__).resolve().parents[1] / "docs" / "examples" / "postgres-views.sql"
DEMO_DATE = dt.date(2025, 10, 1)
_schemas = itertools.count()


def run_sql(uri: str, text: str) -> None:
    """Run the statements of *text* (separated by ``;`` at a line's end) and commit."""
    import adbc_driver_postgresql.dbapi as driver

    with driver.connect(uri) as connection, connection.cursor() as cursor:
        for statement in text.split(";\n"):
            if statement.strip() and not all(
                line.strip().startswith("--") or not line.strip() for line in statement.splitlines()
            ):
                cursor.execute(statement)
        connection.commit()


def fresh_schema() -> str:
    return f"t{next(_schemas)}"


def with_schema(uri: str, schema: str) -> str:
    return f"{uri}?schema={schema}"


# ----------------------------------------------------------------------------- URIs


def test_uris_are_recognised_and_shown_without_their_password() -> None:
    assert is_database_uri("postgresql://u@h/db")
    assert is_database_uri("postgres://u@h/db")
    assert not is_database_uri("province.json")
    assert not is_database_uri(Path("postgresql:"))
    uri = "postgresql://ann:s3cret@db.example:5432/cases?schema=drugfree&sslmode=require"
    assert (
        display_source(uri)
        == "postgresql://ann@db.example:5432/cases?schema=drugfree&sslmode=require"
    )
    assert split_uri(uri) == (
        "postgresql://ann:s3cret@db.example:5432/cases?sslmode=require",
        "drugfree",
    )
    assert split_uri("postgresql://h/db")[1] == "public"
    with pytest.raises(UsageError, match="more than one schema"):
        split_uri("postgresql://h/db?schema=a&schema=b")


def test_a_refused_connection_is_one_problem_without_the_password() -> None:
    uri = "postgresql://ann:s3cret-pw@127.0.0.1:9/nowhere?connect_timeout=2"
    problems = dfc.validate(uri)
    assert len(problems) == 1
    assert "cannot connect" in problems[0].reason
    assert "s3cret-pw" not in str(problems[0])
    with pytest.raises(DatasetError) as info:
        dfc.load(uri)
    assert "s3cret-pw" not in str(info.value)
    assert "postgresql://ann@127.0.0.1:9/nowhere" in str(info.value)


# ------------------------------------------------------------------- the demo province


@pytest.fixture(scope="module")
def demo_in_postgres(postgres_uri: str) -> str:
    uri = with_schema(postgres_uri, "demo")
    dfc.save(dfc.load(demo_path()), uri)
    return uri


def test_the_demo_province_from_postgres_evaluates_byte_identically_to_parquet(
    demo_in_postgres: str, tmp_path: Path
) -> None:
    parquet = tmp_path / "demo-parquet"
    dfc.save(dfc.load(demo_path()), parquet, format="parquet")
    from_files = dfc.load(parquet)
    from_db = dfc.load(demo_in_postgres)
    assert from_db.counts() == from_files.counts()
    assert fingerprint(from_db) == fingerprint(from_files)
    for scheme_id in ("mps-recognition-2024", "qd28-2025-complex-areas"):
        scheme = dfc.get_scheme(scheme_id)
        files_json = dfc.evaluate(from_files, scheme, DEMO_DATE).to_json(indent=2)
        db_json = dfc.evaluate(from_db, scheme, DEMO_DATE).to_json(indent=2)
        assert db_json == files_json, scheme_id
        assert json.loads(db_json)["units"], "the demo evaluates some units"


def test_save_refuses_to_overwrite_tables(demo_in_postgres: str) -> None:
    with pytest.raises(UsageError, match="already has"):
        dfc.save(dfc.load(demo_path()), demo_in_postgres)


def test_the_cli_reads_a_uri_wherever_it_reads_data(demo_in_postgres: str) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", demo_in_postgres])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].endswith(": valid")
    result = runner.invoke(
        cli,
        ["evaluate", demo_in_postgres, "--scheme", "mps-recognition-2024",
         "--date", "2025-10-01", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    expected = dfc.evaluate(
        dfc.load(demo_path()), dfc.get_scheme("mps-recognition-2024"), DEMO_DATE
    ).to_json(include_subjects=False, indent=2)
    assert result.output.strip() == expected
    missing = runner.invoke(cli, ["validate", "no-such-folder"])
    assert missing.exit_code != 0 and "no-such-folder" in missing.output


# ----------------------------------------------------------------------- bad rows


BAD = """
CREATE SCHEMA {s};
CREATE TABLE {s}.units (code text, name text, kind text, parent_code text,
    resident_population numeric, valid_from date, valid_to date);
CREATE TABLE {s}.subjects (id char(5));
CREATE TABLE {s}.residences (subject_id text, unit_code text, start date, "end" date);
CREATE TABLE {s}.drug_tests (subject_id text, date text, result text);
INSERT INTO {s}.units VALUES ('98', 'Tỉnh Ví Dụ', 'province', NULL, NULL, NULL, NULL),
    ('98001', 'Xã An', 'commune', '98', 9200.0, '2025-07-01', NULL),
    ('98002', 'Xã Bình', 'commune', '98', 12.5, '2025-07-01', NULL);
INSERT INTO {s}.subjects VALUES ('S1'), ('S2'), ('S3');
INSERT INTO {s}.residences VALUES ('S1', '98001', '2020-01-01', NULL),
    ('S2', '98009', '2020-01-01', NULL), ('S3', '98001', '2021-01-01', NULL);
INSERT INTO {s}.drug_tests VALUES ('S1', '2025-02-30', 'negative'),
    ('S3', '2025-03-01', 'maybe'), ('S3', '2025-04-01', 'negative');
"""


def test_bad_rows_are_reported_with_their_table_row_and_key(postgres_uri: str) -> None:
    schema = fresh_schema()
    run_sql(postgres_uri, BAD.format(s=schema))
    uri = with_schema(postgres_uri, schema)
    problems = [(p.location, p.record_id, p.reason) for p in dfc.validate(uri)]
    assert problems == [
        (f"{schema}.units:row 3", "98002", "resident_population: '12.5' is not an integer"),
        (f"{schema}.residences:row 2", "S2", "unit_code 98009 does not match any unit"),
        (
            f"{schema}.drug_tests:row 1",
            "S1",
            "date: value is written YYYY-MM-DD but no such day exists "
            "(check month and day; years 0001-9999)",
        ),
        (f"{schema}.drug_tests:row 2", "S3", "result: value is not one of: negative, positive"),
    ]
    with pytest.raises(DatasetError, match=f"4 problems in postgresql://.*schema={schema}"):
        dfc.load(uri)

    dataset = dfc.load(uri, quarantine=True)
    quarantined = {(q.table, q.location) for q in dataset.quarantined}
    assert ("drug_tests", f"{schema}.drug_tests:row 3") in quarantined  # S3's other test
    assert dataset.subjects["id"].to_list() == []  # every person had a bad row
    # 98002's bad row is quarantined, yet the unit stays in the map as a placeholder
    # (without its population), so it is still counted among the units in force
    assert dataset.units.height == 3
    placeholder = dataset.units.filter(pl.col("code") == "98002").row(0, named=True)
    assert placeholder["resident_population"] is None and placeholder["parent_code"] == "98"

    runner = CliRunner()
    result = runner.invoke(cli, ["validate", uri])
    assert result.exit_code == 1
    assert f"{schema}.drug_tests:row 2 [S3]: result: value is not one of" in result.output


def test_whole_table_problems_are_fatal_and_name_the_relation(postgres_uri: str) -> None:
    schema = fresh_schema()
    run_sql(
        postgres_uri,
        f"""CREATE SCHEMA {schema};
        CREATE TABLE {schema}.subjects (id text, full_name text);
        CREATE TABLE {schema}.drug_tests (subject_id text, date timestamp, result text)""",
    )
    problems = [(p.location, p.reason) for p in dfc.validate(with_schema(postgres_uri, schema))]
    assert (
        f"{schema}.subjects",
        "unknown column 'full_name' (columns of subjects: id)",
    ) in problems
    assert (
        f"{schema}.drug_tests",
        "column 'date' has type timestamp; expected a date "
        '(cast it in the view: "date"::date AS "date")',
    ) in problems

    (missing,) = dfc.validate(with_schema(postgres_uri, "no_such_schema"))
    assert missing.reason == "no schema named 'no_such_schema' in the database"
    run_sql(postgres_uri, "CREATE SCHEMA empty_one")
    (empty,) = dfc.validate(with_schema(postgres_uri, "empty_one"))
    assert "has no table or view named after a dataset table" in empty.reason


# ------------------------------------------------------------- views over a case system


def test_views_over_a_case_systems_tables_load_as_the_how_to_shows(postgres_uri: str) -> None:
    # The how-to's SQL, run as it is written (docs/examples/postgres-views.sql).
    run_sql(postgres_uri, VIEWS_SQL.read_text(encoding="utf-8"))
    dataset = dfc.load(with_schema(postgres_uri, "drugfree"))
    assert dataset.counts()["subjects"] == 2
    assert sorted(dataset.subjects["id"]) == ["HS-0001", "HS-0002"]
    assert dataset.drug_tests["date"].to_list() == [dt.date(2025, 8, 20), dt.date(2025, 9, 2)]
    assert dataset.units["resident_population"].to_list()[1:] == [9200, 21500]
    # Nothing personal crossed: no column of the dataset holds the identity numbers or names.
    for frame in dataset.frames().values():
        for column in frame.columns:
            if frame.schema[column] == pl.String():
                assert not frame[column].is_in(["001234567890", "Nguyễn Văn A"]).any()
    evaluation = dfc.evaluate(dataset, dfc.get_scheme("mps-recognition-2024"), DEMO_DATE)
    assert {u.unit_code for u in evaluation.units} == {"98001", "98002"}
