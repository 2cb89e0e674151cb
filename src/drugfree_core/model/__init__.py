"""The typed data model: units, lineage, subjects and their dated records, unit facts, coverage."""

from drugfree_core.model.coverage import Coverage
from drugfree_core.model.enums import (
    COMMUNE_LEVEL_KINDS,
    FactKind,
    Provenance,
    RehabForm,
    SubjectKind,
    TestMethod,
    TestResult,
    TestSchedule,
    UnitKind,
    UnitLevel,
)
from drugfree_core.model.facts import UnitFact
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
    "Coverage",
    "CustodyPeriod",
    "DrugTest",
    "FactKind",
    "LineageLink",
    "Provenance",
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
]
