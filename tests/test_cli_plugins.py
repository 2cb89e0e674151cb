"""``drugfree plugins``, ``drugfree plugins check`` and ``drugfree new-plugin``.

The distributions under ``plugins/`` and a freshly scaffolded plugin are installed with
``pip install --target`` into a temporary directory and used from a subprocess, exactly
as a third party would install them, without touching the test environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drugfree_core.cli.main import cli

ROOT = Path(__file__).parents[1]
TESTS = Path(__file__).parent
PROVINCES = {
    "thanh-hoa": ("drugfree-thanh-hoa", "thanh-hoa-2024-2025", "thanh-hoa-2025-2030"),
    "hai-phong": ("drugfree-hai-phong", "hai-phong-2025", "hai-phong-2025-2035"),
    "nghe-an": ("drugfree-nghe-an", "nghe-an-2025-2030", "nghe-an-2025-2030"),
    "bac-ninh": ("drugfree-bac-ninh", "bac-ninh-2025", "bac-ninh-2030"),
}


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch):
    """Invoke the CLI with installed plugins switched off and the kit examples importable."""
    monkeypatch.setenv("DRUGFREE_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.syspath_prepend(str(TESTS))
    runner = CliRunner()

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, list(args))
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_plugins_lists_the_builtin(run) -> None:
    code, out, _ = run("plugins")
    assert code == 0
    assert "drugfree-core  (drugfree-core" in out and "[built-in]" in out
    assert "schemes: qd28-2025-drug-free, qd28-2025-complex-areas, qd28-2025-provinces" in out
    assert "mps-recognition-2024" in out
    code, out, _ = run("plugins", "--format", "json")
    (info,) = json.loads(out)
    assert info["name"] == "drugfree-core" and info["roadmaps"] == ["national-2030"]
    assert "drugfree_register_schemes" in info["hooks"]


def test_plugins_with_an_extra_module(run) -> None:
    code, out, _ = run("plugins", "--plugin", "kit_examples.good_plugin", "--format", "json")
    assert code == 0, out
    names = [p["name"] for p in json.loads(out)]
    assert names == ["drugfree-core", "kit_examples.good_plugin"]


def test_plugins_check_passes_for_a_good_plugin(run) -> None:
    code, out, err = run(
        "plugins", "check", "--plugin", "kit_examples.good_plugin", "--max-examples", "3"
    )
    assert code == 0, out + err
    assert "all checks passed" in out


def test_plugins_speak_vietnamese(run) -> None:
    code, out, _ = run("plugins", "--lang", "vi")
    assert code == 0
    assert "[có sẵn]" in out and "bộ tiêu chí: qd28-2025-drug-free, " in out
    assert "lộ trình: national-2030" in out
    good = ("--plugin", "kit_examples.good_plugin", "--max-examples", "2")
    # The command's own --lang, or its group's.
    for args in (
        ("plugins", "check", *good, "--lang", "vi"),
        ("plugins", "--lang", "vi", "check", *good),
    ):
        code, out, err = run(*args)
        assert code == 0, out + err
        assert "kit_examples.good_plugin: bộ tiêu chí kit-good-example: đạt 6/6 kiểm tra" in out
        assert "ĐẠT check_total (" in out and "đánh giá không lỗi trên 2 bộ dữ liệu" in out
        assert out.rstrip().endswith("mọi kiểm tra đều đạt")
        assert "checks passed" not in out


def test_only_the_groups_own_option_carries_into_its_command(monkeypatch) -> None:
    # A language chosen by the Python code around the command line, or the environment's,
    # is not a --lang given to the group: the command's own resolution stands.
    from drugfree_core.i18n import use_lang

    monkeypatch.setenv("DRUGFREE_DISABLE_PLUGIN_AUTOLOAD", "1")
    with use_lang("vi"):
        result = CliRunner().invoke(cli, ["plugins"], env={"DRUGFREE_LANG": "en"})
    assert "schemes: qd28-2025-drug-free" in result.stdout


def test_plugins_check_fails_for_the_broken_example(run) -> None:
    code, out, err = run(
        "plugins",
        "check",
        "--plugin",
        "kit_examples.broken_plugin",
        "--max-examples",
        "3",
        "--format",
        "json",
    )
    assert code == 1, out + err
    data = json.loads(out)
    assert data["ok"] is False
    failed = {r["name"] for rep in data["reports"] for r in rep["results"] if not r["passed"]}
    from drugfree_core.testing import CHECKS

    assert failed == set(CHECKS)


def test_plugins_check_reports_a_plugin_that_cannot_load(run, tmp_path, monkeypatch) -> None:
    (tmp_path / "typo_plugin.py").write_text(
        "from drugfree_core.plugins import hookimpl\n"
        'DRUGFREE_HOOK_API = "1.0"\n'
        "@hookimpl\n"
        "def drugfree_register_scheme(registrar):\n"
        "    pass\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    code, _, err = run("plugins", "check", "--plugin", "typo_plugin")
    assert code == 1
    assert "FAIL loading plugins: plugin 'typo_plugin' implements a hook" in err
    code, _, err = run("plugins", "--plugin", "no_such_module_here")
    assert code != 0 and "cannot import plugin module 'no_such_module_here'" in err


def test_new_plugin_refuses_bad_names_and_existing_folders(run, tmp_path) -> None:
    code, _, err = run("new-plugin", "Bad_Name", "--dir", str(tmp_path / "x"), "--province", "44")
    assert code == 2 and "lower-case letters" in err
    code, _, err = run("new-plugin", "ok", "--dir", str(tmp_path), "--province", "44")
    assert code == 2 and "already exists" in err


def _pip_target(target: Path, *projects: Path) -> None:
    """Install *projects* (without dependencies) into *target*, as a user would."""
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target)]
        + [str(p) for p in projects],
        check=True,
    )


def _clean_env(target: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRUGFREE_")}
    env["DRUGFREE_CACHE_DIR"] = os.environ["DRUGFREE_CACHE_DIR"]  # the tests' own (conftest)
    env["PYTHONPATH"] = os.pathsep.join([str(target), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


@pytest.mark.slow
def test_province_plugins_install_and_are_discovered(tmp_path: Path) -> None:
    target = tmp_path / "site"
    _pip_target(target, *(ROOT / "plugins" / name for name in PROVINCES))
    listing = subprocess.run(
        [sys.executable, "-m", "drugfree_core.cli", "plugins", "--format", "json"],
        env=_clean_env(target),
        capture_output=True,
        text=True,
        check=True,
    )
    found = {p["name"]: p for p in json.loads(listing.stdout)}
    for entry, (dist, scheme, roadmap) in PROVINCES.items():
        assert found[entry]["distribution"] == dist
        assert scheme in found[entry]["schemes"]
        assert roadmap in found[entry]["roadmaps"]
    schemes = subprocess.run(
        [sys.executable, "-m", "drugfree_core.cli", "schemes"],
        env=_clean_env(target),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert all(
        scheme in schemes and roadmap in schemes for _, scheme, roadmap in PROVINCES.values()
    )


@pytest.mark.slow
def test_new_plugin_installs_and_passes_its_own_tests(run, tmp_path: Path) -> None:
    project = tmp_path / "drugfree-quang-tri"
    code, out, err = run(
        "new-plugin",
        "quang-tri",
        "--dir",
        str(project),
        "--province",
        "44",
        "--province-name",
        "Tỉnh Quảng Trị",
    )
    assert code == 0, err
    assert "created" in out and (project / "src" / "drugfree_quang_tri" / "plugin.py").exists()
    target = tmp_path / "site"
    _pip_target(target, project)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(project / "tests")],
        env=_clean_env(target),
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
