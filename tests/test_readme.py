"""The README's Python example runs as written, and prints what its comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_example() -> str:
    """The code of the README's "Use it from Python" section."""
    section = README.read_text(encoding="utf-8").split("## Use it from Python", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "the README has no Python example"
    return match.group(1)


def test_the_readme_python_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # it must not depend on the repository's files
    code = python_example()
    assert "demo_path()" in code
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(README), "exec"), {"__name__": "readme"})
    lines = printed.getvalue().splitlines()
    # The comment beside the first print says what it prints.
    promised = re.search(r"print\(evaluation\.verdict_counts\(\)\)\s+# (\{.*\})", code)
    assert promised and lines[0] == promised.group(1)
    assert lines[1].startswith("Outcome.FAIL [('DF.1', <Outcome.FAIL")
    assert "kết luận: KHÔNG ĐẠT" in printed.getvalue()
