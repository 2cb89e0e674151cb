"""Run the documentation's examples as tests (Sybil).

Every ``python`` code block in the Markdown pages runs: blocks of ``>>>`` lines are
doctests whose output must match, other blocks must run without error. Each page runs in
its own scratch folder holding a copy of ``docs/examples/``, with plugin autoload off so
that what the page shows does not depend on which plugins happen to be installed.
Hide a block from the test with ``% skip: next``; set up state readers need not see with
``% invisible-code-block: python``.
"""

from __future__ import annotations

import doctest
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.parsers.myst import ClearNamespaceParser, PythonCodeBlockParser, SkipParser

from drugfree_core.plugins import reset_default_host

EXAMPLES = Path(__file__).parent / "examples"


@pytest.fixture(scope="module")
def docs_workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A scratch folder with the example files, as the page's working directory."""
    workdir = tmp_path_factory.mktemp("docs")
    if EXAMPLES.is_dir():
        shutil.copytree(EXAMPLES, workdir, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(workdir)
        mp.setenv("DRUGFREE_DISABLE_PLUGIN_AUTOLOAD", "1")
        # The pages show English output: English whatever the machine's locale.
        mp.setenv("DRUGFREE_LANG", "en")
        mp.delenv("DRUGFREE_PLUGINS", raising=False)
        # A Vietnamese example compiles the catalogue: kept here, not in the user's cache.
        mp.setenv("DRUGFREE_CACHE_DIR", str(workdir / ".cache"))
        reset_default_host()
        yield workdir
    reset_default_host()


pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE),
        SkipParser(),
        ClearNamespaceParser(),
    ],
    patterns=["*.md"],
    excludes=["_build/*", "README.md"],
    fixtures=["docs_workdir"],
).pytest()
