"""The built-in schemes shipped with the library."""

from drugfree_core.schemes.registry import builtin_schemes, get_scheme

__all__ = ["builtin_schemes", "get_scheme"]
