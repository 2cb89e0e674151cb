"""Nghệ An's drug-free roadmap, scheme and 2024 district rule for drugfree-core.

The plugin itself is :mod:`drugfree_nghe_an.plugin`, loaded through the ``drugfree``
entry point ``nghe-an``. The district rule (criteria.md §3.2) is
:func:`~drugfree_nghe_an.district.district_status`.
"""

from drugfree_nghe_an.district import (
    CONDITIONS,
    Condition,
    ConditionResult,
    DistrictStatus,
    district_status,
)
from drugfree_nghe_an.plugin import PROVINCE, ROADMAP_ID, SCHEME_ID, UNITS

__all__ = [
    "CONDITIONS",
    "PROVINCE",
    "ROADMAP_ID",
    "SCHEME_ID",
    "UNITS",
    "Condition",
    "ConditionResult",
    "DistrictStatus",
    "district_status",
]
