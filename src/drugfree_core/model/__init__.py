"""The typed data model: units, lineage, subjects and their records, findings, recognitions.

Subjects carry their dated records; units carry facts and findings (violations,
fugitives, drug-use locations) and their coverage; recognitions and the assessment year
complete it.
"""

from drugfree_core.model.coverage import Coverage
from drugfree_core.model.enums import (
    COMMUNE_LEVEL_KINDS,
    Authority,
    FactKind,
    LocationBasis,
    LocationKind,
    Provenance,
    RehabForm,
    SubjectKind,
    TestMethod,
    TestResult,
    TestSchedule,
    UnitKind,
    UnitLevel,
    ViolationKind,
)
from drugfree_core.model.events import DrugLawViolation, DrugUseLocation, WantedFugitive
from drugfree_core.model.facts import UnitFact
from drugfree_core.model.periods import AssessmentPeriod, DateOrPeriod, reference_date_of
from drugfree_core.model.recognition import Recognition
from drugfree_core.model.subjects import (
    CustodyPeriod,
    DrugTest,
    RehabEpisode,
    Residence,
    StatusPeriod,
    Subject,
)
from drugfree_core.model.territory import TWO_TIER_START, AdminUnit, LineageLink

__all__ = [
    "COMMUNE_LEVEL_KINDS",
    "TWO_TIER_START",
    "AdminUnit",
    "AssessmentPeriod",
    "Authority",
    "Coverage",
    "CustodyPeriod",
    "DateOrPeriod",
    "DrugLawViolation",
    "DrugTest",
    "DrugUseLocation",
    "FactKind",
    "LineageLink",
    "LocationBasis",
    "LocationKind",
    "Provenance",
    "Recognition",
    "RehabEpisode",
    "RehabForm",
    "Residence",
    "StatusPeriod",
    "Subject",
    "SubjectKind",
    "TestMethod",
    "TestResult",
    "TestSchedule",
    "UnitFact",
    "UnitKind",
    "UnitLevel",
    "ViolationKind",
    "WantedFugitive",
    "reference_date_of",
]
