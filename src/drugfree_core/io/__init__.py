"""Reading and writing datasets: one format, two doors.

A dataset enters either as one JSON document (``*.json``, format ``drugfree-dataset/1``,
described by :func:`drugfree_core.dataset.jsonschema.dataset_json_schema`) or as a
folder with one file per table (``units.csv``, ``drug_tests.parquet``, ...; columns in
:data:`drugfree_core.dataset.schema.TABLES`). Both doors report every problem with its
location and reason, run the same checks across records, and either raise
(:class:`~drugfree_core.errors.DatasetError`) or, with ``quarantine=True``, leave bad
records out and list each one in :attr:`Dataset.quarantined`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import attrs
import polars as pl

from drugfree_core._args import expect, expect_choice, expect_path
from drugfree_core._lazy import lazy_names as _lazy_names
from drugfree_core.dataset.checks import LOC, LOC_DTYPE, Staged, all_problems
from drugfree_core.dataset.dataset import CoverageBasis, Dataset
from drugfree_core.errors import DatasetError, Problem
from drugfree_core.i18n import msg
from drugfree_core.io.known_units import with_known_units
from drugfree_core.io.postgres import (
    display_source,
    is_database_uri,
    stage_postgres,
    stage_postgres_for_unit,
    write_postgres,
)
from drugfree_core.io.pseudonyms import (
    PseudonymisationSummary,
    pseudonym,
    pseudonymise,
    read_key,
)
from drugfree_core.io.scoped import stage_for_unit
from drugfree_core.io.table_door import read_tables, stage_tables
from drugfree_core.model import AdminUnit, Coverage, LineageLink, Subject, UnitFact

if TYPE_CHECKING:
    from drugfree_core.io.json_door import read_json, read_json_text
    from drugfree_core.io.writers import dataset_to_document, write_json, write_tables

#: Names this package gives from the JSON door and the writers, imported when first
#: asked for: they bring cattrs and msgspec (about 11 ms), which a process that reads
#: CSV or Parquet tables and writes no dataset never needs.
_LAZY = {
    "read_json": "drugfree_core.io.json_door",
    "read_json_text": "drugfree_core.io.json_door",
    "dataset_to_document": "drugfree_core.io.writers",
    "write_json": "drugfree_core.io.writers",
    "write_tables": "drugfree_core.io.writers",
}

#: Formats :func:`save` writes.
Format = Literal["json", "csv", "parquet"]


#: What :func:`load` and :func:`validate` read: a path, or a ``postgresql://`` URI.
Source = str | os.PathLike[str]


def _stage(path: Source) -> Staged:
    if is_database_uri(path):
        return _with_official_map(stage_postgres(str(path)))
    target = expect_path(path, msg("the dataset path"))
    if target.is_dir():
        return _with_official_map(stage_tables(target))
    if target.is_file() and target.suffix.lower() == ".json":
        from drugfree_core.io.json_door import stage_json_file

        return _with_official_map(stage_json_file(target))
    reason = (
        "no such file or folder"
        if not target.exists()
        else "not a dataset: expected a .json file or a folder of table files"
    )
    problem = Problem(table="", location=str(target), reason=reason)
    return Staged(source=str(target), locate=lambda _t, _i: str(target), good={}, fatal=(problem,))


def _with_official_map(staged: Staged) -> Staged:
    """Give a dataset that brings no units and no lineage the embedded official map.

    Records then refer to official codes: ``"00004"`` after 1 July 2025,
    ``"pre2025:00004"`` before (see :mod:`drugfree_core.adminmap`). The map says which
    units exist, never which ones the data cover: only a ``coverage`` table does.
    """
    units = staged.good.get("units")
    lineage = staged.good.get("lineage")
    brought = staged.rejected.get("units")
    if (
        staged.fatal
        or (units is not None and units.height)
        or (lineage is not None and lineage.height)
        or (brought is not None and brought.height)
    ):
        return staged
    from drugfree_core.adminmap import official_map

    official = official_map()
    good = dict(staged.good)
    for name, frame in (("units", official.units), ("lineage", official.lineage)):
        good[name] = frame.with_row_index(LOC).with_columns(pl.col(LOC).cast(LOC_DTYPE))
    source = official.source
    described = (
        f"embedded official map (extracted from {source.name} {source.version}, "
        f"{source.licence}; upstream: {', '.join(source.upstream)})"
    )
    # The map is the library's, not the input's: units and lineage were not supplied.
    supplied = staged.supplied - {"units", "lineage"}
    return attrs.evolve(staged, good=good, map_source=described, supplied=supplied)


def load(path: Source, *, quarantine: bool = False) -> Dataset:
    """Load the dataset at *path*: a ``.json`` document, a folder of tables or a database.

    A database is a PostgreSQL schema named by a URI such as
    ``postgresql://user@host/db?schema=drugfree`` (see :mod:`drugfree_core.io.postgres`).

    Strict by default: any problem raises :class:`~drugfree_core.errors.DatasetError`
    whose ``problems`` lists every one. With *quarantine*, bad records and the records
    that depend on them are left out and listed in :attr:`Dataset.quarantined`; problems
    that no single record can be blamed for (malformed JSON, a missing ``units`` table, a
    missing column) raise in both modes.
    """
    return Dataset.from_staged(with_known_units(_stage(path)), quarantine=quarantine)


def load_unit_part(path: Source, unit_code: str) -> Dataset | None:
    """The part of the dataset at *path* that evaluating *unit_code* needs, read alone.

    For a folder of CSV or Parquet tables (see :mod:`drugfree_core.io.scoped`) or a
    PostgreSQL schema (the same picks as ``WHERE`` clauses, in one snapshot): the
    tables of units, lineage, coverage and findings are read and checked whole, then cut
    down with the people's records, of which only those of the people who lived in the
    unit or in a unit that became it are read (what :meth:`Dataset.restrict_to_units
    <drugfree_core.dataset.Dataset.restrict_to_units>` keeps with ``people="own"``).
    Strict: None where the part cannot be picked faithfully, for a JSON document, and
    when the part has a problem (:func:`load` then reads the whole and reports every
    problem). Problems in records that were not read are not looked for. The part serves
    only *unit_code*: evaluating any other unit over it, or counting the people of the
    whole dataset, would be wrong.
    """
    if is_database_uri(path):
        picked = stage_postgres_for_unit(str(path), unit_code)
    else:
        target = expect_path(path, msg("the dataset path"))
        picked = stage_for_unit(target, unit_code) if target.is_dir() else None
    if picked is None:
        return None
    staged, scope = picked
    try:
        part = Dataset.from_staged(with_known_units(_with_official_map(staged)))
    except DatasetError:
        return None
    # Checked whole, the small tables are now cut down to the unit's (the scope is known).
    return part.restricted_to(scope)


@attrs.frozen(kw_only=True)
class Survey:
    """What a look at a dataset finds without loading it: problems, tables, coverage.

    ``problems`` are those :func:`validate` returns; ``supplied`` the tables the input
    gave (see :attr:`Dataset.supplied <drugfree_core.dataset.Dataset.supplied>`);
    ``coverage_basis`` how it states the units it covers (see
    :attr:`Dataset.coverage_basis <drugfree_core.dataset.Dataset.coverage_basis>`).
    ``readable`` is false when a problem no record can be blamed for (an unreadable or
    empty file, a missing column) keeps the dataset from loading even in quarantine:
    then what it supplies and covers cannot be told.
    """

    problems: tuple[Problem, ...]
    supplied: frozenset[str]
    coverage_basis: CoverageBasis
    readable: bool = True


def survey(path: Source) -> Survey:
    """Read the dataset at *path* (file, folder or database URI) once for :class:`Survey`.

    Never raises for content.
    """
    staged = _stage(path)
    if "coverage" in staged.supplied:
        basis: CoverageBasis = "declared"
    elif staged.map_source is None:
        basis = "units"
    else:
        basis = "none"
    return Survey(
        problems=all_problems(staged),
        supplied=staged.supplied,
        coverage_basis=basis,
        readable=not staged.fatal,
    )


def validate(path: Source) -> tuple[Problem, ...]:
    """Every problem of the dataset at *path* (file, folder or database URI); empty if valid.

    Never raises for content.
    """
    return all_problems(_stage(path))


def validate_text(text: str, *, source: str = "<upload>") -> tuple[Problem, ...]:
    """Every problem of a dataset document given as JSON *text* (an upload); empty if valid."""
    from drugfree_core.io.json_door import stage_json_text

    return all_problems(_with_official_map(stage_json_text(text, source)))


def records_to_dataset(
    *,
    units: Sequence[AdminUnit],
    subjects: Sequence[Subject] | None = None,
    lineage: Sequence[LineageLink] | None = None,
    unit_facts: Sequence[UnitFact] | None = None,
    coverage: Sequence[Coverage] | None = None,
) -> Dataset:
    """Build a :class:`Dataset` from typed records, checking what single records cannot.

    The same as :meth:`Dataset.from_records <drugfree_core.dataset.Dataset.from_records>`:
    the records validated themselves when they were made; this adds the checks across
    records (duplicates, references, overlapping residences, lineage dates). An argument
    left as ``None`` is a table not supplied (see :attr:`Dataset.supplied
    <drugfree_core.dataset.Dataset.supplied>`). Raises
    :class:`~drugfree_core.errors.DatasetError` listing every problem, located as
    ``units[2]`` or ``subjects[3].residences[1]`` (positions in the arguments).
    """
    return Dataset.from_records(
        units=units, subjects=subjects, lineage=lineage, unit_facts=unit_facts, coverage=coverage
    )


def save(dataset: Dataset, path: Source, *, format: Format | None = None) -> None:
    """Write *dataset* to *path*: a JSON document, a folder of tables or a database schema.

    Without *format*, a path ending in ``.json`` gets a document, a ``postgresql://`` URI
    one table per dataset table in the URI's schema (which must not hold them yet), and
    anything else a folder of CSV files. Only the tables the dataset was given are
    written, and never the embedded official map (see :func:`write_tables`).
    """
    expect(dataset, Dataset, msg("the dataset"), msg("a Dataset"))
    from drugfree_core.io.writers import write_json, write_tables, written_tables

    if is_database_uri(path):
        # Like the other writers: only the tables the dataset was given, never the map.
        wanted = set(written_tables(dataset))
        frames = {name: f for name, f in dataset.frames().items() if name in wanted}
        write_postgres(frames, str(path))
        return
    target = expect_path(path, msg("the path to save to"))
    if format is None:
        chosen = "json" if target.suffix.lower() == ".json" else "csv"
    else:
        chosen = expect_choice(format, ("json", "csv", "parquet"), "format")
    if chosen == "json":
        write_json(dataset, target)
    else:
        write_tables(dataset, target, format="csv" if chosen == "csv" else "parquet")


__all__ = [
    "Format",
    "PseudonymisationSummary",
    "Source",
    "Survey",
    "dataset_to_document",
    "display_source",
    "is_database_uri",
    "load",
    "pseudonym",
    "pseudonymise",
    "read_json",
    "read_json_text",
    "read_key",
    "read_tables",
    "records_to_dataset",
    "save",
    "survey",
    "validate",
    "validate_text",
    "write_json",
    "write_tables",
]


__getattr__, __dir__ = _lazy_names(globals(), _LAZY)
