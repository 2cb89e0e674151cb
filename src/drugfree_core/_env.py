"""Read from the environment: the ``DRUGFREE_*`` switches and the cache folder.

One reading of "on" for every switch, and one place for what the library keeps between
runs.
"""

from __future__ import annotations

import os
from pathlib import Path

#: The values that turn a switch on, whatever their case and surrounding spaces.
ON_VALUES = frozenset({"1", "true", "yes", "on"})


def switched_on(value: str | None) -> bool:
    """Whether an environment variable's *value* turns its switch on (unset is off)."""
    return (value or "").strip().lower() in ON_VALUES


def cache_dir() -> Path | None:
    """The folder where the library keeps what it worked out once (None: keep nothing).

    ``DRUGFREE_CACHE_DIR`` when set (an empty value keeps nothing; a relative path is
    taken from the current folder, as any path the user gives); else
    ``drugfree-core`` in ``XDG_CACHE_HOME`` (when an absolute path, as the XDG base
    directory specification asks), else in ``~/.cache``.
    """
    chosen = os.environ.get("DRUGFREE_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):
        return Path(base) / "drugfree-core"
    try:
        return Path.home() / ".cache" / "drugfree-core"
    except RuntimeError:  # no home folder can be told
        return None
