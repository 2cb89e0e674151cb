"""The columnar evaluation engine and its results."""

from drugfree_core.engine.evaluate import evaluate
from drugfree_core.engine.results import (
    CriterionResult,
    Evaluation,
    RuleResult,
    UnitResult,
    UnplacedSubject,
)
from drugfree_core.rules.outcome import CustomOutcome, Outcome, UnitView

__all__ = [
    "CriterionResult",
    "CustomOutcome",
    "Evaluation",
    "Outcome",
    "RuleResult",
    "UnitResult",
    "UnitView",
    "UnplacedSubject",
    "evaluate",
]
