"""Hypothesis's entry point: strategies for the model types, so ``st.from_type`` works.

Hypothesis calls :func:`_hypothesis_setup_hook` while it is being imported. This module
imports nothing at import time, and the strategies module only when a type is first
resolved, so the hook costs almost nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from hypothesis.strategies import SearchStrategy


def _from_strategies(name: str) -> Callable[[type], SearchStrategy[Any]]:
    def resolve(_cls: type) -> SearchStrategy[Any]:
        from drugfree_core.testing import strategies

        strategy: SearchStrategy[Any] = getattr(strategies, name)()
        return strategy

    return resolve


def _hypothesis_setup_hook() -> None:
    """Register a strategy for every model type (and :class:`Dataset`) with Hypothesis."""
    from hypothesis import strategies as st

    from drugfree_core.dataset.dataset import Dataset
    from drugfree_core.model import (
        AdminUnit,
        CustodyPeriod,
        DrugTest,
        LineageLink,
        RehabEpisode,
        Residence,
        StatusPeriod,
        Subject,
        UnitFact,
    )

    registry: dict[type, str] = {
        AdminUnit: "units",
        LineageLink: "lineage_links",
        Subject: "subjects",
        DrugTest: "drug_tests",
        RehabEpisode: "rehab_episodes",
        StatusPeriod: "status_periods",
        Residence: "residences",
        CustodyPeriod: "custody_periods",
        UnitFact: "unit_facts",
        Dataset: "datasets",
    }
    for cls, name in registry.items():
        st.register_type_strategy(cls, _from_strategies(name))
