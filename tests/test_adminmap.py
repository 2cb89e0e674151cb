"""Tests of the bundled official administrative map (drugfree_core.adminmap)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import drugfree_core
from drugfree_core.adminmap import (
    PRE_REFORM_PREFIX,
    OfficialMap,
    is_pre_reform_code,
    official_code,
    official_map,
    pre_reform_code,
)
from drugfree_core.dataset import Dataset
from drugfree_core.dataset.schema import LINEAGE, UNITS
from drugfree_core.errors import UsageError
from drugfree_core.io import load
from drugfree_core.io.writers import write_tables
from drugfree_core.model._checks import is_identifier
from drugfree_core.plugins.territory import TerritoryIndex

AFTER = dt.date(2025, 10, 1)
LAST_OLD_DAY = dt.date(2025, 6, 30)
REFORM = dt.date(2025, 7, 1)


@pytest.fixture(scope="module")
def m() -> OfficialMap:
    return official_map()


def _kinds(frame: pl.DataFrame) -> dict[str, int]:
    return dict(frame.group_by(pl.col("kind").cast(pl.String)).len().iter_rows())


def _unit_links(m: OfficialMap) -> pl.DataFrame:
    """Links whose old unit is a commune-level unit or an island district."""
    return m.links.filter(pl.col("level") != "province")


# --- counts -------------------------------------------------------------------------------


def test_post_reform_counts(m: OfficialMap) -> None:
    assert m.provinces(AFTER).height == 34
    units = m.commune_level_in_force(AFTER)
    assert units.height == 3321
    assert _kinds(units) == {"commune": 2621, "ward": 687, "special_zone": 13}
    assert m.units_in_force(AFTER).height == 34 + 3321


@pytest.mark.parametrize(
    ("province", "count"), [("01", 126), ("31", 114), ("40", 130), ("79", 168), ("12", 38)]
)
def test_units_per_province(m: OfficialMap, province: str, count: int) -> None:
    assert m.commune_level_in_force(AFTER, province).height == count


def test_pre_reform_counts(m: OfficialMap) -> None:
    assert m.provinces(LAST_OLD_DAY).height == 63
    in_force = m.units_in_force(LAST_OLD_DAY)
    assert _kinds(in_force)["district"] == 696
    communes = m.commune_level_in_force(LAST_OLD_DAY)
    assert communes.height == 10_035
    assert _kinds(communes) == {"commune": 7692, "ward": 1726, "town": 617}
    assert in_force.height == 63 + 696 + 10_035


def test_kinds_follow_the_name_prefix(m: OfficialMap) -> None:
    prefix = {"commune": "Xã ", "ward": "Phường ", "town": "Thị trấn ", "special_zone": "Đặc khu "}
    rows = m.units.filter(~pl.col("kind").is_in(["province", "district"])).select("name", "kind")
    for name, kind in rows.iter_rows():
        assert name.startswith(prefix[kind]), name
    kind_of = dict(m.units.select("code", pl.col("kind").cast(pl.String)).iter_rows())
    # Where the source's wardType is wrong (issue 4 notes).
    assert kind_of["10543"] == "ward" and kind_of["11848"] == "commune"
    assert kind_of["pre2025:15061"] == "town" and kind_of["pre2025:27046"] == "ward"


def test_pre_reform_province_of_a_commune_by_official_code(m: OfficialMap) -> None:
    # Official code 24 is Bắc Giang before the reform and Bắc Ninh after it.
    bac_giang = m.commune_level_in_force(LAST_OLD_DAY, "24")
    assert bac_giang.height == m.commune_level_in_force(LAST_OLD_DAY, "pre2025:24").height > 0
    names = dict(m.units.select("code", "name").iter_rows())
    assert names["pre2025:24"] == "Tỉnh Bắc Giang" and names["24"] == "Tỉnh Bắc Ninh"
    with pytest.raises(UsageError):
        m.commune_level_in_force(AFTER, "pre2025:24")
    with pytest.raises(UsageError):
        m.commune_level_in_force(AFTER, "77")  # Bà Rịa - Vũng Tàu ended with the reform


# --- codes --------------------------------------------------------------------------------


def test_codes_are_unique_and_valid_identifiers(m: OfficialMap) -> None:
    codes = m.units["code"]
    assert codes.n_unique() == codes.len()
    assert all(is_identifier(code) for code in codes.to_list())
    old = m.units.filter(pl.col("valid_to").is_not_null())
    new = m.units.filter(pl.col("valid_to").is_null())
    assert old["code"].str.starts_with(PRE_REFORM_PREFIX).all()
    assert not new["code"].str.starts_with(PRE_REFORM_PREFIX).any()
    assert (new.filter(pl.col("kind") == "province")["code"].str.len_chars() == 2).all()
    assert (new.filter(pl.col("kind") != "province")["code"].str.len_chars() == 5).all()
    assert (new.filter(pl.col("kind") != "province")["parent_code"].str.len_chars() == 2).all()
    assert (old["valid_to"] == LAST_OLD_DAY).all() and old["valid_from"].is_null().all()
    assert (new["valid_from"] == REFORM).all()
    assert m.units["resident_population"].is_null().all()


def test_code_helpers_round_trip() -> None:
    assert pre_reform_code("24") == "pre2025:24"
    assert pre_reform_code("pre2025:24") == "pre2025:24"
    assert official_code("pre2025:07210") == "07210"
    assert official_code("00004") == "00004"
    assert is_pre_reform_code("pre2025:213") and not is_pre_reform_code("213")
    for code in ("01", "213", "07210"):
        assert official_code(pre_reform_code(code)) == code


def test_frames_have_the_dataset_schema(m: OfficialMap) -> None:
    assert m.units.schema == pl.Schema(UNITS.polars_schema)
    assert m.lineage.schema == pl.Schema(LINEAGE.polars_schema)
    assert m.links.columns == [
        "predecessor_code",
        "successor_code",
        "relation",
        "is_default",
        "level",
    ]


# --- lineage ------------------------------------------------------------------------------


def test_every_old_commune_has_a_successor(m: OfficialMap) -> None:
    old = m.commune_level_in_force(LAST_OLD_DAY)["code"]
    linked = m.lineage["predecessor_code"].unique()
    assert old.is_in(linked.implode()).all()


def test_every_new_unit_has_a_predecessor(m: OfficialMap) -> None:
    new = m.units_in_force(AFTER)["code"]
    assert new.is_in(m.lineage["successor_code"].unique().implode()).all()


def test_link_attributes(m: OfficialMap) -> None:
    per_unit = (
        _unit_links(m)
        .group_by("predecessor_code", "relation")
        .agg(n=pl.len(), defaults=pl.col("is_default").sum())
    )
    assert per_unit["predecessor_code"].n_unique() == per_unit.height  # whole or divided
    divided = per_unit.filter(pl.col("relation") == "divided")
    whole = per_unit.filter(pl.col("relation") == "whole")
    assert divided.height == 471 and (divided["n"] >= 2).all()
    assert (divided["defaults"] == 1).all()
    assert whole.height == 9569 and (whole["n"] == 1).all()
    assert dict(m.links.group_by(pl.col("level").cast(pl.String)).len().iter_rows()) == {
        "province": 63,
        "district": 5,
        "commune": 10_597,
    }
    assert m.lineage.height == m.links.height
    assert (m.lineage["effective"] == REFORM).all()


def test_successors_and_predecessors(m: OfficialMap) -> None:
    assert m.successors("pre2025:24") == ("24",)
    assert m.predecessors("24") == ("pre2025:24", "pre2025:27")
    assert m.successors("pre2025:318") == ("11948",)  # Bạch Long Vĩ district -> special zone
    assert len(m.successors("pre2025:10798")) == 3  # divided (see NOTICE: name conflation)
    assert m.successors("00004") == ()
    with pytest.raises(UsageError):
        m.successors("99999")


def test_source_and_notice(m: OfficialMap) -> None:
    assert (m.source.name, m.source.version, m.source.licence) == (
        "vietnamadminunits",
        "1.0.4",
        "MIT",
    )
    assert len(m.source.sha256) == 64
    notice = m.source.notice.read_text(encoding="utf-8")
    assert "Copyright (c) 2025 Tran Ngoc Minh Hieu" in notice
    assert "Permission is hereby granted" in notice and m.source.sha256 in notice
    meta = json.loads((Path(str(m.source.notice)).parent / "meta.json").read_text("utf-8"))
    assert meta["counts"]["post_reform"]["units"] == 3321


def test_official_map_is_cached() -> None:
    assert official_map() is official_map()


def test_import_does_not_load_polars() -> None:
    code = (
        "import sys, drugfree_core.adminmap as a; a.official_code('x');"
        "print('polars' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- with the engine and the plugin territory index -----------------------------------------


def test_engine_evaluates_the_map(m: OfficialMap) -> None:
    dataset = Dataset.from_frames({"units": m.units, "lineage": m.lineage})
    scheme = drugfree_core.get_scheme("mps-recognition-2024")
    assert len(drugfree_core.evaluate(dataset, scheme, AFTER).units) == 3321
    assert len(drugfree_core.evaluate(dataset, scheme, LAST_OLD_DAY).units) == 10_035


def test_map_passes_the_loader_checks(m: OfficialMap, tmp_path: Path) -> None:
    write_tables(Dataset.from_frames({"units": m.units, "lineage": m.lineage}), tmp_path, "parquet")
    loaded = load(tmp_path)
    assert not loaded.quarantined
    assert loaded.units.height == m.units.height


def test_a_territory_index_of_records_answers_as_one_of_frames(m: OfficialMap) -> None:
    framed = TerritoryIndex.from_frames((m.units, m.lineage))
    links = m.lineage.select("predecessor_code", "successor_code").iter_rows()
    recorded = TerritoryIndex(m.units.iter_rows(named=True), links)
    codes = m.units["code"].to_list()[::7]

    def answers(index: TerritoryIndex, on: dt.date) -> list[str]:
        out = []
        for code in codes:
            try:
                out.append(index.province_of(code, on))
            except UsageError as exc:
                out.append(f"refused: {exc}")
        return out

    for on in (LAST_OLD_DAY, REFORM):
        assert answers(recorded, on) == answers(framed, on)
    assert [recorded.name(c) for c in codes] == [framed.name(c) for c in codes]


def test_territory_index_follows_the_reform(m: OfficialMap) -> None:
    index = TerritoryIndex.from_frames((m.units, m.lineage))
    commune = m.commune_level_in_force(LAST_OLD_DAY, "pre2025:24")["code"][0]
    assert index.province_of(commune, LAST_OLD_DAY) == "pre2025:24"
    assert index.province_of(commune, REFORM) == "24"
