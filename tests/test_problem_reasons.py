"""A data problem said in the reader's language (drugfree_core.dataset.reasons).

``Problem.reason`` stays English for programs; people read it through the catalogue.
The fuzz tests check every reason the doors write has a template (tests/hostile.py);
these pin how the sentences are read back and said.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from drugfree_core.cli.main import cli
from drugfree_core.dataset.reasons import (
    TEMPLATES,
    dataset_error_text,
    location_text,
    problem_text,
    reason_message,
)
from drugfree_core.errors import DatasetError, Problem
from drugfree_core.i18n import record_lookups


@pytest.mark.parametrize(
    ("reason", "vietnamese"),
    [
        ("period_end is before period_start", "period_end trước period_start"),
        # Python's JSON reader's own words, read back; another's stay as written
        (
            "malformed JSON: Expecting property name enclosed in double quotes",
            "JSON sai cú pháp: thiếu tên khóa đặt trong dấu ngoặc kép",
        ),
        ("malformed JSON: nested too deeply", "JSON sai cú pháp: lồng nhau quá sâu"),
        ("malformed JSON: a new reader's words", "JSON sai cú pháp: a new reader's words"),
        (
            "parent_code 98009 does not match any unit",
            "parent_code 98009 không khớp với đơn vị nào",
        ),
        (
            "the 3rd column of the header has no name",
            "cột thứ 3 của dòng tiêu đề không có tên",
        ),
        (
            "both units.csv and units.parquet exist; keep one",
            "có cả units.csv và units.parquet; hãy giữ một tệp",
        ),
        (
            "start: value is not a date written YYYY-MM-DD",
            "start: giá trị không phải là ngày viết theo dạng YYYY-MM-DD",
        ),
        (
            "unknown column (the 2nd column of the header; did you mean 'code'?); "
            "columns of units: code, name",
            "cột không rõ (cột thứ 2 của dòng tiêu đề; có phải ý bạn là 'code'?); "
            "các cột của bảng units: code, name",
        ),
    ],
)
def test_a_reason_is_read_back_and_said_in_vietnamese(reason: str, vietnamese: str) -> None:
    message = reason_message(reason)
    assert message.msgid in TEMPLATES
    assert message.render("en") == reason
    with record_lookups() as log:
        assert message.render("vi") == vietnamese
    assert not log.missing


def test_the_same_field_twice_must_hold_the_same_value() -> None:
    # "{table}.csv and {table}.parquet": two different names are not this sentence.
    odd = "both units.csv and lineage.parquet exist; keep one"
    assert reason_message(odd).msgid == odd


def test_a_reason_nobody_wrote_a_template_for_is_shown_as_written() -> None:
    with record_lookups() as log:
        assert reason_message("a plugin's own words").render("vi") == "a plugin's own words"
    assert ("vi", None, "a plugin's own words") in log.missing  # the leak test sees it


def test_locations_in_files_are_said_and_json_paths_kept() -> None:
    assert location_text("units.csv:row 3", "vi") == "units.csv:dòng 3"
    assert location_text("data.json:line 2 column 7", "vi") == "data.json:dòng 2 cột 7"
    assert location_text("$.subjects[0].start", "vi") == "$.subjects[0].start"
    problem = Problem(table="units", location="units.csv:row 3", reason="x", record_id="A")
    assert problem_text(problem, "en") == str(problem)


def test_a_refused_dataset_is_summed_up_in_the_reader_language() -> None:
    problems = (
        Problem(table="units", location="units.csv:row 2", reason="name must not be empty"),
        Problem(table="units", location="units.csv:row 3", reason="name must not be empty"),
    )
    exc = DatasetError(
        "2 problems in data; first: units.csv:row 2: name must not be empty", problems
    )
    assert dataset_error_text(exc, "en") == str(exc)
    assert dataset_error_text(exc, "vi") == (
        "2 lỗi trong data; lỗi đầu tiên: units.csv:dòng 2: name không được để trống"
    )


def test_validate_says_a_table_problem_in_vietnamese_and_keeps_json_english(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "units.csv").write_text("code,name,kind\nA,,commune\n", encoding="utf-8")
    (folder / "subjects.csv").write_text("id\n", encoding="utf-8")
    runner = CliRunner(env={"DRUGFREE_LANG": "vi"})
    text = runner.invoke(cli, ["validate", str(folder)]).stdout
    assert "units.csv:dòng 2 [A]: name: thiếu giá trị (cột bắt buộc)" in text
    data = runner.invoke(cli, ["validate", str(folder), "--format", "json"]).stdout
    assert '"reason": "name: missing value (the column is required)"' in data
    assert '"location": "units.csv:row 2"' in data
