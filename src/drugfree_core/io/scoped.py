"""Reading only the records that evaluating one unit needs, from a folder of table files.

Explaining one unit of national data should not type and check four million drug
tests. :func:`stage_for_unit` reads the small tables whole (units, lineage, coverage,
findings), works out the unit's :class:`~drugfree_core.dataset.dataset.UnitScope`, and
picks out of the people's tables, by a filter applied as the file is read, the rows that
:meth:`Dataset.restrict_to_units(people="own")
<drugfree_core.dataset.Dataset.restrict_to_units>` would keep: the residences in the
unit and its predecessors, then every record of the people who lived there (and of
anyone a violation there names), and the facts and violations of the units concerned.
The residences, picked twice (by unit, then by person), are read whole once instead and
picked in memory. Each picked row keeps its place in its file, so a problem names the
row it is. The picks (:func:`first_picks`, :func:`second_picks`) are shared with the
PostgreSQL door, which asks for them with ``WHERE`` clauses
(:func:`drugfree_core.io.postgres.stage_postgres_for_unit`).

A row whose key is empty or not an id at all names no one, so it cannot be placed in or
out of the unit: it is always picked, and refused as the whole load refuses it. A row
that names another person or unit is not read, even when that one does not exist: the
problems of such rows are not looked for (``drugfree validate`` checks everything).
Everything a whole load checks in the rows picked is checked.

It gives up (None: read the folder whole instead) where the picking could not be
faithful: a key column that is not text (a Parquet file's), a file that cannot be read
or scanned, a file with a column of the name the pick gives its own (the row's place,
a residence key's flag), or a lineage table without a units table (a folder with
neither is on the embedded official map, whose units and lineage the scope is worked
out from).
:func:`drugfree_core.io.load_unit_part` also gives up when the part has any problem, so
that the whole load reports every one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import polars as pl

from drugfree_core._polars_paths import polars_can_open
from drugfree_core.dataset.checks import CHILD_TABLES, LOC, Staged, id_expr_ok
from drugfree_core.dataset.dataset import UnitScope
from drugfree_core.dataset.schema import TABLES
from drugfree_core.io.table_door import (
    find_table_files,
    first_short_row,
    read_table_file,
    stage_folder,
)

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
    if fatal:
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
    scope = scope_from_tables(unit_code, {name: frame for name, (_, frame) in frames.items()})
    if scope is None:
        return None
    try:
        rows = _pick(picked, scope)
    except (pl.exceptions.PolarsError, OSError):
        return None  # the whole read names what is wrong with the file
    if rows is None:
        return None
    for name, frame in rows.items():
        path = picked[name]
        # A picked row that ends in empty cells may be a line cut short: the whole read
        # finds which, and says so (LOC, the row's place in the file, is not a column).
        if path.suffix == ".csv" and first_short_row(path, frame.drop(LOC)) is not None:
            return None
    frames.update({name: (picked[name].name, frame) for name, frame in rows.items()})
    return stage_folder(folder, files, frames, [], located=set(rows)), scope


def scope_from_tables(unit_code: str, tables: Mapping[str, pl.DataFrame]) -> UnitScope | None:
    """The scope of *unit_code* in the raw ``units`` and ``lineage`` of *tables*.

    Without either, the records are on official codes and the embedded map's are used
    (the door adds the map as :func:`drugfree_core.io.load` does). None when the units
    or lineage lack a column the scope needs, or hold it as anything but text.
    """
    units, lineage = tables.get("units"), tables.get("lineage")
    if units is None:
        if lineage is not None:
            return None  # lineage without units: the whole load says what is wrong
        from drugfree_core.adminmap import official_map

        official = official_map()
        units, lineage = official.units, official.lineage
    if lineage is None:
        lineage = pl.DataFrame(schema=dict.fromkeys(_LINK_COLUMNS, pl.String()))
    if not _text(units, ("code", "parent_code")) or not _text(lineage, _LINK_COLUMNS):
        return None
    return UnitScope.of([unit_code], units, lineage)


_LINK_COLUMNS = ("predecessor_code", "successor_code")


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
    if not polars_can_open(path):
        return None  # a scan takes the name as text: the whole read opens the file itself
    if path.suffix == ".csv":
        scan = pl.scan_csv(path, infer_schema=False, row_index_name=LOC, raise_if_empty=True)
    else:
        scan = pl.scan_parquet(path, row_index_name=LOC)
    schema = scan.collect_schema()
    if list(schema).count(LOC) != 1:
        return None  # a column of that name is the file's own, reported by the whole read
    return scan if all(schema.get(key) == pl.String() for key in keys) else None


#: One condition of a pick: rows whose *column* is one of the codes, or names no one.
Pick = tuple[str, frozenset[str]]
_NO_ONE: frozenset[str] = frozenset()


def first_picks(scope: UnitScope) -> dict[str, tuple[Pick, ...]]:
    """What to pick first: the residences that give the unit's people, and its violations.

    A row is picked when any of its conditions holds (see :func:`second_picks`).
    """
    return {
        "residences": (("unit_code", scope.homes), ("subject_id", _NO_ONE)),
        "drug_law_violations": (("unit_code", scope.with_parents), ("subject_id", _NO_ONE)),
    }


def second_picks(
    scope: UnitScope, people: frozenset[str], named: frozenset[str]
) -> dict[str, tuple[Pick, ...]]:
    """What to pick once the unit's *people* (and the people its violations *named*) are known.

    Every record of those people, their subject rows (also of anyone a violation names:
    a violation may name someone who lived elsewhere), and the facts of the linked units.
    """
    picks: dict[str, tuple[Pick, ...]] = {t: (("subject_id", people),) for t in CHILD_TABLES}
    picks["residences"] = (("subject_id", people), ("unit_code", _NO_ONE))
    picks["subjects"] = (("id", people | named),)
    picks["unit_facts"] = (("unit_code", scope.linked),)
    return picks


def people_picked(first: Mapping[str, pl.DataFrame]) -> tuple[frozenset[str], frozenset[str]]:
    """From the rows of :func:`first_picks`: the unit's people, and those its violations name."""
    people, named = (
        frozenset(first[table]["subject_id"].drop_nulls()) if table in first else _NO_ONE
        for table in ("residences", "drug_law_violations")
    )
    return people, named


def _among(picks: Iterable[Pick], *, flagged: bool = False) -> pl.Expr:
    """Rows for which a pick holds: its column is one of its codes, or names no one.

    A key that names no one (empty, or not an id at all) may have been meant for the
    unit: its row is read, and the checks refuse it as the whole load does. On a table
    read *flagged* (see :func:`_flag_no_one`), that is read off its flag columns.
    """
    conditions = []
    for column, values in picks:
        listed = pl.Series(sorted(values), dtype=pl.String()).implode()
        no_one = pl.col(_NO_ONE_FLAG + column) if flagged else _names_no_one(column)
        conditions.append(pl.col(column).is_in(listed) | no_one)
    return pl.any_horizontal(conditions)


def _names_no_one(column: str) -> pl.Expr:
    """True where *column* is empty or not an id at all (see :func:`_among`)."""
    return pl.col(column).is_null() | ~id_expr_ok(column)


#: The prefix of a key's "names no one" flag on a table read whole (:func:`_flag_no_one`).
_NO_ONE_FLAG = "_names_no_one_"

#: Picked twice, first by unit, then by person: read once, whole. Nationally, reading
#: the file whole took 10 ms where a second filtered scan took 41, mostly spent telling
#: again which keys name no one (a regular expression on every key).
_READ_WHOLE = "residences"


def _flag_no_one(scan: pl.LazyFrame, keys: Iterable[str]) -> pl.LazyFrame | None:
    """*scan* read whole, with a flag per key column telling where it names no one.

    None if the file has a column of a flag's name (the whole read reports it).
    """
    flags = {_NO_ONE_FLAG + key: _names_no_one(key) for key in keys}
    if not flags.keys().isdisjoint(scan.collect_schema()):
        return None
    return scan.with_columns(**flags).collect().lazy()


def _pick(picked: dict[str, Path], scope: UnitScope) -> dict[str, pl.DataFrame] | None:
    """The picked rows of each table in *picked*; None if one cannot be picked faithfully."""
    scans: dict[str, pl.LazyFrame] = {}
    for name, path in picked.items():
        scan = _scan(path, PICKED_KEYS[name])
        if scan is None:
            return None
        scans[name] = scan
    if _READ_WHOLE in scans:
        whole = _flag_no_one(scans[_READ_WHOLE], PICKED_KEYS[_READ_WHOLE])
        if whole is None:
            return None
        scans[_READ_WHOLE] = whole

    def among(name: str, picks: tuple[Pick, ...]) -> pl.Expr:
        return _among(picks, flagged=name == _READ_WHOLE)

    first = {
        name: scans[name].filter(among(name, picks))
        for name, picks in first_picks(scope).items()
        if name in scans
    }
    found = dict(zip(first, pl.collect_all(first.values()), strict=True))
    people, named = people_picked(found)
    rest = {
        name: scans[name].filter(among(name, picks))
        for name, picks in second_picks(scope, people, named).items()
        if name in scans
    }
    rows = dict(zip(rest, pl.collect_all(rest.values()), strict=True))
    if "drug_law_violations" in found:
        rows["drug_law_violations"] = found["drug_law_violations"]
    if _READ_WHOLE in rows:
        flags = [_NO_ONE_FLAG + key for key in PICKED_KEYS[_READ_WHOLE]]
        rows[_READ_WHOLE] = rows[_READ_WHOLE].drop(flags)
    return rows
