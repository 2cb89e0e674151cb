"""Territory of the national preset: the bundled official map, with synthetic populations.

Units (codes, names, kinds, parents, dates) and lineage are those of
:func:`drugfree_core.adminmap.official_map`, restricted to the configured provinces; a
predecessor divided between several successors is what invented territories call a
split. Only resident populations are drawn: successors as in invented territories, then
each successor's population is shared among its predecessors and summed up the old
districts and provinces. ``unchanged_share`` and ``split_share`` do not apply: the map
decides.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from drugfree_core.adminmap import official_map
from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg
from drugfree_core.model import TWO_TIER_START, UnitKind
from drugfree_core.synth._util import Floats, Mask, group_ptr, stream
from drugfree_core.synth.config import SynthConfig
from drugfree_core.synth.territory import (
    SUCCESSOR_KINDS,
    Territory,
    missing_populations,
    successor_population,
)

_PROVINCE = UnitKind.PROVINCE.value
_DISTRICT = UnitKind.DISTRICT.value


def build_official_territory(config: SynthConfig) -> Territory:
    """Take the configured provinces from the official map and give their units populations."""
    rng = stream(config.seed, "territory")
    m = official_map()
    codes = [spec.code for spec in config.provinces]
    after = m.units.filter(pl.col("valid_to").is_null())
    successors = after.filter(
        (pl.col("kind") != _PROVINCE) & pl.col("parent_code").is_in(pl.Series(codes).implode())
    )
    _check_provinces(config, after, successors)

    # Links of commune-level units and island districts; province links carry no people.
    unit_links = m.links.filter(
        (pl.col("level") != _PROVINCE)
        & pl.col("successor_code").is_in(successors["code"].implode())
    ).select("predecessor_code", "successor_code")
    pred_codes = unit_links["predecessor_code"].unique().sort()
    succ_index = successors.select("code", succ=pl.int_range(pl.len(), dtype=pl.Int64))
    pred_index = pred_codes.to_frame("code").with_columns(pred=pl.int_range(pl.len()))
    indexed = (
        unit_links.join(succ_index, left_on="successor_code", right_on="code")
        .join(pred_index, left_on="predecessor_code", right_on="code")
        .sort("succ", "pred")
    )
    link_succ = indexed["succ"].to_numpy()
    link_pred = indexed["pred"].to_numpy()
    n_succ, n_pred = successors.height, pred_codes.len()

    kind_code = {kind.value: i for i, kind in enumerate(SUCCESSOR_KINDS)}
    succ_kind = np.array([kind_code[k] for k in successors["kind"].cast(pl.String)], np.int64)
    province_index = {code: i for i, code in enumerate(codes)}
    succ_prov = np.array([province_index[p] for p in successors["parent_code"]], np.int64)

    population = successor_population(rng, succ_kind)
    # Each successor's people are shared among its predecessors (a divided one collects
    # shares from all of its successors).
    share = rng.gamma(2.0, 1.0, len(link_pred))
    share /= np.bincount(link_succ, weights=share, minlength=n_succ)[link_succ]
    pred_population = np.maximum(
        100.0,
        np.round(np.bincount(link_pred, weights=population[link_succ] * share, minlength=n_pred)),
    )
    pop_known = missing_populations(rng, config.missing_population_share, n_succ)

    old_provinces = m.links.filter(
        (pl.col("level") == _PROVINCE) & pl.col("successor_code").is_in(pl.Series(codes).implode())
    )["predecessor_code"]
    before = m.units.filter(pl.col("valid_to").is_not_null())
    old_prov_units = before.filter(pl.col("code").is_in(old_provinces.implode()))
    districts = before.filter(
        (pl.col("kind") == _DISTRICT) & pl.col("parent_code").is_in(old_provinces.implode())
    )
    old_communes = before.filter(
        (pl.col("kind") != _DISTRICT) & pl.col("parent_code").is_in(districts["code"].implode())
    )
    units = pl.concat(
        [
            after.filter(pl.col("code").is_in(pl.Series(codes).implode())),
            successors,
            old_prov_units,
            districts,
            old_communes,
        ]
    )
    units = _with_populations(units, successors, pred_codes, population, pred_population, pop_known)
    lineage = m.lineage.filter(
        pl.col("successor_code").is_in(units.filter(pl.col("valid_to").is_null())["code"].implode())
    )

    return Territory(
        units=units,
        lineage=lineage,
        codes=pl.concat([successors["code"], pred_codes]),
        succ_kind=succ_kind,
        succ_province=succ_prov,
        succ_population=np.where(pop_known, population, np.nan),
        succ_merged=np.bincount(link_succ, minlength=n_succ) > 0,
        succ_plant_risk=np.array([s.plant_risk for s in config.provinces])[succ_prov],
        succ_burden=np.array([s.burden for s in config.provinces])[succ_prov],
        link_ptr=group_ptr(np.bincount(link_succ, minlength=n_succ)),
        link_pred=link_pred,
    )


def _check_provinces(config: SynthConfig, after: pl.DataFrame, successors: pl.DataFrame) -> None:
    """Each configured province must be one of the map's, with the map's unit counts."""
    names = dict(after.filter(pl.col("kind") == _PROVINCE).select("code", "name").iter_rows())
    counts = {
        (parent, kind): n
        for parent, kind, n in successors.group_by("parent_code", pl.col("kind").cast(pl.String))
        .len()
        .iter_rows()
    }
    for spec in config.provinces:
        if spec.code not in names:
            raise UsageError(
                msg(
                    "province {code} is not in the official map from {date}",
                    code=spec.code,
                    date=TWO_TIER_START,
                )
            )
        have = tuple(counts.get((spec.code, k.value), 0) for k in SUCCESSOR_KINDS)
        if have != (spec.communes, spec.wards, spec.special_zones):
            given = f"{spec.communes}, {spec.wards}, {spec.special_zones}"
            raise UsageError(
                msg(
                    "province {code} has {communes} communes, {wards} wards and {zones} "
                    "special zones in the official map, not the configured {given}",
                    code=spec.code,
                    communes=have[0],
                    wards=have[1],
                    zones=have[2],
                    given=given,
                )
            )


def _with_populations(
    units: pl.DataFrame,
    successors: pl.DataFrame,
    pred_codes: pl.Series,
    population: Floats,
    pred_population: Floats,
    pop_known: Mask,
) -> pl.DataFrame:
    """Fill ``resident_population``: drawn for linked units, summed for their parents."""
    drawn = pl.concat(
        [
            pl.DataFrame({"code": successors["code"], "pop": population.astype(np.int64)}),
            pl.DataFrame({"code": pred_codes, "pop": pred_population.astype(np.int64)}),
        ]
    )
    pops = units.select("code", "parent_code", "kind").join(drawn, on="code", how="left")
    # Old districts hold their communes (island districts also their own drawn number);
    # provinces of both eras hold their children.
    for kind in (_DISTRICT, _PROVINCE):
        sums = pops.group_by("parent_code").agg(child=pl.col("pop").sum())
        pops = pops.join(sums, left_on="code", right_on="parent_code", how="left").select(
            "code",
            "parent_code",
            "kind",
            pop=pl.when(pl.col("kind") == kind)
            .then(pl.col("pop").fill_null(0) + pl.col("child").fill_null(0))
            .otherwise(pl.col("pop")),
        )
    missing = successors["code"].filter(pl.Series(~pop_known))
    pop = pl.when(pl.col("code").is_in(missing.implode())).then(None).otherwise(pl.col("pop"))
    return (
        units.drop("resident_population")
        .join(
            pops.select("code", resident_population=pop),
            on="code",
            how="left",
            maintain_order="left",
        )
        .select(units.columns)
    )
