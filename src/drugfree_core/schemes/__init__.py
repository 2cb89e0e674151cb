"""The built-in schemes shipped with the library."""

from drugfree_core.schemes.registry import all_schemes, builtin_schemes, get_scheme

__all__ = ["all_schemes", "builtin_schemes", "get_scheme"]
