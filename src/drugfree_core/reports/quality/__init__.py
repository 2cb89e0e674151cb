"""Quality of the subject database per unit: "đúng, đủ, sạch, sống".

Hải Phòng asks that the database of people under management be *correct* (đúng: no
invalid records), *sufficient* (đủ: nothing the criteria need is left blank), *clean*
(sạch: no duplicates or contradictions) and *live* (sống: kept up to date).
:func:`assess_quality` runs one small, named, columnar check per problem and reports:

* :class:`QualityIssue`: one per problem, for the commune police; it may carry a
  pseudonymous subject id, never anything else about a person;
* :class:`QualityRow`: counts per commune-level unit in force, with no subject id, fit for
  publication.

A person's problems are counted in the unit where the engine places them on the date
(the residence covering the date, following lineage from a merged predecessor); problems
of people placed nowhere, and records that concern no commune-level unit in force, go to
one *unplaced* row (``unit_code`` None), so nothing is dropped.

Locations such as ``drug_tests[12]`` are 0-based row indexes in the dataset's tables;
quarantined records keep the location in the source file that the loader gave them.
"""

from __future__ import annotations

from drugfree_core.reports.quality.assess import assess_quality
from drugfree_core.reports.quality.records import (
    CHECK_LABELS,
    DIMENSION_LABELS,
    DIMENSIONS,
    UNPLACED_NAME,
    IssueTable,
    QualityIssue,
    QualityReport,
    QualityRow,
)

__all__ = [
    "CHECK_LABELS",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "UNPLACED_NAME",
    "IssueTable",
    "QualityIssue",
    "QualityReport",
    "QualityRow",
    "assess_quality",
]
