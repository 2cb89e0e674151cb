"""``drugfree new-plugin``: write a working plugin distribution from the bundled template.

The result installs with ``pip install -e ".[test]"`` and passes its own tests (the
conformance kit on its scheme and roadmap) without any edit.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources
from pathlib import Path
from string import Template

from drugfree_core._args import expect, expect_date, expect_path
from drugfree_core.adminmap import official_code
from drugfree_core.errors import UsageError, writing
from drugfree_core.i18n import msg
from drugfree_core.model._checks import is_identifier, is_unicode
from drugfree_core.plugins.host import PluginHost
from drugfree_core.plugins.versioning import HOOK_API_VERSION
from drugfree_core.rules.roadmap import NATIONAL

_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_PROVINCE_NAME = re.compile(r"[^\"'\\$\x00-\x1f\x7f-\x9f\u2028\u2029]{1,100}")

#: Template file → path in the new distribution (``{module}`` is filled in).
_FILES = {
    "pyproject.toml.tmpl": "pyproject.toml",
    "README.md.tmpl": "README.md",
    "CHANGELOG.md.tmpl": "CHANGELOG.md",
    "init.py.tmpl": "src/{module}/__init__.py",
    "plugin.py.tmpl": "src/{module}/plugin.py",
    "tests/test_plugin.py.tmpl": "tests/test_plugin.py",
}


def _core_range() -> tuple[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        current = version("drugfree-core")
    except PackageNotFoundError:  # a source tree that is not installed
        current = "0.1.0"
    major, minor = (int(x) for x in current.split(".")[:2])
    return f"{major}.{minor}", f"{major}.{minor + 1}"


def plugin_name(name: str) -> str:
    """*name* without a leading ``drugfree-`` (the distribution adds it back once)."""
    return name.removeprefix("drugfree-")


def claimed_by(province: str, host: PluginHost | None = None) -> str | None:
    """The installed plugin that already assigns a scheme to *province*, if any.

    Plugins that cannot load are ignored here (``drugfree plugins`` reports them).
    """
    host = host or PluginHost(strict=False)
    for info in host.plugins():
        for assigned in info.jurisdictions:  # "province:scheme"
            code = assigned.rsplit(":", 1)[0]
            if code != NATIONAL and official_code(code) == official_code(province):
                return info.distribution or info.name
    return None


def create_plugin(
    name: str,
    destination: Path,
    *,
    province: str,
    province_name: str = "Tỉnh Ví Dụ",
    start: dt.date = dt.date(2025, 7, 1),
    host: PluginHost | None = None,
) -> list[Path]:
    """Write the plugin distribution ``drugfree-NAME`` into *destination*; return the files.

    *name* is lower-case letters, digits and hyphens (``"quang-tri"``; a leading
    ``drugfree-`` is dropped, so the distribution is never ``drugfree-drugfree-...``).
    *province* is the code of the province the plugin serves: it must not be one an
    installed plugin (in *host*, by default every installed plugin) already assigns a
    scheme to, since the two would clash. *destination* must not exist yet, so nothing
    is ever overwritten.
    """
    expect(name, str, msg("the plugin name"), msg("a str"))
    expect(province, str, msg("the province code"), msg("a str"))
    expect_date(start, msg("the start date"))
    destination = expect_path(destination, msg("the destination"))
    name = plugin_name(name)
    if not _NAME.fullmatch(name):
        raise UsageError(
            msg(
                "plugin name {name} must be lower-case letters and digits separated by "
                "hyphens, starting with a letter (e.g. quang-tri)",
                name=repr(name),
            )
        )
    if not is_identifier(province):
        raise UsageError(
            msg(
                "province code {code} is not a valid unit code (1-64 letters, digits, "
                "'.', '_', ':' or '-', e.g. 44)",
                code=repr(province),
            )
        )
    if (
        not isinstance(province_name, str)
        or not _PROVINCE_NAME.fullmatch(province_name)
        or not province_name.strip()
        or not is_unicode(province_name)
    ):
        # It is written into Python, TOML and Markdown files: no quote may end a string.
        raise UsageError(
            msg(
                "the province name must be 1 to 100 characters without quotes, backslashes, "
                "'$' or control characters (e.g. Tỉnh Quảng Trị)"
            )
        )
    owner = claimed_by(province, host)
    if owner is not None:
        raise UsageError(
            msg(
                "province {province} already has a scheme from the installed plugin {plugin}; "
                "give the code of another province with --province",
                province=province,
                plugin=owner,
            )
        )
    if destination.exists():
        raise UsageError(
            msg("{path} already exists; choose another directory", path=str(destination))
        )
    lo, hi = _core_range()
    values = {
        "name": name,
        "module": "drugfree_" + name.replace("-", "_"),
        "province": province,
        "province_name": province_name,
        "start": start.isoformat(),
        "hook_api": HOOK_API_VERSION,
        "core_min": lo,
        "core_next": hi,
    }
    with writing(destination):
        return _write(destination, values)


def _write(destination: Path, values: dict[str, str]) -> list[Path]:
    template = resources.files("drugfree_core.scaffold") / "template"
    written = []
    for source, target in _FILES.items():
        text = Template((template / source).read_text(encoding="utf-8")).substitute(values)
        path = destination / target.format(module=values["module"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    typed = destination / "src" / values["module"] / "py.typed"
    typed.write_text("", encoding="utf-8")
    written.append(typed)
    return written
