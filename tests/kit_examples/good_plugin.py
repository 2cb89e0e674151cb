"""A valid plugin: registers the conforming example scheme of :mod:`kit_examples.good`."""

from __future__ import annotations

from drugfree_core.plugins import SchemeRegistrar, hookimpl
from kit_examples import good

DRUGFREE_HOOK_API = "1.0"


@hookimpl
def drugfree_register_schemes(registrar: SchemeRegistrar) -> None:
    """The conforming example scheme."""
    registrar.add(good.SCHEME)
