"""The table door: folders of CSV / Parquet files, cell by cell, row numbers as people count."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drugfree_core.api import evaluate_unit_from
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.reasons import reason_message
from drugfree_core.dataset.schema import TABLES_BY_NAME
from drugfree_core.errors import DatasetError, Problem, RecordError
from drugfree_core.io import load, read_json, read_tables, table_door, validate, write_tables
from drugfree_core.io.table_door import LONG_LINE, read_table_file
from drugfree_core.io.writers import document_text
from drugfree_core.model import AdminUnit, UnitKind
from drugfree_core.plugins import get_scheme

SMALL = Path(__file__).parent / "data" / "io" / "small.json"

UNITS = """code,name,kind,parent_code,resident_population,valid_from,valid_to
38,Tỉnh Thanh Hóa,province,,,,
16000,Xã Quảng Xương,commune,38,9000,,2025-06-30
16100,Phường Hạc Thành,ward,38,21500,2025-07-01,
"""
SUBJECTS = "id\nS1\nS2\nS3\n"
RESIDENCES = """subject_id,unit_code,start,end
S1,16000,2019-03-01,2025-06-30
S1,16100,2025-07-01,
S2,16100,2021-05-05,
S3,16100,2020-01-01,
"""
TESTS = """subject_id,date,result,method,schedule
S1,2023-01-20,positive,confirmatory,periodic
S1,2025-02-11,negative,screening,surprise
S2,2025-01-10,positive,screening,periodic
"""


def folder(tmp_path: Path, **files: str) -> Path:
    """A dataset folder with the given CSV texts (``units`` defaults to UNITS)."""
    root = tmp_path / "ds"
    root.mkdir()
    files.setdefault("units", UNITS)
    for name, content in files.items():
        (root / f"{name}.csv").write_text(content, encoding="utf-8")
    return root


def problems_of(root: Path, *, quarantine: bool = False) -> list[tuple[str, str, str | None]]:
    with pytest.raises(DatasetError) as info:
        read_tables(root, quarantine=quarantine)
    assert tuple(info.value.problems) == validate(root)
    return [(p.location, p.reason, p.record_id) for p in info.value.problems]


def data_rows(root: Path) -> Counter[str]:
    return Counter({p.stem: pl.read_csv(p, infer_schema=False).height for p in root.glob("*.csv")})


def placeholders(dataset: Dataset) -> int:
    """Units kept in the map for quarantined unit rows (one per code)."""
    codes = set(dataset.units["code"].to_list())
    return len({q.record_id for q in dataset.quarantined if q.table == "units"} & codes)


def assert_nothing_lost(root: Path, dataset: Dataset) -> None:
    quarantined = Counter(q.table for q in dataset.quarantined)
    for table, count in data_rows(root).items():
        kept = dataset.frame(table).height - (placeholders(dataset) if table == "units" else 0)
        assert kept + quarantined[table] == count, table


def test_minimal_folder_and_missing_tables_are_empty(tmp_path: Path) -> None:
    dataset = read_tables(folder(tmp_path))
    assert dataset.counts()["units"] == 3
    assert dataset.units["code"].to_list() == ["38", "16000", "16100"]  # leading zeros kept
    assert dataset.units["resident_population"].to_list() == [None, 9000, 21500]
    assert dataset.units["valid_to"].to_list() == [None, dt.date(2025, 6, 30), None]
    assert dataset.drug_tests.height == 0


def test_bad_cells_are_problems_with_spreadsheet_row_numbers(tmp_path: Path) -> None:
    units = UNITS.replace("9000", "abc").replace("21500,2025-07-01", "21500,1/7/2025")
    units = units.replace(",ward,", ",phuong,")
    assert problems_of(folder(tmp_path, units=units)) == [
        ("units.csv:row 3", "resident_population: 'abc' is not an integer", "16000"),
        (
            "units.csv:row 4",
            "kind: 'phuong' is not one of: province, district, commune, ward, town, special_zone",
            "16100",
        ),
        ("units.csv:row 4", "valid_from: '1/7/2025' is not a date written YYYY-MM-DD", "16100"),
    ]


def test_subject_tables_never_repeat_cell_values(tmp_path: Path) -> None:
    tests = TESTS.replace("2023-01-20", "20/01/2023").replace("negative", "NEG-X")
    tests = tests.replace("S2,2025-01-10,positive,screening", "S2,,positive,LAB-Y")
    root = folder(tmp_path, subjects=SUBJECTS, residences=RESIDENCES, drug_tests=tests)
    found = problems_of(root)
    assert found == [
        ("drug_tests.csv:row 2", "date: value is not a date written YYYY-MM-DD", "S1"),
        ("drug_tests.csv:row 3", "result: value is not one of: negative, positive", "S1"),
        ("drug_tests.csv:row 4", "date: missing value (the column is required)", "S2"),
        ("drug_tests.csv:row 4", "method: value is not one of: screening, confirmatory", "S2"),
    ]
    for value in ("20/01/2023", "NEG-X", "LAB-Y"):
        assert all(value not in reason for _, reason, _ in found)


def test_violations_and_fugitives_never_repeat_cell_values(tmp_path: Path) -> None:
    # They name people too: free text typed into the wrong column (a name, an ID number)
    # must not come back in a problem, in a CSV file or a Parquet one.
    violations = (
        "subject_id,unit_code,date,kind\n"
        "S1,16100,2025-01-30,Nguyen Van A sold to his neighbour\n"
        "S1,16100,Tran 012345678901,crime\n"
    )
    fugitives = "id,unit_code,start,end\nF1,16100,2025-01-01,hiding at 12 Hang Bac\n"
    root = folder(
        tmp_path,
        subjects=SUBJECTS,
        residences=RESIDENCES,
        drug_law_violations=violations,
        wanted_fugitives=fugitives,
    )
    secrets = ("Nguyen Van A", "012345678901", "Hang Bac")
    found = problems_of(root)
    assert [(loc, reason) for loc, reason, _ in found] == [
        ("drug_law_violations.csv:row 2", "kind: value is not one of: crime, administrative"),
        ("drug_law_violations.csv:row 3", "date: value is not a date written YYYY-MM-DD"),
        ("wanted_fugitives.csv:row 2", "end: value is not a date written YYYY-MM-DD"),
    ]
    as_parquet = tmp_path / "pq"
    as_parquet.mkdir()
    for csv in root.glob("*.csv"):
        pl.read_csv(csv, infer_schema=False).write_parquet(as_parquet / f"{csv.stem}.parquet")
    texts = [str(p) for p in validate(as_parquet)] + [reason for _, reason, _ in found]
    assert texts and all(secret not in text for secret in secrets for text in texts)


@pytest.mark.skipif(os.name == "nt", reason="a name of bytes that are not UTF-8 is POSIX's")
def test_a_folder_whose_name_is_not_utf8_is_read(tmp_path: Path) -> None:
    # The system allows any bytes in a name; polars takes names as UTF-8 text only.
    root = folder(tmp_path, subjects=SUBJECTS, residences=RESIDENCES, drug_tests=TESTS)
    odd = tmp_path / os.fsdecode(b"d\xfe")
    root.rename(odd)
    as_parquet = tmp_path / os.fsdecode(b"p\xff")
    write_tables(load(odd), as_parquet, "parquet")
    for path in (odd, as_parquet):
        assert load(path).drug_tests.height == 3 and validate(path) == ()
    # A unit's own records are read from it too (the part gives way to the whole read).
    scheme = get_scheme("mps-recognition-2024")
    unit = evaluate_unit_from(odd, dt.date(2025, 10, 1), "16100", scheme=scheme)
    assert unit.unit.unit_code == "16100" and not unit.read_part


def test_every_bad_row_is_reported(tmp_path: Path) -> None:
    residences = "subject_id,unit_code,start,end\n" + "".join(
        f"S{i},16100,2024-13-0{i},\n" for i in range(1, 4)
    )
    root = folder(tmp_path, subjects=SUBJECTS, residences=residences)
    assert [loc for loc, _, _ in problems_of(root)] == [
        "residences.csv:row 2",
        "residences.csv:row 3",
        "residences.csv:row 4",
    ]


def test_record_checks_match_the_model(tmp_path: Path) -> None:
    root = folder(
        tmp_path,
        units=UNITS + "16 200,Xã Nga Sơn,commune,38,-4,2025-01-01,2024-01-01\n",
        lineage="predecessor_code,successor_code,effective\n16000,16000,2025-07-01\n",
        subjects="id\nS1\n012345678\n",
        residences="subject_id,unit_code,start,end\nS1,16100,2025-07-01,2025-06-01\n",
        status_periods="subject_id,kind,start,end,management_start\n"
        "S1,addict,2024-01-01,2024-06-01,2024-07-01\n",
        rehab_episodes="subject_id,form,start,end,completed\nS1,voluntary_facility,2024-01-01,,true\n",
        unit_facts="unit_code,kind,period_start,period_end,value\n"
        "16100,drug_use_locations,2025-01-01,2024-12-31,-1\n16100,arrested_drug_offenders,"
        "2025-01-01,2025-01-31,inf\n",
    )
    found = problems_of(root)
    id_format = "must be 1-64 characters of letters, digits, '.', '_', ':' or '-'"
    assert found == [
        ("units.csv:row 5", f"code {id_format}", None),
        ("units.csv:row 5", "resident_population must not be negative", None),
        ("units.csv:row 5", "valid_to is before valid_from", None),
        ("lineage.csv:row 2", "a unit cannot be its own successor", "16000->16000"),
        (
            "subjects.csv:row 3",
            "id looks like a national identity number; use a pseudonymous id",
            None,
        ),
        ("residences.csv:row 2", "end is before start", "S1"),
        ("status_periods.csv:row 2", "management_start is after end", "S1"),
        ("rehab_episodes.csv:row 2", "a completed episode needs an end date", "S1"),
        ("unit_facts.csv:row 2", "period_end is before period_start", "16100"),
        ("unit_facts.csv:row 2", "value must not be negative", "16100"),
        ("unit_facts.csv:row 3", "value: 'inf' is not a number", "16100"),
    ]


def test_a_rehab_rank_below_one_is_refused_by_every_door(tmp_path: Path) -> None:
    """The model refuses rank 0; the table door and the JSON document's fast way let it in."""
    reason = "rank must be 1 or more; 1 is the first rehab"
    rehab = "subject_id,form,start,end,rank\nS1,voluntary_facility,2024-01-01,2024-02-01,0\n"
    root = folder(tmp_path, subjects=SUBJECTS, rehab_episodes=rehab)
    assert problems_of(root) == [("rehab_episodes.csv:row 2", reason, "S1")]
    (tmp_path / "ok").mkdir()
    records = json.loads(document_text(read_tables(folder(tmp_path / "ok", subjects=SUBJECTS))))
    episode = {"form": "voluntary_facility", "start": "2024-01-01", "end": "2024-02-01"}
    records["subjects"][0]["rehab_episodes"] = [{**episode, "rank": 0}]
    document = tmp_path / "doc.json"
    document.write_text(json.dumps(records), encoding="utf-8")
    found = [(p.location, p.reason) for p in validate(document)]
    assert found == [("$.subjects[0].rehab_episodes[0].rank", reason)]
    assert reason_message(reason).render("vi") != reason  # a template of the catalogue


def test_a_population_beyond_the_earths_is_refused_by_every_door(tmp_path: Path) -> None:
    """Two populations near 2**63 summed to a small province total (a false verdict)."""
    reason = "resident_population is too large: the limit is 10000000000"
    huge = UNITS.replace(",9000,", f",{2**63 - 1},").replace(",21500,", f",{2**63 - 2**18},")
    root = folder(tmp_path, units=huge)
    assert problems_of(root) == [
        ("units.csv:row 3", reason, "16000"),
        ("units.csv:row 4", reason, "16100"),
    ]
    (tmp_path / "ok").mkdir()
    records = json.loads(document_text(read_tables(folder(tmp_path / "ok"))))
    records["units"][1]["resident_population"] = 10_000_000_001
    document = tmp_path / "doc.json"
    document.write_text(json.dumps(records), encoding="utf-8")
    assert [(p.location, p.reason) for p in validate(document)] == [
        ("$.units[1].resident_population", reason)
    ]
    with pytest.raises(RecordError, match="is too large: the limit is 10000000000"):
        AdminUnit(code="1", name="X", kind=UnitKind.COMMUNE, resident_population=10**10 + 1)
    assert reason_message(reason).render("vi") != reason  # a template of the catalogue
    # At the limit, a province's sum of its units' populations stays exact.
    limit = UNITS.replace(",9000,", ",10000000000,").replace(",21500,", ",10000000000,")
    (tmp_path / "limit").mkdir()
    dataset = read_tables(folder(tmp_path / "limit", units=limit))
    assert dataset.units["resident_population"].sum() == 2 * 10**10


def test_booleans_defaults_and_empty_cells(tmp_path: Path) -> None:
    rehab = """subject_id,form,start,end,completed
S1,voluntary_facility,2024-01-01,2024-02-01,TRUE
S1,voluntary_facility,2024-03-01,2024-04-01,0
S2,opioid_substitution,2024-01-01,,
S3,opioid_substitution,2024-01-01,,yes
"""
    tests = "subject_id,date,result\nS1,2024-01-01,negative\n"
    root = folder(tmp_path, subjects=SUBJECTS, rehab_episodes=rehab, drug_tests=tests)
    assert problems_of(root) == [
        (
            "rehab_episodes.csv:row 5",
            "completed: value is not a boolean (true, false, 1 or 0)",
            "S3",
        )
    ]
    (root / "rehab_episodes.csv").write_text(
        rehab.replace(",yes", ",1").replace(
            "S3,opioid_substitution,2024-01-01,,", "S3,opioid_substitution,2024-01-01,2024-02-02,"
        ),
        encoding="utf-8",
    )
    dataset = read_tables(root)
    assert dataset.rehab_episodes["completed"].to_list() == [True, False, False, True]
    assert dataset.rehab_episodes["minor"].to_list() == [False] * 4  # column left out
    assert dataset.drug_tests.row(0) == (
        "S1",
        dt.date(2024, 1, 1),
        "negative",
        "screening",
        "periodic",
    )


@pytest.mark.parametrize(
    ("files", "location", "reason"),
    [
        ({"units": "code,name\n38,Tỉnh\n"}, "units.csv", "missing required column 'kind'"),
        (
            {"units": UNITS.replace("valid_to", "note")},
            "units.csv",
            "unknown column (the 7th column of the header); columns of units: code, name, kind, "
            "parent_code, resident_population, valid_from, valid_to",
        ),
        (
            {"units": UNITS.replace("valid_to", "Valid_To")},
            "units.csv",
            "unknown column (the 7th column of the header; did you mean 'valid_to'?); columns "
            "of units: code, name, kind, parent_code, resident_population, valid_from, valid_to",
        ),
        (
            {"units": UNITS.replace("valid_to", "code")},
            "units.csv",
            "column 'code' appears more than once in the header",
        ),
        (
            {"subjects": "S-1\nS-2\n"},
            "subjects.csv",
            "the first row is not a header: no cell of it is a column name of subjects (id); "
            "add the header row",
        ),
        (
            {"notes": "x\n1\n"},
            "notes.csv",
            "unknown file; expected <table>.csv or <table>.parquet for one of: units, lineage, "
            "subjects, residences, status_periods, drug_tests, rehab_episodes, custody_periods, "
            "unit_facts, coverage, drug_law_violations, wanted_fugitives, drug_use_locations, "
            "recognitions",
        ),
        ({"subjects": ""}, "subjects.csv", "the file is empty (a header row is required)"),
        # The row that has too many is named (the header's byte-order mark is no field).
        (
            {"subjects": "id\nS1\nS2,S3\n"},
            "subjects.csv:row 3",
            "the row has 2 fields, the header 1",
        ),
        (
            {"subjects": "\ufeffid\nS1,S2,\n"},
            "subjects.csv:row 2",
            "the row has 3 fields, the header 1",
        ),
        # A quoted cell holding a line break: lines are not rows, so the file is named.
        (
            {"subjects": 'id\n"S1\nS2",S3\n'},
            "subjects.csv",
            "a row has more fields than the header",
        ),
    ],
)
def test_file_level_problems_raise_even_in_quarantine(
    tmp_path: Path, files: dict[str, str], location: str, reason: str
) -> None:
    root = folder(tmp_path, **files)
    found = problems_of(root, quarantine=True)
    assert (location, reason, None) in found


def test_double_formats_and_stray_entries(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    root.mkdir()
    (root / "subjects.csv").write_text(SUBJECTS, encoding="utf-8")
    pl.DataFrame({"id": ["S9"]}).write_parquet(root / "subjects.parquet")
    (root / ".DS_Store").write_bytes(b"\0")  # hidden files are ignored
    (root / "extra").mkdir()
    found = problems_of(root, quarantine=True)
    assert found == [
        ("extra", found[0][1], None),
        ("subjects.parquet", "both subjects.csv and subjects.parquet exist; keep one", None),
    ]


def test_not_utf8_is_a_file_problem(tmp_path: Path) -> None:
    root = folder(tmp_path)
    (root / "units.csv").write_bytes(UNITS.encode("cp1258", errors="replace"))
    # At the first byte that is not UTF-8 (a Vietnamese letter in the Windows code page).
    assert problems_of(root) == [
        ("units.csv:byte 82", "not UTF-8 text; save the file as CSV UTF-8", None)
    ]


def test_cross_record_problems_in_tables(tmp_path: Path) -> None:
    root = folder(
        tmp_path,
        units=UNITS + "16000,Xã trùng,commune,99,,,\n",
        subjects="id\nS1\nS2\nS2\nS3\n",
        residences=RESIDENCES.replace("S1,16100,2025-07-01", "S1,16100,2025-06-30"),
        drug_tests=TESTS + "S7,2025-01-01,negative,screening,periodic\n",
        lineage="predecessor_code,successor_code,effective\n16000,16100,2025-06-01\n"
        "16000,16100,2025-07-01\n16001,16100,2025-07-01\n",
    )
    assert problems_of(root) == [
        ("units.csv:row 3", "duplicate unit code: 2 records have this code", "16000"),
        ("units.csv:row 5", "duplicate unit code: 2 records have this code", "16000"),
        ("units.csv:row 5", "parent_code 99 does not match any unit", "16000"),
        (
            "lineage.csv:row 2",
            "effective (2025-06-01) is not the successor's valid_from (2025-07-01)",
            "16000->16100",
        ),
        (
            "lineage.csv:row 2",
            "duplicate lineage link: 2 links join these two units",
            "16000->16100",
        ),
        (
            "lineage.csv:row 3",
            "duplicate lineage link: 2 links join these two units",
            "16000->16100",
        ),
        ("lineage.csv:row 4", "predecessor_code 16001 does not match any unit", "16001->16100"),
        ("subjects.csv:row 3", "duplicate subject id: 2 records have this id", "S2"),
        ("subjects.csv:row 4", "duplicate subject id: 2 records have this id", "S2"),
        (
            "residences.csv:row 3",
            "residence overlaps another residence of the same subject "
            "(a person lives in one unit at a time)",
            "S1",
        ),
        ("drug_tests.csv:row 5", "subject_id does not match any subject", "S7"),
    ]


def test_overlaps_are_found_behind_a_long_residence(tmp_path: Path) -> None:
    residences = """subject_id,unit_code,start,end
S1,16000,2010-01-01,2024-12-31
S1,16100,2015-01-01,2015-02-01
S1,16100,2020-01-01,2020-02-01
S1,16100,2025-01-01,
S2,16100,2020-01-01,2020-12-31
S2,16000,2020-12-31,
"""
    root = folder(tmp_path, subjects=SUBJECTS, residences=residences)
    assert [(loc, rid) for loc, _, rid in problems_of(root)] == [
        ("residences.csv:row 3", "S1"),
        ("residences.csv:row 4", "S1"),
        ("residences.csv:row 7", "S2"),
    ]


def test_quarantine_in_tables_takes_the_whole_subject(tmp_path: Path) -> None:
    tests = TESTS.replace("2025-02-11,negative", "2025-02-11,unclear")
    root = folder(
        tmp_path,
        subjects=SUBJECTS,
        residences=RESIDENCES,
        drug_tests=tests + "S9,2025-01-01,negative,screening,periodic\n",
        custody_periods="subject_id,start,end\nS1,2024-01-01,2024-02-01\n",
    )
    dataset = read_tables(root, quarantine=True)
    assert_nothing_lost(root, dataset)
    got = {q.location: q for q in dataset.quarantined}
    assert set(got) == {
        "subjects.csv:row 2",
        "residences.csv:row 2",
        "residences.csv:row 3",
        "drug_tests.csv:row 2",
        "drug_tests.csv:row 3",
        "drug_tests.csv:row 5",
        "custody_periods.csv:row 2",
    }
    assert got["drug_tests.csv:row 3"].reason == "result: value is not one of: negative, positive"
    assert got["subjects.csv:row 2"].reason == (
        "a record of this subject was quarantined (drug_tests.csv:row 3)"
    )
    assert got["residences.csv:row 2"].reason == "dropped with its subject (subjects.csv:row 2)"
    assert got["custody_periods.csv:row 2"].unit_codes == ("16000", "16100")
    orphan = got["drug_tests.csv:row 5"]
    assert (orphan.reason, orphan.record_id, orphan.unit_codes) == (
        "subject_id does not match any subject",
        "S9",
        (),
    )
    assert dataset.subjects["id"].to_list() == ["S2", "S3"]


def test_quarantine_of_duplicate_units_and_subjects(tmp_path: Path) -> None:
    root = folder(
        tmp_path,
        units=UNITS + "16000,Xã trùng,commune,38,,,\n",
        subjects="id\nS1\nS2\nS2\nS3\n",
        residences=RESIDENCES,
        drug_tests=TESTS,
        unit_facts="unit_code,kind,period_start,period_end,value\n"
        "16000,drug_use_locations,2024-01-01,2024-12-31,2\n",
    )
    dataset = read_tables(root, quarantine=True)
    assert_nothing_lost(root, dataset)
    # 16000 stays in the map as a placeholder (the first of its rows), so that it still
    # counts, and what refers to it stays too: it is marked by its quarantined rows.
    assert dataset.units["code"].to_list() == ["38", "16100", "16000"]
    assert dataset.units.row(2, named=True)["name"] == "Xã Quảng Xương"
    assert dataset.subjects["id"].to_list() == ["S1", "S3"]  # S2 is ambiguous
    assert dataset.unit_facts.height == 1
    reasons = {q.location: q.reason for q in dataset.quarantined}
    assert reasons["units.csv:row 3"].startswith("duplicate unit code")
    assert reasons["residences.csv:row 4"] == "dropped with its subject (subjects.csv:row 3)"


def test_parquet_folder_reads_like_csv(tmp_path: Path) -> None:
    dataset = read_json(SMALL)
    write_tables(dataset, tmp_path / "csv", format="csv")
    write_tables(dataset, tmp_path / "pq", format="parquet")
    from_csv, from_parquet = load(tmp_path / "csv"), load(tmp_path / "pq")
    for name, frame in dataset.frames().items():
        assert from_csv.frame(name).equals(from_parquet.frame(name)), name
        assert from_csv.frame(name).schema == frame.schema


def test_a_table_is_read_in_one_piece(tmp_path: Path) -> None:
    # Typing copies a table into one piece; were the reader's chunks kept beside that
    # copy until every table is typed, the data would be held twice while loading (ten
    # times the national data peaked at 4.1 GiB instead of 2.8).
    tests = pl.DataFrame(
        {
            "subject_id": [f"S{i % 7}" for i in range(200)],
            "date": [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(200)],
            "result": ["negative", "positive"] * 100,
            "method": "screening",
            "schedule": "periodic",
        }
    )
    path = tmp_path / "drug_tests.parquet"
    tests.write_parquet(path, row_group_size=16)
    assert pl.read_parquet(path).n_chunks() > 1  # what the reader gives
    frame, problems = read_table_file(TABLES_BY_NAME["drug_tests"], path)
    assert problems == [] and frame is not None
    assert frame.n_chunks() == 1 and frame.equals(tests)


def test_parquet_types_are_converted_when_they_can_be(tmp_path: Path) -> None:
    root = tmp_path / "pq"
    root.mkdir()
    pl.DataFrame(
        {
            "code": ["38", "16000", "16100"],
            "name": ["Tỉnh", "Xã A", "Xã B"],
            "kind": pl.Series(["province", "commune", "phường"], dtype=pl.Categorical),
            "resident_population": pl.Series([None, 9000.0, 2.5], dtype=pl.Float64),
            "valid_from": ["2025-07-01", None, "bad"],
        }
    ).write_parquet(root / "units.parquet")
    pl.DataFrame(
        {
            "subject_id": ["S1", "S1"],
            "form": ["voluntary_facility"] * 2,
            "start": [dt.date(2024, 1, 1)] * 2,
            "end": [dt.date(2024, 2, 1)] * 2,
            "completed": pl.Series([1, 7], dtype=pl.Int8),
        }
    ).write_parquet(root / "rehab_episodes.parquet")
    pl.DataFrame({"id": ["S1"]}).write_parquet(root / "subjects.parquet")
    found = problems_of(root)
    assert found == [
        (
            "units.parquet:row 3",
            "kind: 'phường' is not one of: province, district, commune, ward, town, special_zone",
            "16100",
        ),
        ("units.parquet:row 3", "resident_population: '2.5' is not an integer", "16100"),
        ("units.parquet:row 3", "valid_from: 'bad' is not a date written YYYY-MM-DD", "16100"),
        (
            "rehab_episodes.parquet:row 2",
            "completed: value is not a boolean (true, false, 1 or 0)",
            "S1",
        ),
    ]


def test_parquet_column_of_the_wrong_kind_is_a_file_problem(tmp_path: Path) -> None:
    root = tmp_path / "pq"
    root.mkdir()
    pl.DataFrame(
        {
            "code": [38],
            "name": ["Tỉnh"],
            "kind": ["province"],
            "valid_from": [dt.datetime(2025, 7, 1)],
        }
    ).write_parquet(root / "units.parquet")
    reasons = [reason for _, reason, _ in problems_of(root, quarantine=True)]
    assert reasons == [
        "column 'code' holds whole numbers; expected text (codes and ids are text: a number "
        "loses their leading zeros)",
        "column 'valid_from' holds dates with times; expected dates",
    ]


def test_schema_columns_all_have_readers() -> None:
    # Every column type of the schema can be read from text.
    kinds = {type(c.dtype) for t in TABLES_BY_NAME.values() for c in t.columns}
    assert kinds == {pl.String, pl.Enum, pl.Date, pl.Int64, pl.Float64, pl.Boolean}


def test_problem_strings_read_well(tmp_path: Path) -> None:
    units = UNITS.replace("9000", "abc")
    with pytest.raises(DatasetError) as info:
        read_tables(folder(tmp_path, units=units))
    (problem,) = info.value.problems
    assert isinstance(problem, Problem)
    assert str(problem) == "units.csv:row 3 [16000]: resident_population: 'abc' is not an integer"


def test_reading_tables_imports_neither_json_library(tmp_path: Path) -> None:
    # cattrs and msgspec serve the JSON document and the dataset writers: a process that
    # reads Parquet and explains a unit in words never needs them (about 11 ms to import).
    import subprocess
    import sys

    import drugfree_core.io as io
    from drugfree_core.samples import demo_path

    tables = tmp_path / "demo"
    io.save(load(demo_path()), tables, format="parquet")
    script = (
        "import sys\n"
        "from drugfree_core.cli.main import main\n"
        "sys.argv = ['drugfree', 'explain', sys.argv[1], '--unit', '00003',\n"
        "            '--scheme', 'mps-recognition-2024', '--date', '2025-10-01']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as end:\n"
        "    assert not end.code, end.code\n"
        "print([m for m in ('cattrs', 'msgspec') if m in sys.modules])\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script, str(tables)], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert "TH.C1" in ran.stdout
    assert ran.stdout.strip().splitlines()[-1] == "[]"


def test_the_json_door_and_writers_are_still_the_packages_names() -> None:
    import drugfree_core.io as io
    from drugfree_core.io.json_door import read_json_text
    from drugfree_core.io.writers import dataset_to_document, write_json

    assert io.read_json_text is read_json_text
    assert io.write_json is write_json and io.dataset_to_document is dataset_to_document
    assert {"read_json", "read_json_text", "write_json", "write_tables"} <= set(dir(io))
    assert set(io.__all__) <= set(dir(io))
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        io.nothing_here  # noqa: B018


def test_a_line_cut_short_is_refused_where_it_is(tmp_path: Path) -> None:
    # polars reads the missing cells at the end of a short line as empty: a completed
    # episode would silently become one that is not.
    episodes = (
        "subject_id,form,start,end,completed,minor,rank\n"
        "S1,voluntary_home_community,2019-10-27,2020-04-29,true,false,\n"
        "S2,compulsory_facility,2016-12-01,2018-04-27\n"
    )
    root = folder(tmp_path, subjects=SUBJECTS, residences=RESIDENCES, rehab_episodes=episodes)
    reason = "the row has 4 fields, the header 7: a line cut short loses its last cells"
    assert problems_of(root) == [("rehab_episodes.csv:row 3", reason, None)]
    with pytest.raises(DatasetError):  # a file-level problem, as a row too long is
        read_tables(root, quarantine=True)
    # Only the unit's own records read: the whole read is taken, and says the same.
    with pytest.raises(DatasetError, match="row 3"):
        evaluate_unit_from(
            root, dt.date(2025, 10, 1), "16100", scheme=get_scheme("mps-recognition-2024")
        )


@pytest.mark.parametrize(
    "units",
    [
        # Empty cells at the end of full lines are empty cells, not a short line.
        UNITS,
        # A comma inside a quoted name is no separator.
        UNITS.replace("Tỉnh Thanh Hóa", '"Tỉnh Thanh Hóa, cũ"'),
    ],
)
def test_full_lines_with_empty_last_cells_are_read(tmp_path: Path, units: str) -> None:
    root = folder(tmp_path, units=units + "\n", subjects=SUBJECTS, residences=RESIDENCES)
    assert validate(root) == () and load(root).units.height == 3


def test_a_quoted_line_break_is_no_short_line(tmp_path: Path) -> None:
    # Lines and rows then differ: the parser's reading stands, and the break is refused.
    units = UNITS.replace("Tỉnh Thanh Hóa", '"Tỉnh Thanh\nHóa"')
    root = folder(tmp_path, units=units, subjects=SUBJECTS, residences=RESIDENCES)
    assert [reason for _, reason, _ in problems_of(root)] == [
        "name contains a control character, such as a line break, tab, NUL or escape"
    ]


def test_a_line_too_long_is_refused_before_it_is_read(tmp_path: Path) -> None:
    # A cell of a few megabytes (a file that is not what it says, or a hostile one) took
    # several times its size in memory to parse and check; it is refused unread.
    residences = RESIDENCES + "S1," + "\0" * (3 * LONG_LINE) + ",2024-01-01,\n"
    root = folder(tmp_path, subjects=SUBJECTS, residences=residences)
    row = RESIDENCES.count("\n") + 1
    reason = (
        "a line of at least 512 KiB: no record of the dataset's tables comes near "
        "(is it the right file?)"
    )
    assert problems_of(root) == [(f"residences.csv:line {row}", reason, None)]
    said = reason_message(reason)
    assert "512 KiB" in said.render("vi") and said.render("vi") != said.render("en")


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.integers(0, 40), max_size=30),
    last_break=st.booleans(),
    piece=st.integers(1, 50),
)
def test_the_long_line_search_finds_the_first_line_too_long(
    tmp_path_factory: pytest.TempPathFactory, lines: list[int], last_break: bool, piece: int
) -> None:
    # Small sizes, so that the looks fall anywhere in lines and the row is counted in
    # pieces: found when 16 bytes or more, maybe from 8, never shorter, and never after
    # a line of 16.
    text = b"\n".join(b"x" * n for n in lines) + (b"\n" if last_break and lines else b"")
    path = tmp_path_factory.mktemp("long") / "t.csv"
    path.write_bytes(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(table_door, "LONG_LINE", 16)
        patch.setattr(table_door, "_COUNT_PIECE", piece)
        found = table_door.first_long_line(path)
    first_sure = next((i + 1 for i, n in enumerate(lines) if n >= 16), None)
    if found is None:
        assert first_sure is None
    else:
        assert lines[found - 1] >= 8
        assert first_sure is None or found <= first_sure
