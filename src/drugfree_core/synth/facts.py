"""Unit facts (criteria.md §2.1-§2.2): quarterly counts and a yearly complex-route flag.

Reported by every post-reform commune-level unit for its whole area, including the
quarters before 1 July 2025 (compiled for recognition dossiers). A few units lack one
kind of fact entirely and a few reported late (last two quarters missing), so an engine
has to report *unknown* rather than zero for them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from drugfree_core.model import FactKind
from drugfree_core.synth._util import Ints, date_column, enum_column, stream
from drugfree_core.synth.config import SynthConfig
from drugfree_core.synth.territory import Territory

_KINDS = tuple(FactKind)
#: The kinds generated (campaign figures such as rehab dossiers are not); gaps are drawn
#: among these only, so adding a fact kind does not change the generated data.
_GENERATED = (
    FactKind.DRUG_USE_LOCATIONS,
    FactKind.ARRESTED_DRUG_OFFENDERS,
    FactKind.NARCOTIC_PLANTS_COUNT,
    FactKind.NARCOTIC_PLANTS_AREA_M2,
    FactKind.ON_COMPLEX_ROUTE,
)
_LOC, _ARREST, _PLANTS, _AREA, _ROUTE = (_KINDS.index(k) for k in _GENERATED)


def build_facts(config: SynthConfig, territory: Territory, per_unit: Ints) -> pl.DataFrame:
    """Generate the unit-facts table for the successor units."""
    rng = stream(config.seed, "facts")
    n_units = territory.n_successors
    first = np.datetime64(config.history_start, "M")
    first -= first.astype(np.int64) % 3  # back to the start of its quarter
    quarters = np.arange(first, np.datetime64(config.as_of, "M") + 1, 3)
    q_start = quarters.astype("datetime64[D]").astype(np.int64)
    q_end = (quarters + 3).astype("datetime64[D]").astype(np.int64) - 1
    n_q = len(quarters)
    shape = (n_units, n_q)

    # Drug-use locations: most units none, a few hot spots (more where more users live).
    busy = per_unit > np.median(per_unit) if n_units else np.zeros(0, np.bool_)
    u = rng.random(n_units)
    hot = np.where(busy, 0.12, 0.03)
    warm = np.where(busy, 0.25, 0.10)
    loc_rate = np.where(u < hot, 0.8, np.where(u < hot + warm, 0.2, 0.01))
    locations = rng.poisson(np.broadcast_to(loc_rate[:, None], shape))

    # Arrests grow with the number of people under management in the unit.
    arrest_rate = 0.25 * (0.5 + 0.06 * per_unit) * rng.lognormal(0.0, 0.4, n_units)
    arrests = rng.poisson(np.broadcast_to(arrest_rate[:, None], shape))

    # Narcotic plants: mostly in mountain provinces, found mainly in the first quarter
    # (opium poppy season); area from a plausible planting density.
    growing = rng.random(n_units) < territory.succ_plant_risk
    first_quarter = (quarters.astype(np.int64) % 12) == 0
    p_found = np.where(first_quarter, 0.7, 0.12)[None, :] * growing[:, None]
    found = rng.random(shape) < p_found
    plants = np.where(found, np.round(rng.lognormal(5.5, 1.3, shape)), 0.0)
    area = np.round(plants * rng.uniform(0.15, 0.45, shape), 1)

    values = np.stack([locations, arrests, plants, area], axis=2).astype(np.float64)
    unit = np.broadcast_to(np.arange(n_units)[:, None, None], values.shape)
    starts = np.broadcast_to(q_start[None, :, None], values.shape)
    ends = np.broadcast_to(q_end[None, :, None], values.shape)
    kinds = np.broadcast_to(np.array([_LOC, _ARREST, _PLANTS, _AREA])[None, None, :], values.shape)
    quarter_idx = np.broadcast_to(np.arange(n_q)[None, :, None], values.shape)

    # Complex drug route: a yearly yes/no, yes for about 10 % of units.
    years = np.arange(config.history_start.year, config.as_of.year + 1)
    y_start = np.array([np.datetime64(f"{y}-01-01", "D") for y in years]).astype(np.int64)
    y_end = np.array([np.datetime64(f"{y}-12-31", "D") for y in years]).astype(np.int64)
    on_route = (rng.random(n_units) < 0.10).astype(np.float64)
    r_shape = (n_units, len(years))

    unit_all = np.concatenate([unit.ravel(), np.repeat(np.arange(n_units), len(years))])
    kind_all = np.concatenate([kinds.ravel(), np.full(n_units * len(years), _ROUTE)])
    start_all = np.concatenate([starts.ravel(), np.broadcast_to(y_start[None, :], r_shape).ravel()])
    end_all = np.concatenate([ends.ravel(), np.broadcast_to(y_end[None, :], r_shape).ravel()])
    value_all = np.concatenate([values.ravel(), np.repeat(on_route, len(years))])
    late_all = np.concatenate(
        [quarter_idx.ravel() >= n_q - 2, np.zeros(n_units * len(years), np.bool_)]
    )

    # Gaps: some units never reported one kind; some did not report the last two quarters.
    keep = np.ones(len(unit_all), dtype=np.bool_)
    n_gap = round(config.missing_fact_share * n_units)
    if config.missing_fact_share > 0 and n_units:
        n_gap = max(1, n_gap)
        gap_units = rng.choice(n_units, min(n_gap, n_units), replace=False)
        gap_kind = np.full(n_units, -1)
        gap_kind[gap_units] = rng.integers(0, len(_GENERATED), len(gap_units))
        keep &= kind_all != gap_kind[unit_all]
        late_units = rng.random(n_units) < config.missing_fact_share / 3
        keep &= ~(late_units[unit_all] & late_all)

    return pl.DataFrame(
        [
            territory.codes.gather(unit_all[keep]).alias("unit_code"),
            enum_column("kind", _KINDS, kind_all[keep]),
            date_column("period_start", start_all[keep]),
            date_column("period_end", end_all[keep]),
            pl.Series("value", value_all[keep]),
        ]
    )
