"""``drugfree report``: every format in both languages, errors in one line, cases apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drugfree_core.cli.main import cli
from drugfree_core.cli.report_cmd import output_format
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
        assert ("đã ghi" if lang == "vi" else "wrote") in err
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


def test_national_gives_the_nations_report_of_one_provinces_file() -> None:
    code, out, err = run("--format", "json", "--no-series")
    assert code == 0, err
    assert json.loads(out)["provenance"]["scope"] == "P99"
    code, out, err = run("--format", "json", "--no-series", "--national")
    assert code == 0, err
    assert json.loads(out)["provenance"]["scope"] == "*"


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
        (("--out", "report.docx"), "cannot tell the report format from --out report.docx"),
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


@pytest.mark.parametrize(
    ("fmt", "out", "terminal", "expected"),
    [
        # Nothing said: a person gets an HTML file, a pipe gets JSON.
        (None, None, True, ("html", False)),
        (None, None, False, ("json", True)),
        # --out alone: its suffix says the format (none: a folder of CSV tables).
        (None, "r.html", True, ("html", False)),
        (None, "r.HTM", False, ("html", False)),
        (None, "r.pdf", False, ("pdf", False)),
        (None, "r.xlsx", True, ("xlsx", False)),
        (None, "r.json", True, ("json", False)),
        (None, "tables", True, ("csv", False)),
        # --format alone: JSON is printed; HTML too in a pipe; the rest go to a file.
        ("json", None, True, ("json", True)),
        ("html", None, False, ("html", True)),
        ("html", None, True, ("html", False)),
        ("pdf", None, False, ("pdf", False)),
        ("xlsx", None, False, ("xlsx", False)),
        ("csv", None, True, ("csv", False)),
        # Both: --format wins.
        ("json", "r.html", True, ("json", False)),
    ],
)
def test_output_format_rule(
    fmt: str | None, out: str | None, terminal: bool, expected: tuple[str, bool]
) -> None:
    path = None if out is None else Path(out)
    assert output_format(fmt, path, stdout_is_terminal=terminal) == expected


def _run_in(folder: Path, *args: str, terminal: bool) -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        mp.setattr("drugfree_core.cli.report_cmd._stdout_is_terminal", lambda: terminal)
        return run(*args)


def test_a_person_at_a_terminal_gets_an_html_file_named_after_scope_and_date(
    tmp_path: Path,
) -> None:
    code, out, err = _run_in(tmp_path, "--lang", "vi", "--no-series", terminal=True)
    assert code == 0, err
    path = tmp_path / "bao-cao-son-ha-2025-10-01.html"
    assert path.is_file()
    assert f"đã ghi {path}" in err
    assert out == ""  # nothing spilled on the terminal
    html = path.read_text(encoding="utf-8")
    assert 'lang="vi"' in html and "Kết quả chính" in html


def test_a_pipe_gets_json_unless_asked_otherwise(tmp_path: Path) -> None:
    code, out, err = _run_in(tmp_path, "--no-series", terminal=False)
    assert code == 0, err
    assert json.loads(out)["format"] == "drugfree-report"
    assert list(tmp_path.iterdir()) == []
    code, out, err = _run_in(tmp_path, "--no-series", "--format", "xlsx", terminal=False)
    assert code == 0, err
    assert (tmp_path / "report-son-ha-2025-10-01.xlsx").is_file()


def test_a_one_province_file_is_that_province(tmp_path: Path) -> None:
    code, out, err = run("--format", "json", "--no-series")
    assert code == 0, err
    document = json.loads(out)
    assert document["provenance"]["scope"] == "P99"
    assert document["provenance"]["scope_name"] == "Tỉnh Sơn Hà"
    html = tmp_path / "r.html"
    code, _, err = run("--lang", "vi", "--no-series", "--out", str(html))
    assert code == 0, err
    page = html.read_text(encoding="utf-8")
    assert "Phạm vi: <strong>Tỉnh Sơn Hà</strong>" in page
    assert "Toàn quốc" not in page


def test_a_missing_pdf_engine_stops_before_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    from drugfree_core.errors import UsageError
    from drugfree_core.reports.export import pdf_out

    def missing() -> None:
        raise UsageError("PDF output needs WeasyPrint; install it with: pip install x")

    loaded: list[Path] = []
    monkeypatch.setattr(pdf_out, "_weasyprint", missing)
    monkeypatch.setattr("drugfree_core.io.load", lambda path, **_: loaded.append(path))
    code, _, err = run("--format", "pdf", "--out", "r.pdf")
    assert code != 0
    assert "PDF output needs WeasyPrint" in err and "Traceback" not in err
    assert loaded == []  # the dataset was not even read
