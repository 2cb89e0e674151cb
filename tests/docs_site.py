"""The documentation site, built once per test session as the README's command builds it.

The English edition goes to ``<tmp>/site`` and the Vietnamese one to ``<tmp>/site/vi``,
the layout the language switch of every page links across. Both builds use ``-E`` (a
fresh environment) and ``-W -n`` (every warning and unresolved reference an error).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# The README's build command (-E: a fresh environment; every warning an error).
SPHINX = (sys.executable, "-m", "sphinx", "-E", "-W", "--keep-going", "-n", "-q", "-b", "html")


def build(source: Path, out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """Build the site at *source* into *out* with extra sphinx-build *options*."""
    return subprocess.run(
        [*SPHINX, *options, str(source), str(out)], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The English edition."""
    out = tmp_path_factory.mktemp("site")
    result = build(DOCS, out)
    assert result.returncode == 0, f"sphinx-build failed:\n{result.stderr}"
    return out


@pytest.fixture(scope="session")
def site_vi(site: Path) -> Path:
    """The Vietnamese edition, next to the English one (``site/vi``)."""
    out = site / "vi"
    result = build(DOCS, out, "-D", "language=vi")
    assert result.returncode == 0, f"sphinx-build (vi) failed:\n{result.stderr}"
    return out
