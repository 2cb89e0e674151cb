"""The schemes that ship with the library, in display order (the built-in plugin adds them)."""

from __future__ import annotations

from drugfree_core.rules.scheme import Scheme
from drugfree_core.schemes import (
    mps_recognition_2024,
    qd28_complex_areas,
    qd28_drug_free,
    qd28_provinces,
)

#: National (Decision 28/2025) first, then the MPS criteria as reported in Thanh Hóa.
BUILTIN_SCHEMES: tuple[Scheme, ...] = (
    qd28_drug_free.SCHEME,
    qd28_complex_areas.SCHEME,
    *qd28_provinces.SCHEMES,
    mps_recognition_2024.SCHEME,
)

__all__ = ["BUILTIN_SCHEMES"]
