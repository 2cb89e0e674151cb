"""The embedded official map's units, handed to the checks for quarantine placeholders.

The checks live in the dataset layer, below the map (:mod:`drugfree_core.adminmap`), so
they cannot load it themselves: every door that builds a dataset gives it here.
"""

from __future__ import annotations

import attrs
import polars as pl

from drugfree_core.dataset.checks import Staged


def _official_units() -> pl.DataFrame:
    from drugfree_core.adminmap import official_map  # loaded only when a placeholder needs it

    return official_map().units


def with_known_units(staged: Staged) -> Staged:
    """*staged*, whose quarantined unit rows may borrow the official map's row by code."""
    return attrs.evolve(staged, known_units=_official_units)
