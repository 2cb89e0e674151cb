"""Pseudonymisation: same key, same ids; another key, unlinkable; the key never shows."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import drugfree_core as dfc
from drugfree_core.cli.main import cli
from drugfree_core.errors import UsageError
from drugfree_core.io import pseudonym, pseudonymise, read_key
from drugfree_core.model._checks import is_identifier

KEY = b"k" * 8 + b"province-31-secret-key-0123456789"
OTHER = b"another-province-key-9876543210xx"
NUMBERS = ["001234567890", "001234567891", "038099001122"]

UNITS = "code,name,kind,parent_code\n98,Tỉnh Ví Dụ,province,\n98001,Xã An,commune,98\n"


def extract(root: Path, fmt: str = "csv") -> Path:
    """A dataset folder whose subject ids are identity numbers (as a case system has them)."""
    root.mkdir()
    frames = {
        "units": pl.read_csv(UNITS.encode(), infer_schema=False),
        "subjects": pl.DataFrame({"id": NUMBERS}),
        "residences": pl.DataFrame(
            {
                "subject_id": [f" {n} " for n in NUMBERS],
                "unit_code": ["98001"] * 3,
                "start": ["2020-01-01"] * 3,
            }
        ),
        "drug_tests": pl.DataFrame(
            {
                "subject_id": [NUMBERS[0], NUMBERS[0], NUMBERS[2]],
                "date": ["2025-01-02", "2025-03-04", "2025-05-06"],
                "result": ["negative"] * 3,
            }
        ),
    }
    for name, frame in frames.items():
        if fmt == "csv":
            frame.write_csv(root / f"{name}.csv")
        else:
            frame.write_parquet(root / f"{name}.parquet")
    return root


def all_text(folder: Path) -> str:
    return "\n".join(
        pl.read_parquet(p).write_csv() if p.suffix == ".parquet" else p.read_text("utf-8")
        for p in sorted(folder.iterdir())
    )


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_folder_loads_after_pseudonymisation_with_every_reference_kept(
    tmp_path: Path, fmt: str
) -> None:
    source = extract(tmp_path / "in", fmt)
    with pytest.raises(dfc.DatasetError, match="national identity number"):
        dfc.load(source)
    summary = pseudonymise(source, tmp_path / "out", KEY)
    assert summary.distinct == 3 and summary.cells == 3 + 3 + 3
    dataset = dfc.load(tmp_path / "out")
    ids = sorted(dataset.subjects["id"])
    assert ids == sorted(pseudonym(n, KEY) for n in NUMBERS)
    assert all(is_identifier(i) for i in ids)
    tests = dataset.drug_tests["subject_id"].to_list()
    assert tests.count(pseudonym(NUMBERS[0], KEY)) == 2
    text = all_text(tmp_path / "out")
    for number in NUMBERS:
        assert number not in text
    assert "Xã An" in text  # other tables are copied unchanged


def test_same_key_same_ids_across_extracts_and_another_key_unlinkable(tmp_path: Path) -> None:
    first = pseudonymise(extract(tmp_path / "a"), tmp_path / "a-out", KEY)
    second = pseudonymise(extract(tmp_path / "b"), tmp_path / "b-out", KEY)
    other = pseudonymise(extract(tmp_path / "c"), tmp_path / "c-out", OTHER)
    assert first.distinct == second.distinct == other.distinct == 3
    ids = [set(dfc.load(tmp_path / f"{x}-out").subjects["id"]) for x in "abc"]
    assert ids[0] == ids[1]
    assert not ids[0] & ids[2]


@given(st.text(alphabet="0123456789", min_size=9, max_size=12))
def test_pseudonyms_are_deterministic_keyed_and_valid_ids(number: str) -> None:
    made = pseudonym(number, KEY)
    assert made == pseudonym(number, KEY) == pseudonym(f"  {number}\n", KEY)
    assert made != pseudonym(number, OTHER)
    assert re.fullmatch(r"p-[a-z2-7]{26}", made) and is_identifier(made)


def test_a_json_document_and_a_single_file(tmp_path: Path) -> None:
    document = {
        "format": "drugfree-dataset/1",
        "units": [{"code": "98", "name": "Tỉnh Ví Dụ", "kind": "province"}],
        "subjects": [{"id": n, "residences": []} for n in NUMBERS],
    }
    (tmp_path / "in.json").write_text(json.dumps(document), encoding="utf-8")
    summary = pseudonymise(tmp_path / "in.json", tmp_path / "out.json", KEY)
    assert summary.cells == 3
    out = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [s["id"] for s in out["subjects"]] == [pseudonym(n, KEY) for n in NUMBERS]

    pl.DataFrame({"cccd": NUMBERS, "visits": [1, 2, 3]}).write_csv(tmp_path / "list.csv")
    pseudonymise(tmp_path / "list.csv", tmp_path / "list-out.csv", KEY, columns=["cccd"])
    rewritten = pl.read_csv(tmp_path / "list-out.csv", infer_schema=False)
    assert rewritten["cccd"].to_list() == [pseudonym(n, KEY) for n in NUMBERS]
    assert rewritten["visits"].to_list() == ["1", "2", "3"]
    with pytest.raises(UsageError, match="name the columns"):
        pseudonymise(tmp_path / "list.csv", tmp_path / "x.csv", KEY)
    with pytest.raises(UsageError, match=r"^list\.csv: no column 'nope'$"):
        pseudonymise(tmp_path / "list.csv", tmp_path / "y.csv", KEY, columns=["nope"])
    with pytest.raises(UsageError, match="already exists"):
        pseudonymise(tmp_path / "list.csv", tmp_path / "list-out.csv", KEY, columns=["cccd"])


def test_keys_come_from_the_environment_or_a_file_and_short_keys_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DRUGFREE_PSEUDONYM_KEY", KEY.decode() + "\n")
    assert read_key() == KEY
    (tmp_path / "key").write_bytes(OTHER + b"\n")
    assert read_key(file=tmp_path / "key") == OTHER
    monkeypatch.setenv("SHORT", "abc")
    with pytest.raises(UsageError) as info:
        read_key(env="SHORT")
    assert "abc" not in str(info.value) and "3 bytes" in str(info.value)
    monkeypatch.delenv("DRUGFREE_PSEUDONYM_KEY")
    with pytest.raises(UsageError, match="no key"):
        read_key()


def test_the_cli_never_shows_the_key_or_a_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    source = extract(tmp_path / "in")
    monkeypatch.setenv("DRUGFREE_PSEUDONYM_KEY", KEY.decode())
    result = CliRunner().invoke(cli, ["pseudonymise", str(source), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "9 cells rewritten, 3 distinct identity numbers" in result.output
    visible = result.output + caplog.text + all_text(tmp_path / "out")
    assert KEY.decode() not in visible
    for number in NUMBERS:
        assert number not in visible
    # A failure names the problem, not the key.
    monkeypatch.setenv("DRUGFREE_PSEUDONYM_KEY", "tooshort")
    failed = CliRunner().invoke(cli, ["pseudonymise", str(source), str(tmp_path / "o2")])
    assert failed.exit_code == 2 and "tooshort" not in failed.output
