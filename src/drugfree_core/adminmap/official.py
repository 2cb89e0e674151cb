"""The official map of administrative units bundled with the library, loaded on demand.

Two eras share one frame. The map in force from 1 July 2025 (34 provinces, 3,321 communes,
wards and special zones) has bare official codes. The map in force until 30 June 2025 (63
provinces, 696 districts, 10,035 communes, wards and towns) has codes namespaced with
:data:`~drugfree_core.adminmap.codes.PRE_REFORM_PREFIX`. The lineage links each old unit
to the new unit(s) it became. The data come from vietnamadminunits; ``data/NOTICE.md``
has the licence, the sources and the known limits.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable

import attrs
import polars as pl

from drugfree_core.adminmap.codes import PRE_REFORM_PREFIX, is_pre_reform_code
from drugfree_core.dataset.schema import LINEAGE, UNITS
from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg
from drugfree_core.model.enums import COMMUNE_LEVEL_KINDS, UnitKind

#: How an old unit went into a new one: all of it, or divided between several.
RELATIONS = ("whole", "divided")
#: Level of the old unit of a link.
LINK_LEVELS = ("province", "district", "commune")
#: Columns of ``links.parquet``: the lineage with the attributes of each link.
LINKS_SCHEMA: dict[str, pl.DataType] = {
    "predecessor_code": pl.String(),
    "successor_code": pl.String(),
    "relation": pl.Enum(RELATIONS),
    "is_default": pl.Boolean(),
    "level": pl.Enum(LINK_LEVELS),
}

_COMMUNE_LEVEL = [k.value for k in COMMUNE_LEVEL_KINDS]
_PROVINCE = UnitKind.PROVINCE.value


@attrs.frozen(kw_only=True)
class MapSource:
    """Where the bundled map comes from: the package it was extracted from and its licence.

    ``notice`` is the bundled NOTICE file (licence text, upstream sources, changes, limits).
    """

    name: str
    version: str
    sha256: str
    licence: str
    upstream: tuple[str, ...]
    notice: Traversable


def _in_force(on: dt.date) -> pl.Expr:
    return (pl.col("valid_from").is_null() | (pl.col("valid_from") <= on)) & (
        pl.col("valid_to").is_null() | (pl.col("valid_to") >= on)
    )


@attrs.frozen(kw_only=True)
class OfficialMap:
    """Units of both eras (the UNITS table), their lineage (LINEAGE) and link attributes.

    ``links`` has one row per lineage link with ``relation`` (``whole``/``divided``),
    ``is_default`` (for a divided unit, the successor a geocoder picks by default: a
    heuristic, not an official choice; true for a whole link) and ``level`` of the old unit.
    """

    units: pl.DataFrame
    lineage: pl.DataFrame
    links: pl.DataFrame
    source: MapSource

    def units_in_force(self, on: dt.date) -> pl.DataFrame:
        """Units of every level in force on *on*."""
        return self.units.filter(_in_force(on))

    def provinces(self, on: dt.date) -> pl.DataFrame:
        """Provinces in force on *on*."""
        return self.units_in_force(on).filter(pl.col("kind") == _PROVINCE)

    def commune_level_in_force(self, on: dt.date, province: str | None = None) -> pl.DataFrame:
        """Communes, wards, towns and special zones in force on *on*.

        *province* keeps those of one province. A bare official code ("24") means the
        province with that code in force on *on* (Bắc Giang in 2024, Bắc Ninh in 2026); a
        namespaced code must name a province in force on *on*.
        """
        in_force = self.units_in_force(on)
        communes = in_force.filter(pl.col("kind").cast(pl.String).is_in(_COMMUNE_LEVEL))
        if province is None:
            return communes
        code = self._province_code(province, on)
        # Before the reform a commune's parent is a district, whose parent is the province.
        parents = in_force.select(
            pl.col("code").alias("parent_code"),
            pl.col("kind").alias("_parent_kind"),
            pl.col("parent_code").alias("_grandparent"),
        )
        province_of = (
            pl.when(pl.col("_parent_kind") == _PROVINCE)
            .then(pl.col("parent_code"))
            .otherwise(pl.col("_grandparent"))
        )
        return (
            communes.join(parents, on="parent_code", how="left", maintain_order="left")
            .filter(province_of == code)
            .select(communes.columns)
        )

    def successors(self, code: str) -> tuple[str, ...]:
        """Codes of the units *code* became (empty for a unit that was not reorganised)."""
        self._check_known(code)
        found = self.links.filter(pl.col("predecessor_code") == code)["successor_code"]
        return tuple(sorted(found.to_list()))

    def predecessors(self, code: str) -> tuple[str, ...]:
        """Codes of the units that became (part of) *code*."""
        self._check_known(code)
        found = self.links.filter(pl.col("successor_code") == code)["predecessor_code"]
        return tuple(sorted(found.to_list()))

    def _check_known(self, code: str) -> None:
        if not (self.units["code"] == code).any():
            raise UsageError(msg("unit {code} is not in the official map", code=str(code)))

    def _province_code(self, province: str, on: dt.date) -> str:
        provinces = self.provinces(on)["code"]
        if is_pre_reform_code(province):
            matches = provinces.filter(provinces == province)
        else:
            matches = provinces.filter(provinces.str.strip_prefix(PRE_REFORM_PREFIX) == province)
        if matches.len() != 1:
            raise UsageError(
                msg("no province {province} is in force on {date}", province=province, date=on)
            )
        return str(matches[0])


def _read(data: Traversable, name: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    with as_file(data / name) as path:
        frame = pl.read_parquet(path)
    # Cast to the declared dtypes so the frames match the dataset schema exactly.
    return frame.select(pl.col(column).cast(dtype) for column, dtype in schema.items())


@functools.cache
def official_map() -> OfficialMap:
    """The bundled official map, read on the first call and shared afterwards."""
    data = files("drugfree_core.adminmap") / "data"
    meta = json.loads((data / "meta.json").read_text(encoding="utf-8"))
    source = meta["source"]
    return OfficialMap(
        units=_read(data, "units.parquet", UNITS.polars_schema),
        lineage=_read(data, "lineage.parquet", LINEAGE.polars_schema),
        links=_read(data, "links.parquet", LINKS_SCHEMA),
        source=MapSource(
            name=source["name"],
            version=source["version"],
            sha256=source["sha256"],
            licence=source["licence"],
            upstream=tuple(source["upstream"]),
            notice=data / "NOTICE.md",
        ),
    )
