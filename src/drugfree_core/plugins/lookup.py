"""Looking up schemes by id: the built-in ones, and every scheme installed plugins add.

The default plugin host (:func:`~drugfree_core.plugins.default_host`) holds them all; the
built-in schemes alone are :func:`drugfree_core.builtin_schemes`.
"""

from __future__ import annotations

from drugfree_core.plugins.host import default_host
from drugfree_core.rules.scheme import Scheme


def all_schemes() -> tuple[Scheme, ...]:
    """Every scheme of the default plugin host: the built-ins, then installed plugins'."""
    return default_host().schemes()


def get_scheme(scheme_id: str) -> Scheme:
    """The scheme called *scheme_id*, built-in or from an installed plugin.

    A clear :class:`~drugfree_core.errors.SchemeError` names the schemes available.
    """
    return default_host().scheme(scheme_id)
