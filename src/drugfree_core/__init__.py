"""drugfree-core: decide, explain and report drug-free commune-level units in Vietnam."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version

        return version("drugfree-core")
    raise AttributeError(name)
