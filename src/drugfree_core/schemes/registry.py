"""Looking up schemes by id."""

from __future__ import annotations

from drugfree_core.errors import SchemeError
from drugfree_core.rules.scheme import Scheme


def builtin_schemes() -> tuple[Scheme, ...]:
    """The schemes that ship with the library, in display order."""
    from drugfree_core.schemes import mps_recognition_2024, qd28_complex_areas

    return (mps_recognition_2024.SCHEME, qd28_complex_areas.SCHEME)


def get_scheme(scheme_id: str) -> Scheme:
    """The scheme called *scheme_id*; a clear error names the ones available."""
    schemes = {s.id: s for s in builtin_schemes()}
    if scheme_id not in schemes:
        raise SchemeError(f"unknown scheme {scheme_id!r}; available: {', '.join(sorted(schemes))}")
    return schemes[scheme_id]
