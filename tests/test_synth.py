"""Tests of the synthetic data generator (drugfree_core.synth)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import attrs
import polars as pl
import pytest

import drugfree_core
from drugfree_core.adminmap import official_map
from drugfree_core.dataset import Dataset
from drugfree_core.errors import UsageError
from drugfree_core.i18n import use_lang
from drugfree_core.io import load
from drugfree_core.io.writers import write_json, write_tables
from drugfree_core.model import TWO_TIER_START
from drugfree_core.model._checks import is_identifier
from drugfree_core.plugins.territory import TerritoryIndex
from drugfree_core.synth import NATIONAL_PROVINCES, SynthConfig, generate
from drugfree_core.synth.__main__ import main as synth_main
from drugfree_core.synth.official import build_official_territory
from drugfree_core.synth.territory import Territory

COMMUNE_LEVEL_NOW = ["commune", "ward", "special_zone"]
LAST_PRE_REFORM_DAY = TWO_TIER_START - dt.timedelta(days=1)


@pytest.fixture(scope="module")
def demo() -> Dataset:
    return generate(SynthConfig.demo())


@pytest.fixture(scope="module")
def scaled() -> Dataset:
    return generate(SynthConfig.scaled(units=300, subjects=20_000, seed=5))


@pytest.fixture(scope="module")
def official() -> Dataset:
    """Hải Phòng on the official map: old Hải Phòng and Hải Dương before the reform."""
    (spec,) = (p for p in NATIONAL_PROVINCES if p.code == "31")
    return generate(SynthConfig(provinces=(spec,), subjects=5000, seed=4, official_map=True))


@pytest.fixture(scope="module")
def national_territory() -> Territory:
    return build_official_territory(SynthConfig.national())


def _successors(ds: Dataset) -> pl.DataFrame:
    return ds.units.filter(pl.col("kind").is_in(COMMUNE_LEVEL_NOW) & pl.col("valid_to").is_null())


def _share(series: pl.Series) -> float:
    """Mean of a boolean or numeric series as a float (fails on an empty series)."""
    value = series.cast(pl.Float64).mean()
    assert isinstance(value, float)
    return value


def _split_predecessors(ds: Dataset) -> list[str]:
    counts = ds.lineage.group_by("predecessor_code").len()
    return counts.filter(pl.col("len") > 1)["predecessor_code"].to_list()


# --- determinism ------------------------------------------------------------------------


def test_same_seed_gives_identical_frames() -> None:
    first = generate(SynthConfig.demo(seed=11))
    second = generate(SynthConfig.demo(seed=11))
    for name, frame in first.frames().items():
        assert frame.equals(second.frame(name)), name


def test_other_seed_gives_other_data() -> None:
    first = generate(SynthConfig.demo(seed=11))
    other = generate(SynthConfig.demo(seed=12))
    assert not first.drug_tests.equals(other.drug_tests)
    assert not first.units["name"].equals(other.units["name"])


# --- sizes and shape ----------------------------------------------------------------------


def test_demo_is_one_small_province(demo: Dataset) -> None:
    assert demo.units.filter(pl.col("kind") == "province").height == 1
    assert 12 <= _successors(demo).height <= 20
    assert 300 <= demo.subjects.height <= 600
    kinds = set(_successors(demo)["kind"].cast(pl.String))
    assert kinds == {"commune", "ward", "special_zone"}


def test_demo_has_merged_unchanged_and_split_units(demo: Dataset) -> None:
    successors = _successors(demo)
    merged = successors.filter(pl.col("valid_from") == TWO_TIER_START)
    unchanged = successors.filter(pl.col("valid_from").is_null())
    assert merged.height > unchanged.height >= 1
    assert not set(unchanged["code"]) & set(demo.lineage["successor_code"])
    links = demo.lineage.group_by("successor_code").len()["len"].to_list()
    assert min(links) >= 2 and max(links) <= 6
    assert len(_split_predecessors(demo)) >= 1
    districts = demo.units.filter(pl.col("kind") == "district")
    assert districts.height >= 1
    assert (districts["valid_to"] == LAST_PRE_REFORM_DAY).all()


def test_scaled_unit_counts_and_proportions(scaled: Dataset) -> None:
    n = scaled.subjects.height
    assert n == 20_000
    assert _successors(scaled).height == 300
    assert scaled.units.filter(pl.col("kind") == "province").height == 3
    assert 9.0 <= scaled.drug_tests.height / n <= 11.0
    assert 1.0 <= scaled.rehab_episodes.height / n <= 2.0
    assert 0.02 <= scaled.custody_periods["subject_id"].n_unique() / n <= 0.12

    kinds = scaled.status_periods["kind"].value_counts(normalize=True)
    share = dict(zip(kinds["kind"].cast(pl.String), kinds["proportion"], strict=True))
    assert set(share) == {"addict", "illegal_user", "post_rehab", "psychosis", "released_offender"}
    assert share["addict"] > share["post_rehab"] > share["psychosis"]

    record = scaled.status_periods["has_management_record"]
    assert 0.8 < _share(record.drop_nulls()) < 0.99
    assert 0 < record.null_count() < 0.03 * len(record)

    tests = scaled.drug_tests
    assert 0.05 < _share(tests["result"] == "positive") < 0.25
    assert _share(tests["method"] == "screening") > 0.8
    assert 0.15 < _share(tests["schedule"] == "surprise") < 0.35
    assert tests.filter(pl.col("date") > dt.date(2026, 12, 31)).height == 0

    forms = set(scaled.rehab_episodes["form"].cast(pl.String))
    assert len(forms) == 4
    assert scaled.rehab_episodes["end"].null_count() > 0
    assert 0 < _share(scaled.rehab_episodes["minor"]) < 0.05


def test_subjects_per_unit_are_skewed(scaled: Dataset) -> None:
    ref = dt.date(2025, 10, 1)
    addicts = scaled.status_periods.filter(
        (pl.col("kind") == "addict")
        & (pl.col("start") <= ref)
        & (pl.col("end").is_null() | (pl.col("end") >= ref))
    ).select("subject_id")
    successor_of = scaled.lineage.group_by("predecessor_code").agg(pl.col("successor_code").first())
    placed = (
        scaled.residences.filter(pl.col("end").is_null())
        .join(successor_of, left_on="unit_code", right_on="predecessor_code", how="left")
        .select("subject_id", unit=pl.coalesce("successor_code", "unit_code"))
    )
    per_unit = (
        _successors(scaled)
        .select(unit="code")
        .join(addicts.join(placed, on="subject_id").group_by("unit").len(), on="unit", how="left")
        .fill_null(0)["len"]
    )
    assert 0.2 < _share(per_unit < 10) < 0.7
    counts = sorted(per_unit.to_list())
    assert counts[-1] > 5 * counts[len(counts) // 2]


def test_tests_cluster_before_reference_dates(scaled: Dataset) -> None:
    # Campaigns: most people on a list at a reference date have a test in the 30 days before.
    ref = dt.date(2026, 1, 15)
    active = scaled.status_periods.filter(
        (pl.col("start") <= ref) & (pl.col("end").is_null() | (pl.col("end") >= ref))
    )["subject_id"].unique()
    window = scaled.drug_tests.filter(pl.col("date").is_between(ref - dt.timedelta(days=30), ref))[
        "subject_id"
    ].unique()
    covered = active.to_frame().join(window.to_frame(), on="subject_id").height
    assert covered / len(active) > 0.75


def test_unit_facts_have_gaps_and_plausible_values(demo: Dataset, scaled: Dataset) -> None:
    kinds = demo.unit_facts.group_by("unit_code").agg(pl.col("kind").n_unique())
    assert (kinds["kind"] < 5).any()
    assert kinds.height == _successors(demo).height
    facts = scaled.unit_facts
    assert (facts["value"] >= 0).all()
    route = facts.filter(pl.col("kind") == "on_complex_route")["value"]
    assert set(route.unique()) <= {0.0, 1.0}
    assert 0.03 < _share(route) < 0.2
    locations = facts.filter(pl.col("kind") == "drug_use_locations")["value"]
    assert _share(locations == 0) > 0.7
    assert (facts["period_end"] >= facts["period_start"]).all()


# --- validity -----------------------------------------------------------------------------


def test_demo_records_satisfy_model_validators(demo: Dataset) -> None:
    records = demo.to_records()  # builds attrs objects, which run every validator
    assert len(records.subjects) == demo.subjects.height
    assert len(records.units) == demo.units.height
    assert len(records.unit_facts) == demo.unit_facts.height


@pytest.mark.parametrize("fixture", ["demo", "scaled", "official"])
def test_no_id_looks_like_a_national_id(fixture: str, request: pytest.FixtureRequest) -> None:
    ds: Dataset = request.getfixturevalue(fixture)
    columns = [
        ds.units["code"],
        ds.units["parent_code"].drop_nulls(),
        ds.lineage["predecessor_code"],
        ds.lineage["successor_code"],
        ds.subjects["id"],
        ds.residences["unit_code"],
        ds.unit_facts["unit_code"],
    ]
    for column in columns:
        assert all(is_identifier(value) for value in column.unique().to_list()), column.name


def test_scaled_dates_are_ordered(scaled: Dataset) -> None:
    for name in ("residences", "status_periods", "rehab_episodes", "custody_periods"):
        frame = scaled.frame(name).filter(pl.col("end").is_not_null())
        assert (frame["end"] >= frame["start"]).all(), name
    status = scaled.status_periods
    bad = status.filter(
        pl.col("management_start").is_not_null()
        & pl.col("end").is_not_null()
        & (pl.col("management_start") > pl.col("end"))
    )
    assert bad.height == 0
    rehab = scaled.rehab_episodes
    assert rehab.filter(pl.col("completed") & pl.col("end").is_null()).height == 0
    managed = status.filter(pl.col("kind").is_in(["illegal_user", "post_rehab"]))
    assert managed["management_start"].null_count() < 0.1 * managed.height
    supported = status.filter(pl.col("kind").is_in(["post_rehab", "released_offender"]))
    assert _share(supported["support_provided"].drop_nulls()) > 0.7


def test_post_rehab_follows_a_completed_episode(scaled: Dataset) -> None:
    post = scaled.status_periods.filter(pl.col("kind") == "post_rehab").select(
        "subject_id", day=pl.col("start") - pl.duration(days=1)
    )
    completed = scaled.rehab_episodes.filter(pl.col("completed")).select(
        "subject_id", day=pl.col("end")
    )
    assert post.join(completed, on=["subject_id", "day"], how="anti").height == 0


@pytest.mark.parametrize("fixture", ["demo", "scaled", "official"])
def test_residences_of_a_subject_never_overlap(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    ds: Dataset = request.getfixturevalue(fixture)
    res = ds.residences.sort("subject_id", "start").with_columns(
        prev_end=pl.col("end").shift(1).over("subject_id"),
        prev_open=pl.col("end").is_null().shift(1).over("subject_id"),
    )
    later = res.filter(pl.col("prev_open").is_not_null())
    assert not later["prev_open"].any()
    assert (later["start"] > later["prev_end"]).all()
    assert ds.residences["subject_id"].n_unique() == ds.subjects.height


@pytest.mark.parametrize("fixture", ["demo", "scaled"])
def test_lineage_is_consistent(fixture: str, request: pytest.FixtureRequest) -> None:
    ds: Dataset = request.getfixturevalue(fixture)
    units = ds.units.select("code", "kind", "valid_from", "valid_to", "parent_code")
    links = ds.lineage.join(units, left_on="successor_code", right_on="code").join(
        units, left_on="predecessor_code", right_on="code", suffix="_pred"
    )
    assert links.height == ds.lineage.height
    assert (links["valid_from"] == links["effective"]).all()
    assert (links["valid_to_pred"] == links["effective"] - dt.timedelta(days=1)).all()
    assert set(links["kind"].cast(pl.String)) <= set(COMMUNE_LEVEL_NOW)
    assert set(links["kind_pred"].cast(pl.String)) <= {"commune", "ward", "town"}
    districts = set(ds.units.filter(pl.col("kind") == "district")["code"])
    assert set(links["parent_code_pred"]) <= districts


@pytest.mark.parametrize("fixture", ["demo", "scaled", "official"])
def test_every_reference_resolves(fixture: str, request: pytest.FixtureRequest) -> None:
    ds: Dataset = request.getfixturevalue(fixture)
    codes = set(ds.units["code"])
    assert set(ds.units["parent_code"].drop_nulls()) <= codes
    assert set(ds.residences["unit_code"]) <= codes
    assert set(ds.unit_facts["unit_code"]) <= set(_successors(ds)["code"])
    ids = set(ds.subjects["id"])
    assert ds.subjects["id"].n_unique() == ds.subjects.height
    for name in ("residences", "status_periods", "drug_tests", "rehab_episodes", "custody_periods"):
        assert set(ds.frame(name)["subject_id"]) <= ids, name


def test_pre_reform_residences_point_at_predecessors(scaled: Dataset) -> None:
    predecessors = set(scaled.lineage["predecessor_code"])
    res = scaled.residences
    in_pred = res.filter(pl.col("unit_code").is_in(list(predecessors)))
    assert in_pred.height > 0
    assert (in_pred["start"] < TWO_TIER_START).all()
    # Legacy open residences in predecessors (remapped by the engine), some in split ones.
    legacy = in_pred.filter(pl.col("end").is_null())
    assert legacy.height > 0
    assert legacy.filter(pl.col("unit_code").is_in(_split_predecessors(scaled))).height > 0
    # Migrated records close on the last day before the reform.
    closed = in_pred.filter(pl.col("end").is_not_null())
    assert (closed["end"] <= LAST_PRE_REFORM_DAY).all()
    assert (closed["end"] == LAST_PRE_REFORM_DAY).any()


def test_demo_round_trips_through_the_writers_and_loader(tmp_path: Path) -> None:
    dataset = generate(SynthConfig.demo(seed=3))
    write_tables(dataset, tmp_path / "tables", "csv")
    write_json(dataset, tmp_path / "demo.json")
    for source in (tmp_path / "tables", tmp_path / "demo.json"):
        loaded = load(source)  # the loaders run every content check
        assert loaded.counts() == dataset.counts()
        assert not loaded.quarantined


def test_command_line_writes_a_loadable_folder(tmp_path: Path) -> None:
    out = tmp_path / "scaled"
    args = ["--preset", "scaled", "--units", "20", "--subjects", "200", "--out", str(out)]
    assert synth_main(args) == 0
    assert load(out).subjects.height == 200
    with pytest.raises(SystemExit):
        synth_main(["--preset", "scaled", "--out", str(out)])


# --- configuration ------------------------------------------------------------------------


def test_national_config_matches_the_2025_reform() -> None:
    config = SynthConfig.national()
    assert len(config.provinces) == 34
    assert config.unit_count == 3321
    assert sum(p.communes for p in config.provinces) == 2621
    assert sum(p.wards for p in config.provinces) == 687
    assert sum(p.special_zones for p in config.provinces) == 13
    by_name = {p.name: p.total for p in NATIONAL_PROVINCES}
    assert by_name["Thành phố Hồ Chí Minh"] == 168
    assert by_name["Thành phố Hà Nội"] == 126
    assert by_name["Thành phố Hải Phòng"] == 114
    assert by_name["Tỉnh Nghệ An"] == 130
    assert by_name["Tỉnh Lai Châu"] == 38
    assert min(by_name.values()) == 38 and max(by_name.values()) == 168
    zones = {p.name: p.special_zones for p in NATIONAL_PROVINCES if p.special_zones}
    assert zones["Tỉnh An Giang"] == 3 and zones["Thành phố Hải Phòng"] == 2
    assert config.official_map


def test_national_table_is_the_official_map() -> None:
    m = official_map()
    units = m.commune_level_in_force(TWO_TIER_START).with_columns(pl.col("kind").cast(pl.String))
    counts = {(p, k): n for p, k, n in units.group_by("parent_code", "kind").len().iter_rows()}
    names = dict(m.provinces(TWO_TIER_START).select("code", "name").iter_rows())
    assert sorted(p.code for p in NATIONAL_PROVINCES) == sorted(names)
    for p in NATIONAL_PROVINCES:
        assert p.name == names[p.code]
        have = tuple(counts.get((p.code, k), 0) for k in COMMUNE_LEVEL_NOW)
        assert have == (p.communes, p.wards, p.special_zones), p.name
        zones = units.filter((pl.col("parent_code") == p.code) & (pl.col("kind") == "special_zone"))
        assert sorted(zones["name"].str.strip_prefix("Đặc khu ")) == sorted(p.special_zone_names)


@pytest.mark.parametrize("units", [1, 17, 250, 3321])
def test_scaled_config_has_the_requested_units(units: int) -> None:
    config = SynthConfig.scaled(units=units, subjects=10)
    assert config.unit_count == units


def test_config_rejects_bad_values() -> None:
    with pytest.raises(UsageError, match="units must be at least 1"):
        SynthConfig.scaled(units=0, subjects=10)
    with pytest.raises(UsageError, match="subjects must not be negative"):
        SynthConfig(provinces=NATIONAL_PROVINCES, subjects=-1)
    with pytest.raises(UsageError, match="mover_share must be between 0 and 1"):
        SynthConfig(provinces=NATIONAL_PROVINCES, subjects=1, mover_share=1.5)
    with pytest.raises(UsageError, match="as_of must be after history_start"):
        SynthConfig(
            provinces=NATIONAL_PROVINCES,
            subjects=1,
            history_start=dt.date(2025, 1, 1),
            as_of=dt.date(2025, 1, 1),
        )
    with pytest.raises(UsageError, match="track_shares needs four shares"):
        SynthConfig(provinces=NATIONAL_PROVINCES, subjects=1, track_shares=(0, 0, 0, 0))
    twice = (NATIONAL_PROVINCES[0], NATIONAL_PROVINCES[0])
    with pytest.raises(UsageError, match="codes must be distinct"):
        SynthConfig(provinces=twice, subjects=1)
    with use_lang("vi"):
        with pytest.raises(UsageError) as caught:
            SynthConfig(provinces=NATIONAL_PROVINCES, subjects=1, mover_share=1.5)
        assert str(caught.value) == "mover_share phải nằm trong khoảng từ 0 đến 1"


def test_tiny_configs_work() -> None:
    empty = generate(SynthConfig.scaled(units=1, subjects=0))
    assert empty.subjects.height == 0 and _successors(empty).height == 1
    small = generate(SynthConfig.scaled(units=3, subjects=5, seed=1))
    assert small.subjects.height == 5


# --- the official map (national preset) ----------------------------------------------------


def test_national_territory_is_the_official_map(national_territory: Territory) -> None:
    m = official_map()
    units = national_territory.units
    assert (
        units.drop("resident_population")
        .sort("code")
        .equals(m.units.drop("resident_population").sort("code"))
    )
    assert national_territory.lineage.sort(pl.all()).equals(m.lineage.sort(pl.all()))
    assert national_territory.n_successors == 3321
    codes = national_territory.codes
    assert len(codes) == 3321 + 10_035 + 5  # successors, then linked old communes and islands
    assert not codes.head(3321).str.starts_with("pre2025:").any()
    assert codes.tail(-3321).str.starts_with("pre2025:").all()
    assert national_territory.succ_merged.all()
    assert national_territory.link_ptr[-1] == 10_602
    # A divided predecessor (a split, in synth terms) is listed under each of its successors.
    linked = pl.Series(national_territory.link_pred).value_counts()
    assert linked.filter(pl.col("count") > 1).height == 471


def test_national_territory_has_populations(national_territory: Territory) -> None:
    units = national_territory.units
    pop = pl.col("resident_population")
    missing = units.filter(pop.is_null())
    assert missing.height == round(0.002 * 3321)
    assert set(missing["kind"].cast(pl.String)) <= set(COMMUNE_LEVEL_NOW)
    assert (units.filter(pop.is_not_null())["resident_population"] >= 100).all()
    old = units.filter(pl.col("valid_to").is_not_null())
    districts = old.filter(pl.col("kind") == "district")
    by_province = districts.group_by("parent_code").agg(pop.sum())
    provinces = old.filter(pl.col("kind") == "province").select("code", total=pop)
    joined = provinces.join(by_province, left_on="code", right_on="parent_code")
    assert joined.height == 63 and (joined["total"] == joined["resident_population"]).all()


def test_official_subset_is_one_real_province(official: Dataset) -> None:
    successors = _successors(official)
    assert successors.height == 114 and set(successors["parent_code"]) == {"31"}
    provinces = official.units.filter(pl.col("kind") == "province")
    assert set(provinces["code"]) == {"31", "pre2025:30", "pre2025:31"}  # Hải Dương merged in
    old = official.units.filter(pl.col("valid_to").is_not_null())
    assert old["code"].str.starts_with("pre2025:").all()
    res_codes = official.residences["unit_code"]
    assert res_codes.str.starts_with("pre2025:").any()
    assert res_codes.is_in(official.units["code"].implode()).all()
    index = TerritoryIndex.from_frames((official.units, official.lineage))
    assert index.province_of("11914", dt.date(2025, 10, 1)) == "31"  # Đặc khu Cát Hải


def test_official_subset_loads_and_evaluates(official: Dataset, tmp_path: Path) -> None:
    write_tables(official, tmp_path, "parquet")
    loaded = load(tmp_path)
    assert not loaded.quarantined
    scheme = drugfree_core.get_scheme("mps-recognition-2024")
    after = drugfree_core.evaluate(loaded, scheme, dt.date(2025, 10, 1))
    assert len(after.units) == 114
    old = official_map().commune_level_in_force(LAST_PRE_REFORM_DAY)
    expected = sum(
        official_map().commune_level_in_force(LAST_PRE_REFORM_DAY, p).height
        for p in ("pre2025:30", "pre2025:31")
    )
    assert 0 < expected < old.height
    before = drugfree_core.evaluate(loaded, scheme, LAST_PRE_REFORM_DAY)
    assert len(before.units) == expected


def test_official_config_must_match_the_map() -> None:
    (spec,) = (p for p in NATIONAL_PROVINCES if p.code == "12")
    wrong = attrs.evolve(spec, communes=spec.communes - 1, wards=spec.wards + 1)
    with pytest.raises(UsageError, match="in the official map, not the configured"):
        generate(SynthConfig(provinces=(wrong,), subjects=1, official_map=True))
    unknown = attrs.evolve(spec, code="99")
    with pytest.raises(UsageError, match="province 99 is not in the official map"):
        generate(SynthConfig(provinces=(unknown,), subjects=1, official_map=True))


# --- national scale -----------------------------------------------------------------------


@pytest.mark.slow
def test_national_preset_is_fast_and_full_size() -> None:
    code = (
        "import resource, time\n"
        "from drugfree_core.synth import SynthConfig, generate\n"
        "t = time.perf_counter(); d = generate(SynthConfig.national())\n"
        "print(time.perf_counter() - t, d.subjects.height, d.drug_tests.height,\n"
        "      d.rehab_episodes.height, d.units.height, d.lineage.height)\n"
    )
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, subjects, tests, rehab, units, links = (float(x) for x in out.stdout.split())
    assert seconds < 20 and time.perf_counter() - started < 60
    assert units == 34 + 3321 + 63 + 696 + 10_035 and links == 10_665  # the official map
    assert subjects == 400_000
    assert 3_800_000 < tests < 4_200_000
    assert 450_000 < rehab < 750_000


def test_bundled_sample_is_the_demo_preset(tmp_path: Path) -> None:
    """The sample shipped with the package is exactly the seeded demo preset, written as JSON."""
    from drugfree_core.io import write_json
    from drugfree_core.samples import demo_path

    fresh = tmp_path / "demo.json"
    write_json(generate(SynthConfig.demo()), fresh)
    assert fresh.read_bytes() == demo_path().read_bytes(), (
        "regenerate with: python -m drugfree_core.synth --preset demo --format json"
    )
