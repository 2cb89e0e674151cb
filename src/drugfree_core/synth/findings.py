"""Findings (criteria.md §2.4-§2.5) and recognitions, consistent with the people and facts.

* Drug-law violations: a few people on the lists were caught breaking the drug law
  (more administrative violations than crimes), in the commune where they lived then.
* Drug-use locations: one record per location the unit facts count (a quarter's
  ``drug_use_locations`` value of *k* gives *k* locations identified in that quarter),
  mostly places, some areas and vehicles, most only suspected; most are dismantled
  within months.
* Wanted fugitives: rare, each hiding in one unit for a while.
* Recognitions: about a quarter of the units recognised drug-free for assessment year
  2025 (the share An Giang and Nghệ An recognised, criteria.md §8.1), by provincial
  decisions in January 2026; a few later withdrawn.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from drugfree_core.model import LocationBasis, LocationKind, ViolationKind
from drugfree_core.synth._util import choose, date_column, day, enum_column, id_column, stream
from drugfree_core.synth.config import SynthConfig
from drugfree_core.synth.territory import Territory

_VIOLATION_SHARE = 0.04  # of people, over the whole history
_FUGITIVE_SHARE = 0.01  # of units
_RECOGNISED_SHARE = 0.25
_WITHDRAWN_SHARE = 0.05
#: Decisions on assessment year 2025 (An Giang announced its own on 12 Jan 2026).
_DECIDED = dt.date(2026, 1, 12)


def build_findings(
    config: SynthConfig,
    territory: Territory,
    residences: pl.DataFrame,
    facts: pl.DataFrame,
) -> dict[str, pl.DataFrame]:
    """The four finding tables for the generated people, facts and units."""
    return {
        "drug_law_violations": _violations(config, residences),
        "drug_use_locations": _locations(config, facts),
        "wanted_fugitives": _fugitives(config, territory),
        "recognitions": _recognitions(config, territory),
    }


def _violations(config: SynthConfig, residences: pl.DataFrame) -> pl.DataFrame:
    rng = stream(config.seed, "violations")
    first, last = day(config.history_start), day(config.as_of)
    spans = residences.select(
        "subject_id",
        "unit_code",
        pl.col("start").cast(pl.Int32).cast(pl.Int64).clip(lower_bound=first).alias("lo"),
        pl.col("end").fill_null(config.as_of).cast(pl.Int32).cast(pl.Int64).alias("hi"),
    ).filter(pl.col("lo") <= pl.col("hi"))
    n = min(spans.height, round(_VIOLATION_SHARE * spans.height))
    rows = spans[np.sort(rng.choice(spans.height, n, replace=False))] if n else spans.clear()
    lo, hi = rows["lo"].to_numpy(), np.minimum(rows["hi"].to_numpy(), last)
    when = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)
    return pl.DataFrame(
        [
            rows["subject_id"],
            rows["unit_code"],
            date_column("date", when),
            enum_column("kind", tuple(ViolationKind), choose(rng, (0.35, 0.65), n)),
        ]
    )


def _locations(config: SynthConfig, facts: pl.DataFrame) -> pl.DataFrame:
    rng = stream(config.seed, "locations")
    found = facts.filter((pl.col("kind") == "drug_use_locations") & (pl.col("value") > 0))
    counts = found["value"].cast(pl.Int64).to_numpy()
    n = int(counts.sum())
    rows = np.repeat(np.arange(found.height), counts)
    lo = found["period_start"].cast(pl.Int32).to_numpy().astype(np.int64)[rows]
    hi = found["period_end"].cast(pl.Int32).to_numpy().astype(np.int64)[rows]
    identified = lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)
    closed = identified + np.floor(rng.exponential(60.0, n)).astype(np.int64)
    still_open = (rng.random(n) < 0.2) | (closed > day(config.as_of))
    return pl.DataFrame(
        [
            id_column("id", "L", np.arange(1, n + 1), max(6, len(str(n)))),
            found["unit_code"].gather(rows),
            enum_column("kind", tuple(LocationKind), choose(rng, (0.75, 0.15, 0.10), n)),
            enum_column("basis", tuple(LocationBasis), choose(rng, (0.7, 0.3), n)),
            date_column("identified_on", identified),
            date_column("closed_on", closed, still_open),
        ]
    )


def _fugitives(config: SynthConfig, territory: Territory) -> pl.DataFrame:
    rng = stream(config.seed, "fugitives")
    n_units = territory.n_successors
    n = max(1, round(_FUGITIVE_SHARE * n_units)) if n_units else 0
    units = rng.choice(n_units, n, replace=False) if n else np.zeros(0, np.int64)
    start = day(config.history_start) + np.floor(
        rng.random(n) * (day(config.as_of) - day(config.history_start))
    ).astype(np.int64)
    end = start + np.floor(rng.exponential(90.0, n)).astype(np.int64)
    still = (rng.random(n) < 0.3) | (end > day(config.as_of))
    return pl.DataFrame(
        [
            id_column("id", "F", np.arange(1, n + 1), 5),
            territory.codes.gather(units).alias("unit_code"),
            date_column("start", start),
            date_column("end", end, still),
        ]
    )


def _recognitions(config: SynthConfig, territory: Territory) -> pl.DataFrame:
    rng = stream(config.seed, "recognitions")
    n_units = territory.n_successors
    n = 0 if config.as_of < _DECIDED else round(_RECOGNISED_SHARE * n_units)
    units = np.sort(rng.choice(n_units, n, replace=False)) if n else np.zeros(0, np.int64)
    withdrawn = rng.random(n) < _WITHDRAWN_SHARE
    when = day(_DECIDED) + np.floor(
        rng.random(n) * max(1, day(config.as_of) - day(_DECIDED))
    ).astype(np.int64)
    return pl.DataFrame(
        [
            territory.codes.gather(units).alias("unit_code"),
            pl.Series("scheme_id", ["qd28-2025-drug-free"] * n, dtype=pl.String),
            pl.Series("assessment_year", [2025] * n, dtype=pl.Int64),
            date_column("decided_on", np.full(n, day(_DECIDED), dtype=np.int64)),
            pl.Series("decision_ref", [f"{100 + i}/QĐ-UBND" for i in range(n)], dtype=pl.String),
            date_column("withdrawn_on", np.maximum(when, day(_DECIDED)), ~withdrawn),
        ]
    )
