"""drugfree-core: decide, explain and report drug-free commune-level units in Vietnam.

The public API in one place::

    import datetime as dt
    import drugfree_core as dfc

    dataset = dfc.load("province.json")            # or a folder of CSV / Parquet tables
    scheme = dfc.get_scheme("mps-recognition-2024")
    evaluation = dfc.evaluate(dataset, scheme, dt.date(2025, 10, 1))
    print(dfc.explain(dataset, scheme, dt.date(2025, 10, 1), "C0001"))
"""

from __future__ import annotations

from drugfree_core.api import evaluate_unit, explain
from drugfree_core.dataset import Dataset, DatasetRecords, QuarantinedRecord
from drugfree_core.engine import (
    CriterionResult,
    CustomOutcome,
    Evaluation,
    Outcome,
    RuleResult,
    UnitResult,
    UnitView,
    UnplacedSubject,
    evaluate,
)
from drugfree_core.errors import DatasetError, DrugfreeError, Problem, SchemeError, UsageError
from drugfree_core.explain import explain_unit
from drugfree_core.io import load, save, validate
from drugfree_core.model import (
    AdminUnit,
    CustodyPeriod,
    DrugTest,
    FactKind,
    LineageLink,
    Provenance,
    RehabEpisode,
    RehabForm,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    TestMethod,
    TestResult,
    TestSchedule,
    UnitFact,
    UnitKind,
    UnitLevel,
)
from drugfree_core.rules import Criterion, Level, Parameter, Scheme
from drugfree_core.schemes import builtin_schemes, get_scheme

__all__ = [
    "AdminUnit",
    "Criterion",
    "CriterionResult",
    "CustodyPeriod",
    "CustomOutcome",
    "Dataset",
    "DatasetError",
    "DatasetRecords",
    "DrugTest",
    "DrugfreeError",
    "Evaluation",
    "FactKind",
    "Level",
    "LineageLink",
    "Outcome",
    "Parameter",
    "Problem",
    "Provenance",
    "QuarantinedRecord",
    "RehabEpisode",
    "RehabForm",
    "Residence",
    "RuleResult",
    "Scheme",
    "SchemeError",
    "StatusPeriod",
    "Subject",
    "SubjectKind",
    "TestMethod",
    "TestResult",
    "TestSchedule",
    "UnitFact",
    "UnitKind",
    "UnitLevel",
    "UnitResult",
    "UnitView",
    "UnplacedSubject",
    "UsageError",
    "builtin_schemes",
    "evaluate",
    "evaluate_unit",
    "explain",
    "explain_unit",
    "get_scheme",
    "load",
    "save",
    "validate",
]


def __getattr__(name: str) -> str:
    if name == "__version__":
        from importlib.metadata import version

        return version("drugfree-core")
    raise AttributeError(name)
