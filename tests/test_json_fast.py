"""The JSON door's fast way gives what the general way gives, or steps aside.

``io/json_fast.py`` reads clean documents without building the model's records; for any
document it either returns the same staged input as the general way (same frames, same
row locations, so the same dataset and the same problems across records) or returns
``None`` and the door takes the general way. Both directions are checked here on clean
documents, on documents with one thing wrong of every kind the converter refuses, and
on duplicate keys hidden where a quick count could miss them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import drugfree_core as dfc
from drugfree_core.dataset.checks import Staged
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.document import object_pairs
from drugfree_core.errors import DatasetError
from drugfree_core.io import read_json_text, write_json
from drugfree_core.io.json_door import _stage_text, stage_json_file
from drugfree_core.io.json_fast import _locator, _subject_index, count_keys, stage_fast
from drugfree_core.io.known_units import with_known_units
from drugfree_core.samples import demo_path
from drugfree_core.synth import SynthConfig, generate


@pytest.fixture(scope="module")
def synth_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    config = attrs.evolve(SynthConfig.scaled(units=40, subjects=600, seed=3), split_share=0.1)
    path = tmp_path_factory.mktemp("fast") / "data.json"
    write_json(generate(config), path)
    return path.read_text(encoding="utf-8")


def _same_staged(fast: Staged, slow: Staged) -> None:
    assert fast.supplied == slow.supplied and fast.fatal == slow.fatal == ()
    assert set(fast.good) == set(slow.good)
    for name, frame in slow.good.items():
        assert fast.good[name].schema == frame.schema, name
        assert fast.good[name].equals(frame), name
        for loc in {0, frame.height // 2, frame.height - 1} if frame.height else ():
            assert fast.locate(name, loc) == slow.locate(name, loc)
    assert all(f.height == 0 for f in fast.rejected.values())
    assert {k: v.height for k, v in slow.rejected.items() if v.height} == {}
    assert not fast.problems and not slow.problems


def _same_dataset(a: Dataset, b: Dataset) -> None:
    for name, frame in a.frames().items():
        assert frame.equals(b.frame(name)), name
    assert a.supplied == b.supplied and a.quarantined == b.quarantined
    assert a.map_source == b.map_source


def _outcome(load: Any, text: str, quarantine: bool) -> Any:
    try:
        return load(text, quarantine)
    except DatasetError as exc:
        return exc.problems
    except Exception as exc:  # what the general way does (a huge integer), the door does
        return (type(exc), str(exc))


def _general(text: str, quarantine: bool) -> Dataset:
    staged = with_known_units(_stage_text(text, "<string>"))
    return Dataset.from_staged(staged, quarantine=quarantine)


def _door(text: str, quarantine: bool) -> Dataset:
    return read_json_text(text, quarantine=quarantine)


def _agree(text: str) -> bool:
    """The door (fast way first) and the general way agree; True if the fast way ran."""
    for quarantine in (False, True):
        door, general = _outcome(_door, text, quarantine), _outcome(_general, text, quarantine)
        if isinstance(general, Dataset):
            assert isinstance(door, Dataset)
            _same_dataset(door, general)
        else:
            assert door == general
    return stage_fast(text.encode(), "<string>") is not None


def test_a_clean_document_takes_the_fast_way_with_the_same_staged_input(synth_text: str) -> None:
    fast = stage_fast(synth_text.encode(), "<string>")
    assert fast is not None
    _same_staged(fast, _stage_text(synth_text, "<string>"))
    assert _agree(synth_text)


def test_the_demo_file_loads_the_same_both_ways() -> None:
    path = demo_path()
    fast = stage_json_file(path)
    text = Path(path).read_text(encoding="utf-8-sig")
    _same_staged(fast, _stage_text(text, str(path)))
    general = with_known_units(_stage_text(text, str(path)))
    _same_dataset(dfc.load(path), Dataset.from_staged(general, quarantine=False))


def test_a_byte_order_mark_and_indentation_change_nothing(synth_text: str, tmp_path: Path) -> None:
    compact = json.dumps(json.loads(synth_text), ensure_ascii=True, separators=(",", ":"))
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + compact.encode())
    _same_dataset(dfc.load(path), read_json_text(synth_text))
    assert stage_fast(compact.encode(), "<string>") is not None  # escapes \\uXXXX counted


def _mutate(text: str, path: list[Any], value: Any, *, delete: bool = False) -> str:
    data = json.loads(text)
    target = data
    for key in path[:-1]:
        target = target[key]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(data, ensure_ascii=False, indent=1)


def _first_with(data: dict[str, Any], field: str) -> int:
    return next(i for i, s in enumerate(data["subjects"]) if s.get(field))


# (where, new value): each is something the general way refuses, or must treat as it does
_BAD_VALUES: list[tuple[str, list[Any], Any]] = [
    ("bad date", ["subjects", "*tests", "tests", 0, "date"], "2024-02-30"),
    ("year zero", ["subjects", "*tests", "tests", 0, "date"], "0000-01-01"),
    ("date without dashes", ["subjects", "*tests", "tests", 0, "date"], "20240101"),
    ("a datetime", ["subjects", "*tests", "tests", 0, "date"], "2024-01-01T00:00:00"),
    ("unknown result", ["subjects", "*tests", "tests", 0, "result"], "maybe"),
    ("result as number", ["subjects", "*tests", "tests", 0, "result"], 1),
    ("null method", ["subjects", "*tests", "tests", 0, "method"], None),
    ("bool as 1", ["subjects", "*rehab_episodes", "rehab_episodes", 0, "completed"], 1),
    ("null completed", ["subjects", "*rehab_episodes", "rehab_episodes", 0, "completed"], None),
    ("completed, no end", ["subjects", "*rehab_episodes", "rehab_episodes", 0, "end"], None),
    ("end before start", ["subjects", "*residences", "residences", 0, "end"], "1900-01-01"),
    ("explicit null end", ["subjects", "*residences", "residences", 0, "end"], None),
    ("integer as text", ["units", 0, "resident_population"], "12"),
    ("integer as float", ["units", 0, "resident_population"], 12.0),
    ("negative integer", ["units", 0, "resident_population"], -1),
    ("huge integer", ["units", 0, "resident_population"], 10**30),
    ("empty name", ["units", 0, "name"], ""),
    ("bad id", ["subjects", 0, "id"], "has space"),
    ("national id", ["subjects", 0, "id"], "001203004567"),
    ("id as number", ["subjects", 0, "id"], 7),
    ("unknown kind", ["units", 0, "kind"], "village"),
    ("value as text", ["unit_facts", 0, "value"], "1"),
    ("negative value", ["unit_facts", 0, "value"], -1.5),
    ("list as object", ["subjects", 0, "tests"], {}),
    ("list as null", ["subjects", "*tests", "tests"], None),
    ("a date as a number", ["subjects", "*tests", "tests", 0, "date"], 20240101),
    ("subjects as null", ["subjects"], None),
    ("wrong format", ["format"], "drugfree-dataset/2"),
    ("unknown key", ["subjects", 0, "nickname"], "x"),
    ("unknown top key", ["extra"], []),
    ("nested subject", ["subjects", 0, "residences"], [{"unit_code": "U", "start": 5}]),
    ("self successor", ["lineage", 0, "successor_code"], "@predecessor"),
]


def _resolve(data: dict[str, Any], path: list[Any]) -> list[Any]:
    out: list[Any] = []
    for key in path:
        if isinstance(key, str) and key.startswith("*"):
            out.append(_first_with(data, key[1:]))
        else:
            out.append(key)
    return [k for k in out if not (isinstance(k, str) and k.startswith("*"))]


@pytest.mark.parametrize("case", _BAD_VALUES, ids=[c[0] for c in _BAD_VALUES])
def test_one_thing_wrong_gives_the_general_ways_answer(
    synth_text: str, case: tuple[str, list[Any], Any]
) -> None:
    name, path, value = case
    data = json.loads(synth_text)
    where = _resolve(data, path)
    if value == "@predecessor":
        value = data["lineage"][0]["predecessor_code"]
    changed = _mutate(synth_text, where, value)
    ran_fast = _agree(changed)
    if name != "explicit null end":  # that one is valid: either way may read it
        assert not ran_fast, name


def test_a_problem_across_records_is_located_the_same_both_ways(synth_text: str) -> None:
    data = json.loads(synth_text)
    i = _first_with(data, "residences")
    home = data["subjects"][i]["residences"][0]
    data["subjects"][i]["residences"].append(dict(home))  # the same residence twice
    text = json.dumps(data, ensure_ascii=False)
    assert stage_fast(text.encode(), "<string>") is not None  # each record is fine
    assert _agree(text)
    with pytest.raises(DatasetError) as caught:
        read_json_text(text)
    assert any(f"$.subjects[{i}].residences[" in p.location for p in caught.value.problems)


_DUPLICATES = [
    '{"format": "drugfree-dataset/1", "format": "drugfree-dataset/1", "subjects": []}',
    '{"format": "drugfree-dataset/1", "subjects": [{"id": "a", "id": "b"}]}',
    '{"format": "drugfree-dataset/1", "subjects": [{"id": "a", "tests": '
    '[{"date": "2024-01-01", "result": "negative", "result": "positive"}]}]}',
    # a duplicate hidden behind text that a quick count would take for keys
    '{"format": "drugfree-dataset/1", "units": [{"code": "U1", "name": "a\\":b", '
    '"kind": "commune", "kind": "ward"}]}',
    '{"format" : "drugfree-dataset/1", "subjects" : [{"id" : "a", "id" : "b"}]}',
    '{"format":"drugfree-dataset/1","units":[{"code":"U1","name":"x \\\\","kind":"ward",'
    '"name":"y"}]}',
]


@pytest.mark.parametrize("text", _DUPLICATES)
def test_a_repeated_key_is_never_collapsed(text: str) -> None:
    assert stage_fast(text.encode(), "<string>") is None
    with pytest.raises(DatasetError, match="more than once"):
        read_json_text(text)


def test_colons_inside_strings_still_take_the_fast_way(synth_text: str) -> None:
    # More colons than keys: the one-byte count cannot vouch for the keys, the exact one can.
    data = json.loads(synth_text)
    data["units"][0]["name"] = 'Xã "A": khu 1'
    data["subjects"][0]["id"] = "S:1"
    text = json.dumps(data, ensure_ascii=False)
    assert text.count(":") > count_keys(text.encode())
    assert _agree(text)


def test_a_key_repeated_beside_a_colon_in_a_string_is_found(synth_text: str) -> None:
    # One colon in a string and one key twice: as many colons as keys decoded plus one.
    data = json.loads(synth_text)
    data["units"][0]["name"] = "a:b"
    text = json.dumps(data, ensure_ascii=False)
    code = data["units"][0]["code"]
    repeated = text.replace(f'"code": "{code}"', f'"code": "{code}", "code": "{code}"', 1)
    assert repeated != text
    assert stage_fast(repeated.encode(), "<string>") is None
    with pytest.raises(DatasetError, match="more than once"):
        read_json_text(repeated)


def test_a_clean_document_loads_without_numpy() -> None:
    # numpy costs a tenth of a second to import: only the exact key count needs it (the
    # demo holds no colon inside a string, so the one-byte count vouches for its keys).
    script = (
        "import sys, drugfree_core as dfc; dfc.load(sys.argv[1]); print('numpy' in sys.modules)"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script, str(demo_path())], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "False"


@settings(max_examples=200, deadline=None)
@given(lengths=st.lists(st.integers(min_value=0, max_value=4), max_size=12))
def test_nested_rows_are_placed_in_their_subjects_lists(lengths: list[int]) -> None:
    placed = [(s, w) for s, n in enumerate(lengths) for w in range(n)]
    assert _subject_index(lengths).to_list() == [s for s, _ in placed]
    locate = _locator({"drug_tests": lengths})
    assert [locate("drug_tests", loc) for loc in range(len(placed))] == [
        f"$.subjects[{s}].tests[{w}]" for s, w in placed
    ]
    assert locate("units", 3) == "$.units[3]"


def _python_keys(text: str) -> int:
    count = 0

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal count
        count += len(pairs)
        return object_pairs(pairs)

    json.loads(text, object_pairs_hook=hook)
    return count


_TEXT = st.text(alphabet=st.sampled_from(['"', "\\", ":", " ", "\n", "a", "é", "{", "}"]))
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(value=_JSON, indent=st.sampled_from([None, 0, 2]), ascii=st.booleans())
def test_count_keys_counts_what_the_parser_sees(value: Any, indent: Any, ascii: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=ascii)
    spaced = re.sub(r'":', '" :', text) if indent == 2 else text
    assert count_keys(text.encode()) == _python_keys(text)
    assert count_keys(spaced.encode()) == _python_keys(spaced)


def test_the_fast_way_reads_what_the_writer_leaves_out(tmp_path: Path) -> None:
    # Defaults left out, optional lists left out: the same records both ways.
    text = json.dumps(
        {
            "format": "drugfree-dataset/1",
            "units": [{"code": "U1", "name": "Xã A", "kind": "commune"}],
            "subjects": [
                {"id": "s1", "tests": [{"date": "2025-01-02", "result": "negative"}]},
                {"id": "s2"},
            ],
        }
    )
    assert stage_fast(text.encode(), "<string>") is not None
    assert _agree(text)
    dataset = read_json_text(text)
    assert dataset.supplied == frozenset(
        {"units", "subjects", "residences", "status_periods", "drug_tests"}
        | {"rehab_episodes", "custody_periods"}
    )
    assert dataset.drug_tests["method"].to_list() == ["screening"]
    assert dataset.drug_tests["date"].to_list() == [dt.date(2025, 1, 2)]
    assert dataset.drug_tests.schema["date"] == pl.Date()
