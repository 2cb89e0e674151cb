"""The built-in schemes shipped with the library."""

from drugfree_core.schemes.registry import builtin_schemes

__all__ = ["builtin_schemes"]
