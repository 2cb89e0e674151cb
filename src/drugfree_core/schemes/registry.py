"""The schemes that ship with the library, in display order.

Looking one up by id, among these and the schemes installed plugins add, goes through
the plugin host: :func:`drugfree_core.get_scheme`.
"""

from __future__ import annotations

from drugfree_core.rules.scheme import Scheme


def builtin_schemes() -> tuple[Scheme, ...]:
    """The schemes that ship with the library, in display order."""
    from drugfree_core.schemes.builtins import BUILTIN_SCHEMES

    return BUILTIN_SCHEMES
