"""Convenience functions over the engine for the common one-call uses."""

from __future__ import annotations

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.evaluate import evaluate
from drugfree_core.engine.results import Evaluation, UnitResult
from drugfree_core.explanation import explain_unit
from drugfree_core.i18n import Lang
from drugfree_core.model.enums import UnitLevel
from drugfree_core.model.periods import DateOrPeriod, reference_date_of
from drugfree_core.plugins.host import SchemeChoice
from drugfree_core.rules.scheme import Scheme


def evaluate_unit(
    dataset: Dataset, scheme: Scheme, on: DateOrPeriod, unit_code: str
) -> tuple[UnitResult, Evaluation]:
    """Evaluate one unit fast: the dataset is first cut down to the records that concern it.

    Gives the same result as evaluating everything and picking the unit, because units
    are evaluated independently. *on* is a date or an
    :class:`~drugfree_core.model.AssessmentPeriod` (its last day). A province of a
    province-level scheme is evaluated over the whole dataset (its communes' records).
    """
    if scheme.unit_level is UnitLevel.PROVINCE:
        evaluation = evaluate(dataset, scheme, on, units=[unit_code])
        return evaluation.unit(unit_code), evaluation
    part = dataset.restrict_to_units([unit_code])
    evaluation = evaluate(part, scheme, on, units=[unit_code])
    return evaluation.unit(unit_code), evaluation


def scheme_for(unit_code: str, on: DateOrPeriod, dataset: Dataset | None = None) -> SchemeChoice:
    """The scheme in force for *unit_code* on *on*, chosen by its province's jurisdiction.

    Uses the default plugin host (built-ins and installed plugins); see
    :meth:`drugfree_core.plugins.PluginHost.scheme_for`. The national default follows
    the dates: Art. 6 of Decision 28/2025 from 24 Aug 2025.
    """
    from drugfree_core.plugins.host import default_host

    return default_host().scheme_for(unit_code, reference_date_of(on), dataset)


def explain(
    dataset: Dataset, scheme: Scheme, on: DateOrPeriod, unit_code: str, *, lang: Lang = "en"
) -> str:
    """The readable explanation of one unit's verdict (see :func:`explain_unit`)."""
    unit, evaluation = evaluate_unit(dataset, scheme, on, unit_code)
    return explain_unit(unit, evaluation, scheme, lang)
