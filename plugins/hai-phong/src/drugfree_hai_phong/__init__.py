"""Hải Phòng's drug-free roadmap and scheme for drugfree-core.

The plugin itself is :mod:`drugfree_hai_phong.plugin`, loaded through the ``drugfree``
entry point ``hai-phong``; this package re-exports its ids for callers and tests.
"""

from drugfree_hai_phong.plugin import PROVINCE, ROADMAP_ID, SCHEME_ID, UNITS

__all__ = ["PROVINCE", "ROADMAP_ID", "SCHEME_ID", "UNITS"]
