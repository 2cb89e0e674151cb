"""Evaluating one unit from a folder of Parquet tables reads only that unit's records.

:func:`drugfree_core.evaluate_unit_from` must give exactly what :func:`evaluate_unit`
gives on the whole dataset, read the whole dataset wherever the part could not be picked
faithfully, and report every problem as the whole load does.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

import attrs
import polars as pl
import pytest
from click.testing import CliRunner
from conftest import build_dataset
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies_core import MPS_START, Case, cases, schemes

import drugfree_core as dfc
from drugfree_core.api import evaluate_unit, evaluate_unit_from, scheme_for
from drugfree_core.cli.main import cli
from drugfree_core.dataset import ALL_TABLES, Dataset
from drugfree_core.engine import Outcome
from drugfree_core.errors import DatasetError, Problem
from drugfree_core.explanation import explain_unit
from drugfree_core.io import Format, load_unit_part
from drugfree_core.io.postgres import write_postgres
from drugfree_core.model import UnitLevel
from drugfree_core.rules.scheme import Scheme
from drugfree_core.synth import NATIONAL_PROVINCES, SynthConfig, generate

ON = dt.date(2025, 10, 1)
SCHEMES = ("mps-recognition-2024", "qd28-2025-complex-areas")


@pytest.fixture(scope="module")
def whole() -> Dataset:
    """Communes merged and split, and one merged commune's link lost (its people unplaced)."""
    data = generate(
        attrs.evolve(SynthConfig.scaled(units=60, subjects=1500, seed=11), split_share=0.1)
    )
    first = data.lineage["predecessor_code"][0]
    return attrs.evolve(data, lineage=data.lineage.filter(pl.col("predecessor_code") != first))


@pytest.fixture(scope="module")
def folder(whole: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scoped") / "tables"
    dfc.save(whole, path, format="parquet")
    return path


@pytest.fixture(scope="module")
def csv_folder(whole: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scoped") / "csv"
    dfc.save(whole, path, format="csv")
    return path


@pytest.fixture(params=["parquet", "csv"])
def either(request: pytest.FixtureRequest) -> Path:
    """The dataset as Parquet, then as CSV files."""
    name = "folder" if request.param == "parquet" else "csv_folder"
    path: Path = request.getfixturevalue(name)
    return path


def _communes(whole: Dataset) -> list[str]:
    return [u.unit_code for u in dfc.evaluate(whole, dfc.get_scheme(SCHEMES[0]), ON).units]


def _copy(folder: Path, to: Path) -> Path:
    to.mkdir()
    for file in folder.iterdir():
        (to / file.name).write_bytes(file.read_bytes())
    return to


def _edit(folder: Path, table: str, change: pl.Expr) -> None:
    path = folder / f"{table}.parquet"
    pl.read_parquet(path).with_row_index("row").with_columns(change).drop("row").write_parquet(path)


def _test_rows(whole: Dataset, folder: Path, code: str) -> tuple[int, int]:
    """The row of a drug test of one of *code*'s people, and of one of someone else's."""
    mine = set(whole.restrict_to_units([code], people="own").subjects["id"].to_list())
    ids = pl.read_parquet(folder / "drug_tests.parquet")["subject_id"].to_list()
    own = next(i for i, s in enumerate(ids) if s in mine)
    return own, next(i for i, s in enumerate(ids) if s not in mine)


def _undate(folder: Path, rows: list[int]) -> None:
    """The drug tests at *rows* lose their date (a required cell)."""
    kept = ~pl.col("row").is_in(rows)
    _edit(folder, "drug_tests", pl.when(kept).then(pl.col("date")).alias("date"))


def _refused_as_whole(source: Path | str, code: str) -> tuple[Problem, ...]:
    """*source* gives no part for *code*; explaining it lists the whole load's problems."""
    assert load_unit_part(source, code) is None
    with pytest.raises(DatasetError) as whole_error:
        dfc.load(source)
    with pytest.raises(DatasetError) as part_error:
        evaluate_unit_from(source, ON, code, scheme=dfc.get_scheme(SCHEMES[0]))
    assert part_error.value.problems == whole_error.value.problems
    return part_error.value.problems


def test_every_unit_is_evaluated_and_explained_as_from_the_whole(
    whole: Dataset, either: Path
) -> None:
    seen: set[Outcome] = set()
    # Every unit is checked by the next test; here every 3rd, and every 7th for the second.
    for scheme_id, step in zip(SCHEMES, (3, 7), strict=True):
        scheme = dfc.get_scheme(scheme_id)
        full = dfc.evaluate(whole, scheme, ON)
        for unit in full.units[::step]:
            found = evaluate_unit_from(either, ON, unit.unit_code, scheme=scheme)
            assert found.read_part
            assert found.unit == unit
            seen.add(unit.verdict)
            # A pass counts the people unplaced anywhere: the whole is read for it.
            _, expected = evaluate_unit(whole, scheme, ON, unit.unit_code)
            lang = "vi" if len(seen) % 2 else "en"
            assert explain_unit(found.unit, found.evaluation, scheme, lang) == explain_unit(
                unit, expected, scheme, lang
            )
    assert {Outcome.PASS, Outcome.FAIL} <= seen
    assert full.unplaced_anywhere > 0  # the passes above did meet unplaced people


def test_the_part_holds_what_restricting_the_whole_keeps(whole: Dataset, either: Path) -> None:
    split = set(whole.lineage["successor_code"].to_list())
    codes = _communes(whole)
    assert split & set(codes)  # some units have predecessors, whose people count too
    for code in codes:
        part = load_unit_part(either, code)
        assert part is not None
        assert part.drug_tests.height < whole.drug_tests.height or whole.drug_tests.is_empty()
        mine = part.restrict_to_units([code], people="own").frames()
        theirs = whole.restrict_to_units([code], people="own").frames()
        for table in ALL_TABLES:
            assert mine[table].equals(theirs[table]), (code, table)


def test_the_scheme_in_force_is_chosen_from_the_part(whole: Dataset, folder: Path) -> None:
    code = _communes(whole)[0]
    found = evaluate_unit_from(folder, ON, code)
    assert found.read_part and found.choice is not None
    assert found.scheme == scheme_for(code, ON, whole).scheme
    assert found.unit == evaluate_unit(whole, found.scheme, ON, code)[0]


def test_a_problem_in_the_units_records_reports_every_problem(
    whole: Dataset, folder: Path, tmp_path: Path
) -> None:
    code = _communes(whole)[3]
    broken = _copy(folder, tmp_path / "broken")
    own_row, other_row = _test_rows(whole, folder, code)
    _undate(broken, [own_row, other_row])
    rows = {p.location for p in _refused_as_whole(broken, code)}
    assert rows == {
        f"drug_tests.parquet:row {own_row + 1}",
        f"drug_tests.parquet:row {other_row + 1}",
    }


def test_a_problem_only_in_other_units_records_is_not_looked_for(
    whole: Dataset, folder: Path, tmp_path: Path
) -> None:
    code = _communes(whole)[3]
    broken = _copy(folder, tmp_path / "elsewhere")
    _undate(broken, [_test_rows(whole, folder, code)[1]])
    with pytest.raises(DatasetError):
        dfc.load(broken)
    scheme = dfc.get_scheme(SCHEMES[0])
    found = evaluate_unit_from(broken, ON, code, scheme=scheme)
    assert found.read_part
    assert found.unit == evaluate_unit(whole, scheme, ON, code)[0]


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("residences", "subject_id"),
        ("residences", "unit_code"),
        ("drug_tests", "subject_id"),
        ("subjects", "id"),
        ("unit_facts", "unit_code"),
        ("drug_law_violations", "subject_id"),
    ],
)
@pytest.mark.parametrize("key", [None, "", " S1", "012345678901"])
def test_a_key_naming_no_one_anywhere_is_refused_as_the_whole_load_refuses_it(
    whole: Dataset, folder: Path, tmp_path: Path, table: str, column: str, key: str | None
) -> None:
    # Empty, padded or an identity number: nobody can tell whose row it is; it may be
    # this unit's. The row changed is one the unit's part would not read otherwise.
    code = _communes(whole)[3]
    part = whole.restrict_to_units([code], people="own")
    theirs = pl.col("unit_code").is_in(part.unit_facts["unit_code"].unique().implode())
    if table != "unit_facts":
        by = "id" if table == "subjects" else "subject_id"
        theirs = pl.col(by).is_in(part.subjects["id"].implode())
    broken = _copy(folder, tmp_path / "no-one")
    frame = pl.read_parquet(broken / f"{table}.parquet").with_row_index("row")
    row = frame.filter(~theirs)["row"][-1]
    _edit(broken, table, pl.when(pl.col("row") != row).then(pl.col(column)).alias(column))
    if key is not None:
        _edit(broken, table, pl.col(column).fill_null(key))
    _refused_as_whole(broken, code)


def test_other_sources_and_modes_read_the_whole(
    whole: Dataset, folder: Path, tmp_path: Path
) -> None:
    code = _communes(whole)[5]
    scheme = dfc.get_scheme(SCHEMES[0])
    expected = evaluate_unit(whole, scheme, ON, code)[0]
    document = tmp_path / "data.json"
    dfc.save(whole, document)
    mixed = _copy(folder, tmp_path / "mixed")
    pl.read_parquet(mixed / "drug_tests.parquet").write_csv(mixed / "drug_tests.csv")
    (mixed / "drug_tests.parquet").unlink()
    found = evaluate_unit_from(mixed, ON, code, scheme=scheme)
    assert found.read_part and found.unit == expected
    # Blank lines that end a CSV file have no key: the whole file says that they end it.
    with (mixed / "drug_tests.csv").open("a") as file:
        file.write(",,,,\n\n")
    for source in (document, mixed):
        found = evaluate_unit_from(source, ON, code, scheme=scheme)
        assert not found.read_part and found.unit == expected
    quarantined = evaluate_unit_from(folder, ON, code, scheme=scheme, quarantine=True)
    assert not quarantined.read_part and quarantined.unit == expected


def test_a_province_scheme_reads_the_whole(whole: Dataset, folder: Path) -> None:
    scheme = dfc.get_scheme("qd28-2025-provinces")
    province = whole.units.filter(pl.col("parent_code").is_null())["code"][0]
    found = evaluate_unit_from(folder, ON, province, scheme=scheme, allow_no_coverage=True)
    assert not found.read_part
    assert found.unit == evaluate_unit(whole, scheme, ON, province, allow_no_coverage=True)[0]


def test_files_the_part_cannot_trust_are_read_whole(
    whole: Dataset, folder: Path, tmp_path: Path
) -> None:
    code = _communes(whole)[0]
    numeric = _copy(folder, tmp_path / "numeric")
    _edit(numeric, "custody_periods", pl.col("row").alias("subject_id"))  # ids as numbers
    own_loc = _copy(folder, tmp_path / "own_loc")
    _edit(own_loc, "drug_tests", pl.col("row").alias("_loc"))  # a column of the file's own
    # The residences are read whole with a flag per key: a column of a flag's name
    own_flag = _copy(folder, tmp_path / "own_flag")
    _edit(own_flag, "residences", pl.lit(False).alias("_names_no_one_unit_code"))
    no_parents = _copy(folder, tmp_path / "no_parents")  # a column the scope needs is missing
    pl.read_parquet(folder / "units.parquet").drop("parent_code").write_parquet(
        no_parents / "units.parquet"
    )
    no_links = _copy(folder, tmp_path / "no_links")
    pl.read_parquet(folder / "lineage.parquet").drop("successor_code").write_parquet(
        no_links / "lineage.parquet"
    )
    for broken in (numeric, own_loc, own_flag, no_links):
        assert load_unit_part(broken, code) is None
        with pytest.raises(DatasetError):
            evaluate_unit_from(broken, ON, code)
    # Units without parents are valid (none of them has one): read whole all the same.
    assert load_unit_part(no_parents, code) is None
    scheme = dfc.get_scheme(SCHEMES[0])
    found = evaluate_unit_from(no_parents, ON, code, scheme=scheme)
    assert not found.read_part
    assert found.unit == evaluate_unit(dfc.load(no_parents), scheme, ON, code)[0]


def test_records_on_official_codes_are_scoped_with_the_embedded_map(tmp_path: Path) -> None:
    provinces = tuple(p for p in NATIONAL_PROVINCES if p.code == "12")
    data = generate(SynthConfig(seed=7, provinces=provinces, subjects=1500, official_map=True))
    folder = tmp_path / "official"
    dfc.save(data, folder, format="parquet")
    # Without units and lineage the records' official codes are read on the embedded map.
    (folder / "units.parquet").unlink()
    (folder / "lineage.parquet").unlink()
    whole = dfc.load(folder)
    assert whole.map_source is not None
    scheme = dfc.get_scheme(SCHEMES[0])
    full = dfc.evaluate(whole, scheme, ON, allow_no_coverage=True)
    covered = [u for u in full.units if u.verdict is not Outcome.NO_DATA]
    assert len(covered) > 10
    # Every unit of Lai Châu, and a few of the map that the data do not cover.
    for unit in [*covered, *full.units[:3]]:
        found = evaluate_unit_from(
            folder, ON, unit.unit_code, scheme=scheme, allow_no_coverage=True
        )
        assert found.read_part and found.unit == unit


def _explain(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["explain", *args, "--date", ON.isoformat()])
    return result.exit_code, result.stdout, result.stderr


def test_the_command_explains_from_the_part_as_from_the_whole(
    whole: Dataset, folder: Path, tmp_path: Path
) -> None:
    document = tmp_path / "data.json"
    dfc.save(whole, document)  # read whole
    scheme = dfc.get_scheme(SCHEMES[0])
    verdicts = {u.verdict: u.unit_code for u in dfc.evaluate(whole, scheme, ON).units}
    for code in (verdicts[Outcome.PASS], verdicts[Outcome.FAIL]):
        for extra in ((), ("--scheme", SCHEMES[0]), ("--format", "json")):
            part = _explain(str(folder), "--unit", code, "--lang", "vi", *extra)
            assert part[0] == 0
            assert part == _explain(str(document), "--unit", code, "--lang", "vi", *extra)


def test_a_pass_over_data_broken_elsewhere_is_refused_with_every_problem(
    whole: Dataset, folder: Path, tmp_path: Path
) -> None:
    # A pass must count the people placed nowhere, over the whole dataset: it is checked.
    scheme = dfc.get_scheme(SCHEMES[0])
    passing = next(u for u in dfc.evaluate(whole, scheme, ON).units if u.verdict is Outcome.PASS)
    broken = _copy(folder, tmp_path / "broken")
    other_row = _test_rows(whole, folder, passing.unit_code)[1]
    _undate(broken, [other_row])
    code, out, err = _explain(str(broken), "--unit", passing.unit_code, "--scheme", SCHEMES[0])
    assert code == 1 and "Traceback" not in err
    assert f"drug_tests.parquet:row {other_row + 1}" in err
    # Its JSON result needs no census: the unit's own records are enough.
    code, out, _ = _explain(
        str(broken), "--unit", passing.unit_code, "--scheme", SCHEMES[0], "--format", "json"
    )
    assert code == 0 and json.loads(out)["verdict"] == "pass"


@settings(max_examples=40, deadline=None)
@given(
    case=cases(min_date=MPS_START, quarantine=False),
    scheme=schemes(unit_level=UnitLevel.COMMUNE_LEVEL),
    fmt=st.sampled_from(("parquet", "csv")),
    data=st.data(),
)
def test_any_unit_of_any_dataset_reads_as_from_the_whole(
    case: Case, scheme: Scheme, fmt: Format, data: st.DataObject
) -> None:
    # Lineage, coverage, tables left out and findings as generated; any scheme's rules.
    assume(case.evaluated_units)
    dataset = attrs.evolve(build_dataset(case.records), supplied=case.supplied)
    # Units that other units became are drawn first: their predecessors' people count.
    successors = {link.successor_code for link in case.records.lineage}
    became = [c for c in case.evaluated_units if c in successors]
    code = data.draw(st.sampled_from(became or case.evaluated_units), label="unit")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tables"
        dfc.save(dataset, folder, format=fmt)
        whole = dfc.load(folder)
        expected, _ = evaluate_unit(whole, scheme, case.on, code, allow_no_coverage=True)
        found = evaluate_unit_from(folder, case.on, code, scheme=scheme, allow_no_coverage=True)
    assert found.read_part
    assert found.unit == expected


# --- a PostgreSQL schema: the same picks as WHERE clauses --------------------------------


@pytest.fixture(scope="module")
def database(whole: Dataset, postgres_uri: str) -> str:
    uri = f"{postgres_uri}?schema=scoped_part"
    dfc.save(whole, uri)
    return uri


def test_a_database_part_is_evaluated_as_the_whole_database(whole: Dataset, database: str) -> None:
    scheme = dfc.get_scheme(SCHEMES[0])
    from_database = dfc.load(database)
    for code in _communes(whole)[::4]:
        found = evaluate_unit_from(database, ON, code, scheme=scheme)
        assert found.read_part
        assert found.unit == evaluate_unit(from_database, scheme, ON, code)[0]
        part = load_unit_part(database, code)
        assert part is not None
        assert part.drug_tests.height < from_database.drug_tests.height
    # The scheme in force is chosen from the part too.
    code = _communes(whole)[1]
    found = evaluate_unit_from(database, ON, code)
    assert found.read_part and found.scheme == scheme_for(code, ON, from_database).scheme


@pytest.mark.parametrize(
    ("key", "schema"),
    [(None, "none"), ("", "empty"), (" S1", "padded"), ("012345678901", "number")],
)
def test_a_database_row_naming_no_one_is_refused_as_the_whole_load_refuses_it(
    whole: Dataset, postgres_uri: str, key: str | None, schema: str
) -> None:
    code = _communes(whole)[3]
    mine = set(whole.restrict_to_units([code], people="own").subjects["id"].to_list())
    ids = whole.drug_tests["subject_id"]
    other = next(i for i, s in enumerate(ids.to_list()) if s not in mine)
    row = pl.int_range(pl.len()) == other
    broken = attrs.evolve(
        whole,
        drug_tests=whole.drug_tests.with_columns(
            pl.when(row).then(pl.lit(key, pl.String())).otherwise("subject_id").alias("subject_id")
        ),
    )
    uri = f"{postgres_uri}?schema=no_one_{schema}"
    _write_unchecked(broken, uri)
    _refused_as_whole(uri, code)


def _write_unchecked(dataset: Dataset, uri: str) -> None:
    """*dataset*'s tables written as they are, bad rows included (``save`` writes them)."""
    write_postgres(dataset.frames(), uri)
