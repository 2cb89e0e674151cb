"""Fuzzing the doors: valid datasets, corrupted by Hypothesis, read through every door.

A valid dataset is drawn (``drugfree_core.testing.strategies.dataset_records``), written
as a folder of CSV files, a folder of Parquet files or a JSON document, then corrupted:
cells of the wrong type, extreme numbers and dates, control characters, huge strings,
duplicated and dangling ids, missing and unknown columns and keys, blank and ragged
rows, cut files and other encodings. Whatever comes out, :func:`hostile.check_door`
checks the promises every door keeps (see ``tests/hostile.py``).

The PostgreSQL door shares the table doors' staging (``stage_frames``); it is fuzzed in
``test_fuzz_postgres.py``, against the session's server.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from conftest import records_to_frames
from hostile import (
    BAD_DATES,
    ID_COLUMNS,
    ON,
    PERSONAL_TABLES,
    REFERENCES,
    Expect,
    check_door,
    frame_corruption,
    hostile_json,
    hostile_texts,
    lone_surrogates,
    secrets,
)
from hypothesis import event, given, note, settings
from hypothesis import strategies as st

from drugfree_core.dataset.schema import TABLES, TABLES_BY_NAME
from drugfree_core.testing.strategies import dataset_records

Rows = list[list[str]]

ENUM_COLUMNS = {(t.name, c.name) for t in TABLES for c in t.columns if c.enum is not None}
DATE_COLUMNS = {
    (t.name, c.name) for t in TABLES for c in t.columns if c.dtype == pl.Date() and not c.nullable
}


def _tables(records: Any) -> dict[str, Rows]:
    """Each table of *records* as CSV rows of text (header first), as the writer spells it."""
    out: dict[str, Rows] = {}
    for name, frame in records_to_frames(records).items():
        out[name] = list(csv.reader(io.StringIO(frame.write_csv())))
    return out


def _csv_text(rows: Rows) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


# --------------------------------------------------------------------------- corruptions


@st.composite
def table_corruption(
    draw: st.DrawFn, tables: dict[str, Rows], headerless: set[str]
) -> tuple[str, dict[str, Any]]:
    """One corruption of the rows of *tables*, applied in place; returns (kind, facts).

    Tables in *headerless* lost their header row to an earlier corruption: left alone.
    """
    filled = sorted(n for n, rows in tables.items() if len(rows) > 1 and n not in headerless)
    if not filled:
        return "none", {}
    name = draw(st.sampled_from(filled))
    rows = tables[name]
    header = rows[0]
    personal = name in PERSONAL_TABLES
    kind = draw(
        st.sampled_from(
            [
                "cell",
                "cell",
                "cell",
                "secret",
                "secret",
                "duplicate",
                "bad_date",
                "bad_enum",
                "duplicate",
                "dangling",
                "delete_row",
                "blank_row",
                "trailing_blank",
                "ragged",
                "header_cell",
                "drop_column",
                "no_header",
                "null_required",
            ]
        )
    )
    row = draw(st.integers(1, len(rows) - 1))
    col = draw(st.integers(0, len(header) - 1))
    facts: dict[str, Any] = {"table": name, "row": row, "column": header[col]}
    must: str | None = None
    if col >= len(rows[row]):
        return "none", facts  # a short (ragged) row: nothing in that column
    secret: str | None = None
    if kind == "cell":
        value = draw(hostile_texts())
        if personal and header[col] in ID_COLUMNS:
            value = draw(st.sampled_from([value, value + " x", "a" * 65]))
        rows[row][col] = value
    elif kind == "secret":
        # A personal value where it is personal: any cell of a person's rows. In an id
        # column it is an identity number, or a name (with a space): the door must refuse
        # both without repeating them (a well-formed pseudonymous id may be repeated).
        people = [n for n in filled if n in PERSONAL_TABLES]
        if not people:
            return kind, facts
        name = draw(st.sampled_from(people))
        rows, header = tables[name], tables[name][0]
        row = draw(st.integers(1, len(rows) - 1))
        col = draw(st.integers(0, len(rows[row]) - 1))
        secret = draw(secrets())
        if header[col] in ID_COLUMNS:
            # A well-formed id or unit code may be named; an identity number or a name
            # in its place may not.
            shapes = ["Nguyễn {}", "{}\t", *(["{}"] if secret.isdigit() else [])]
            value = draw(st.sampled_from(shapes)).format(secret)
            must = "a person's id that is an identity number or a name"
        else:
            value = draw(st.sampled_from(["{}", "{} ", "x{}", "{}\x00", "'{}'", "{0}{0}{0}"]))
            value = value.format(secret)
        rows[row][col] = value
        facts.update(table=name, row=row, column=header[col], secret=secret)
    elif kind == "bad_date":
        dated = [c for c, h in enumerate(header) if (name, h) in DATE_COLUMNS]
        if dated and len(rows[row]) == len(header):
            col = draw(st.sampled_from(dated))
            rows[row][col] = draw(st.sampled_from(BAD_DATES))
            must = "a required date that is no date"
    elif kind == "bad_enum":
        enums = [c for c, h in enumerate(header) if (name, h) in ENUM_COLUMNS]
        if enums and len(rows[row]) == len(header):
            col = draw(st.sampled_from(enums))
            rows[row][col] = draw(st.sampled_from(["maybe", "NEGATIVE ", "commune,", "x\x00"]))
            must = "a word outside an enumeration"
    elif kind == "duplicate":
        rows.insert(row + 1, list(rows[row]))
        if name in ("subjects", "units"):
            must = "a duplicated id"
    elif kind == "dangling":
        refs = [c for c, h in enumerate(header) if (name, h) in REFERENCES]
        if refs and len(rows[row]) == len(header):
            col = draw(st.sampled_from(refs))
            rows[row][col] = draw(st.sampled_from(["GONE-1", "zz:404", "X" * 64]))
            must = "a reference to nothing"
    elif kind == "delete_row":
        del rows[row]
    elif kind == "blank_row":
        rows.insert(row, [""] * len(header))
        must = "a blank line between rows"
    elif kind == "trailing_blank":
        facts["trailing"] = draw(st.integers(1, 3))
    elif kind == "ragged":
        extra = draw(st.sampled_from([-1, 1, 2]))
        rows[row] = rows[row][: len(header) - 1] if extra < 0 else rows[row] + ["x"] * extra
        if extra > 0:
            must = "a row with more fields than the header"
    elif kind == "header_cell":
        value = draw(st.one_of(secrets(), hostile_texts()))
        if personal and value.startswith(("SECRET", "0")) and len(value) > 8:
            facts["secret"] = value
        header[col] = value
    elif kind == "drop_column":
        for r in rows:
            if col < len(r):
                del r[col]
    elif kind == "no_header":
        plain = [c for c, h in enumerate(header) if h not in ID_COLUMNS and c < len(rows[1])]
        if personal and plain:
            # The first row of data is what a missing header would have quoted back.
            secret = draw(secrets())
            rows[1][draw(st.sampled_from(plain))] = secret
            facts["secret"] = secret
        del rows[0]
        facts["no_header"] = True
        must = "a file without its header row" if any(rows[0]) else None
    elif kind == "null_required":
        required = [
            c
            for c, h in enumerate(header)
            if h in TABLES_BY_NAME[name].column_names
            and not TABLES_BY_NAME[name].column(h).nullable
            and TABLES_BY_NAME[name].column(h).default is None
        ]
        if required and len(rows[row]) == len(header):
            col = draw(st.sampled_from(required))
            rows[row][col] = ""
            must = "a required cell left empty"
    facts["must"] = must
    return kind, facts


@st.composite
def byte_corruption(draw: st.DrawFn) -> tuple[str, Any]:
    """A corruption of a file's bytes: a cut, another encoding, stray bytes."""
    kind = draw(st.sampled_from(["truncate", "encoding", "insert", "crlf", "empty"]))
    if kind == "truncate":
        return kind, draw(st.floats(0, 1))
    if kind == "encoding":
        return kind, draw(st.sampled_from(["utf-16", "utf-8-sig", "cp1258", "latin-1"]))
    if kind == "insert":
        return kind, (draw(st.floats(0, 1)), draw(st.sampled_from([b"\xff", b"\x00", b"\xc3("])))
    return kind, None


def _cut_bounds(rows: Rows, cut: int) -> tuple[int, int]:
    """Rows fully before byte *cut*, and all rows: the count a cut file may give."""
    complete, offset = 0, len(_csv_text(rows[:1]).encode())
    for row in rows[1:]:
        offset += len(_csv_text([row]).encode())
        if offset <= cut:
            complete += 1
    return complete, len(rows) - 1


# ------------------------------------------------------------------------------ CSV


@settings(max_examples=220)
@given(
    records=dataset_records(on=ON, max_subjects=4),
    data=st.data(),
)
def test_csv_folder_corrupted(records: Any, data: st.DataObject) -> None:
    tables = _tables(records)
    secret_values: set[str] = set()
    # What must be found, per table: a later corruption of the table may undo it.
    musts: dict[str, str] = {}
    no_count: set[str] = set()
    trailing: dict[str, int] = {}
    for _ in range(data.draw(st.integers(1, 3), label="corruptions")):
        kind, facts = data.draw(table_corruption(tables, no_count), label="corruption")
        note(f"{kind}: {facts.get('table')} row {facts.get('row')} {facts.get('column')}")
        event(f"csv corruption: {kind}")
        secret_values |= {s for s in (facts.get("secret"),) if s}
        secret_values |= set(facts.get("secrets", ()))
        if "table" in facts:
            musts.pop(facts["table"], None)
        if facts.get("must"):
            musts[facts["table"]] = facts["must"]
        if facts.get("no_header"):
            no_count.add(facts["table"])
        if "trailing" in facts:
            trailing[facts["table"]] = facts["trailing"]
    damaged = None
    if data.draw(st.integers(0, 3), label="damage a file") == 0:
        damaged = data.draw(st.sampled_from(sorted(tables)), label="bytes of")
    damage = data.draw(byte_corruption(), label="damage") if damaged else None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        rows_of: dict[str, int | tuple[int, int]] = {}
        for name, rows in tables.items():
            text = _csv_text(rows) + "\n" * trailing.get(name, 0)
            raw = text.encode("utf-8")
            count: int | tuple[int, int] = len(rows) - 1
            if name == damaged and damage is not None:
                raw, count = _damage(raw, rows, damage)
                note(f"damaged {name}: {damage}")
            (folder / f"{name}.csv").write_bytes(raw)
            if name not in no_count:
                rows_of[name] = count
        secret_values = {s for s in secret_values if len(s) >= 6}
        expect = Expect(
            rows=rows_of,
            secrets=frozenset(secret_values),
            places=(*(f"{t.name}.csv" for t in TABLES), str(folder)),
            must_fail=next(iter(musts.values()), None) if damage is None else None,
        )
        note(str(check_door(folder, expect)))


def _damage(raw: bytes, rows: Rows, damage: tuple[str, Any]) -> tuple[bytes, Any]:
    kind, arg = damage
    total = len(rows) - 1
    if kind == "truncate":
        cut = int(len(raw) * arg)
        return raw[:cut], _cut_bounds(rows, cut) if cut else (0, 0)
    if kind == "encoding":
        text = raw.decode("utf-8")
        if arg in ("cp1258", "latin-1"):
            # What a spreadsheet saved in a Windows code page gives: not UTF-8 once
            # anything is not ASCII (then the file must be refused), the same rows if not.
            return text.encode(arg, errors="replace"), (0, total)
        return text.encode(arg), total if arg == "utf-8-sig" else (0, 0)
    if kind == "insert":
        where, stray = arg
        at = int(len(raw) * where)
        # A stray byte may split a row in two or merge it into a cell: no exact count.
        return raw[:at] + stray + raw[at:], (0, total + 1)
    if kind == "crlf":
        return raw.replace(b"\n", b"\r\n"), total
    return b"", (0, 0)


# ---------------------------------------------------------------------------- Parquet


@settings(max_examples=120)
@given(records=dataset_records(on=ON, max_subjects=4), data=st.data())
def test_parquet_folder_corrupted(records: Any, data: st.DataObject) -> None:
    frames = {n: f for n, f in records_to_frames(records).items() if f.height or n == "units"}
    secret_values: set[str] = set()
    musts: dict[str, str] = {}
    for _ in range(data.draw(st.integers(1, 3), label="corruptions")):
        facts = data.draw(frame_corruption(frames), label="corruption")
        note(str(facts))
        event(f"parquet corruption: {facts['kind']}")
        if facts.get("secret"):
            secret_values.add(facts["secret"])
        musts.pop(facts.get("table", ""), None)
        if facts.get("must"):
            musts[facts["table"]] = facts["must"]
    cut = None
    if data.draw(st.integers(0, 4), label="cut a file") == 0:
        cut = data.draw(st.sampled_from(sorted(frames)), label="cut file")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        for name, frame in frames.items():
            path = folder / f"{name}.parquet"
            frame.write_parquet(path)
            if name == cut:
                raw = path.read_bytes()
                path.write_bytes(raw[: data.draw(st.integers(0, len(raw) - 1), label="cut")])
        expect = Expect(
            rows={n: f.height for n, f in frames.items() if n != cut},
            secrets=frozenset(secret_values),
            places=(*(f"{t.name}.parquet" for t in TABLES), str(folder)),
            must_fail=next((m for t, m in musts.items() if t != cut), None),
        )
        note(str(check_door(folder, expect)))


# ------------------------------------------------------------------------------- JSON

CHILD_KEYS = {
    "residences": "residences",
    "statuses": "status_periods",
    "tests": "drug_tests",
    "rehab_episodes": "rehab_episodes",
    "custody": "custody_periods",
}
TOP_KEYS = ("units", "lineage", "subjects", "unit_facts")


def _document(records: Any) -> dict[str, Any]:
    from drugfree_core.io.writers import document_text
    from drugfree_core.testing.strategies import dataset_from_records

    document: dict[str, Any] = json.loads(document_text(dataset_from_records(records)))
    return document


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside *node* (keys and list indexes)."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


def _personal(path: tuple[Any, ...]) -> bool:
    return len(path) >= 2 and path[0] == "subjects"


@st.composite
def json_corruption(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """One corruption of the document, in place."""
    paths = [p for p in _paths(document) if p]
    path = draw(st.sampled_from(paths))
    parent, last = _get(document, path[:-1]), path[-1]
    kind = draw(
        st.sampled_from(
            ["value", "value", "value", "secret", "unknown_key", "delete", "duplicate", "dangling"]
        )
    )
    facts: dict[str, Any] = {"kind": kind, "path": path}
    if kind == "value":
        parent[last] = draw(hostile_json())
        if path[:1] == ("format",):
            facts["must"] = "a document of another format"
    elif kind == "secret" and _personal(path) and last not in ("id",):
        secret = draw(secrets())
        parent[last] = draw(st.sampled_from([secret, [secret], {"x": secret}, f"{secret}\ud800"]))
        facts["secret"] = secret
    elif kind == "unknown_key":
        target = _get(document, path) if isinstance(_get(document, path), dict) else None
        if target is None and isinstance(parent, dict):
            target = parent
        if isinstance(target, dict):
            key = draw(st.one_of(secrets(), lone_surrogates(), st.text(max_size=8)))
            if key not in target:
                target[key] = draw(hostile_json())
                facts["must"] = "an unknown key"
                if isinstance(key, str) and key.startswith(("SECRET", "0")) and len(key) > 8:
                    facts["secret"] = key
    elif kind == "delete":
        if isinstance(parent, dict):
            del parent[last]
        else:
            del parent[last]
            facts["deleted"] = path
    elif kind == "duplicate" and isinstance(parent, list):
        parent.insert(last, json.loads(json.dumps(parent[last])))
        if path[:1] in (("units",), ("subjects",)) and len(path) == 2:
            facts["must"] = "a duplicated id"
    elif (
        kind == "dangling"
        and isinstance(parent, dict)
        and last in ("unit_code", "parent_code", "predecessor_code", "successor_code")
    ):
        parent[last] = "GONE-1"
        facts["must"] = "a reference to nothing"
    return facts


def _json_rows(document: Any) -> dict[str, int]:
    """The records of each table the document holds, where they can be counted."""
    rows: dict[str, int] = {}
    if not isinstance(document, dict):
        return rows
    for key in TOP_KEYS:
        value = document.get(key)
        if isinstance(value, list):
            rows[key] = len(value)
    subjects = document.get("subjects")
    if isinstance(subjects, list):
        for key, table in CHILD_KEYS.items():
            rows[table] = 0
            for subject in subjects:
                if isinstance(subject, dict) and isinstance(subject.get(key), list):
                    rows[table] += len(subject[key])
                elif isinstance(subject, dict) and key in subject:
                    rows.pop(table, None)  # a child table that is not a list: no promise
                    break
            else:
                continue
    return rows


@settings(max_examples=220)
@given(records=dataset_records(on=ON, max_subjects=4), data=st.data())
def test_json_document_corrupted(records: Any, data: st.DataObject) -> None:
    document = _document(records)
    secret_values: set[str] = set()
    # What must be found, by the top-level key it is under: a later corruption there (a
    # list shifted, a record edited) may undo it.
    musts: dict[Any, str] = {}
    for _ in range(data.draw(st.integers(1, 3), label="corruptions")):
        facts = data.draw(json_corruption(document), label="corruption")
        note(repr(facts)[:300])
        event(f"json corruption: {facts['kind']}")
        if facts.get("secret"):
            secret_values.add(facts["secret"])
        musts.pop(facts["path"][0], None)
        if facts.get("must"):
            musts[facts["path"][0]] = facts["must"]
    text = json.dumps(document, ensure_ascii=data.draw(st.booleans(), label="ascii"))
    damage = data.draw(
        st.sampled_from([None, None, None, "truncate", "utf-16", "bom", "nested", "nan"]),
        label="damage",
    )
    rows: dict[str, int | tuple[int, int]] = dict(_json_rows(document))
    raw: bytes
    if damage == "truncate":
        text = text[: data.draw(st.integers(0, max(len(text) - 1, 0)), label="cut")]
        rows = {}
    elif damage == "nested":
        depth = data.draw(st.sampled_from([50, 5_000, 200_000]), label="depth")
        text = text[:-1] + ', "units": ' + "[" * depth + "]" * depth + "}"
        rows = {}
    elif damage == "nan":
        text = text.replace("0.0", "NaN", 1).replace('"2025-', '"\\u0000', 1)
    try:
        raw = text.encode("utf-16" if damage == "utf-16" else "utf-8")
    except UnicodeEncodeError:  # a lone surrogate written as itself: only an escape can hold it
        raw = json.dumps(document, ensure_ascii=True).encode()
    if damage == "bom":
        raw = b"\xef\xbb\xbf" + raw
    if damage == "utf-16":
        musts["bytes"] = "a UTF-16 file"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.json"
        path.write_bytes(raw)
        expect = Expect(
            rows=rows,
            secrets=frozenset(secret_values),
            places=("$", "data.json", str(path)),
            must_fail=next(iter(musts.values()), None),
        )
        note(str(check_door(path, expect)))
