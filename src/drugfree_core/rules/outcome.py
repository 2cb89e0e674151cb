"""The outcome of a rule, and what a custom Python rule sees and returns.

These types belong to the rules, not to the engine: :class:`~drugfree_core.rules.PythonRule`
names them in its signature, and the rules layer never imports the engine. The engine
re-exports them (``drugfree_core.engine.Outcome``, ``UnitView``, ``CustomOutcome``), which
is where users find them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

import attrs

from drugfree_core.model import AdminUnit, Subject, UnitFact
from drugfree_core.rules.params import ParamValue


class Outcome(enum.Enum):
    """The outcome of a rule, a criterion or a unit's verdict.

    PASS, FAIL and UNKNOWN are three-valued logic: what the data cannot decide is
    UNKNOWN, never PASS. NO_DATA is for a unit the dataset does not cover on the date
    (see :class:`~drugfree_core.model.Coverage`): nothing is judged there, and it is never
    counted as passing.
    """

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NO_DATA = "no_data"

    @classmethod
    def from_bool(cls, value: bool | None) -> Outcome:
        """``True`` → PASS, ``False`` → FAIL, ``None`` → UNKNOWN."""
        if value is None:
            return cls.UNKNOWN
        return cls.PASS if value else cls.FAIL


@attrs.frozen(kw_only=True)
class UnitView:
    """What a custom rule sees.

    One unit on the date, the people placed there on that date (with all their records),
    the unit's facts and the scheme's parameter values.
    """

    unit: AdminUnit
    on: dt.date
    subjects: tuple[Subject, ...]
    facts: tuple[UnitFact, ...]
    parameters: Mapping[str, ParamValue]


@attrs.frozen(kw_only=True)
class CustomOutcome:
    """What a custom rule returns for one unit."""

    outcome: Outcome
    observed: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    failing_subjects: tuple[str, ...] = ()
    reason: str = ""


__all__ = ["CustomOutcome", "Outcome", "UnitView"]
