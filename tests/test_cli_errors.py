"""The command line's last line of defence (``cli/common.py``): one clear line, never a trace.

The library's errors become ``error: ...`` with an exit code of 1 (the input has
problems) or 2 (anything else); an error nobody planned for becomes a short message
that names the command and asks for a report, without its own text (which could quote
data); ``drugfree --debug`` adds the traceback. These are checked by making a command
fail on purpose.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from drugfree_core.cli.main import cli
from drugfree_core.errors import DatasetError, PluginError, Problem
from drugfree_core.samples import demo_path

SECRET = "079187003521"
EVALUATE = [
    "evaluate",
    str(demo_path()),
    "--scheme",
    "mps-recognition-2024",
    "--date",
    "2025-10-01",
]


def _run(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args, prog_name="drugfree")


def _fail_with(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def boom(*_args: Any, **_kwargs: Any) -> Any:
        raise exc

    monkeypatch.setattr("drugfree_core.engine.evaluate", boom)


def test_an_unexpected_error_is_one_line_asking_for_a_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fail_with(monkeypatch, KeyError(SECRET))
    result = _run(EVALUATE)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: `drugfree evaluate` stopped on an unexpected KeyError.")
    assert "please report it" in lines[0] and "drugfree --debug" in lines[0]
    assert SECRET not in result.output + result.stderr  # the exception's text is left out


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_with(monkeypatch, KeyError(SECRET))
    result = _run(["--debug", *EVALUATE])
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert "KeyError" in result.stderr
    assert "(traceback above)" in result.stderr.strip().splitlines()[-1]


def test_debug_shows_the_traceback_of_a_library_error_too(monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_with(monkeypatch, PluginError("plugin 'x' broke", plugins=("x",)))
    plain = _run(EVALUATE)
    assert plain.exit_code == 2 and "Traceback" not in plain.stderr
    assert plain.stderr.splitlines() == [
        "error: plugin 'x' broke",
        "  to run without it: drugfree --disable-plugin x COMMAND ..., "
        "or set DRUGFREE_DISABLED_PLUGINS=x",
    ]
    debug = _run(["--debug", *EVALUATE])
    assert "Traceback" in debug.stderr and debug.stderr.rstrip().endswith(
        "DRUGFREE_DISABLED_PLUGINS=x"
    )


def test_a_dataset_error_lists_twenty_problems_then_counts_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    problems = tuple(
        Problem(table="units", location=f"units.csv:row {n}", reason="name must not be empty")
        for n in range(2, 27)
    )
    _fail_with(monkeypatch, DatasetError("25 problems in data", problems))
    result = _run(EVALUATE)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:20] == [f"  {p}" for p in problems[:20]]
    assert lines[20] == "  … and 5 more (run drugfree validate to list every one)"
    assert lines[21] == "error: 25 problems in data"


def test_a_file_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text("x")
    target = tmp_path / "file.txt" / "out.txt"  # inside a file: cannot be created
    result = _run([*EVALUATE, "--out", str(target)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1
    assert str(target) in result.stderr


def test_a_reader_that_goes_away_ends_the_command_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_with(monkeypatch, BrokenPipeError())
    result = _run(EVALUATE)
    assert result.exit_code == 0
    assert result.stderr == ""


def test_a_custom_rule_that_fails_is_named_without_its_message(tmp_path: Path) -> None:
    # The rule's message could quote a person's records: the type and the unit are said.
    import drugfree_core as dfc
    from drugfree_core.rules import Criterion, PythonRule, Scheme

    def broken(_unit: Any) -> Any:
        raise ValueError(f"subject {SECRET} has no tests")

    rule = PythonRule(name="broken", func=broken, description_en="x", description_vi="x")
    criterion = Criterion(
        id="X.1",
        title_vi="Hỏng",
        title_en="Broken",
        rule=rule,
        citation="test",
        provenance=dfc.Provenance.INFERRED,
    )
    scheme = Scheme(id="broken", version="1", title_vi="x", title_en="x", criteria=(criterion,))
    dataset = dfc.load(demo_path())
    with pytest.raises(dfc.SchemeError) as info:
        dfc.evaluate(dataset, scheme, dt.date(2025, 10, 1))
    assert "custom rule 'broken' failed on unit" in str(info.value)
    assert str(info.value).endswith("it raised ValueError")
    assert SECRET not in str(info.value)


def test_every_number_option_has_a_range() -> None:
    # Issue 13: a number option without bounds accepted -5 and emptied a list silently.
    import click

    def commands(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
        found = []
        for name, command in group.commands.items():
            found.append((f"{prefix} {name}", command))
            if isinstance(command, click.Group):
                found += commands(command, f"{prefix} {name}")
        return found

    unbounded = []
    for path, command in commands(cli, "drugfree"):
        for param in command.params:
            kind = param.type
            if isinstance(kind, click.IntRange | click.FloatRange):
                if kind.min is None or kind.max is None:
                    unbounded.append(f"{path} {param.name}")
            elif isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
                unbounded.append(f"{path} {param.name}")
    assert not unbounded, unbounded


def test_plugins_check_json_is_only_json() -> None:
    # `plugins check --format json` says ok and lists reports; nothing is printed beside it.
    result = _run(["plugins", "check", "--format", "json", "--max-examples", "1"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["explain", str(demo_path()), "--unit", "00015", "--date", "2025-10-01"], ""),
        ([*EVALUATE, "--unit", "00015"], ""),
        ([*EVALUATE[:-2], "--assessment-year", "2025", "--format", "json"], ""),
        (["report", str(demo_path()), "--date", "2025-12-31", "--out", "r.json"], "wrote r.json\n"),
    ],
    ids=["explain", "evaluate-unit", "evaluate", "report"],
)
def test_a_command_that_succeeds_says_nothing_else_up_to_its_exit(
    args: list[str], said: str, tmp_path: Path
) -> None:
    # In a process of its own: what the interpreter prints while it exits (an error in
    # a weak reference's callback, a thread still running) never reaches CliRunner.
    done = subprocess.run(
        [sys.executable, "-m", "drugfree_core.cli", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "DRUGFREE_LANG": "en"},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == said
