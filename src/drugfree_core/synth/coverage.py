"""The coverage table of a generated dataset: what its records vouch for.

The generator writes every record of every commune-level unit it invents, from
``history_start`` to ``as_of`` (the day the data were extracted), so each such unit is
covered over the part of that span in which it exists. A dataset that did not say so
would still be covered by default (it brings its own units), but saying it shows the
format, and a date after ``as_of`` is then rightly *no data*.
"""

from __future__ import annotations

import polars as pl

from drugfree_core.model.enums import COMMUNE_LEVEL_KINDS
from drugfree_core.synth.config import SynthConfig

#: The ``source_system`` of every generated coverage row.
SOURCE = "drugfree_core.synth"


def build_coverage(config: SynthConfig, units: pl.DataFrame) -> pl.DataFrame:
    """One coverage row per commune-level unit of *units*, over its life in the history."""
    start, end = config.history_start, config.as_of
    communes = units.filter(
        pl.col("kind").cast(pl.String).is_in([k.value for k in COMMUNE_LEVEL_KINDS])
    )
    rows = communes.select(
        pl.col("code").alias("unit_code"),
        pl.max_horizontal(pl.col("valid_from").fill_null(start), pl.lit(start)).alias(
            "covered_from"
        ),
        pl.min_horizontal(pl.col("valid_to").fill_null(end), pl.lit(end)).alias("covered_to"),
        pl.lit(SOURCE).alias("source_system"),
    )
    # A unit that ended before the history began has nothing covered.
    return rows.filter(pl.col("covered_from") <= pl.col("covered_to"))
