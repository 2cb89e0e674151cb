"""The documentation site builds without a warning and does not drift from the code.

The site is built once (as the README's command builds it), then the built pages are
checked against the code: every hook, every CLI command, every public name and every
scheme of the built-ins and of this repository's plugins must appear. The examples in the
pages run as tests through ``docs/conftest.py``.
"""

from __future__ import annotations

import fnmatch
import html
import importlib
import inspect
import re
import runpy
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest
from docs_site import DOCS, ROOT, build

from drugfree_core.plugins import PluginHost, hookspecs

sys.path.insert(0, str(DOCS / "_ext"))
from drugfree_sphinx import PUBLIC_PACKAGES


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
        "tutorials/province-plugin",
        "tutorials/report",
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
    for path in ["drugfree", *names]:  # the group's own options (--debug...) too
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


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_every_scheme_and_criterion_is_in_the_catalogue(
    site: Path, site_vi: Path, lang: str
) -> None:
    edition = site if lang == "en" else site_vi
    anchors = ids(edition / "reference/criteria-catalogue.html")
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


# ------------------------------------------------------------------ Vietnamese edition

LOCALE = DOCS / "locale" / "vi" / "LC_MESSAGES"


def conf_value(name: str) -> Any:
    """A setting of docs/conf.py, read as Sphinx reads it."""
    return runpy.run_path(str(DOCS / "conf.py"))[name]


def translated_pages() -> list[str]:
    """The pages the Vietnamese edition translates whole (``drugfree_translated``)."""
    patterns = conf_value("drugfree_translated")
    pages = [
        str(p.relative_to(DOCS).with_suffix(""))
        for p in DOCS.rglob("*.md")
        if "_build" not in p.parts and "examples" not in p.parts and "_generated" not in p.parts
    ]
    return sorted(d for d in pages if any(fnmatch.fnmatchcase(d, p) for p in patterns))


def visible_text(page: Path) -> str:
    """The text of an HTML page a reader sees (no scripts, styles or tags)."""
    html_text = page.read_text(encoding="utf-8")
    html_text = re.sub(r"<(script|style)\b.*?</\1>", " ", html_text, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", html_text)).split())


def test_the_vietnamese_edition_is_built_next_to_the_english_one(site: Path, site_vi: Path) -> None:
    assert site_vi == site / "vi"
    for page in ("index", "tutorials/report", "howto/report-vietnamese", "reference/cli"):
        assert (site_vi / f"{page}.html").is_file(), page
    assert '<html class="no-js" lang="vi"' in (site_vi / "index.html").read_text(encoding="utf-8")
    # Every page links to the same page in the other language, and the link resolves.
    for page in ("index", "tutorials/report", "reference/api/reports"):
        english = (site / f"{page}.html").read_text(encoding="utf-8")
        vietnamese = (site_vi / f"{page}.html").read_text(encoding="utf-8")
        to_vi = re.search(r'<a href="([^"]+)" hreflang="vi"', english)
        to_en = re.search(r'<a href="([^"]+)" hreflang="en"', vietnamese)
        assert to_vi and to_en, page
        assert (site / page).parent.joinpath(to_vi.group(1)).resolve() == (
            site_vi / f"{page}.html"
        ).resolve()
        assert (site_vi / page).parent.joinpath(to_en.group(1)).resolve() == (
            site / f"{page}.html"
        ).resolve()


def test_the_vietnamese_navigation_is_vietnamese(site_vi: Path) -> None:
    text = visible_text(site_vi / "howto/merger.html")
    for words in (
        "Bài hướng dẫn",
        "Hướng dẫn cách làm",
        "Tra cứu",
        "Giải thích",
        "Đánh giá xã đầu tiên",
        "Lập báo cáo tiến độ của một tỉnh",
        "Danh mục tiêu chí",
        "Trên trang này",
        "Về đầu trang",
    ):
        assert words in text, words
    for english in ("Tutorials", "How-to guides", "Explanation", "Back to top", "On this page"):
        assert english not in text, english


@pytest.mark.parametrize("page", translated_pages())
def test_every_translated_page_reads_in_vietnamese(site: Path, site_vi: Path, page: str) -> None:
    english = re.search(r"<h1>(.*?)<a", (site / f"{page}.html").read_text(encoding="utf-8"))
    vietnamese = re.search(r"<h1>(.*?)<a", (site_vi / f"{page}.html").read_text(encoding="utf-8"))
    assert english and vietnamese
    if page != "index":  # the project's name is the same in both
        assert english.group(1) != vietnamese.group(1), page
    assert "Trang này dành cho người lập trình" not in visible_text(site_vi / f"{page}.html")
    # Sphinx's own translation of a code block breaks on Markdown pages (it shows "::");
    # the site's transform puts the translated block in place instead.
    raw = (site_vi / f"{page}.html").read_text(encoding="utf-8")
    assert not re.search(r"<pre><span></span><span class=\"p\">::</span>\s*</pre>", raw)


def test_pages_left_in_english_say_so(site_vi: Path) -> None:
    for page in ("reference/cli", "reference/dataset-format", "reference/api/reports"):
        text = visible_text(site_vi / f"{page}.html")
        assert "Trang này dành cho người lập trình và hiện chỉ có bằng tiếng Anh" in text, page


def test_the_vietnamese_catalogue_is_rendered_from_the_rules(site_vi: Path) -> None:
    text = visible_text(site_vi / "reference/criteria-catalogue.html")
    assert "Danh mục tiêu chí" in text
    assert "Tổng số người nghiện ma túy dưới 10 người và được quản lý chặt chẽ" in text
    assert "Trang này dành cho người lập trình" not in text


def test_the_vietnamese_catalogues_translate_every_paragraph(tmp_path: Path) -> None:
    """The .po files are in step with the English pages: nothing new left untranslated.

    After changing an English page, run the two commands of docs/conf.py's docstring and
    translate what they mark as new or changed (empty or fuzzy) in docs/locale/vi.
    """
    from babel.messages.pofile import read_po

    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-E", "-q", "-b", "gettext", str(DOCS), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    missing: dict[str, list[str]] = {}
    for page in translated_pages():
        with (tmp_path / f"{page}.pot").open("rb") as f:
            wanted = [m.id for m in read_po(f) if m.id]
        po = LOCALE / f"{page}.po"
        assert po.is_file(), f"{po} is missing: run sphinx-intl update (see docs/conf.py)"
        with po.open("rb") as f:
            have = {m.id: m for m in read_po(f) if m.id}
        gaps = [
            str(msgid)[:60]
            for msgid in wanted
            if msgid not in have or not have[msgid].string or have[msgid].fuzzy
        ]
        if gaps:
            missing[page] = gaps
    assert not missing, f"untranslated or outdated in docs/locale/vi: {missing}"
    # Every other page has at least its title in Vietnamese, for the navigation.
    for pot in tmp_path.rglob("*.pot"):
        page = str(pot.relative_to(tmp_path).with_suffix(""))
        with pot.open("rb") as f:
            title = next(m.id for m in read_po(f) if m.id)
        with (LOCALE / f"{page}.po").open("rb") as f:
            entry = next((m for m in read_po(f) if m.id == title), None)
        assert entry is not None and entry.string, f"{page}: title {title!r} not translated"
