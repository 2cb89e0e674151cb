"""Thanh Hóa's drug-free scheme and roadmaps for drugfree-core.

The plugin itself is :mod:`drugfree_thanh_hoa.plugin`, loaded through the ``drugfree``
entry point ``thanh-hoa``; this package re-exports its ids for callers and tests.
"""

from drugfree_thanh_hoa.plugin import (
    PLAN_ROADMAP_ID,
    PROJECT_ROADMAP_ID,
    PROVINCE,
    SCHEME_ID,
)

__all__ = ["PLAN_ROADMAP_ID", "PROJECT_ROADMAP_ID", "PROVINCE", "SCHEME_ID"]
