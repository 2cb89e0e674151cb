"""A plugin that registers every broken example scheme of :mod:`kit_examples.broken`.

For ``drugfree plugins check --plugin kit_examples.broken_plugin`` (with ``tests/`` on
``PYTHONPATH``): registration succeeds, since each scheme passes the registrar's checks,
and the conformance kit then finds one defect per scheme, so every check of
``drugfree_core.testing.CHECKS`` fails for at least one of them. The broken roadmap is
not registered, so only scheme checks fail here.
"""

from __future__ import annotations

from drugfree_core.plugins import SchemeRegistrar, hookimpl
from kit_examples import broken

DRUGFREE_HOOK_API = "1.0"


@hookimpl
def drugfree_register_schemes(registrar: SchemeRegistrar) -> None:
    """Each broken example scheme."""
    for scheme in broken.BROKEN_SCHEMES:
        registrar.add(scheme)
