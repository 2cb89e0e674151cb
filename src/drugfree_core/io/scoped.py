"""Reading only the records that evaluating one unit needs, from a folder of table files.

Explaining one unit of national data should not type and check four million drug
tests. :func:`stage_for_unit` reads the small tables whole (units, lineage, coverage,
findings), works out the unit's :class:`~drugfree_core.dataset.dataset.UnitScope`, and
picks out of the people's tables, by a filter applied as the file is read, the rows that
:meth:`Dataset.restrict_to_units(people="own")
<drugfree_core.dataset.Dataset.restrict_to_units>` would keep: the residences in the
unit and its predecessors, then every record of the people who lived there (and of
anyone a violation there names), and the facts and violations of the units concerned.
Each picked row keeps its place in its file, so a problem names the row it is.

A row whose key is empty or not an id at all names no one, so it cannot be placed in or
out of the unit: it is always picked, and refused as the whole load refuses it. A row
that names another person or unit is not read, even when that one does not exist: the
problems of such rows are not looked for (``drugfree validate`` checks everything).
Everything a whole load checks in the rows picked is checked.

It gives up (None: read the folder whole instead) where the picking could not be
faithful: a key column that is not text (a Parquet file's), a file that cannot be read
or scanned, or a lineage table without a units table (a folder
with neither is on the embedded official map, whose units and lineage the scope is
worked out from). :func:`drugfree_core.io.load_unit_part` also gives up when the part
has any problem, so that the whole load reports every one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl

from drugfree_core.dataset.checks import CHILD_TABLES, LOC, Staged, id_expr_ok
from drugfree_core.dataset.dataset import UnitScope
from drugfree_core.dataset.schema import TABLES
from drugfree_core.io.table_door import find_table_files, read_table_file, stage_folder

#: The tables picked row by row, and the key columns a pick matches (the others are
#: small and read whole).
PICKED_KEYS: dict[str, tuple[str, ...]] = {
    **{table: ("subject_id",) for table in CHILD_TABLES},
    "subjects": ("id",),
    "residences": ("subject_id", "unit_code"),
    "unit_facts": ("unit_code",),
    "drug_law_violations": ("subject_id", "unit_code"),
}


def stage_for_unit(folder: Path, unit_code: str) -> tuple[Staged, UnitScope] | None:
    """What evaluating *unit_code* needs of the tables in *folder*, and the unit's scope.

    None where the folder should be read whole instead.
    """
    files, fatal = find_table_files(folder)
    if fatal or ("lineage" in files and "units" not in files):
        return None
    picked = {name: path for name, path in files.items() if name in PICKED_KEYS}
    frames: dict[str, tuple[str, pl.DataFrame]] = {}
    for table in TABLES:
        path = files.get(table.name)
        if path is None or table.name in picked:
            continue
        frame, problems = read_table_file(table, path)
        if frame is None or problems:
            return None
        frames[table.name] = (path.name, frame)
    if "units" in frames:
        units = frames["units"][1]
        lineage = frames["lineage"][1] if "lineage" in frames else None
    else:  # records on official codes: the door adds the embedded map (see load_unit_part)
        from drugfree_core.adminmap import official_map

        official = official_map()
        units, lineage = official.units, official.lineage
    if not _text(units, ("code", "parent_code")) or (
        lineage is not None and not _text(lineage, ("predecessor_code", "successor_code"))
    ):
        return None
    links = (
        lineage
        if lineage is not None
        else pl.DataFrame(schema={"predecessor_code": pl.String(), "successor_code": pl.String()})
    )
    scope = UnitScope.of([unit_code], units, links)
    try:
        rows = _pick(picked, scope)
    except (pl.exceptions.PolarsError, OSError):
        return None  # the whole read names what is wrong with the file
    if rows is None:
        return None
    frames.update({name: (picked[name].name, frame) for name, frame in rows.items()})
    return stage_folder(folder, files, frames, [], located=set(rows)), scope


def _text(frame: pl.DataFrame, columns: Iterable[str]) -> bool:
    """Whether *frame* has each of *columns*, holding text (a key can be matched as read)."""
    schema = frame.schema
    return all(schema.get(c) == pl.String() for c in columns)


def _scan(path: Path, keys: Iterable[str]) -> pl.LazyFrame | None:
    """*path* scanned with each row's place in the file; None if a key column is not text.

    A CSV file is read as text, as the whole read does; its rows that are blank lines have
    no key, so they are picked, and the part gives way to the whole read, which knows
    which of them end the file.
    """
    if path.suffix == ".csv":
        scan = pl.scan_csv(path, infer_schema=False, row_index_name=LOC, raise_if_empty=True)
    else:
        scan = pl.scan_parquet(path, row_index_name=LOC)
    names = list(scan.collect_schema())
    if names.count(LOC) != 1:
        return None  # a column of that name is the file's own, reported by the whole read
    schema = scan.collect_schema()
    return scan if all(schema.get(key) == pl.String() for key in keys) else None


def _among(column: str, values: Iterable[str]) -> pl.Expr:
    """Rows whose *column* is one of *values*, or names no one (empty or not an id at all).

    A key that names no one may have been meant for the unit: its row is read, and the
    checks refuse it as the whole load does. (Parquet evaluates the test once per
    distinct key, so this costs next to nothing.)
    """
    listed = pl.Series(sorted(values), dtype=pl.String()).implode()
    key = pl.col(column)
    return key.is_in(listed) | key.is_null() | ~id_expr_ok(column)


def _pick(picked: dict[str, Path], scope: UnitScope) -> dict[str, pl.DataFrame] | None:
    """The picked rows of each table in *picked*; None if one cannot be picked faithfully."""
    scans: dict[str, pl.LazyFrame] = {}
    for name, path in picked.items():
        scan = _scan(path, PICKED_KEYS[name])
        if scan is None:
            return None
        scans[name] = scan
    first: dict[str, pl.LazyFrame] = {}
    if "residences" in scans:
        homes = _among("unit_code", scope.homes)
        first["residences"] = (
            scans["residences"].filter(homes | _among("subject_id", ())).select("subject_id")
        )
    if "drug_law_violations" in scans:
        first["drug_law_violations"] = scans["drug_law_violations"].filter(
            _among("unit_code", scope.with_parents) | _among("subject_id", ())
        )
    found = dict(zip(first, pl.collect_all(first.values()), strict=True))
    people = set(found["residences"]["subject_id"].drop_nulls()) if "residences" in found else set()
    named = found.get("drug_law_violations")
    # A violation may name a person who lived elsewhere: the subject row must still be there.
    subjects = people | (set(named["subject_id"].drop_nulls()) if named is not None else set())
    rest: dict[str, pl.LazyFrame] = {}
    for name, scan in scans.items():
        if name == "subjects":
            rest[name] = scan.filter(_among("id", subjects))
        elif name == "unit_facts":
            rest[name] = scan.filter(_among("unit_code", scope.linked))
        elif name == "residences":
            rest[name] = scan.filter(_among("subject_id", people) | _among("unit_code", ()))
        elif name != "drug_law_violations":
            rest[name] = scan.filter(_among("subject_id", people))
    rows = dict(zip(rest, pl.collect_all(rest.values()), strict=True))
    if named is not None:
        rows["drug_law_violations"] = named
    return rows
