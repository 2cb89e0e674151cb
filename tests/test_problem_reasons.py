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
    assert '"message": "name: thiếu giá trị (cột bắt buộc)"' in data
    assert '"location": "units.csv:row 2"' in data


@pytest.mark.parametrize(
    ("reason", "vietnamese"),
    [
        (
            "dropped with its subject (subjects.csv:row 2)",
            "bị loại cùng đối tượng của nó (subjects.csv:dòng 2)",
        ),
        (
            "a record of this subject was quarantined ($.subjects[4].tests[1])",
            "một bản ghi của đối tượng này đã bị cách ly ($.subjects[4].tests[1])",
        ),
        ("parent unit 98001 was quarantined", "đơn vị cấp trên 98001 đã bị cách ly"),
        # Two problems of one record, the second a template that holds "; " itself.
        (
            "name must not be empty; column 'date' holds dates with times; expected dates",
            "name không được để trống; cột 'date' chứa ngày kèm giờ; cần ngày",
        ),
        # A nested record's problem after its place (the JSON door's quarantine).
        (
            "$.unit_facts[0].period_end: period_end is before period_start",
            "$.unit_facts[0].period_end: period_end trước period_start",
        ),
    ],
)
def test_a_quarantined_records_reason_is_said_in_vietnamese(reason: str, vietnamese: str) -> None:
    # Every reason of a quarantine list: a record dropped with the one it depends on, and
    # a record's several problems, each perhaps after its place, used to stay English.
    message = reason_message(reason)
    assert message.render("en") == reason
    with record_lookups() as log:
        assert message.render("vi") == vietnamese
    assert not log.missing


def test_a_reason_only_partly_known_is_shown_as_written() -> None:
    odd = "name must not be empty; a plugin's own words"
    assert reason_message(odd).msgid == odd


def test_every_type_in_words_has_its_translation() -> None:
    # The Parquet door names a column's type in words: each is a sentence of the catalogue.
    import polars as pl

    from drugfree_core.dataset.reasons import TYPE_WORDS
    from drugfree_core.io.table_door import _type_words

    dtypes = [
        pl.Int8(), pl.UInt64(), pl.Float32(), pl.Decimal(10, 2), pl.String(),
        pl.Categorical(), pl.Enum(["a"]), pl.Boolean(), pl.Date(), pl.Datetime(),
        pl.Time(), pl.Duration(), pl.Binary(), pl.List(pl.Int64()),
        pl.Array(pl.Int64(), 2), pl.Struct({"a": pl.Int64()}), pl.Null(),
    ]  # fmt: skip
    assert {_type_words(d) for d in dtypes} == set(TYPE_WORDS)


def test_the_quarantine_list_of_the_documented_bad_example_is_vietnamese() -> None:
    example = Path(__file__).parents[1] / "docs" / "examples" / "howto-bad.json"
    runner = CliRunner(env={"DRUGFREE_LANG": "vi"})
    args = ["evaluate", str(example), "--scheme", "mps-recognition-2024"]
    result = runner.invoke(cli, [*args, "--date", "2025-10-01", "--quarantine"])
    assert "bị loại cùng đối tượng của nó ($.subjects[4])" in result.stderr
    assert "một bản ghi của đối tượng này đã bị cách ly" in result.stderr
    for english in ("dropped with", "was quarantined", "is before"):
        assert english not in result.stderr


@pytest.mark.parametrize("content", ["", "[]", '{"format": "drugfree-dataset/1"'])
def test_validate_claims_no_coverage_for_a_document_it_could_not_read(
    tmp_path: Path, content: str
) -> None:
    # Nothing was read: neither what it covers nor which tables it left out can be told.
    path = tmp_path / "data.json"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "1 problem in" in result.stdout
    assert "coverage" not in result.stdout
    assert "was not supplied" not in result.stdout


def test_validate_claims_no_coverage_for_a_folder_whose_units_are_unreadable(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "units.csv").write_text("", encoding="utf-8")
    (folder / "subjects.csv").write_text("id\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 1
    assert '"severity": "warning"' not in result.stdout
