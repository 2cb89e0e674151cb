"""Checks shared by every door, and the strict-or-quarantine decision.

A door (JSON document, folder of tables, typed records) reads its input into a
:class:`Staged`: per table, the rows that passed the per-record checks (``good``), the
keys of the rows that did not (``rejected``), and the problems found so far. The
functions here add the checks across records (duplicates, references, overlapping
residences, lineage dates) and then either raise :class:`~drugfree_core.errors.DatasetError`
(strict) or drop every bad record and everything that depends on it (quarantine).

Every row carries two internal columns: :data:`LOC`, its index in its table, which the
door turns into a location (``units.csv:row 7``, ``$.subjects[3]``) only for the few
rows that need one; and, in the subject tables, :data:`SID`, the key tying a row to its
subject (the subject id in table files, the subject's position in a document, where
children are nested and a duplicated id must not merge two people).

Everything is columnar so that a national dataset (millions of drug tests) is checked
in well under a second when it is clean; Python only touches the rows with problems.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import polars as pl

from drugfree_core.dataset.quarantine import QuarantinedRecord
from drugfree_core.dataset.schema import FINDING_TABLES, TABLES, TABLES_BY_NAME
from drugfree_core.errors import DatasetError, Problem
from drugfree_core.model._checks import (
    _ID,
    _NATIONAL_ID,
    CONTROL_CHARACTERS,
    DIRECTION_MARKS,
    MAX_NAME,
    MAX_POPULATION,
    is_identifier,
)
from drugfree_core.model.enums import WHOLE_FACT_KINDS, YES_NO_FACT_KINDS, UnitKind
from drugfree_core.model.recognition import SCHEME_ID
from drugfree_core.model.territory import TWO_TIER_START

#: Internal column: the row's index in its table, turned into a location on demand.
LOC = "_loc"
#: Internal column of the subject tables: the key tying a row to its subject.
SID = "_sid"
#: Type of :data:`LOC`: four bytes a row (up to 4,294,967,295 rows a table), where eight
#: would add a quarter of a gigabyte to ten times the national data while it is checked.
LOC_DTYPE = pl.UInt32()

#: The tables about people: ``subjects`` and the tables of their nested records.
SUBJECT_TABLES = (
    "subjects",
    "residences",
    "status_periods",
    "drug_tests",
    "rehab_episodes",
    "custody_periods",
)
#: The tables whose records are about people: the subjects' own, and the violations and
#: wanted fugitives that name one. A problem in them never quotes a cell (a misplaced
#: free text may hold a name or an ID number), only the column and what is wrong.
PERSONAL_TABLES = (*SUBJECT_TABLES, "drug_law_violations", "wanted_fugitives")
#: The tables whose rows belong to a subject through ``subject_id``.
CHILD_TABLES = SUBJECT_TABLES[1:]

#: The id columns kept for rejected rows: enough to name them and to follow references
#: (and, for units, to keep a quarantined unit in the count as a placeholder).
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("code", "parent_code", "kind", "valid_from", "valid_to"),
    "lineage": ("predecessor_code", "successor_code"),
    "subjects": ("id",),
    "residences": ("subject_id", "unit_code"),
    "status_periods": ("subject_id",),
    "drug_tests": ("subject_id",),
    "rehab_episodes": ("subject_id",),
    "custody_periods": ("subject_id",),
    "unit_facts": ("unit_code",),
    "coverage": ("unit_code",),
    "drug_law_violations": ("subject_id", "unit_code"),
    "wanted_fugitives": ("id", "unit_code"),
    "drug_use_locations": ("id", "unit_code"),
    "recognitions": ("unit_code", "scheme_id"),
}

#: Columns of a problem frame: the blamed row, a precise location if any, the reason.
PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    LOC: LOC_DTYPE,
    "location": pl.String(),
    "reason": pl.String(),
}

#: Turns (table, row index) into the location a person reads.
Locator = Callable[[str, int], str]


def internal_columns(table: str) -> tuple[str, ...]:
    """The internal columns a staged frame of *table* carries."""
    return (LOC, SID) if table in SUBJECT_TABLES else (LOC,)


def key_schema(table: str) -> dict[str, pl.DataType]:
    """Schema of the rejected-rows frame of *table*."""
    schema: dict[str, pl.DataType] = {LOC: LOC_DTYPE}
    if table in SUBJECT_TABLES:
        schema[SID] = pl.String()
    schema.update({c: pl.String() for c in KEY_COLUMNS[table]})
    return schema


def empty_problems() -> pl.DataFrame:
    """A problem frame with no rows."""
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def empty_keys(table: str) -> pl.DataFrame:
    """A rejected-rows frame of *table* with no rows."""
    return pl.DataFrame(schema=key_schema(table))


@attrs.frozen(kw_only=True)
class Staged:
    """What a door read, before the checks across records.

    ``good`` has, per table that could be read, the rows that passed the per-record
    checks: the schema's columns plus :data:`LOC` (and :data:`SID`). ``rejected`` has the
    key columns of the rows that did not (see :data:`KEY_COLUMNS`). ``problems`` has, per
    table, the problems found in single records (:data:`PROBLEM_SCHEMA`; ``location`` is
    null when the row's location says it all). ``fatal`` are the problems that no record
    can be blamed for (unreadable file, missing column): they always raise. A table
    missing from ``good`` could not be read, and the checks that need it are skipped.
    ``supplied`` names the tables the input gave, which the dataset keeps (a table it
    did not give is not known to be empty).
    """

    source: str
    locate: Locator
    good: Mapping[str, pl.DataFrame]
    rejected: Mapping[str, pl.DataFrame] = attrs.field(factory=dict)
    problems: Mapping[str, pl.DataFrame] = attrs.field(factory=dict)
    fatal: tuple[Problem, ...] = ()
    map_source: str | None = None
    #: The tables the input gave (a key of the document, a file of the folder).
    supplied: frozenset[str] = frozenset()
    #: The units of the map the input refers to (the embedded official map, which the
    #: door gives: a lower layer cannot load it), read only when a quarantined unit row
    #: needs a placeholder; without it, a placeholder keeps what the bad row said.
    known_units: Callable[[], pl.DataFrame] | None = None


# --- checks on single rows (used by the table door; the other doors have attrs) ------------

#: Reasons for a bad id, worded as ``model._checks.check_identifier`` words them.
ID_FORMAT = "must be 1-64 characters of letters, digits, '.', '_', ':' or '-'"
#: See :data:`ID_FORMAT`.
ID_NATIONAL = "looks like a national identity number; use a pseudonymous id"


def id_expr_ok(column: str) -> pl.Expr:
    """True where *column* holds an acceptable id, the columnar twin of ``is_identifier``."""
    col = pl.col(column)
    return col.str.contains(_ID.pattern) & ~col.str.contains(_NATIONAL_ID.pattern)


def _id_checks(column: str) -> list[tuple[pl.Expr, str]]:
    # The same two rules, in the same words, as model._checks.check_identifier. Rust's
    # regex "$" is the end of the text, like Python's fullmatch.
    col = pl.col(column)
    return [
        (~col.str.contains(_ID.pattern), f"{column} {ID_FORMAT}"),
        (col.str.contains(_NATIONAL_ID.pattern), f"{column} {ID_NATIONAL}"),
    ]


def _not_before(later: str, earlier: str) -> tuple[pl.Expr, str]:
    return pl.col(later) < pl.col(earlier), f"{later} is before {earlier}"


#: Per table, (condition of a bad row, reason): the attrs validators of model/ as columns.
RECORD_CHECKS: dict[str, list[tuple[pl.Expr, str]]] = {
    "units": [
        *_id_checks("code"),
        *_id_checks("parent_code"),
        (pl.col("name").str.len_chars() == 0, "name must not be empty"),
        (pl.col("name").str.len_chars() > MAX_NAME, f"name is longer than {MAX_NAME} characters"),
        (
            pl.col("name").str.contains(CONTROL_CHARACTERS),
            "name contains a control character, such as a line break, tab, NUL or escape",
        ),
        (
            pl.col("name").str.contains(DIRECTION_MARKS),
            "name contains a direction mark, such as a right-to-left override",
        ),
        (pl.col("resident_population") < 0, "resident_population must not be negative"),
        (
            pl.col("resident_population") > MAX_POPULATION,
            f"resident_population is too large: the limit is {MAX_POPULATION}",
        ),
        _not_before("valid_to", "valid_from"),
    ],
    "lineage": [
        *_id_checks("predecessor_code"),
        *_id_checks("successor_code"),
        (
            pl.col("predecessor_code") == pl.col("successor_code"),
            "a unit cannot be its own successor",
        ),
    ],
    "subjects": _id_checks("id"),
    "residences": [*_id_checks("unit_code"), _not_before("end", "start")],
    "status_periods": [
        _not_before("end", "start"),
        (pl.col("management_start") > pl.col("end"), "management_start is after end"),
    ],
    "drug_tests": [],
    "rehab_episodes": [
        _not_before("end", "start"),
        (pl.col("completed") & pl.col("end").is_null(), "a completed episode needs an end date"),
        # As the record refuses it (RehabEpisode.rank): the doors must not let in more.
        (pl.col("rank") < 1, "rank must be 1 or more; 1 is the first rehab"),
    ],
    "custody_periods": [_not_before("end", "start")],
    "unit_facts": [
        *_id_checks("unit_code"),
        _not_before("period_end", "period_start"),
        (pl.col("value") < 0, "value must not be negative"),
        (~pl.col("value").is_finite(), "value must be a finite number"),
        *(
            (
                (pl.col("kind").cast(pl.String) == kind.value)
                & pl.col("value").is_finite()
                & (pl.col("value") != pl.col("value").floor()),
                f"value of {kind.value} must be a whole number: it is a count",
            )
            for kind in sorted(WHOLE_FACT_KINDS, key=lambda k: k.value)
        ),
        *(
            (
                (pl.col("kind").cast(pl.String) == kind.value) & ~pl.col("value").is_in([0.0, 1.0]),
                f"value of {kind.value} must be 1 (yes) or 0 (no)",
            )
            for kind in sorted(YES_NO_FACT_KINDS, key=lambda k: k.value)
        ),
    ],
    "drug_law_violations": [*_id_checks("subject_id"), *_id_checks("unit_code")],
    "wanted_fugitives": [*_id_checks("id"), *_id_checks("unit_code"), _not_before("end", "start")],
    "drug_use_locations": [
        *_id_checks("id"),
        *_id_checks("unit_code"),
        _not_before("closed_on", "identified_on"),
    ],
    "recognitions": [
        *_id_checks("unit_code"),
        (
            ~pl.col("scheme_id").str.contains(SCHEME_ID.pattern),
            "scheme_id must be 1-80 letters, digits, '.', '_' or '-'",
        ),
        (
            (pl.col("assessment_year") < 1901) | (pl.col("assessment_year") > 9999),
            "assessment_year must be a year such as 2025",
        ),
        (pl.col("decision_ref").str.len_chars() == 0, "decision_ref must not be empty"),
        _not_before("withdrawn_on", "decided_on"),
    ],
    "coverage": [
        *_id_checks("unit_code"),
        _not_before("covered_to", "covered_from"),
        (pl.col("source_system").str.len_chars() == 0, "source_system must not be empty"),
        (
            pl.col("source_system").str.len_chars() > MAX_NAME,
            f"source_system is longer than {MAX_NAME} characters",
        ),
        (
            pl.col("source_system").str.contains(CONTROL_CHARACTERS),
            "source_system contains a control character, such as a line break, tab, NUL or escape",
        ),
        (
            pl.col("source_system").str.contains(DIRECTION_MARKS),
            "source_system contains a direction mark, such as a right-to-left override",
        ),
    ],
}


def flag_rows(frame: pl.DataFrame, checks: Iterable[tuple[pl.Expr, str]]) -> pl.DataFrame:
    """Problems for the rows of *frame* where a check's condition is true.

    A null condition (a cell that is missing or could not be read) is not a problem here;
    the reader reports those cells itself.
    """
    checks = list(checks)
    if not checks or frame.height == 0:
        return empty_problems()
    flags = frame.select(
        pl.col(LOC), *(cond.fill_null(False).alias(f"c{i}") for i, (cond, _) in enumerate(checks))
    )
    hits = flags.select(pl.col(f"c{i}").sum() for i in range(len(checks))).row(0)
    parts = [
        flags.filter(pl.col(f"c{i}")).select(
            pl.col(LOC),
            pl.lit(None, pl.String()).alias("location"),
            pl.lit(reason, pl.String()).alias("reason"),
        )
        for i, ((_, reason), count) in enumerate(zip(checks, hits, strict=True))
        if count
    ]
    return pl.concat(parts) if parts else empty_problems()


def record_problems(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The per-record checks of *table* (see :data:`RECORD_CHECKS`) over a typed frame."""
    return flag_rows(frame, RECORD_CHECKS[table])


# --- checks across records --------------------------------------------------------------


def _universe(staged: Staged, table: str) -> pl.DataFrame:
    """Keys of every row of *table*, good or rejected (as text, like rejected rows keep them)."""
    cols = [pl.col(name).cast(dtype) for name, dtype in key_schema(table).items()]
    parts = [staged.good[table].select(cols)] if table in staged.good else []
    rejected = staged.rejected.get(table)
    if rejected is not None and rejected.height:
        parts.append(rejected.select(cols))
    return pl.concat(parts) if parts else empty_keys(table)


def _problems(frame: pl.DataFrame, reason: pl.Expr | str) -> pl.DataFrame:
    reason_expr = pl.lit(reason, pl.String()) if isinstance(reason, str) else reason
    return frame.select(
        pl.col(LOC),
        pl.lit(None, pl.String()).alias("location"),
        reason_expr.cast(pl.String()).alias("reason"),
    )


def _duplicates(universe: pl.DataFrame, key: list[str], reason: str) -> pl.DataFrame:
    present = universe.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
    if len(key) == 1 and _ascending(present[key[0]]):
        # Copies of a key stand together in a sorted column (as exports list subjects):
        # comparing neighbours finds them without hashing every key (1 s for 4 million).
        column = pl.col(key[0])
        beside = (column == column.shift(1)) | (column == column.shift(-1))
        dup = present.filter(beside.fill_null(False))
    else:
        dup = present.filter(
            pl.struct(key).is_duplicated() if len(key) > 1 else pl.col(key[0]).is_duplicated()
        )
    if dup.height == 0:
        return empty_problems()
    counted = dup.with_columns(pl.len().over(key).alias("n"))
    return _problems(counted, pl.format(reason, pl.col("n")))


def _ascending(values: pl.Series) -> bool:
    """Whether *values* (no nulls) are in ascending order.

    Found by comparing neighbours, never from a sorted flag, which whoever built the
    series could have set wrongly.
    """
    return bool((values.shift(1) <= values).all())


def _dangling(
    frame: pl.DataFrame, column: str, known: pl.Series, reason: pl.Expr | str
) -> pl.DataFrame:
    bad = frame.filter(pl.col(column).is_not_null() & ~_among(frame[column], known))
    return _problems(bad, reason) if bad.height else empty_problems()


def _among(values: pl.Series, known: pl.Series) -> pl.Series:
    """Per value, whether it is one of *known* (no nulls); null for a null value.

    A few values against many known ones in ascending order (the drug law violations'
    people against all subject ids) are each found by binary search: hashing every known
    value would take a second for 4 million ids.
    """
    few = values.len() * 8 < known.len()
    if few and _ascending(known):
        at = known.search_sorted(values, side="left").clip(upper_bound=known.len() - 1)
        return (known.gather(at) == values).alias(values.name)
    return values.is_in(known.implode())


def _overlapping_residences(residences: pl.DataFrame) -> pl.DataFrame:
    # End dates are inclusive and an open end runs forever. Sorted by start, a person's
    # residences overlap somewhere iff two neighbours overlap (if i and j > i overlap,
    # so do i and i+1), so one cheap pass finds the people concerned; only for them, flag
    # every residence that starts on or before the latest end seen so far.
    open_end = pl.col("end").fill_null(dt.date.max)
    ordered = residences.select(LOC, SID, "start", open_end.alias("end")).sort([SID, "start", LOC])
    clash = (pl.col(SID) == pl.col(SID).shift(1)) & (pl.col("start") <= pl.col("end").shift(1))
    people = ordered.filter(clash)[SID].unique()
    if people.len() == 0:
        return empty_problems()
    latest_end = pl.col("end").cum_max().shift(1).over(SID)
    bad = ordered.filter(pl.col(SID).is_in(people.implode())).filter(pl.col("start") <= latest_end)
    return _problems(
        bad,
        "residence overlaps another residence of the same subject "
        "(a person lives in one unit at a time)",
    )


def _lineage_dates(lineage: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    joined = lineage.select(LOC, "successor_code", "effective").join(
        units.select(pl.col("code").alias("successor_code"), "valid_from").filter(
            pl.col("valid_from").is_not_null()
        ),
        on="successor_code",
    )
    bad = joined.filter(pl.col("effective") != pl.col("valid_from")).unique(LOC, keep="first")
    return _problems(
        bad,
        pl.format(
            "effective ({}) is not the successor's valid_from ({})",
            pl.col("effective"),
            pl.col("valid_from"),
        ),
    )


def _cycle_problems(
    frame: pl.DataFrame, edges: dict[int, tuple[str, str]], what: str
) -> pl.DataFrame:
    """Problems for the rows (by :data:`LOC`) whose edge lies on a cycle, the cycle listed.

    *edges* maps a row to its edge ``(from, to)``: a unit and its parent, or a
    predecessor and its successor. Each row on a cycle gets the cycle through its own
    edge, written from the row's ``from`` back to it (``A -> B -> C -> A``).
    """
    graph: dict[str, set[str]] = {}
    for a, b in edges.values():
        graph.setdefault(a, set()).add(b)
    on_cycle = _cyclic_nodes(graph)
    if not on_cycle:
        return empty_problems()
    locs: list[int] = []
    reasons: list[str] = []
    for loc, (a, b) in edges.items():
        if a in on_cycle and b in on_cycle:
            back = _path(graph, b, a, on_cycle)
            if back is not None:
                locs.append(loc)
                reasons.append(f"{what} form a cycle: {' -> '.join([a, *back])}")
    if not locs:
        return empty_problems()
    return pl.DataFrame(
        {LOC: locs, "location": [None] * len(locs), "reason": reasons}, schema=PROBLEM_SCHEMA
    )


def _cyclic_nodes(graph: dict[str, set[str]]) -> set[str]:
    """The nodes that lie on some cycle (strongly connected, or with an edge to themselves)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[str] = set()
    for root in graph:
        if root in index:
            continue
        # Iterative Tarjan: a national map is too deep for recursion.
        work: list[tuple[str, list[str]]] = [(root, sorted(graph.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    found.update(component)
    return found


def _path(graph: dict[str, set[str]], start: str, goal: str, within: set[str]) -> list[str] | None:
    """The shortest path from *start* to *goal* through *within* (both ends included)."""
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        if node == goal:
            path = []
            step: str | None = node
            while step is not None:
                path.append(step)
                step = previous[step]
            return path[::-1]
        for nxt in sorted(graph.get(node, ())):
            if nxt in within and nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def _ends_soon(edges: pl.DataFrame, steps: int = 8) -> bool:
    """Whether every walk along *edges* (``from`` → ``to``) stops within *steps* steps.

    Then no cycle exists, which is the usual case (a map is a few levels deep, lineage a
    step or two), proved with a few joins instead of a graph search in Python; a walk
    still going after *steps* steps leaves the answer to the search.
    """
    reached = edges.select(pl.col("to").alias("at")).unique()
    for _ in range(steps):
        if reached.is_empty():
            return True
        reached = (
            reached.join(edges, left_on="at", right_on="from")
            .select(pl.col("to").alias("at"))
            .unique()
        )
    return reached.is_empty()


def _parent_cycles(units: pl.DataFrame) -> pl.DataFrame:
    links = units.select(LOC, "code", "parent_code").drop_nulls()
    if _ends_soon(links.select(pl.col("code").alias("from"), pl.col("parent_code").alias("to"))):
        return empty_problems()
    rows = links.iter_rows()
    return _cycle_problems(units, {loc: (c, p) for loc, c, p in rows}, "parent units")


def _lineage_cycles(lineage: pl.DataFrame) -> pl.DataFrame:
    links = lineage.select(LOC, "predecessor_code", "successor_code").drop_nulls()
    edges = links.select(
        pl.col("predecessor_code").alias("from"), pl.col("successor_code").alias("to")
    )
    if _ends_soon(edges):
        return empty_problems()
    rows = links.iter_rows()
    return _cycle_problems(lineage, {loc: (a, b) for loc, a, b in rows}, "lineage links")


def _residence_levels(residences: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Residences in a province, or in a district after districts were abolished.

    People live in commune-level units. Before 1 July 2025 an island district without
    communes (Bạch Long Vĩ, Cồn Cỏ) was itself the place of residence, and lineage
    follows it to its special zone; from that day there are no districts to live in.
    """
    reform = TWO_TIER_START
    kinds = units.select(
        pl.col("code").alias("unit_code"),
        pl.col("kind").cast(pl.String()).alias("_kind"),
        pl.col("valid_to").alias("_unit_to"),
    ).unique("unit_code", keep="first")
    # Only residences in a province or district can be wrong: look those few codes up
    # first instead of joining every residence to the units (nationally 6 ms, not 28).
    above = kinds.filter(pl.col("_kind").is_in(["province", "district"]))
    joined = (
        residences.select(LOC, "unit_code", "end")
        .filter(pl.col("unit_code").is_in(above["unit_code"].implode()))
        .join(above, on="unit_code")
    )
    after_reform = (pl.col("end").is_null() | (pl.col("end") >= reform)) & (
        pl.col("_unit_to").is_null() | (pl.col("_unit_to") >= reform)
    )
    province = joined.filter(pl.col("_kind") == "province")
    district = joined.filter((pl.col("_kind") == "district") & after_reform)
    parts = [
        _problems(
            province,
            pl.format(
                "unit_code {} is a province; a residence must be in a commune-level unit "
                "(xã, phường, thị trấn or đặc khu)",
                pl.col("unit_code"),
            ),
        ),
        _problems(
            district,
            pl.format(
                "unit_code {} is a district, and districts were abolished on {}; a residence "
                "from then on must be in a commune-level unit (xã, phường or đặc khu)",
                pl.col("unit_code"),
                pl.lit(reform.isoformat()),
            ),
        ),
    ]
    return pl.concat(parts)


def cross_problems(staged: Staged) -> dict[str, list[pl.DataFrame]]:
    """Problems across records, per table; checks whose tables could not be read are skipped."""
    good = staged.good
    found: dict[str, list[pl.DataFrame]] = {t.name: [] for t in TABLES}
    have = set(good)

    if "units" in have:
        units_all = _universe(staged, "units")
        found["units"].append(
            _duplicates(units_all, ["code"], "duplicate unit code: {} records have this code")
        )
        codes = units_all["code"].drop_nulls().unique()
        found["units"].append(
            _dangling(
                good["units"],
                "parent_code",
                codes,
                pl.format("parent_code {} does not match any unit", pl.col("parent_code")),
            )
        )
        for table, column in (
            ("lineage", "predecessor_code"),
            ("lineage", "successor_code"),
            ("residences", "unit_code"),
            ("unit_facts", "unit_code"),
            ("coverage", "unit_code"),
            *((finding, "unit_code") for finding in sorted(FINDING_TABLES)),
        ):
            if table in have:
                found[table].append(
                    _dangling(
                        good[table],
                        column,
                        codes,
                        pl.format(f"{column} {{}} does not match any unit", pl.col(column)),
                    )
                )
        if "lineage" in have:
            found["lineage"].append(_lineage_dates(good["lineage"], good["units"]))
        found["units"].append(_parent_cycles(good["units"]))
        if "residences" in have:
            found["residences"].append(_residence_levels(good["residences"], good["units"]))

    if "lineage" in have:
        found["lineage"].append(_lineage_cycles(good["lineage"]))
        found["lineage"].append(
            _duplicates(
                _universe(staged, "lineage"),
                ["predecessor_code", "successor_code"],
                "duplicate lineage link: {} links join these two units",
            )
        )

    if "subjects" in have:
        subjects_all = _universe(staged, "subjects")
        found["subjects"].append(
            _duplicates(subjects_all, ["id"], "duplicate subject id: {} records have this id")
        )
        ids = subjects_all["id"].drop_nulls()
        for table, orphans in _orphans(good, ids).items():
            found[table].append(_problems(orphans, "subject_id does not match any subject"))
        if "drug_law_violations" in have:
            found["drug_law_violations"].append(
                _dangling(
                    good["drug_law_violations"],
                    "subject_id",
                    ids,
                    "subject_id does not match any subject",
                )
            )

    if "residences" in have:
        found["residences"].append(_overlapping_residences(good["residences"]))

    for table, key, reason in (
        ("wanted_fugitives", ["id", "unit_code", "start"], "duplicate wanted fugitive record"),
        ("drug_use_locations", ["id"], "duplicate location id"),
        ("recognitions", ["unit_code", "scheme_id"], "duplicate recognition"),
    ):
        if table in have:
            found[table].append(_finding_duplicates(staged, table, key, reason))
    return found


def _orphans(good: Mapping[str, pl.DataFrame], ids: pl.Series) -> dict[str, pl.DataFrame]:
    """The rows of each child table whose ``subject_id`` is none of *ids*, where there are.

    Only the first row of each run of one ``subject_id`` is looked up: exports list a
    person's records together, so that is a tenth of the rows, and one lookup over all
    the tables builds the set of ids once. Rows in any order give the same answer (more
    runs, more lookups). The tables' runs are found in one parallel query, and looked up
    by an anti-join (nationally about 50 ms instead of 90).
    """
    children = [t for t in CHILD_TABLES if t in good and good[t].height]
    if not children:
        return {}
    key = pl.col("subject_id")
    firsts = pl.concat(
        pl.collect_all(
            good[t].lazy().select(key).filter(key.is_not_null() & key.ne_missing(key.shift()))
            for t in children
        )
    )
    # One lazy query: polars streams the anti-join instead of holding every match.
    known = ids.drop_nulls().cast(pl.String()).alias("subject_id").to_frame().lazy()
    unknown = (
        firsts.lazy().join(known, on="subject_id", how="anti").select(key.unique()).collect()
    )["subject_id"]
    if unknown.is_empty():
        return {}
    found = {t: good[t].filter(key.is_in(unknown.implode())) for t in children}
    return {t: rows for t, rows in found.items() if rows.height}


def _finding_duplicates(staged: Staged, table: str, key: list[str], reason: str) -> pl.DataFrame:
    """Rows of a finding table that repeat another on *key* (full typed rows only)."""
    frame = staged.good[table]
    if table == "recognitions":
        key = [*key, "assessment_year"]
    return _duplicates(frame.select(LOC, *key), key, f"{reason}: {{}} records have this key")


def _gather(staged: Staged) -> dict[str, pl.DataFrame]:
    """Every record problem per table, in row order (per-record problems first per row)."""
    cross = cross_problems(staged)
    gathered: dict[str, pl.DataFrame] = {}
    for t in TABLES:
        parts = [
            p for p in (staged.problems.get(t.name), *cross[t.name]) if p is not None and p.height
        ]
        if parts:
            gathered[t.name] = pl.concat(parts).sort(LOC, maintain_order=True)
    return gathered


# --- naming records ---------------------------------------------------------------------


def _valid(value: Any) -> str | None:
    return value if isinstance(value, str) and is_identifier(value) else None


def _keys_at(universe: pl.DataFrame, locs: pl.Series) -> dict[int, dict[str, Any]]:
    rows = universe.filter(pl.col(LOC).is_in(locs.implode())).unique(LOC, keep="first")
    return {row[LOC]: row for row in rows.iter_rows(named=True)}


def _record_id(table: str, keys: Mapping[str, Any] | None) -> str | None:
    """The pseudonymous id that names a row: its unit code, link or subject id."""
    if keys is None:
        return None
    if table == "units":
        return _valid(keys["code"])
    if table == "lineage":
        pred, succ = _valid(keys["predecessor_code"]), _valid(keys["successor_code"])
        return f"{pred}->{succ}" if pred and succ else None
    if table == "subjects":
        return _valid(keys["id"])
    if table in ("unit_facts", "coverage", "recognitions"):
        return _valid(keys["unit_code"])
    if table in ("wanted_fugitives", "drug_use_locations"):
        return _valid(keys["id"])
    return _valid(keys["subject_id"])


def problem_list(staged: Staged, gathered: Mapping[str, pl.DataFrame]) -> tuple[Problem, ...]:
    """The fatal problems, then every record problem as :class:`Problem`, in table order."""
    out = list(staged.fatal)
    for t in TABLES:
        frame = gathered.get(t.name)
        if frame is None:
            continue
        keys = _keys_at(_universe(staged, t.name), frame[LOC].unique())
        for loc, location, reason in frame.iter_rows():
            out.append(
                Problem(
                    table=t.name,
                    location=location or staged.locate(t.name, loc),
                    reason=reason,
                    record_id=_record_id(t.name, keys.get(loc)),
                )
            )
    return tuple(out)


def all_problems(staged: Staged) -> tuple[Problem, ...]:
    """Every problem of *staged*: fatal ones, per-record ones and those across records."""
    return problem_list(staged, _gather(staged))


def summary(problems: tuple[Problem, ...], source: str) -> str:
    """One line for an exception message: how many problems, and the first."""
    n = len(problems)
    return f"{n} problem{'s' if n != 1 else ''} in {source}; first: {problems[0]}"


# --- quarantine -------------------------------------------------------------------------

_DROP_SCHEMA: dict[str, pl.DataType] = {
    LOC: LOC_DTYPE,
    "cause": pl.String(),
    "ref": pl.String(),
    "cause_table": pl.String(),
    "cause_loc": LOC_DTYPE,
}


def _drops(
    frame: pl.DataFrame,
    cause: str,
    *,
    ref: pl.Expr | None = None,
    cause_table: pl.Expr | str | None = None,
    cause_loc: pl.Expr | None = None,
) -> pl.DataFrame:
    table_expr = (
        pl.lit(cause_table) if isinstance(cause_table, str) or cause_table is None else cause_table
    )
    return frame.select(
        pl.col(LOC),
        pl.lit(cause).alias("cause"),
        (ref if ref is not None else pl.lit(None)).cast(pl.String()).alias("ref"),
        table_expr.cast(pl.String()).alias("cause_table"),
        (cause_loc if cause_loc is not None else pl.lit(None)).cast(LOC_DTYPE).alias("cause_loc"),
    )


def _cascade(
    staged: Staged, gathered: Mapping[str, pl.DataFrame]
) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """Which rows to drop and why: bad rows, then everything that depends on them.

    Dependencies: a unit's children (parent_code), lineage links, facts, coverage rows and
    residences depend on the unit; a subject is kept whole or not at all (one bad or
    dropped row of a person drops the person and all their rows), so that no person is
    evaluated on part of their record. A dropped unit row whose code is a valid id is
    replaced by a placeholder (see :func:`_placeholders`), so nothing that refers to it
    is lost with it: its people still count where they live.
    """
    universe = {t.name: _universe(staged, t.name) for t in TABLES}
    dropped: dict[str, pl.DataFrame] = {}
    for t in TABLES:
        parts = []
        problems = gathered.get(t.name)
        if problems is not None:
            parts.append(_drops(problems.select(LOC).unique(maintain_order=True), "problem"))
        dropped[t.name] = pl.concat(parts) if parts else pl.DataFrame(schema=_DROP_SCHEMA)

    def live(table: str) -> pl.DataFrame:
        return universe[table].join(dropped[table], on=LOC, how="anti")

    while True:
        new: dict[str, list[pl.DataFrame]] = {t.name: [] for t in TABLES}
        units = universe["units"]
        kept_codes = live("units")["code"].drop_nulls().unique()
        lost = (
            units.join(dropped["units"], on=LOC, how="semi")
            .filter(
                pl.col("code").is_not_null()
                & ~pl.col("code").is_in(kept_codes.implode())
                & ~id_expr_ok("code").fill_null(False)
            )["code"]
            .unique()
        )
        if lost.len():
            for table, column, cause in (
                ("units", "parent_code", "parent"),
                ("lineage", "predecessor_code", "unit"),
                ("lineage", "successor_code", "unit"),
                ("unit_facts", "unit_code", "unit"),
                ("coverage", "unit_code", "unit"),
                ("residences", "unit_code", "unit"),
                *((finding, "unit_code", "unit") for finding in sorted(FINDING_TABLES)),
            ):
                hit = live(table).filter(pl.col(column).is_in(lost.implode()))
                if hit.height:
                    new[table].append(_drops(hit, cause, ref=pl.col(column)))

        # A violation whose violator was quarantined goes with them.
        kept_ids = live("subjects")["id"].drop_nulls().unique()
        lost_ids = (
            universe["subjects"]
            .join(dropped["subjects"], on=LOC, how="semi")
            .filter(pl.col("id").is_not_null() & ~pl.col("id").is_in(kept_ids.implode()))["id"]
            .unique()
        )
        if lost_ids.len():
            hit = live("drug_law_violations").filter(pl.col("subject_id").is_in(lost_ids.implode()))
            if hit.height:
                new["drug_law_violations"].append(_drops(hit, "violator"))

        subjects = live("subjects")
        for table in CHILD_TABLES:
            # A person with a dropped row is dropped whole ...
            causes = (
                dropped[table]
                .filter(pl.col("cause") != "subject")
                .join(universe[table].select(LOC, SID), on=LOC)
            )
            hit = subjects.join(
                causes.group_by(SID).agg(pl.col(LOC).min().alias("cause_loc")), on=SID
            )
            if hit.height:
                new["subjects"].append(
                    _drops(hit, "record", cause_table=table, cause_loc=pl.col("cause_loc"))
                )
        gone = universe["subjects"].join(dropped["subjects"], on=LOC, how="semi")
        gone = (
            gone.filter(pl.col(SID).is_not_null())
            .group_by(SID)
            .agg(pl.col(LOC).min().alias("cause_loc"))
        )
        if gone.height:
            for table in CHILD_TABLES:
                # ... and so are all the rows of a dropped person.
                hit = live(table).join(gone, on=SID)
                if hit.height:
                    new[table].append(
                        _drops(
                            hit, "subject", cause_table="subjects", cause_loc=pl.col("cause_loc")
                        )
                    )

        added = False
        for name, parts in new.items():
            if parts:
                fresh = (
                    pl.concat(parts)
                    .unique(LOC, keep="first", maintain_order=True)
                    .join(dropped[name], on=LOC, how="anti")
                )
                if fresh.height:
                    dropped[name] = pl.concat([dropped[name], fresh])
                    added = True
        if not added:
            break

    # Nothing may vanish: a rejected row that nothing above explained is still reported.
    for t in TABLES:
        rejected = staged.rejected.get(t.name)
        if rejected is not None and rejected.height:
            rest = rejected.join(dropped[t.name], on=LOC, how="anti")
            if rest.height:
                dropped[t.name] = pl.concat([dropped[t.name], _drops(rest, "rejected")])
    return dropped, universe


def _quarantined_records(
    staged: Staged,
    gathered: Mapping[str, pl.DataFrame],
    dropped: Mapping[str, pl.DataFrame],
    universe: Mapping[str, pl.DataFrame],
) -> list[QuarantinedRecord]:
    locate = staged.locate
    # The units each subject concerned, from every residence row, kept or not.
    dropped_sids = (
        pl.concat(
            [universe[t].join(dropped[t], on=LOC, how="semi").select(SID) for t in SUBJECT_TABLES]
        )[SID]
        .drop_nulls()
        .unique()
    )
    sid_units: dict[str, list[str]] = {}
    if dropped_sids.len():
        res = universe["residences"].filter(pl.col(SID).is_in(dropped_sids.implode()))
        for sid, codes in (
            res.group_by(SID).agg(pl.col("unit_code").drop_nulls().unique()).iter_rows()
        ):
            sid_units[sid] = [c for c in codes if _valid(c)]

    out: list[QuarantinedRecord] = []
    for t in TABLES:
        drops = dropped[t.name].sort(LOC)
        if drops.height == 0:
            continue
        texts: dict[int, list[str]] = {}
        problems = gathered.get(t.name)
        if problems is not None:
            for loc, location, reason in problems.iter_rows():
                texts.setdefault(loc, []).append(f"{location}: {reason}" if location else reason)
        keys = _keys_at(universe[t.name], drops[LOC])
        for loc, cause, ref, cause_table, cause_loc in drops.iter_rows():
            if cause == "problem":
                reason = "; ".join(texts[loc])
            elif cause == "subject":
                reason = f"dropped with its subject ({locate(cause_table, cause_loc)})"
            elif cause == "record":
                reason = (
                    f"a record of this subject was quarantined ({locate(cause_table, cause_loc)})"
                )
            elif cause == "unit":
                reason = f"refers to quarantined unit {ref}"
            elif cause == "parent":
                reason = f"parent unit {ref} was quarantined"
            elif cause == "violator":
                reason = "the subject it names was quarantined"
            else:
                reason = "record could not be read"
            row = keys.get(loc)
            out.append(
                QuarantinedRecord(
                    table=t.name,
                    location=locate(t.name, loc),
                    reason=reason,
                    record_id=_record_id(t.name, row),
                    unit_codes=_unit_codes(t.name, row, sid_units),
                )
            )
    return out


def _unit_codes(
    table: str, row: Mapping[str, Any] | None, sid_units: Mapping[str, list[str]]
) -> tuple[str, ...]:
    if row is None:
        return ()
    if table == "units":
        codes = [row["code"]]
    elif table == "lineage":
        codes = [row["predecessor_code"], row["successor_code"]]
    elif table in ("unit_facts", "coverage") or table in FINDING_TABLES:
        codes = [row["unit_code"]]
    else:
        codes = list(sid_units.get(row[SID], [])) if row[SID] is not None else []
        if table == "residences":
            codes.append(row["unit_code"])
    return tuple(sorted({c for c in codes if _valid(c)}))


def _parse_date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _break_cycles(out: dict[str, dict[str, Any]], kept_parents: Mapping[str, str | None]) -> None:
    """Drop the parent of a placeholder where it would close a circle of parents.

    A row quarantined for a parent cycle must not bring the cycle back as a placeholder;
    the kept rows have none (they passed the checks).
    """
    for code, row in out.items():
        seen = {code}
        parent = row["parent_code"]
        while parent is not None:
            if parent in seen:
                row["parent_code"] = None
                break
            seen.add(parent)
            parent = out[parent]["parent_code"] if parent in out else kept_parents.get(parent)


def _placeholders(
    staged: Staged,
    dropped: pl.DataFrame,
    universe: pl.DataFrame,
    kept_parents: Mapping[str, str | None],
) -> pl.DataFrame:
    """Rows that keep quarantined units in the map, so that they still count as units.

    A unit row left out leaves a gap in the count of units in force (and a province's
    required count would shrink with it). Every dropped unit code that is a valid id gets
    one placeholder row: a row dropped only because of another row keeps all it said;
    else the official map's row when the code is there and nothing readable in the bad
    row contradicts it (its parent, kind and dates); else the bad row's readable keys,
    its name being its code, its kind ``commune`` when the kind cannot be read, its dates
    open when they cannot be read or contradict each other. The quarantined record still
    names the unit, so its passing outcomes become *unknown* rather than passes on data
    that the input itself called bad.
    """
    kept = set(kept_parents)
    schema = {**TABLES_BY_NAME["units"].polars_schema}
    rows = universe.join(dropped.select(LOC), on=LOC, how="semi").sort(LOC)
    good = staged.good.get("units")
    good_rows: dict[str, dict[str, Any]] = {}
    if good is not None:
        cut = good.join(dropped.select(LOC), on=LOC, how="semi").sort(LOC)
        for r in cut.iter_rows(named=True):
            good_rows.setdefault(r["code"], r)
    official: pl.DataFrame | None = None
    kinds = {k.value for k in UnitKind}
    out: dict[str, dict[str, Any]] = {}
    for keys in rows.iter_rows(named=True):
        code = _valid(keys["code"])
        if code is None or code in kept or code in out:
            continue
        if code in good_rows:
            out[code] = {k: good_rows[code][k] for k in schema}
            continue
        start, end = _parse_date(keys["valid_from"]), _parse_date(keys["valid_to"])
        said: dict[str, Any] = {
            "parent_code": _valid(keys["parent_code"]),
            "kind": keys["kind"] if keys["kind"] in kinds else None,
            "valid_from": start,
            "valid_to": end,
        }
        if official is None and staged.known_units is not None:
            official = staged.known_units()
        match = official.filter(pl.col("code") == code) if official is not None else None
        if match is not None and match.height:
            row = match.row(0, named=True)
            if all(v is None or row[k] == v for k, v in said.items()):
                out[code] = {k: row[k] for k in schema}
                continue
        if start is not None and end is not None and end < start:
            start = end = None
        out[code] = {
            "code": code,
            "name": code,
            "kind": said["kind"] or UnitKind.COMMUNE.value,
            "parent_code": said["parent_code"],
            "resident_population": None,
            "valid_from": start,
            "valid_to": end,
        }
    known = kept | set(out)
    for row in out.values():
        if row["parent_code"] not in known:
            row["parent_code"] = None
    _break_cycles(out, kept_parents)
    frame = pl.DataFrame(list(out.values()), schema=schema, orient="row")
    return frame.with_columns(pl.lit(None, LOC_DTYPE).alias(LOC))


@attrs.frozen(kw_only=True)
class Checked:
    """What passed the checks: the frames to build a dataset from, and what was left out.

    :meth:`drugfree_core.dataset.Dataset.from_staged` turns it into a dataset.
    """

    frames: Mapping[str, pl.DataFrame]
    quarantined: tuple[QuarantinedRecord, ...] = ()
    map_source: str | None = None
    supplied: frozenset[str] = frozenset()


def finish(staged: Staged, *, quarantine: bool) -> Checked:
    """Run the checks across records, then raise (strict) or quarantine.

    Raises :class:`~drugfree_core.errors.DatasetError` listing every problem when there is a
    fatal problem, or any problem at all unless *quarantine*.
    """
    gathered = _gather(staged)
    if staged.fatal or (gathered and not quarantine):
        problems = problem_list(staged, gathered)
        raise DatasetError(summary(problems, staged.source), problems)
    frames = dict(staged.good)
    quarantined: list[QuarantinedRecord] = []
    if gathered or any(r.height for r in staged.rejected.values()):
        dropped, universe = _cascade(staged, gathered)
        quarantined = _quarantined_records(staged, gathered, dropped, universe)
        frames = {
            name: frame.filter(~pl.col(LOC).is_in(dropped[name][LOC].implode()))
            if dropped[name].height
            else frame
            for name, frame in frames.items()
        }
        if dropped["units"].height and "units" in frames:
            kept_parents = dict(frames["units"].select("code", "parent_code").iter_rows())
            extra = _placeholders(staged, dropped["units"], universe["units"], kept_parents)
            if extra.height:
                frames["units"] = pl.concat(
                    [frames["units"], extra.select(frames["units"].columns)]
                )
    return Checked(
        frames={name: frame.drop(internal_columns(name)) for name, frame in frames.items()},
        quarantined=tuple(quarantined),
        map_source=staged.map_source,
        supplied=staged.supplied,
    )
