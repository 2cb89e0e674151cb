"""Bắc Ninh's (and former Bắc Giang's) drug-free schemes and roadmaps for drugfree-core.

The plugin itself is :mod:`drugfree_bac_ninh.plugin`, loaded through the ``drugfree``
entry point ``bac-ninh``; this package re-exports its ids for callers and tests.
"""

from drugfree_bac_ninh.plugin import (
    BAC_GIANG_ROADMAP_ID,
    BAC_GIANG_SCHEME_ID,
    BAC_NINH_ROADMAP_ID,
    BAC_NINH_SCHEME_ID,
    MERGER,
    PROVINCE,
)

__all__ = [
    "BAC_GIANG_ROADMAP_ID",
    "BAC_GIANG_SCHEME_ID",
    "BAC_NINH_ROADMAP_ID",
    "BAC_NINH_SCHEME_ID",
    "MERGER",
    "PROVINCE",
]
