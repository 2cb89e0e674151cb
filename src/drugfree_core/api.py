"""Convenience functions over the engine for the common one-call uses."""

from __future__ import annotations

import datetime as dt

from drugfree_core._args import expect, expect_date
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.evaluate import evaluate
from drugfree_core.engine.results import Evaluation, UnitResult
from drugfree_core.explanation import explain_unit
from drugfree_core.i18n import Lang
from drugfree_core.plugins.host import SchemeChoice
from drugfree_core.rules.scheme import Scheme


def evaluate_unit(
    dataset: Dataset, scheme: Scheme, on: dt.date, unit_code: str
) -> tuple[UnitResult, Evaluation]:
    """Evaluate one unit fast: the dataset is first cut down to the records that concern it.

    Gives the same result as evaluating everything and picking the unit, because units
    are evaluated independently.
    """
    expect(dataset, Dataset, "the dataset", "a Dataset (see drugfree_core.load)")
    expect(unit_code, str, "the unit code", "a str")
    part = dataset.restrict_to_units([unit_code])
    evaluation = evaluate(part, scheme, on, units=[unit_code])
    return evaluation.unit(unit_code), evaluation


def scheme_for(unit_code: str, on: dt.date, dataset: Dataset | None = None) -> SchemeChoice:
    """The scheme in force for *unit_code* on *on*, chosen by its province's jurisdiction.

    Uses the default plugin host (built-ins and installed plugins); see
    :meth:`drugfree_core.plugins.PluginHost.scheme_for`.
    """
    from drugfree_core.plugins.host import default_host

    expect(unit_code, str, "the unit code", "a str")
    expect_date(on, "the date")
    if dataset is not None:
        expect(dataset, Dataset, "the dataset", "a Dataset or None")
    return default_host().scheme_for(unit_code, on, dataset)


def explain(
    dataset: Dataset, scheme: Scheme, on: dt.date, unit_code: str, *, lang: Lang = "en"
) -> str:
    """The readable explanation of one unit's verdict (see :func:`explain_unit`)."""
    unit, evaluation = evaluate_unit(dataset, scheme, on, unit_code)
    return explain_unit(unit, evaluation, scheme, lang)
