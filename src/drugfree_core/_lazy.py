"""Names a package gives from its modules, each imported the first time it is asked for.

A package that re-exports a module only some callers need (the JSON door and its
cattrs and msgspec; the whole library from ``drugfree_core``) keeps its start-up short
this way. Type checkers read the names from imports under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any


def lazy_names(
    namespace: MutableMapping[str, Any], exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` for the package whose globals are *namespace*.

    *exports* maps each name the package gives to the module that defines it. The first
    look-up imports that module and keeps the value in the package, so later ones skip
    ``__getattr__``; ``__dir__`` lists the package's names and its ``__all__``. Call it
    from the package's body: ``__getattr__, __dir__ = lazy_names(globals(), ...)``.
    """
    package = namespace["__name__"]

    def look_up(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value  # later lookups skip __getattr__
        return value

    def listed() -> list[str]:
        return sorted({*namespace, *namespace.get("__all__", ())})

    return look_up, listed
