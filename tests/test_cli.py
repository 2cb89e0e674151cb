"""The ``drugfree`` command: every command works, and mistakes give one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drugfree_core.cli.main import cli
from drugfree_core.samples import demo_path

DEMO = str(demo_path())
DATE = "2025-10-01"


@pytest.fixture
def run() -> object:
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, list(args))
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_demo_prints_summary_and_an_explanation(run) -> None:
    code, out, _ = run("demo")
    assert code == 0
    assert "mps-recognition-2024" in out and "qd28-2025-complex-areas" in out
    assert "TH.C3" in out and "source:" in out


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_demo_hints_run_as_printed(run, lang: str) -> None:
    code, out, _ = run("demo", "--lang", lang)
    assert code == 0
    explain, compare = out.rstrip("\n").splitlines()[-2:]
    explain = explain[explain.index("drugfree ") :]
    assert compare.index("drugfree ") == out.rstrip("\n").splitlines()[-2].index("drugfree ")
    assert "--unit 00003 " in explain  # the sample's first failing unit, not a placeholder
    for line in (explain, compare.strip()):
        code, _, err = run(*line.split()[1:])
        assert code == 0, err


def test_demo_in_vietnamese(run) -> None:
    code, out, _ = run("demo", "--lang", "vi")
    assert code == 0
    assert "kết luận" in out


def test_schemes_table_and_json(run) -> None:
    code, out, _ = run("schemes")
    assert code == 0 and "mps-recognition-2024" in out and "source:" in out
    code, out, _ = run("schemes", "--format", "json")
    data = json.loads(out)
    ids = {s["id"] for s in data["schemes"]}
    assert ids == {
        "mps-recognition-2024",
        "qd28-2025-drug-free",
        "qd28-2025-complex-areas",
        "qd28-2025-provinces",
        "qd28-2025-drug-free-province",
        "qd28-2025-drug-free-province-all-communes",
    }
    authority = {s["id"]: s["authority"] for s in data["schemes"]}
    assert authority["qd28-2025-drug-free"] == "national"
    assert authority["mps-recognition-2024"] == "provincial"
    assert all(s["sources"] and s["version"] for s in data["schemes"])
    assert all(s["plugin"] == "drugfree-core" for s in data["schemes"])
    (national,) = data["roadmaps"]
    assert national["id"] == "national-2030" and national["milestones"][-1]["share"] == "1/2"


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_evaluate_formats(run, fmt: str) -> None:
    code, out, _ = run(
        "evaluate", DEMO, "--scheme", "mps-recognition-2024", "--date", DATE, "--format", fmt
    )
    assert code == 0
    if fmt == "json":
        data = json.loads(out)
        assert data["scheme"]["id"] == "mps-recognition-2024"
        assert len(data["units"]) == sum(data["summary"]["verdicts"].values())
        assert "S0" not in out  # aggregate output carries no subject ids by default
    elif fmt == "csv":
        header = out.splitlines()[0].split(",")
        assert header[:3] == ["unit", "name", "verdict"] and "TH.C5" in header


def test_evaluate_json_with_subjects_is_opt_in(run) -> None:
    code, out, _ = run(
        "evaluate",
        DEMO,
        "--scheme",
        "mps-recognition-2024",
        "--date",
        DATE,
        "--format",
        "json",
        "--include-subjects",
    )
    assert code == 0 and "S0" in out


def test_evaluate_one_unit_and_write_file(run, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, _, _ = run(
        "evaluate",
        DEMO,
        "--scheme",
        "mps-recognition-2024",
        "--date",
        DATE,
        "--unit",
        "00003",
        "--format",
        "json",
        "--out",
        str(target),
    )
    assert code == 0
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [u["unit_code"] for u in data["units"]] == ["00003"]


@pytest.mark.parametrize("lang,word", [("en", "verdict"), ("vi", "kết luận")])
def test_explain(run, lang: str, word: str) -> None:
    code, out, _ = run(
        "explain",
        DEMO,
        "--unit",
        "00003",
        "--scheme",
        "mps-recognition-2024",
        "--date",
        DATE,
        "--lang",
        lang,
    )
    assert code == 0
    assert word in out and "TH.C1" in out and "th.test_window_days = 30" in out


def test_explain_json(run) -> None:
    code, out, _ = run(
        "explain",
        DEMO,
        "--unit",
        "00003",
        "--scheme",
        "qd28-2025-complex-areas",
        "--date",
        DATE,
        "--format",
        "json",
    )
    assert code == 0
    assert json.loads(out)["unit_code"] == "00003"


def test_schema_is_json_schema(run) -> None:
    code, out, _ = run("schema")
    assert code == 0
    schema = json.loads(out)
    assert "$schema" in schema and "units" in json.dumps(schema)


def test_validate_valid_demo(run) -> None:
    code, out, _ = run("validate", DEMO)
    assert code == 0 and "valid" in out


def test_validate_reports_every_problem(run, tmp_path: Path) -> None:
    data = json.loads(Path(DEMO).read_text(encoding="utf-8"))
    data["units"][1]["kind"] = "village"
    data["subjects"][0]["tests"][0]["date"] = "2025-13-01"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run("validate", str(bad))
    assert code == 1
    assert "$.units[1]" in out and "$.subjects[0].tests[0]" in out
    assert "2 problems in " in out


@pytest.mark.parametrize(
    "args,needle",
    [
        (["evaluate", DEMO, "--scheme", "nope", "--date", DATE], "unknown scheme"),
        (
            ["evaluate", DEMO, "--scheme", "mps-recognition-2024", "--date", "2025-02-30"],
            "YYYY-MM-DD",
        ),
        (
            ["evaluate", DEMO, "--scheme", "mps-recognition-2024", "--date", "2020-01-01"],
            "in force",
        ),
        (
            ["explain", DEMO, "--unit", "ZZZ", "--scheme", "mps-recognition-2024", "--date", DATE],
            "ZZZ",
        ),
        (
            ["evaluate", "/nonexistent.json", "--scheme", "mps-recognition-2024", "--date", DATE],
            "does not exist",
        ),
    ],
)
def test_user_mistakes_give_one_clear_line(run, args: list[str], needle: str) -> None:
    code, out, err = run(*args)
    assert code != 0
    assert "Traceback" not in out + err
    assert needle in out + err


def test_invalid_dataset_is_refused_then_quarantined(run, tmp_path: Path) -> None:
    data = json.loads(Path(DEMO).read_text(encoding="utf-8"))
    data["subjects"][0]["tests"][0]["result"] = "maybe"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    args = [
        "evaluate",
        str(bad),
        "--scheme",
        "mps-recognition-2024",
        "--date",
        DATE,
        "--format",
        "json",
    ]
    code, out, err = run(*args)
    assert code == 1 and "Traceback" not in err
    code, out, _ = run(*args, "--quarantine")
    assert code == 0
    result = json.loads(out)
    assert len(result["quarantined"]) >= 1
    assert result["quarantined"][0]["location"].startswith("$.subjects[0]")
    # Outputs that cannot hold them say each one on standard error: none goes unsaid.
    listed = (
        "$.subjects[0].tests[0] [S0000001]: $.subjects[0].tests[0].result: expected one of: "
        "negative, positive"
    )
    shown = [run(*args[:-1], fmt, "--quarantine") for fmt in ("csv", "table")]
    shown.append(
        run(*args[:-2], "--format", "json", "--quarantine", "--compare", "qd28-2025-drug-free")
    )
    shown.append(
        run("report", str(bad), "--date", DATE, "--quarantine", "--no-series", "--format", "json")
    )
    # The person lives in 00009: its explanation says the record, in either format.
    for fmt in ("text", "json"):
        shown.append(
            run(
                "explain",
                str(bad),
                "--unit",
                "00009",
                "--date",
                DATE,
                "--quarantine",
                "--format",
                fmt,
            )
        )
    for code, _, err in shown:
        assert code == 0 and "quarantined (left out" in err and listed in err, err
    # Another unit's explanation does not list a record about someone else.
    code, _, err = run("explain", str(bad), "--unit", "00048", "--date", DATE, "--quarantine")
    assert code == 0 and listed not in err, err


def test_evaluate_parquet_is_one_row_per_unit_and_node(run, tmp_path: Path) -> None:
    import polars as pl

    args = ["evaluate", DEMO, "--scheme", "mps-recognition-2024", "--date", DATE]
    code, out, _ = run(*args, "--format", "json", "--include-subjects")
    document = json.loads(out)
    target = tmp_path / "e.parquet"
    code, _, err = run(*args, "--format", "parquet", "--include-subjects", "--out", str(target))
    assert code == 0 and "wrote" in err
    frame = pl.read_parquet(target)
    header = json.loads(pl.read_parquet_metadata(target)["drugfree.evaluation"])
    assert header["summary"] == document["summary"] and header["subjects_included"] is True
    for unit in document["units"]:
        rows = frame.filter(pl.col("unit_code") == unit["unit_code"])
        assert set(rows["verdict"]) == {unit["verdict"]}
        for criterion in unit["criteria"]:
            root = rows.filter(pl.col("node_id") == criterion["criterion_id"]).row(0, named=True)
            assert root["outcome"] == criterion["outcome"]
            assert root["failing_subjects"] == criterion["result"].get("failing_subjects", [])
    # aggregate by default: counts, no ids
    code, _, _ = run(*args, "--format", "parquet", "--out", str(target))
    frame = pl.read_parquet(target)
    assert "failing_subjects" not in frame.columns and "failing_count" in frame.columns
    texts = [c for c, t in frame.schema.items() if t == pl.String()]
    assert not frame.select(pl.any_horizontal(pl.col(texts).str.contains("S0"))).to_series().any()


def test_evaluate_parquet_needs_a_file_and_json_indents_on_request(run) -> None:
    args = ["evaluate", DEMO, "--scheme", "mps-recognition-2024", "--date", DATE]
    code, _, err = run(*args, "--format", "parquet")
    assert code == 2 and "--out" in err and "Traceback" not in err
    code, out, _ = run(*args, "--format", "json")
    assert code == 0 and out.count("\n") == 1  # one line by default
    code, indented, _ = run(*args, "--format", "json", "--indent", "2")
    assert indented.startswith('{\n  "scheme"') and json.loads(indented) == json.loads(out)


@pytest.mark.parametrize("indent", [[], ["--indent", "2"]])
def test_evaluate_json_to_a_file_is_what_it_prints(run, tmp_path: Path, indent: list[str]) -> None:
    # The file gets the document's bytes straight (no text between): the same bytes as
    # the text printed to standard output, names with Vietnamese letters included.
    args = ["evaluate", DEMO, "--scheme", "mps-recognition-2024", "--date", DATE]
    args += ["--format", "json", "--include-subjects", *indent]
    code, printed, _ = run(*args)
    assert code == 0
    target = tmp_path / "evaluation.json"
    code, _, err = run(*args, "--out", str(target))
    assert code == 0 and str(target) in err
    assert target.read_bytes() == printed.encode("utf-8")
    assert any(ord(c) > 127 for c in printed)  # the demo's unit names are Vietnamese
