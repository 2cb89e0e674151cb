"""drugfree-core: decide, explain and report drug-free commune-level units in Vietnam.

The public API in one place::

    import datetime as dt
    import drugfree_core as dfc

    dataset = dfc.load("province.json")            # or a folder of CSV / Parquet tables
    scheme = dfc.get_scheme("qd28-2025-drug-free")   # Decision 28/2025 Art. 6, national
    evaluation = dfc.evaluate(dataset, scheme, dfc.AssessmentPeriod(2025))  # to 14 Dec 2025
    print(dfc.explain(dataset, scheme, dt.date(2025, 12, 14), "C0001"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from drugfree_core._lazy import lazy_names as _lazy_names

if TYPE_CHECKING:
    from drugfree_core.api import (
        UnitEvaluation,
        evaluate_unit,
        evaluate_unit_from,
        explain,
        supply_warnings,
    )
    from drugfree_core.dataset import Dataset, DatasetRecords, QuarantinedRecord
    from drugfree_core.engine import (
        Comparison,
        CriterionResult,
        CustomOutcome,
        Evaluation,
        LostRecord,
        Outcome,
        RuleResult,
        UnitResult,
        UnitVerdict,
        UnitView,
        UnplacedSubject,
        compare,
        evaluate,
    )
    from drugfree_core.errors import (
        CoverageError,
        DatasetError,
        DrugfreeError,
        Problem,
        SchemeError,
        UsageError,
    )
    from drugfree_core.explanation import explain_unit
    from drugfree_core.io import load, pseudonymise, save, survey, validate
    from drugfree_core.model import (
        AdminUnit,
        AssessmentPeriod,
        Coverage,
        CustodyPeriod,
        DrugLawViolation,
        DrugTest,
        DrugUseLocation,
        FactKind,
        LineageLink,
        Provenance,
        Recognition,
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
        WantedFugitive,
    )
    from drugfree_core.plugins import get_scheme
    from drugfree_core.rules import Criterion, Level, Parameter, Scheme
    from drugfree_core.schemes import builtin_schemes

# Names are imported on first use, so `import drugfree_core` (and Hypothesis, which
# loads our strategies hook at start-up) does not pay for polars and the engine.
_EXPORTS = {
    "AdminUnit": "drugfree_core.model",
    "AssessmentPeriod": "drugfree_core.model",
    "Comparison": "drugfree_core.engine",
    "DrugLawViolation": "drugfree_core.model",
    "DrugUseLocation": "drugfree_core.model",
    "Recognition": "drugfree_core.model",
    "WantedFugitive": "drugfree_core.model",
    "compare": "drugfree_core.engine",
    "Coverage": "drugfree_core.model",
    "CoverageError": "drugfree_core.errors",
    "Criterion": "drugfree_core.rules",
    "CriterionResult": "drugfree_core.engine",
    "CustodyPeriod": "drugfree_core.model",
    "CustomOutcome": "drugfree_core.engine",
    "Dataset": "drugfree_core.dataset",
    "DatasetError": "drugfree_core.errors",
    "DatasetRecords": "drugfree_core.dataset",
    "DrugTest": "drugfree_core.model",
    "DrugfreeError": "drugfree_core.errors",
    "Evaluation": "drugfree_core.engine",
    "FactKind": "drugfree_core.model",
    "Level": "drugfree_core.rules",
    "LineageLink": "drugfree_core.model",
    "Outcome": "drugfree_core.engine",
    "Parameter": "drugfree_core.rules",
    "Problem": "drugfree_core.errors",
    "Provenance": "drugfree_core.model",
    "QuarantinedRecord": "drugfree_core.dataset",
    "RehabEpisode": "drugfree_core.model",
    "RehabForm": "drugfree_core.model",
    "Residence": "drugfree_core.model",
    "RuleResult": "drugfree_core.engine",
    "Scheme": "drugfree_core.rules",
    "SchemeError": "drugfree_core.errors",
    "StatusPeriod": "drugfree_core.model",
    "Subject": "drugfree_core.model",
    "SubjectKind": "drugfree_core.model",
    "TestMethod": "drugfree_core.model",
    "TestResult": "drugfree_core.model",
    "TestSchedule": "drugfree_core.model",
    "UnitFact": "drugfree_core.model",
    "UnitKind": "drugfree_core.model",
    "UnitLevel": "drugfree_core.model",
    "UnitEvaluation": "drugfree_core.api",
    "UnitResult": "drugfree_core.engine",
    "UnitVerdict": "drugfree_core.engine",
    "UnitView": "drugfree_core.engine",
    "UnplacedSubject": "drugfree_core.engine",
    "LostRecord": "drugfree_core.engine",
    "UsageError": "drugfree_core.errors",
    "builtin_schemes": "drugfree_core.schemes",
    "evaluate": "drugfree_core.engine",
    "evaluate_unit": "drugfree_core.api",
    "evaluate_unit_from": "drugfree_core.api",
    "explain": "drugfree_core.api",
    "explain_unit": "drugfree_core.explanation",
    "get_scheme": "drugfree_core.plugins",
    "load": "drugfree_core.io",
    "pseudonymise": "drugfree_core.io",
    "save": "drugfree_core.io",
    "supply_warnings": "drugfree_core.api",
    "survey": "drugfree_core.io",
    "validate": "drugfree_core.io",
}

__all__ = [
    "AdminUnit",
    "AssessmentPeriod",
    "Comparison",
    "Coverage",
    "CoverageError",
    "Criterion",
    "CriterionResult",
    "CustodyPeriod",
    "CustomOutcome",
    "Dataset",
    "DatasetError",
    "DatasetRecords",
    "DrugLawViolation",
    "DrugTest",
    "DrugUseLocation",
    "DrugfreeError",
    "Evaluation",
    "FactKind",
    "Level",
    "LineageLink",
    "LostRecord",
    "Outcome",
    "Parameter",
    "Problem",
    "Provenance",
    "QuarantinedRecord",
    "Recognition",
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
    "UnitEvaluation",
    "UnitFact",
    "UnitKind",
    "UnitLevel",
    "UnitResult",
    "UnitVerdict",
    "UnitView",
    "UnplacedSubject",
    "UsageError",
    "WantedFugitive",
    "builtin_schemes",
    "compare",
    "evaluate",
    "evaluate_unit",
    "evaluate_unit_from",
    "explain",
    "explain_unit",
    "get_scheme",
    "load",
    "pseudonymise",
    "save",
    "supply_warnings",
    "survey",
    "validate",
]


_look_up, __dir__ = _lazy_names(globals(), _EXPORTS)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        return version("drugfree-core")
    return _look_up(name)
