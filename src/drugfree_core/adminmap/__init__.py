"""The official map of Vietnam's administrative units before and after the 2025 reform.

>>> import datetime as dt
>>> from drugfree_core.adminmap import official_map
>>> m = official_map()
>>> m.commune_level_in_force(dt.date(2025, 10, 1), province="31").height  # doctest: +SKIP
114

Post-reform codes are the official ones ("31", "00004"); pre-reform codes are namespaced
("pre2025:24") because the reform reused codes. The code helpers need no data; the map
itself (and polars) is loaded on the first :func:`official_map` call.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from drugfree_core.adminmap.codes import (
    PRE_REFORM_PREFIX,
    is_pre_reform_code,
    official_code,
    pre_reform_code,
)

if TYPE_CHECKING:
    from drugfree_core.adminmap.official import MapSource, OfficialMap, official_map

# Loaded on first use so that the code helpers do not pay for polars.
_LAZY = frozenset({"MapSource", "OfficialMap", "official_map"})

__all__ = [
    "PRE_REFORM_PREFIX",
    "MapSource",
    "OfficialMap",
    "is_pre_reform_code",
    "official_code",
    "official_map",
    "pre_reform_code",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("drugfree_core.adminmap.official"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
