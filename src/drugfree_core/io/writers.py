"""Writing a dataset: one JSON document, or a folder of CSV or Parquet tables.

Output order is deterministic: subjects by id, and the rows of each subject table by
subject id then date (start date; test date for drug tests), ties kept in input order.
Units, lineage links, unit facts and coverage rows keep the dataset's order. Reading what
was written gives back the same frames and the same supplied tables, whichever format
went in between: only the tables the dataset was given are written (an empty one as an
empty list or a header-only file), and units that came from the embedded official map
are not written, so the copy uses the map again (and, like the original, covers nothing
it did not declare). A JSON document cannot say that one of the tables nested in its
subjects was not supplied: with ``subjects`` they all are.
"""

from __future__ import annotations

import json
import os
from typing import Literal

import attrs
import polars as pl

from drugfree_core._args import expect, expect_choice, expect_path
from drugfree_core._polars_paths import polars_target
from drugfree_core.dataset.checks import CHILD_TABLES
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.document import FORMAT, DatasetDocument, converter
from drugfree_core.dataset.schema import TABLES
from drugfree_core.errors import UsageError, writing
from drugfree_core.i18n import msg

#: File formats of a folder of tables.
TableFormat = Literal["csv", "parquet"]


def canonical_order(dataset: Dataset) -> Dataset:
    """*dataset* with subjects sorted by id and their rows by subject id, then date."""
    frames: dict[str, pl.DataFrame] = {"subjects": dataset.subjects.sort("id", maintain_order=True)}
    for table in CHILD_TABLES:
        when = "date" if table == "drug_tests" else "start"
        frames[table] = dataset.frame(table).sort(["subject_id", when], maintain_order=True)
    return attrs.evolve(
        dataset,
        subjects=frames["subjects"],
        residences=frames["residences"],
        status_periods=frames["status_periods"],
        drug_tests=frames["drug_tests"],
        rehab_episodes=frames["rehab_episodes"],
        custody_periods=frames["custody_periods"],
    )


def written_tables(dataset: Dataset) -> tuple[str, ...]:
    """The tables a writer writes: the supplied ones, less a map the library supplied."""
    _refuse_part(dataset)
    skip = {"units", "lineage"} if dataset.map_source is not None else set()
    return tuple(t.name for t in TABLES if t.name in dataset.supplied and t.name not in skip)


def dataset_to_document(dataset: Dataset) -> DatasetDocument:
    """*dataset* as a :class:`~drugfree_core.dataset.document.DatasetDocument` (sorted)."""
    records = canonical_order(_dataset(dataset)).to_records()
    return DatasetDocument(
        format=FORMAT,
        units=records.units if dataset.map_source is None else (),
        lineage=records.lineage if dataset.map_source is None else (),
        subjects=records.subjects,
        unit_facts=records.unit_facts,
        drug_law_violations=records.drug_law_violations or (),
        wanted_fugitives=records.wanted_fugitives or (),
        drug_use_locations=records.drug_use_locations or (),
        recognitions=records.recognitions or (),
        coverage=records.coverage,
    )


def document_text(dataset: Dataset) -> str:
    """The JSON text :func:`write_json` writes (UTF-8 names kept as they are)."""
    data = converter.unstructure(dataset_to_document(dataset))
    keys = set(written_tables(dataset)) & {f.name for f in attrs.fields(DatasetDocument)}
    # A supplied table is written even when empty ("none"); one not supplied is left out.
    ordered = {"format": data["format"]}
    for field in attrs.fields(DatasetDocument):
        if field.name in keys:
            ordered[field.name] = data.get(field.name, [])
    return json.dumps(ordered, ensure_ascii=False, indent=2) + "\n"


def write_json(dataset: Dataset, path: str | os.PathLike[str]) -> None:
    """Write *dataset* as a ``drugfree-dataset/1`` JSON document (UTF-8).

    Fields equal to their default are left out (see
    :class:`~drugfree_core.dataset.document.DatasetDocument`).
    Quarantined records are not part of the dataset and are not written. Raises
    :class:`~drugfree_core.errors.UsageError` when the file cannot be written.
    """
    target = expect_path(path, msg("the JSON file to write"))
    text = document_text(_dataset(dataset))
    with writing(target):
        target.write_text(text, encoding="utf-8", newline="\n")


def write_tables(
    dataset: Dataset, folder: str | os.PathLike[str], format: TableFormat = "csv"
) -> None:
    """Write every table of *dataset* to *folder* as ``<table>.csv`` or ``<table>.parquet``.

    The folder is created if needed. Every supplied table is written, empty ones too (a
    header-only CSV); a table the dataset was not given is not (see the module
    documentation). Raises :class:`~drugfree_core.errors.UsageError` if the folder already holds a
    table in the other format, since the folder could not be read back.
    """
    expect_choice(format, ("csv", "parquet"), msg("table format"))
    dataset = _dataset(dataset)
    root = expect_path(folder, msg("the folder to write"))
    if root.exists() and not root.is_dir():
        raise UsageError(msg("{path} is a file; tables are written into a folder", path=str(root)))
    other = "parquet" if format == "csv" else "csv"
    if root.is_dir():
        clashes = sorted(p.name for t in TABLES if (p := root / f"{t.name}.{other}").exists())
        if clashes:
            raise UsageError(
                msg(
                    "{path} already holds {files}; remove them or write to another folder",
                    path=str(root),
                    files=", ".join(clashes),
                )
            )
    wanted = set(written_tables(dataset))
    with writing(root):
        root.mkdir(parents=True, exist_ok=True)
        for name, frame in canonical_order(dataset).frames().items():
            target = root / f"{name}.{format}"
            if name not in wanted:
                # An older file of this table would be read back as supplied: it is replaced
                # by no file, as a supplied table's file is replaced by the new one.
                target.unlink(missing_ok=True)
                continue
            # Each file under its own name: polars' errors do not name the file they refused.
            with writing(target), polars_target(target, "wb") as sink:
                if format == "csv":
                    frame.write_csv(sink)
                else:
                    frame.write_parquet(sink)


def _dataset(value: object) -> Dataset:
    expect(value, Dataset, msg("the dataset"), msg("a Dataset"))
    assert isinstance(value, Dataset)
    _refuse_part(value)
    return value


def _refuse_part(dataset: Dataset) -> None:
    # Written out, every unit of its map but a few would read as a unit where nobody
    # lives: loaded again, they could pass with no one's records.
    if dataset.records_for is not None:
        raise UsageError(
            msg(
                "this part of the data (cut with whole_map=True) holds the people of some "
                "units only: it cannot be saved as a dataset"
            )
        )
