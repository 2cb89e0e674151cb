"""The columnar evaluation engine and its results."""

from drugfree_core.engine.compare import Comparison, UnitComparison, compare
from drugfree_core.engine.evaluate import (
    evaluate,
    evaluate_verdict_by_unit,
    evaluate_verdicts,
    same_verdicts,
)
from drugfree_core.engine.results import (
    CriterionResult,
    Evaluation,
    LostRecord,
    RuleResult,
    UnitResult,
    UnitVerdict,
    UnplacedSubject,
)
from drugfree_core.rules.outcome import CustomOutcome, Outcome, UnitView

__all__ = [
    "Comparison",
    "CriterionResult",
    "CustomOutcome",
    "Evaluation",
    "LostRecord",
    "Outcome",
    "RuleResult",
    "UnitComparison",
    "UnitResult",
    "UnitVerdict",
    "UnitView",
    "UnplacedSubject",
    "compare",
    "evaluate",
    "evaluate_verdict_by_unit",
    "evaluate_verdicts",
    "same_verdicts",
]
