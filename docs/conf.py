"""Sphinx configuration for the drugfree-core documentation.

Build it with ``sphinx-build -W --keep-going -n -b html docs docs/_build/html`` (the
README's command). ``-n`` makes every unresolved cross-reference a warning and ``-W`` makes
every warning an error, so a broken internal link fails the build.
"""

from __future__ import annotations

import sys
from pathlib import Path

import drugfree_core

DOCS = Path(__file__).parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "drugfree-core"
author = "drugfree-core developers"
copyright = "2025–2026, drugfree-core developers"
release = drugfree_core.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "sphinx_click",
    "drugfree_sphinx",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "examples",
    "**/_generated",
    "**/README.md",
]

# The criteria catalogue lists the built-in schemes and those of this repository's plugins.
drugfree_plugin_dirs = sorted(str(p) for p in (DOCS.parent / "plugins").iterdir() if p.is_dir())
language = "en"

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3

# The API reference: signatures keep their types, parameters are listed in source order.
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
# attrs fields have no docstrings of their own: list them anyway (the public names are
# those of each package's ``__all__``).
autodoc_default_options = {"members": True, "undoc-members": True}
python_use_unqualified_type_names = True

# Every internal reference must resolve. Types of other libraries and of the standard
# library are not linked (the build has no network, so no intersphinx inventories).
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(datetime|decimal|fractions|pathlib|collections\.abc|typing|enum|os|io|re)\..*"),
    (r"py:.*", r"(polars|pl|pluggy|hypothesis|st|attrs?|cattrs|click|pytest|numpy|np)\..*"),
    (r"py:.*", r"(Fraction|Path|date|datetime|Mapping|Sequence|Iterable|Iterator|Callable)"),
    (r"py:.*", r"(DataFrame|LazyFrame|Expr|SearchStrategy|PluginManager|HookimplMarker)"),
    (r"py:.*", r"(HookspecMarker|TextIO|BinaryIO|Any|Literal|Self|TypeAlias|ClassVar)"),
    (r"py:.*", r"(dt|importlib|PluginManager)\..*"),
    (r"py:.*", r"(fastapi|starlette|threading)\..*"),
    # Internal type aliases and the registrars' shared base, which are not public names.
    (r"py:.*", r"(Lang|ParamValue|.*\._Registrar|.*\.Contributions)"),
]

html_theme = "furo"
html_title = f"drugfree-core {release}"
html_static_path = ["_static"]
html_css_files = ["drugfree.css"]
html_theme_options = {
    "source_directory": "docs/",
    "navigation_with_keys": True,
}
