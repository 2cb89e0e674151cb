"""Looking up schemes by id: the built-in ones, and every scheme installed plugins add."""

from __future__ import annotations

from drugfree_core.rules.scheme import Scheme


def builtin_schemes() -> tuple[Scheme, ...]:
    """The schemes that ship with the library, in display order."""
    from drugfree_core.schemes.builtins import BUILTIN_SCHEMES

    return BUILTIN_SCHEMES


def all_schemes() -> tuple[Scheme, ...]:
    """Every scheme of the default plugin host: the built-ins, then installed plugins'."""
    from drugfree_core.plugins.host import default_host

    return default_host().schemes()


def get_scheme(scheme_id: str) -> Scheme:
    """The scheme called *scheme_id*, built-in or from an installed plugin.

    A clear :class:`~drugfree_core.errors.SchemeError` names the schemes available.
    """
    from drugfree_core.plugins.host import default_host

    return default_host().scheme(scheme_id)
