"""Administrative units before and after the 1 July 2025 reform, with their lineage.

Post-reform layer: provinces and their commune-level units (xã, phường, đặc khu), the
*successors*. Pre-reform layer: districts (abolished 1 July 2025) and the old communes,
wards and towns, the *predecessors*, valid until 30 June 2025. Most successors merge 2 to
5 predecessors, a few are unchanged (one row, no lineage) and a few predecessors were
split between two neighbouring successors.
"""

from __future__ import annotations

import attrs
import numpy as np
import polars as pl

from drugfree_core.model import TWO_TIER_START, UnitKind
from drugfree_core.synth._util import (
    Floats,
    Ints,
    Mask,
    choose,
    date_column,
    day,
    enum_column,
    group_ptr,
    id_column,
    stream,
)
from drugfree_core.synth.config import SynthConfig
from drugfree_core.synth.names import place_names

#: Successor kinds by code: 0 commune, 1 ward, 2 special zone.
SUCCESSOR_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE)
_PREDECESSOR_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWN)
_SUCC_PREFIX = ("Xã", "Phường", "Đặc khu")
_PRED_PREFIX = ("Xã", "Phường", "Thị trấn")
# (median, sigma) of the lognormal resident population of communes, wards, special zones.
_POPULATION = ((13_000.0, 0.45), (28_000.0, 0.5), (6_000.0, 1.0))
_MERGE_SIZES = (2, 3, 4, 5)
_MERGE_PROBS = (0.25, 0.40, 0.25, 0.10)
_LAST_PRE_REFORM_DAY = day(TWO_TIER_START) - 1


@attrs.frozen(kw_only=True)
class Territory:
    """The generated units plus the arrays the other generator parts need.

    Successors are indexed ``0 .. n_successors - 1`` and predecessors ``0 .. n_pred - 1``;
    :attr:`codes` holds successor codes followed by predecessor codes, so a residence can
    point at either layer with one index. ``link_ptr``/``link_pred`` list, per successor,
    the predecessors linked to it (a split predecessor appears under both successors).
    """

    units: pl.DataFrame
    lineage: pl.DataFrame
    codes: pl.Series
    succ_kind: Ints
    succ_province: Ints
    succ_population: Floats
    succ_merged: Mask
    succ_plant_risk: Floats
    succ_burden: Floats
    link_ptr: Ints
    link_pred: Ints

    @property
    def n_successors(self) -> int:
        """Number of post-reform commune-level units."""
        return len(self.succ_kind)


def build_territory(config: SynthConfig) -> Territory:
    """Generate provinces, districts, pre- and post-reform commune-level units and lineage."""
    rng = stream(config.seed, "territory")
    provinces = config.provinces

    # Successors, grouped by province: wards first (urban core), then communes, then zones.
    kind_parts, prov_parts = [], []
    for p, spec in enumerate(provinces):
        kinds = np.repeat(np.array([1, 0, 2]), [spec.wards, spec.communes, spec.special_zones])
        kind_parts.append(kinds)
        prov_parts.append(np.full(spec.total, p))
    succ_kind = np.concatenate(kind_parts).astype(np.int64)
    succ_prov = np.concatenate(prov_parts).astype(np.int64)
    n_succ = len(succ_kind)

    population = successor_population(rng, succ_kind)

    # Unchanged units (128 of 3,321 nationally), almost all rural communes.
    merged = np.ones(n_succ, dtype=np.bool_)
    n_unchanged = round(config.unchanged_share * n_succ)
    if config.unchanged_share > 0 and n_succ >= 3:
        n_unchanged = max(1, n_unchanged)
    if n_unchanged:
        weight = np.array([1.0, 0.1, 0.5])[succ_kind]
        merged[rng.choice(n_succ, n_unchanged, replace=False, p=weight / weight.sum())] = False

    # Predecessors of merged successors; the first slot may be the old town (thị trấn).
    n_pred_of = np.where(merged, np.array(_MERGE_SIZES)[choose(rng, _MERGE_PROBS, n_succ)], 0)
    pred_succ = np.repeat(np.arange(n_succ), n_pred_of)
    n_pred = len(pred_succ)
    slot = np.arange(n_pred) - group_ptr(n_pred_of)[pred_succ]
    parent_kind = succ_kind[pred_succ]
    u = rng.random(n_pred)
    pred_kind = np.where(parent_kind == 1, np.where(u < 0.8, 1, 0), 0)
    town_p = np.where(parent_kind == 2, 0.5, 0.2)
    pred_kind = np.where((parent_kind != 1) & (slot == 0) & (u < town_p), 2, pred_kind)
    share = rng.gamma(2.0, 1.0, n_pred)
    share /= np.bincount(pred_succ, weights=share, minlength=n_succ)[pred_succ]
    pred_population = np.maximum(100.0, np.round(population[pred_succ] * share))

    # Districts: consecutive merged successors of a province, 3 to 7 at a time.
    district_of_succ = np.full(n_succ, -1, dtype=np.int64)
    district_prov: list[int] = []
    district_urban: list[bool] = []
    for p in range(len(provinces)):
        members = np.flatnonzero((succ_prov == p) & merged)
        start = 0
        while start < len(members):
            size = int(rng.integers(3, 8))
            chunk = members[start : start + size]
            district_of_succ[chunk] = len(district_prov)
            district_prov.append(p)
            district_urban.append(bool((succ_kind[chunk] == 1).mean() >= 0.5))
            start += size
    n_dist = len(district_prov)

    # Splits: a predecessor whose territory went partly to the next (or previous) successor.
    extra_pred, extra_succ = _splits(rng, config.split_share, pred_succ, succ_prov, merged)
    link_pred_all = np.concatenate([np.arange(n_pred), extra_pred])
    link_succ_all = np.concatenate([pred_succ, extra_succ])
    order = np.lexsort((link_pred_all, link_succ_all))
    link_pred = link_pred_all[order]
    link_succ = link_succ_all[order]
    link_ptr = group_ptr(np.bincount(link_succ, minlength=n_succ))

    # Missing populations are dropped only after the pre-reform split used them.
    pop_known = missing_populations(rng, config.missing_population_share, n_succ)

    succ_names, dist_names, pred_names = _names(
        config, succ_kind, succ_prov, pred_kind, pred_succ, np.array(district_prov), district_urban
    )

    width = max(5, len(str(3 * n_succ + 3)))
    if width in (9, 12):  # an all-digit code of 9 or 12 digits looks like a national id
        width += 1
    succ_codes = id_column("code", "", 3 * np.arange(1, n_succ + 1), width)
    pred_codes = id_column("code", "C", np.arange(1, n_pred + 1), max(5, len(str(n_pred))))
    dist_codes = id_column("code", "D", np.arange(1, n_dist + 1), max(3, len(str(n_dist))))
    prov_codes = pl.Series("code", [f"P{spec.code}" for spec in provinces], dtype=pl.String())

    prov_pop = np.bincount(succ_prov, weights=population, minlength=len(provinces)).astype(
        np.float64
    )
    dist_of_pred = district_of_succ[pred_succ]
    dist_pop = np.bincount(dist_of_pred, weights=pred_population, minlength=n_dist).astype(
        np.float64
    )
    reform = day(TWO_TIER_START)
    prov_frame = _unit_frame(
        prov_codes,
        [spec.name for spec in provinces],
        enum_column("kind", [UnitKind.PROVINCE], np.zeros(len(provinces), dtype=np.int64)),
        pl.Series("parent_code", [None] * len(provinces), dtype=pl.String()),
        prov_pop,
        np.zeros(len(provinces), dtype=np.bool_),
        np.ones(len(provinces), dtype=np.bool_),
        np.ones(len(provinces), dtype=np.bool_),
    )
    succ_frame = _unit_frame(
        succ_codes,
        succ_names,
        enum_column("kind", SUCCESSOR_KINDS, succ_kind),
        prov_codes.gather(succ_prov),
        population,
        ~pop_known,
        ~merged,
        np.ones(n_succ, dtype=np.bool_),
    )
    dist_frame = _unit_frame(
        dist_codes,
        dist_names,
        enum_column("kind", [UnitKind.DISTRICT], np.zeros(n_dist, dtype=np.int64)),
        prov_codes.gather(np.array(district_prov, dtype=np.int64)),
        dist_pop,
        np.zeros(n_dist, dtype=np.bool_),
        np.ones(n_dist, dtype=np.bool_),
        np.zeros(n_dist, dtype=np.bool_),
    )
    pred_frame = _unit_frame(
        pred_codes,
        pred_names,
        enum_column("kind", _PREDECESSOR_KINDS, pred_kind),
        dist_codes.gather(district_of_succ[pred_succ]),
        pred_population,
        np.zeros(n_pred, dtype=np.bool_),
        np.ones(n_pred, dtype=np.bool_),
        np.zeros(n_pred, dtype=np.bool_),
    )
    units = pl.concat([prov_frame, succ_frame, dist_frame, pred_frame], how="vertical")
    lineage = pl.DataFrame(
        [
            pred_codes.gather(link_pred).alias("predecessor_code"),
            succ_codes.gather(link_succ).alias("successor_code"),
            date_column("effective", np.full(len(link_pred), reform)),
        ]
    ).sort("successor_code", "predecessor_code")

    risk = np.array([spec.plant_risk for spec in provinces])[succ_prov]
    burden = np.array([spec.burden for spec in provinces])[succ_prov]
    return Territory(
        units=units,
        lineage=lineage,
        codes=pl.concat([succ_codes, pred_codes]),
        succ_kind=succ_kind,
        succ_province=succ_prov,
        succ_population=np.where(pop_known, population, np.nan),
        succ_merged=merged,
        succ_plant_risk=risk,
        succ_burden=burden,
        link_ptr=link_ptr,
        link_pred=link_pred,
    )


def successor_population(rng: np.random.Generator, succ_kind: Ints) -> Floats:
    """Draw resident populations of successors (lognormal by kind, at least 200)."""
    median = np.array([m for m, _ in _POPULATION])[succ_kind]
    sigma = np.array([s for _, s in _POPULATION])[succ_kind]
    normal = rng.standard_normal(len(succ_kind))
    population: Floats = np.maximum(200.0, np.round(median * np.exp(sigma * normal)))
    return population


def missing_populations(rng: np.random.Generator, share: float, n_succ: int) -> Mask:
    """Pick the successors whose population is not known (``True`` = known)."""
    known = np.ones(n_succ, dtype=np.bool_)
    n_missing = round(share * n_succ)
    if n_missing:
        known[rng.choice(n_succ, n_missing, replace=False)] = False
    return known


def _unit_frame(
    codes: pl.Series,
    names: list[str],
    kinds: pl.Series,
    parents: pl.Series,
    pop: Floats,
    pop_null: Mask,
    valid_from_null: Mask,
    valid_to_null: Mask,
) -> pl.DataFrame:
    """Build rows of the units table: from 1 July 2025 and/or until 30 June 2025 unless null."""
    n = len(codes)
    return pl.DataFrame(
        [
            codes,
            pl.Series("name", names, dtype=pl.String()),
            kinds.alias("kind"),
            parents.alias("parent_code"),
            pl.Series("resident_population", pop.astype(np.int64)).scatter(
                np.flatnonzero(pop_null), None
            ),
            date_column("valid_from", np.full(n, day(TWO_TIER_START)), valid_from_null),
            date_column("valid_to", np.full(n, _LAST_PRE_REFORM_DAY), valid_to_null),
        ]
    )


def _splits(
    rng: np.random.Generator, share: float, pred_succ: Ints, succ_prov: Ints, merged: Mask
) -> tuple[Ints, Ints]:
    """Pick predecessors split with a neighbouring merged successor of the same province."""
    n_succ = len(succ_prov)
    idx = np.arange(n_succ)
    nxt = np.minimum(idx + 1, n_succ - 1)
    prv = np.maximum(idx - 1, 0)
    ok_next = (nxt != idx) & (succ_prov[nxt] == succ_prov) & merged[nxt]
    ok_prev = (prv != idx) & (succ_prov[prv] == succ_prov) & merged[prv]
    neighbour = np.where(ok_next, nxt, np.where(ok_prev, prv, -1))
    candidates = np.flatnonzero(neighbour[pred_succ] >= 0)
    count = min(len(candidates), round(share * len(pred_succ)))
    if share > 0 and len(candidates):
        count = max(1, count)
    chosen = np.sort(rng.choice(candidates, count, replace=False)) if count else candidates[:0]
    return chosen.astype(np.int64), neighbour[pred_succ[chosen]].astype(np.int64)


def _names(
    config: SynthConfig,
    succ_kind: Ints,
    succ_prov: Ints,
    pred_kind: Ints,
    pred_succ: Ints,
    district_prov: Ints,
    district_urban: list[bool],
) -> tuple[list[str], list[str], list[str]]:
    """Name every unit; names are distinct within a province (across both layers)."""
    rng = stream(config.seed, "names")
    succ_names = [""] * len(succ_kind)
    dist_names = [""] * len(district_prov)
    pred_names = [""] * len(pred_kind)
    pred_prov = succ_prov[pred_succ]
    for p, spec in enumerate(config.provinces):
        s_idx = np.flatnonzero(succ_prov == p)
        d_idx = np.flatnonzero(district_prov == p)
        p_idx = np.flatnonzero(pred_prov == p)
        pool = place_names(rng, len(s_idx) + len(d_idx) + len(p_idx))
        zone_names = list(spec.special_zone_names)
        for j, i in enumerate(s_idx):
            kind = int(succ_kind[i])
            base = zone_names.pop(0) if kind == 2 and zone_names else pool[j]
            succ_names[i] = f"{_SUCC_PREFIX[kind]} {base}"
        city = spec.name.startswith("Thành phố")
        for j, i in enumerate(d_idx):
            prefix = ("Quận" if city else "Thị xã") if district_urban[i] else "Huyện"
            dist_names[i] = f"{prefix} {pool[len(s_idx) + j]}"
        for j, i in enumerate(p_idx):
            pred_names[i] = f"{_PRED_PREFIX[int(pred_kind[i])]} {pool[len(s_idx) + len(d_idx) + j]}"
    return succ_names, dist_names, pred_names
