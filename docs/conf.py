"""Sphinx configuration for the drugfree-core documentation, in English and Vietnamese.

Build it with ``sphinx-build -W --keep-going -n -b html docs docs/_build/html``, and the
Vietnamese edition with ``-D language=vi`` into ``docs/_build/html/vi`` (the README's
command does both). ``-n`` makes every unresolved cross-reference a warning and ``-W``
makes every warning an error, so a broken internal link fails the build.

The Vietnamese edition is Sphinx's own translation workflow: the English pages are the
source, ``docs/locale/vi/LC_MESSAGES/<page>.po`` hold the Vietnamese of each paragraph,
and Sphinx compiles them when it builds (the ``.mo`` files are not kept in git). After
changing an English page, update the catalogues and translate what changed::

    sphinx-build -b gettext docs docs/_build/gettext
    sphinx-intl update -p docs/_build/gettext -l vi -d docs/locale
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

# Translation: one catalogue per page, no line numbers (they would change with every
# edit of the English page). Code and output blocks are translatable too, so that the
# Vietnamese pages can show `--lang vi` and its output.
language = "en"
locale_dirs = ["locale/"]
gettext_compact = False
gettext_location = False
gettext_uuid = False
gettext_additional_targets = ["literal-block"]
# The pages the Vietnamese edition translates whole (tests/test_docs.py checks that each
# is translated to the last paragraph). Other pages, the developer reference, keep their
# English text under a Vietnamese title, and say so.
drugfree_translated = [
    "index",
    "tutorials/*",
    "howto/*",
    "explanation/*",
    "reference/index",
    "reference/criteria-catalogue",
]

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
    (r"py:.*", r"(dt|importlib|PluginManager|contextvars|gettext|babel)\..*"),
    (r"py:.*", r"(fastapi|starlette|threading)\..*"),
    # Internal type aliases and the registrars' shared base, which are not public names.
    (r"py:.*", r"(Lang|ParamValue|.*\._Registrar|.*\.Contributions)"),
]

html_theme = "furo"
html_title = f"drugfree-core {release}"
templates_path = ["_templates"]
# Furo's sidebar, with a link to the same page in the other language under the search box.
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/language.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/scroll-end.html",
    ]
}
html_static_path = ["_static"]
html_css_files = ["drugfree.css"]
html_theme_options = {
    "source_directory": "docs/",
    "navigation_with_keys": True,
}
