"""The hand-written corpus of hostile inputs, each run through the command line.

Every file ``tests/corpus/*.toml`` is one case: the input files, the command, the exit
code and the message expected (see ``tests/corpus/README.md`` for the format); a few
cases call the Python API instead (``python``), and must raise one of the library's
errors. Whatever the case, the run must also keep the promises every run keeps:

* no traceback, and no exception escapes the command's handler;
* an error is said on stderr, in lines that start with ``error:`` or name a location;
* no personal value of the input (the case's ``secrets``) appears in any output,
  files written included.
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from drugfree_core.cli.main import cli
from drugfree_core.plugins import configure_default_host, reset_default_host
from drugfree_core.samples import demo_path

CORPUS = Path(__file__).parent / "corpus"
BASE = CORPUS / "_base"
CASES = sorted(CORPUS.glob("*.toml"))
KEYS = {
    "why",
    "command",
    "exit",
    "expect",
    "expect_stdout",
    "absent",
    "secrets",
    "base",
    "files",
    "hex_files",
    "remove",
    "set",
    "add_key",
    "parquet",
    "plugin",
    "env",
    "outputs",
    "python",
    "raises",
}


def _load(path: Path) -> dict[str, Any]:
    case = tomllib.loads(path.read_text(encoding="utf-8"))
    unknown = set(case) - KEYS
    assert not unknown, f"{path.name}: unknown keys {unknown}"
    assert case.get("why"), f"{path.name}: say which problem the case is about"
    if "python" in case:
        assert "raises" in case and "command" not in case, f"{path.name}: python needs raises"
    else:
        assert "command" in case and "exit" in case, f"{path.name}: command and exit are required"
    return case


def _json_path(doc: Any, path: str) -> tuple[Any, str | int]:
    """The container and key that ``$.a[1].b`` names in *doc*."""
    assert path.startswith("$")
    steps: list[str | int] = []
    for part in path[1:].replace("[", ".[").split("."):
        if not part:
            continue
        steps.append(int(part[1:-1]) if part.startswith("[") else part)
    node = doc
    for step in steps[:-1]:
        node = node[step]
    return node, steps[-1]


def _json_base(case: dict[str, Any], data: Path) -> None:
    doc = json.loads((BASE / "dataset.json").read_text(encoding="utf-8"))
    for path, raw in case.get("set", []):
        node, key = _json_path(doc, path)
        value = json.loads(raw)
        if isinstance(node, list) and key == len(node):
            node.append(value)
        else:
            node[key] = value
    for path, key, raw in case.get("add_key", []):  # the key is JSON text too
        node, last = _json_path(doc, path) if path != "$" else ({"$": doc}, "$")
        node[last][json.loads(key)] = json.loads(raw)
    # ASCII escapes keep a lone surrogate ("\ud800") as JSON text can hold it.
    data.write_text(json.dumps(doc, ensure_ascii=True, indent=1), encoding="utf-8")


def _tables_base(case: dict[str, Any], data: Path) -> None:
    data.mkdir()
    for source in (BASE / "tables").iterdir():
        (data / source.name).write_bytes(source.read_bytes())
    for name in case.get("remove", []):
        (data / name).unlink()
    for name, text in case.get("files", {}).items():
        (data / name).write_text(text, encoding="utf-8")
    for name, hexdump in case.get("hex_files", {}).items():
        (data / name).write_bytes(bytes.fromhex("".join(hexdump.split())))
    for table, code in case.get("parquet", {}).items():
        # A Python expression of a polars DataFrame (types CSV cannot carry).
        frame = eval(code, {"pl": pl, "dt": __import__("datetime")})
        csv = data / f"{table}.csv"
        if csv.exists():
            csv.unlink()
        frame.write_parquet(data / f"{table}.parquet")


def _plugin(case: dict[str, Any], site: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Install the case's plugin module as an entry point, the way pip would."""
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[drugfree]\n{name} = {name}\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("DRUGFREE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    # Only this plugin: the province plugins of this repository may be installed too.
    monkeypatch.setenv("DRUGFREE_PLUGINS", name)


@pytest.fixture
def isolated() -> Iterator[None]:
    """A fresh default host before and after, and the case's modules forgotten."""
    modules = set(sys.modules)
    reset_default_host()
    yield
    configure_default_host(disabled=())
    reset_default_host()
    for name in set(sys.modules) - modules:
        if name.startswith(("casepl", "drugfree_casepl")):
            del sys.modules[name]


def _outputs(root: Path, data: Path, inputs: set[str]) -> str:
    """Every text file the run wrote (reports, case lists), for the privacy check."""
    texts = []
    for path in sorted(root.rglob("*")):
        if path == data or data in path.parents or path.name in inputs:
            continue  # the input itself
        if path.is_file() and path.suffix in {".csv", ".json", ".html", ".txt", ".md"}:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated: None) -> None:
    case = _load(path)
    work = tmp_path / "case"
    work.mkdir()
    base = case.get("base")
    data = work / ("data.json" if base == "json" else "data")
    if base == "json":
        _json_base(case, data)
    elif base == "tables":
        _tables_base(case, data)
    else:
        assert base is None, f"{path.name}: base is 'json', 'tables' or absent"
        for name, text in case.get("files", {}).items():
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        for name, hexdump in case.get("hex_files", {}).items():
            (work / name).write_bytes(bytes.fromhex("".join(hexdump.split())))
    if "plugin" in case:
        site = tmp_path / "site"
        for name, text in case.get("files", {}).items():
            if name.endswith(".py"):
                (site / name).parent.mkdir(parents=True, exist_ok=True)
                (site / name).write_text(text, encoding="utf-8")
        _plugin(case, site, case["plugin"], monkeypatch)
    for key, value in case.get("env", {}).items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(work)
    places = {"data": str(data), "work": str(work), "demo": str(demo_path())}
    if "python" in case:
        _python_case(case, places)
        return
    args = [arg.format(**places) for arg in case["command"]]

    result = CliRunner().invoke(cli, args)
    out, err = result.stdout, result.stderr
    everything = out + err

    assert "Traceback" not in everything, everything[-3000:]
    unexpected = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not unexpected, repr(result.exception)
    assert result.exit_code == case["exit"], f"exit {result.exit_code}:\n{everything[-3000:]}"
    for text in case.get("expect", []):
        assert text in err or text in out, f"missing {text!r} in:\n{everything[-3000:]}"
    for text in case.get("expect_stdout", []):
        assert text in out, f"missing {text!r} on stdout:\n{out[-3000:]}"
    for text in case.get("absent", []):
        assert text not in everything, f"{text!r} should not appear:\n{everything[-3000:]}"
    inputs = {*case.get("files", {}), *case.get("hex_files", {})}
    written = _outputs(work, data, inputs) if case.get("secrets") else ""
    for name, texts in case.get("outputs", {}).items():
        content = (work / name).read_text(encoding="utf-8")
        for text in texts:
            assert text in content, f"{name}: missing {text!r}"
    for secret in case.get("secrets", []):
        assert secret not in everything, f"personal value {secret!r} in the output"
        assert secret not in written, f"personal value {secret!r} in a file written"
    if result.exit_code != 0:
        # An error is said (validate lists its problems on stdout), never silently.
        lines = [line for line in (err or out).splitlines() if line.strip()]
        assert lines, "a failing run must say why"
        assert any(
            line.startswith(("error:", "Error:", "FAIL", "  ")) or ":" in line for line in lines
        )


def _python_case(case: dict[str, Any], places: dict[str, str]) -> None:
    """Run the case's Python code: it must raise the library error named in ``raises``."""
    import datetime as dt

    import drugfree_core as dfc
    from drugfree_core import errors, reports

    namespace = {"dfc": dfc, "dt": dt, "Path": Path, "reports": reports, **places}
    code = case["python"]
    try:
        exec(code, namespace)  # test data, written in this folder
    except errors.DrugfreeError as exc:
        assert type(exc).__name__ == case["raises"], repr(exc)
        message = str(exc)
    except BaseException as exc:
        raise AssertionError(f"{type(exc).__name__} escaped the library: {exc!r}") from exc
    else:
        raise AssertionError(f"no error; expected {case['raises']}")
    assert "\n" not in message, message
    for text in case.get("expect", []):
        assert text in message, f"missing {text!r} in {message!r}"
    for secret in case.get("secrets", []):
        assert secret not in message, f"personal value {secret!r} in {message!r}"


def test_the_corpus_is_big_enough() -> None:
    # Issue 13: at least 60 hand-written bad inputs, each with its expected message.
    assert len(CASES) >= 60
    assert all(_load(p).get("expect") or _load(p).get("exit") == 0 for p in CASES)


def test_parquet_expressions_only_build_frames() -> None:
    for path in CASES:
        for code in _load(path).get("parquet", {}).values():
            assert code.lstrip().startswith("pl.DataFrame("), path.name


def test_no_case_leaves_the_environment_changed() -> None:
    assert os.environ.get("DRUGFREE_DISABLE_PLUGIN_AUTOLOAD") == "1"
