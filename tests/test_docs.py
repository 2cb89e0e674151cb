"""The documentation site builds without a warning and does not drift from the code.

The site is built once (as the README's command builds it), then the built pages are
checked against the code: every hook, every CLI command, every public name and every
scheme of the built-ins and of this repository's plugins must appear. The examples in the
pages run as tests through ``docs/conftest.py``.
"""

from __future__ import annotations

import importlib
import inspect
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest

from drugfree_core.plugins import PluginHost, hookspecs

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

sys.path.insert(0, str(DOCS / "_ext"))
from drugfree_sphinx import PUBLIC_PACKAGES  # noqa: E402  (the site's own list)

# The README's build command (-E: a fresh environment; every warning an error).
SPHINX = (sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-n", "-q", "-b", "html")


def build(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SPHINX, str(source), str(out)], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build(DOCS, out)
    assert result.returncode == 0, f"sphinx-build failed:\n{result.stderr}"
    return out


def ids(page: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))


def hooks() -> list[str]:
    return [
        name
        for name, _ in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("drugfree_")
    ]


def test_site_builds_without_warnings(site: Path) -> None:
    for page in (
        "index",
        "reference/hooks",
        "reference/cli",
        "reference/criteria-catalogue",
        "vi/danh-muc-tieu-chi",
        "tutorials/province-plugin",
        "vi/bao-cao",
    ):
        assert (site / f"{page}.html").is_file(), page


# ---------------------------------------------------------------------------- hooks


@pytest.mark.parametrize("hook", hooks())
def test_every_hook_is_in_the_hook_reference_with_an_example(site: Path, hook: str) -> None:
    assert f"drugfree_core.plugins.hookspecs.{hook}" in ids(site / "reference/hooks.html")
    source = (DOCS / "reference/hooks.md").read_text(encoding="utf-8")
    section = source.split(f"## `{hook}`", 1)
    assert len(section) == 2, f"docs/reference/hooks.md has no section for {hook}"
    body = section[1].split("\n## ", 1)[0]
    assert f"def {hook}(" in body, f"the section of {hook} has no example implementing it"


@pytest.mark.parametrize("hook", hooks())
def test_every_hook_says_when_it_is_called_and_since_when(hook: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    assert "Called" in doc and ":param registrar:" in doc and ".. versionadded::" in doc


def test_a_hook_missing_from_the_reference_fails_the_build(tmp_path: Path) -> None:
    """Removing a hook's entry makes the build fail (and so this suite, and CI)."""
    copy = tmp_path / "repo" / "docs"
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "plugins").symlink_to(ROOT / "plugins")
    shutil.copytree(DOCS, copy, ignore=shutil.ignore_patterns("_build"))
    page = copy / "reference/hooks.md"
    text = page.read_text(encoding="utf-8")
    directive = ".. autofunction:: drugfree_core.plugins.hookspecs.drugfree_register_roadmaps\n"
    assert directive in text
    page.write_text(text.replace(directive, ""), encoding="utf-8")
    result = build(copy, tmp_path / "out")
    assert result.returncode != 0
    assert "hook drugfree_register_roadmaps is not documented" in result.stderr


# ------------------------------------------------------------------------------ CLI


def commands(group: click.Group, prefix: str = "drugfree") -> list[str]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append(path)
        if isinstance(command, click.Group):
            found += commands(command, path)
    return found


def test_every_cli_command_and_option_is_in_the_cli_reference(site: Path) -> None:
    from drugfree_core.cli.main import cli

    page = (site / "reference/cli.html").read_text(encoding="utf-8")
    anchors = ids(site / "reference/cli.html")
    names = commands(cli)
    assert {"drugfree report", "drugfree plugins check", "drugfree new-plugin"} <= set(names)
    for path in names:
        assert path.replace(" ", "-") in anchors, f"{path} is not in the CLI reference"
    for path in names:
        command = cli
        for part in path.split()[1:]:
            command = command.commands[part]  # type: ignore[attr-defined]
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in page, f"{path} {opt} is not in the CLI reference"


# ----------------------------------------------------------------------- Python API


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_every_public_name_is_in_the_api_reference(site: Path, package: str) -> None:
    documented: set[str] = set()
    for page in site.rglob("*.html"):
        documented |= ids(page)
    module = importlib.import_module(package)
    short = {name.rsplit(".", 1)[-1] for name in documented if name.startswith("drugfree_core")}
    missing = [
        name
        for name in module.__all__
        if f"{package}.{name}" not in documented
        and f"module-{package}.{name}" not in documented
        and name not in short
    ]
    assert not missing, f"{package}: not in the API reference: {missing}"


# ------------------------------------------------------------------ criteria catalogue


def repository_scheme_ids() -> dict[str, list[str]]:
    """Scheme ids (and their criteria) of the built-ins and of every plugin under plugins/."""
    found: dict[str, list[str]] = {}
    host = PluginHost(plugins=[], autoload=False, environ={})
    for scheme in host.schemes():
        found[scheme.id] = [c.id for c in scheme.criteria]
    for folder in sorted((ROOT / "plugins").iterdir()):
        project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
        sys.path.insert(0, str(folder / "src"))
        try:
            plugins = [
                (name, importlib.import_module(target))
                for name, target in project["project"]["entry-points"]["drugfree"].items()
            ]
        finally:
            sys.path.remove(str(folder / "src"))
        own = PluginHost(plugins=plugins, autoload=False, environ={})
        for scheme in own.schemes():
            found[scheme.id] = [c.id for c in scheme.criteria]
    return found


@pytest.mark.parametrize(
    ("lang", "page"),
    [("en", "reference/criteria-catalogue.html"), ("vi", "vi/danh-muc-tieu-chi.html")],
)
def test_every_scheme_and_criterion_is_in_the_catalogue(site: Path, lang: str, page: str) -> None:
    anchors = ids(site / page)
    schemes = repository_scheme_ids()
    assert {
        "mps-recognition-2024",
        "qd28-2025-complex-areas",
        "hai-phong-2025",
        "thanh-hoa-2024-2025",
        "nghe-an-2025-2030",
    } <= set(schemes)
    for scheme_id, criteria in schemes.items():
        assert f"catalogue-{lang}-scheme-{scheme_id}".lower() in anchors, scheme_id
        for criterion in criteria:
            anchor = f"catalogue-{lang}-criterion-{scheme_id}-{criterion}".lower()
            assert anchor.replace(".", "-") in anchors or anchor in anchors, (scheme_id, criterion)
