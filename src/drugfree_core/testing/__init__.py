"""The conformance kit for scheme plugin authors, and Hypothesis strategies for the model.

Install it with ``pip install "drugfree-core[testing]"`` (it needs pytest and
Hypothesis), then either subclass the pytest base class::

    import pytest
    from drugfree_core.testing import SchemeConformanceTests

    class TestMyScheme(SchemeConformanceTests):
        @pytest.fixture
        def scheme(self):
            return MY_SCHEME

or run the checks yourself::

    from drugfree_core.testing import check_scheme

    report = check_scheme(MY_SCHEME)
    print(report)
    report.raise_for_failures()

The names below are loaded on first use: Hypothesis imports this package while it
starts (its plugin entry point registers strategies for the model types), so importing
it must not import Hypothesis or pytest back.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drugfree_core.testing import strategies
    from drugfree_core.testing._install import assert_plugin_installed
    from drugfree_core.testing._pytest_base import SchemeConformanceTests
    from drugfree_core.testing._report import CheckResult, ConformanceError, ConformanceReport
    from drugfree_core.testing._roadmap_checks import ROADMAP_CHECKS, check_roadmap
    from drugfree_core.testing._scheme_checks import CHECKS, check_scheme, run_check

_REQUIRED = ("hypothesis", "pytest")

# Where each public name lives.
_EXPORTS = {
    "CHECKS": "_scheme_checks",
    "check_scheme": "_scheme_checks",
    "run_check": "_scheme_checks",
    "ROADMAP_CHECKS": "_roadmap_checks",
    "check_roadmap": "_roadmap_checks",
    "CheckResult": "_report",
    "ConformanceError": "_report",
    "ConformanceReport": "_report",
    "SchemeConformanceTests": "_pytest_base",
    "assert_plugin_installed": "_install",
}


def _require() -> None:
    """Raise a clear ImportError when the ``testing`` extra is not installed."""
    missing = [name for name in _REQUIRED if importlib.util.find_spec(name) is None]
    if missing:
        raise ImportError(
            f"drugfree_core.testing needs {' and '.join(missing)}: "
            'install drugfree-core[testing] (pip install "drugfree-core[testing]")',
            name=missing[0],
        )


def _hypothesis_is_starting() -> bool:
    # Hypothesis imports our setup hook (a submodule, hence this package) while its own
    # import runs; raising then would break `import hypothesis` for every user of a
    # machine without pytest. Names are still checked when first used.
    spec = getattr(sys.modules.get("hypothesis"), "__spec__", None)
    return bool(getattr(spec, "_initializing", False))


if not _hypothesis_is_starting():
    _require()


def __getattr__(name: str) -> Any:
    if name == "strategies":
        _require()
        return importlib.import_module(f"{__name__}.strategies")
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    _require()
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "CHECKS",
    "ROADMAP_CHECKS",
    "CheckResult",
    "ConformanceError",
    "ConformanceReport",
    "SchemeConformanceTests",
    "assert_plugin_installed",
    "check_roadmap",
    "check_scheme",
    "run_check",
    "strategies",
]
