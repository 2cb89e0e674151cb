"""``drugfree report``: every format in both languages, errors in one line, cases apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drugfree_core.cli.main import cli
from drugfree_core.samples import demo_path

DATE = "2025-10-01"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["report", str(demo_path()), "--date", DATE, *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_json_to_stdout(lang: str) -> None:
    code, out, err = run("--format", "json", "--lang", lang, "--no-series")
    assert code == 0, err
    document = json.loads(out)
    assert document["provenance"]["reference_date"] == DATE
    assert document["overall"]["units_in_force"] == 17


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_file_format(tmp_path: Path, lang: str) -> None:
    for fmt, target in (
        ("json", tmp_path / f"r-{lang}.json"),
        ("html", tmp_path / f"r-{lang}.html"),
        ("xlsx", tmp_path / f"r-{lang}.xlsx"),
        ("csv", tmp_path / f"csv-{lang}"),
    ):
        code, _, err = run("--format", fmt, "--lang", lang, "--out", str(target))
        assert code == 0, err
        assert target.exists()
        assert "wrote" in err
    html = (tmp_path / f"r-{lang}.html").read_text(encoding="utf-8")
    assert f'lang="{lang}"' in html
    assert ("Tiến độ theo lộ trình" in html) == (lang == "vi")
    assert sorted(p.name for p in (tmp_path / f"csv-{lang}").iterdir())


def test_province_and_suppression(tmp_path: Path) -> None:
    code, out, err = run("--province", "P99", "--suppress-below", "5", "--no-series")
    assert code == 0, err
    document = json.loads(out)
    assert document["provenance"]["suppression_threshold"] == 5
    assert document["provenance"]["scope"] == "P99"


def test_cases_are_written_apart(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    code, out, err = run("--no-series", "--cases", str(cases))
    assert code == 0, err
    assert "case-level" in err
    text = cases.read_text(encoding="utf-8-sig")
    assert "S0" in text  # the demo's pseudonymous ids
    assert "S0" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--province", "P99", "--national"), "not both"),
        (("--province", "77"), "no commune-level unit of province 77"),
        (("--format", "xlsx"), "give a file with --out"),
        (("--format", "csv"), "give a folder with --out"),
        (("--scheme", "nope"), "nope"),
    ],
)
def test_mistakes_are_one_line(args: tuple[str, ...], message: str) -> None:
    code, _, err = run(*args, "--no-series")
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_no_progress_bar_when_not_a_terminal() -> None:
    code, _, err = run("--format", "json")
    assert code == 0
    assert "\r" not in err
