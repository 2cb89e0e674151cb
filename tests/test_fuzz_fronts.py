"""Fuzzing the fronts: corrupted datasets through the command line and the HTTP service.

The same corruptions as ``test_fuzz_doors.py`` (JSON documents, CSV folders), but read
by ``drugfree validate``, ``drugfree evaluate --quarantine`` and ``drugfree report
--quarantine``, and uploaded to ``POST /v1/validate``. The fronts add their own promises:
an exit code of 0, 1 or 2 (or an HTTP status of 200, 400 or 413), never a traceback
nor a 500; an error said in words; and no personal value in anything they print, write
or answer.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hostile import ON, assert_private
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from test_fuzz_doors import _csv_text, _document, _tables, json_corruption, table_corruption

from drugfree_core.cli.main import cli
from drugfree_core.service import ServiceConfig, create_app, mint_token
from drugfree_core.testing.strategies import dataset_records

COMMANDS = (
    ("validate", "{data}"),
    (
        "evaluate",
        "{data}",
        "--scheme",
        "mps-recognition-2024",
        "--date",
        "2025-10-01",
        "--quarantine",
        "--format",
        "json",
        "--include-subjects",
    ),
    ("report", "{data}", "--date", "2025-10-01", "--quarantine", "--no-series", "--format", "json"),
)


def _run_cli(args: list[str], secrets: set[str]) -> int:
    result = CliRunner().invoke(cli, args)
    everything = result.stdout + result.stderr
    assert "Traceback" not in everything, everything[-2000:]
    unexpected = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not unexpected, repr(result.exception)
    assert result.exit_code in (0, 1, 2), (result.exit_code, everything[-2000:])
    assert "stopped on an unexpected" not in everything, everything[-2000:]
    assert_private([everything], secrets, f"the output of drugfree {args[0]}")
    if result.exit_code:
        said = [line for line in (result.stderr or result.stdout).splitlines() if line.strip()]
        assert said, "a failing command must say why"
    event(f"drugfree {args[0]}: exit {result.exit_code}")
    return result.exit_code


@settings(max_examples=40)
@given(records=dataset_records(on=ON, max_subjects=3), data=st.data())
def test_corrupted_json_through_the_cli(records: Any, data: st.DataObject) -> None:
    document = _document(records)
    secrets: set[str] = set()
    for _ in range(data.draw(st.integers(1, 2), label="corruptions")):
        facts = data.draw(json_corruption(document), label="corruption")
        note(repr(facts)[:300])
        if facts.get("secret"):
            secrets.add(facts["secret"])
    command = data.draw(st.sampled_from(COMMANDS), label="command")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        _run_cli([arg.format(data=path) for arg in command], secrets)


@settings(max_examples=40)
@given(records=dataset_records(on=ON, max_subjects=3), data=st.data())
def test_corrupted_tables_through_the_cli(records: Any, data: st.DataObject) -> None:
    tables = _tables(records)
    secrets: set[str] = set()
    headerless: set[str] = set()
    for _ in range(data.draw(st.integers(1, 2), label="corruptions")):
        kind, facts = data.draw(table_corruption(tables, headerless), label="corruption")
        note(f"{kind}: {facts}"[:300])
        if facts.get("secret"):
            secrets.add(facts["secret"])
        if facts.get("no_header"):
            headerless.add(facts["table"])
    command = data.draw(st.sampled_from(COMMANDS), label="command")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        for name, rows in tables.items():
            (folder / f"{name}.csv").write_text(_csv_text(rows), encoding="utf-8")
        _run_cli([arg.format(data=folder) for arg in command], secrets)


# ------------------------------------------------------------------------ the service


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, str]]:
    root = tmp_path_factory.mktemp("fuzz-service")
    document = {"format": "drugfree-dataset/1", "subjects": []}
    (root / "data.json").write_text(json.dumps(document), encoding="utf-8")
    secret, entry = mint_token("fuzz", "national", ["aggregates"])
    (root / "tokens.toml").write_text(entry, encoding="utf-8")
    config = ServiceConfig(
        source=root / "data.json",
        tokens=root / "tokens.toml",
        audit_log=root / "audit.jsonl",
        max_body_bytes=200_000,
    )
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        yield client, secret


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=dataset_records(on=ON, max_subjects=3), data=st.data())
def test_corrupted_uploads_to_the_service(
    service: tuple[TestClient, str], records: Any, data: st.DataObject
) -> None:
    client, token = service
    document = _document(records)
    secrets: set[str] = set()
    for _ in range(data.draw(st.integers(1, 3), label="corruptions")):
        facts = data.draw(json_corruption(document), label="corruption")
        note(repr(facts)[:300])
        if facts.get("secret"):
            secrets.add(facts["secret"])
    body = json.dumps(document, ensure_ascii=True).encode()
    damage = data.draw(st.sampled_from([None, None, "truncate", "latin-1", "empty"]))
    if damage == "truncate":
        body = body[: data.draw(st.integers(0, len(body)), label="cut")]
    elif damage == "latin-1":
        body = json.dumps(document, ensure_ascii=False).encode("latin-1", errors="replace")
    elif damage == "empty":
        body = b""
    response = client.post(
        "/v1/validate", content=body, headers={"Authorization": f"Bearer {token}"}
    )
    event(f"service: {response.status_code}")
    assert response.status_code in (200, 400, 413), response.text[:2000]
    answer = response.json()
    assert_private([response.text], secrets, "the service's answer")
    if response.status_code == 200:
        for problem in answer["problems"]:
            assert problem["location"].startswith(("$", "upload")), problem
            assert problem["reason"].strip() and "\n" not in problem["reason"], problem
    else:
        assert response.headers["content-type"] == "application/problem+json"
        assert answer["detail"].strip()
