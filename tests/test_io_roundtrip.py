"""Round trips between the formats, the public API, both doors agreeing, and privacy."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drugfree_core.dataset.checks import id_expr_ok
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.document import converter
from drugfree_core.errors import DatasetError, UsageError
from drugfree_core.io import (
    dataset_to_document,
    load,
    read_json,
    read_json_text,
    read_tables,
    records_to_dataset,
    save,
    validate,
    write_json,
    write_tables,
)
from drugfree_core.io.writers import canonical_order
from drugfree_core.model import (
    AdminUnit,
    CustodyPeriod,
    DrugTest,
    FactKind,
    LineageLink,
    RehabEpisode,
    RehabForm,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    TestMethod,
    TestResult,
    TestSchedule,
    UnitFact,
    UnitKind,
)
from drugfree_core.model._checks import is_identifier
from drugfree_core.model.enums import WHOLE_FACT_KINDS, YES_NO_FACT_KINDS

SMALL = Path(__file__).parent / "data" / "io" / "small.json"
# Names with quotes, separators and spaces; not line breaks, which a name may not hold.
NAMES = ["Xã Quảng Đức", 'Phường "Ba Đình", Hà Nội', "Đặc khu; Côn Đảo", " Xã có dấu cách ", "x"]
VALUES = [0.0, 0.1, 1 / 3, 1e-7, 12.5, 1e20, 3000.0]


def _values_of(kind: FactKind) -> list[float]:
    """The values a fact of *kind* may hold: an area any, a count whole, a route 1 or 0."""
    if kind in YES_NO_FACT_KINDS:
        return [0.0, 1.0]
    if kind in WHOLE_FACT_KINDS:
        return [v for v in VALUES if v == int(v)]
    return VALUES


def day(rng: random.Random, lo: int = 0, hi: int = 2500) -> dt.date:
    return dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(lo, hi))


def maybe(rng: random.Random, value: Any) -> Any:
    return value if rng.random() < 0.6 else None


def random_dataset(seed: int, n_subjects: int = 25) -> Dataset:
    """A valid dataset with awkward values (names with quotes and separators, odd floats)."""
    rng = random.Random(seed)
    units = [AdminUnit(code="01", name="Thành phố Hà Nội", kind=UnitKind.PROVINCE)]
    for i in range(8):
        units.append(
            AdminUnit(
                code=f"0{i + 1}00{i}",
                name=rng.choice(NAMES),
                kind=rng.choice([UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE]),
                parent_code="01",
                resident_population=maybe(rng, rng.randint(0, 90_000)),
                valid_from=dt.date(2025, 7, 1) if i >= 6 else None,
                valid_to=dt.date(2025, 6, 30) if i < 2 else None,
            )
        )
    codes = [u.code for u in units[1:]]
    lineage = [
        LineageLink(
            predecessor_code=codes[0], successor_code=codes[6], effective=dt.date(2025, 7, 1)
        ),
        LineageLink(
            predecessor_code=codes[1], successor_code=codes[6], effective=dt.date(2025, 7, 1)
        ),
    ]
    subjects = []
    for i in range(n_subjects):
        start = day(rng, 0, 300)
        residences = []
        for _ in range(rng.randint(0, 3)):
            end = maybe(rng, start + dt.timedelta(days=rng.randint(0, 400)))
            residences.append(Residence(unit_code=rng.choice(codes), start=start, end=end))
            if end is None:
                break
            start = end + dt.timedelta(days=rng.randint(1, 30))
        statuses = []
        for _ in range(rng.randint(0, 2)):
            s = day(rng)
            e = maybe(rng, s + dt.timedelta(days=rng.randint(0, 500)))
            statuses.append(
                StatusPeriod(
                    kind=rng.choice(list(SubjectKind)),
                    start=s,
                    end=e,
                    has_management_record=maybe(rng, rng.random() < 0.5),
                    management_start=maybe(rng, s),
                    support_provided=maybe(rng, rng.random() < 0.5),
                )
            )
        tests = [
            DrugTest(
                date=day(rng),
                result=rng.choice(list(TestResult)),
                method=rng.choice(list(TestMethod)),
                schedule=rng.choice(list(TestSchedule)),
            )
            for _ in range(rng.randint(0, 4))
        ]
        episodes = []
        for _ in range(rng.randint(0, 2)):
            s = day(rng)
            done = rng.random() < 0.5
            episodes.append(
                RehabEpisode(
                    form=rng.choice(list(RehabForm)),
                    start=s,
                    end=s + dt.timedelta(days=200) if done or rng.random() < 0.5 else None,
                    completed=done,
                    minor=rng.random() < 0.2,
                )
            )
        custody = [
            CustodyPeriod(start=(s := day(rng)), end=maybe(rng, s + dt.timedelta(days=30)))
            for _ in range(rng.randint(0, 1))
        ]
        subjects.append(
            Subject(
                id=f"HN-{seed}-{i:04d}",
                residences=tuple(residences),
                statuses=tuple(statuses),
                tests=tuple(tests),
                rehab_episodes=tuple(episodes),
                custody=tuple(custody),
            )
        )
    rng.shuffle(subjects)  # writers sort; readers keep order
    kinds = [rng.choice(list(FactKind)) for _ in range(10)]
    facts = [
        UnitFact(
            unit_code=rng.choice(codes),
            kind=kind,
            period_start=(s := day(rng)),
            period_end=s + dt.timedelta(days=rng.randint(0, 365)),
            value=rng.choice(_values_of(kind)),
        )
        for kind in kinds
    ]
    return Dataset.from_records(units=units, subjects=subjects, lineage=lineage, unit_facts=facts)


def assert_same(a: Dataset, b: Dataset) -> None:
    for name, frame in a.frames().items():
        assert frame.schema == b.frame(name).schema, name
        assert frame.equals(b.frame(name)), name


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_json_tables_json_round_trip_is_exact(tmp_path: Path, seed: int) -> None:
    original = random_dataset(seed)
    write_json(original, tmp_path / "a.json")
    from_json = read_json(tmp_path / "a.json")
    write_tables(from_json, tmp_path / "csv")
    write_tables(from_json, tmp_path / "pq", format="parquet")
    from_csv, from_parquet = read_tables(tmp_path / "csv"), read_tables(tmp_path / "pq")
    assert_same(from_json, from_csv)
    assert_same(from_json, from_parquet)
    write_json(from_parquet, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    # The records survive too, in canonical order (subjects by id, their rows by date).
    assert from_csv.to_records() == canonical_order(original).to_records()


def test_written_json_keeps_vietnamese_and_leaves_defaults_out(tmp_path: Path) -> None:
    dataset = read_json(SMALL)
    path = tmp_path / "out.json"
    save(dataset, path)
    text = path.read_text(encoding="utf-8")
    assert "Phường Hạc Thành" in text
    assert '"method": "screening"' not in text
    assert '"method": "confirmatory"' in text
    assert json.loads(text)["format"] == "drugfree-dataset/1"
    assert_same(load(path), dataset)


def test_document_object_matches_the_file(tmp_path: Path) -> None:
    dataset = read_json(SMALL)
    doc = dataset_to_document(dataset)
    assert [s.id for s in doc.subjects] == ["S-0001", "S-0002", "S-0003"]
    assert [t.date for t in doc.subjects[0].tests] == [dt.date(2023, 1, 20), dt.date(2025, 2, 11)]
    save(dataset, tmp_path / "doc.json", format="json")
    assert json.loads((tmp_path / "doc.json").read_text(encoding="utf-8")) == converter.unstructure(
        doc
    )


def test_save_and_load_folders(tmp_path: Path) -> None:
    dataset = read_json(SMALL)
    save(dataset, tmp_path / "csv")
    save(dataset, tmp_path / "pq", format="parquet")
    assert sorted(p.name for p in (tmp_path / "csv").iterdir())[:2] == [
        "custody_periods.csv",
        "drug_tests.csv",
    ]
    assert_same(load(tmp_path / "csv"), dataset)
    assert_same(load(tmp_path / "pq"), dataset)
    assert validate(tmp_path / "pq") == ()
    with pytest.raises(UsageError, match="already holds"):
        save(dataset, tmp_path / "csv", format="parquet")
    with pytest.raises(UsageError, match="unknown format"):
        save(dataset, tmp_path / "x", format="xlsx")  # type: ignore[arg-type]


def test_load_refuses_other_paths(tmp_path: Path) -> None:
    (tmp_path / "data.xml").write_text("<x/>", encoding="utf-8")
    for path, reason in (
        (tmp_path / "missing.json", "no such file or folder"),
        (tmp_path / "data.xml", "not a dataset: expected a .json file or a folder of table files"),
    ):
        with pytest.raises(DatasetError) as info:
            load(path, quarantine=True)
        assert [(p.location, p.reason) for p in info.value.problems] == [(str(path), reason)]
        assert validate(path) == info.value.problems


def test_csv_and_parquet_of_the_same_rows_give_the_same_dataset(tmp_path: Path) -> None:
    dataset = random_dataset(7, n_subjects=60)
    write_tables(dataset, tmp_path / "csv")
    for name in ("units", "drug_tests", "unit_facts"):
        # A Parquet file written by another tool, with every column as text.
        frame = pl.read_csv(tmp_path / "csv" / f"{name}.csv", infer_schema=False)
        (tmp_path / "mixed").mkdir(exist_ok=True)
        frame.write_parquet(tmp_path / "mixed" / f"{name}.parquet")
    for path in (tmp_path / "csv").iterdir():
        if not (tmp_path / "mixed" / f"{path.stem}.parquet").exists():
            (tmp_path / "mixed" / path.name).write_bytes(path.read_bytes())
    assert_same(read_tables(tmp_path / "csv"), read_tables(tmp_path / "mixed"))


# --- records door ------------------------------------------------------------------------


def test_records_door_reports_positions() -> None:
    units = [
        AdminUnit(code="P", name="Tỉnh", kind=UnitKind.PROVINCE),
        AdminUnit(code="C1", name="Xã", kind=UnitKind.COMMUNE, parent_code="P"),
        AdminUnit(code="C1", name="Xã trùng", kind=UnitKind.COMMUNE, parent_code="Q"),
    ]
    subjects = [
        Subject(id="S1", residences=(Residence(unit_code="C9", start=dt.date(2024, 1, 1)),)),
        Subject(
            id="S2",
            residences=(
                Residence(unit_code="P", start=dt.date(2024, 1, 1)),
                Residence(unit_code="C1", start=dt.date(2024, 6, 1)),
            ),
        ),
    ]
    with pytest.raises(DatasetError) as info:
        records_to_dataset(units=units, subjects=subjects, lineage=["not a link"])  # type: ignore[list-item]
    assert [(p.location, p.record_id) for p in info.value.problems] == [
        ("units[1]", "C1"),
        ("units[2]", "C1"),
        ("units[2]", "C1"),
        ("lineage[0]", None),
        ("subjects[0].residences[0]", "S1"),
        ("subjects[1].residences[0]", "S2"),
        ("subjects[1].residences[1]", "S2"),
    ]
    assert info.value.problems[3].reason == "expected LineageLink, got str"
    assert info.value.problems[5].reason.startswith("unit_code P is a province; a residence")
    assert str(info.value).startswith("7 problems in records; first: units[1] [C1]: duplicate")


def test_from_records_builds_the_same_frames_as_the_json_door() -> None:
    doc = dataset_to_document(read_json(SMALL))
    dataset = Dataset.from_records(
        units=doc.units, subjects=doc.subjects, lineage=doc.lineage, unit_facts=doc.unit_facts
    )
    assert_same(dataset, read_json(SMALL))


# --- both doors agree --------------------------------------------------------------------

CHILD_FIELDS = {
    "residences": "residences",
    "status_periods": "statuses",
    "drug_tests": "tests",
    "rehab_episodes": "rehab_episodes",
    "custody_periods": "custody",
}


def raw_tables(data: dict[str, Any], folder: Path) -> None:
    """Write a (possibly invalid) document's rows as CSV without checking anything."""
    from drugfree_core.dataset.schema import TABLES

    rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
    for table in ("units", "lineage", "unit_facts"):
        rows[table] = list(data.get(table, []))
    for subject in data["subjects"]:
        rows["subjects"].append({"id": subject["id"]})
        for table, field in CHILD_FIELDS.items():
            rows[table] += [{"subject_id": subject["id"], **r} for r in subject.get(field, [])]
    folder.mkdir()
    for t in TABLES:
        frame = pl.DataFrame(
            [{c: r.get(c) for c in t.column_names} for r in rows[t.name]],
            schema=dict.fromkeys(t.column_names, pl.String()),
            orient="row",
        )
        frame.write_csv(folder / f"{t.name}.csv")


def text_values(data: Any) -> Any:
    """The document with every scalar as CSV text (booleans as true/false)."""
    if isinstance(data, dict):
        return {k: text_values(v) for k, v in data.items()}
    if isinstance(data, list):
        return [text_values(v) for v in data]
    if isinstance(data, bool):
        return "true" if data else "false"
    return None if data is None else str(data)


def test_both_doors_quarantine_the_same_records(tmp_path: Path) -> None:
    data = json.loads(SMALL.read_text(encoding="utf-8"))
    data["units"][4]["valid_from"], data["units"][4]["valid_to"] = "2025-01-01", "2024-01-01"
    data["subjects"][0]["statuses"][0]["management_start"] = "2024-12-01"
    data["subjects"][1]["residences"].append({"unit_code": "16100", "start": "2024-01-01"})
    data["subjects"][2]["id"] = "123456789"
    data["lineage"][1]["effective"] = "2025-06-01"
    data["unit_facts"].append(
        {
            "unit_code": "16100",
            "kind": "drug_use_locations",
            "period_start": "2025-01-01",
            "period_end": "2025-01-31",
            "value": 3,
        }
    )
    raw_tables(text_values(data), tmp_path / "csv")
    from_json = read_json_text(json.dumps(data), quarantine=True)
    from_csv = read_tables(tmp_path / "csv", quarantine=True)
    assert_same(from_json, from_csv)

    def summary(dataset: Dataset) -> list[tuple[str, str, tuple[str, ...]]]:
        return sorted((q.table, q.record_id or "", q.unit_codes) for q in dataset.quarantined)

    assert summary(from_json) == summary(from_csv)
    json_problems = {(p.table, p.record_id) for p in validate_text(data, tmp_path)}
    csv_problems = {(p.table, p.record_id) for p in validate(tmp_path / "csv")}
    assert json_problems == csv_problems


def validate_text(data: dict[str, Any], tmp_path: Path) -> Any:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return validate(path)


# --- privacy -----------------------------------------------------------------------------

SUBJECT_TABLES = {"subjects", *CHILD_FIELDS}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4}")


def test_messages_about_subjects_hold_no_values_but_ids(tmp_path: Path) -> None:
    data = json.loads(SMALL.read_text(encoding="utf-8"))
    s0, s1 = data["subjects"][0], data["subjects"][1]
    s0["residences"][0]["end"] = "2018-01-01"
    s0["statuses"][0]["management_start"] = "2024-12-01"
    s0["tests"][0]["date"] = "20/01/2023"
    s0["tests"][1]["result"] = "DƯƠNG-TÍNH-SECRET"
    s1["statuses"][0]["has_management_record"] = "có"
    s1["custody"][0]["end"] = "2025-02-01"
    data["subjects"][2]["id"] = "079912345678"
    raw_tables(text_values(data), tmp_path / "csv")
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for source in (path, tmp_path / "csv"):
        problems = validate(source)
        assert {p.record_id for p in problems} == {"S-0001", "S-0002", None}
        with pytest.raises(DatasetError) as info:
            load(source)
        quarantined = load(source, quarantine=True).quarantined
        texts = [str(p) for p in problems if p.table in SUBJECT_TABLES]
        texts += [f"{q.location} {q.reason} {q.record_id}" for q in quarantined]
        texts.append(str(info.value))
        assert len(texts) > 8
        for line in texts:
            assert not DATE.search(line), line
            for secret in ("SECRET", "có", "079912345678"):
                assert secret not in line, line


# --- the columnar id check is the model's check -----------------------------------------


@given(st.lists(st.text(max_size=70) | st.from_regex(r"\A[A-Za-z0-9._:-]{1,66}\n?\Z"), max_size=40))
def test_columnar_id_check_matches_is_identifier(values: list[str]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String()})
    got = frame.select(id_expr_ok("v"))["v"].to_list()
    assert got == [is_identifier(v) for v in values]


@pytest.mark.parametrize(
    "value",
    [
        "S1",
        "00001",
        "a" * 64,
        "a" * 65,
        "S 1",
        "S1\n",
        "123456789",
        "123456789012",
        "1234567890",
        "-x",
        "x-",
    ],
)
def test_columnar_id_check_on_edge_cases(value: str) -> None:
    frame = pl.DataFrame({"v": [value]})
    assert frame.select(id_expr_ok("v")).item() == is_identifier(value)
