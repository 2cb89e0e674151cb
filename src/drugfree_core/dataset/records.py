"""Typed records to frames: the flattening shared by the JSON door and ``Dataset.from_records``.

A subject's nested lists become rows of the subject tables with ``subject_id`` set; each
row remembers where it came from (``subjects[3].tests[0]``, or ``$.subjects[3].tests[0]``
in a document) so that problems found across records can name it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import polars as pl

from drugfree_core.dataset.checks import (
    KEY_COLUMNS,
    LOC,
    LOC_DTYPE,
    PROBLEM_SCHEMA,
    SID,
    SUBJECT_TABLES,
    Staged,
    internal_columns,
    key_schema,
)
from drugfree_core.dataset.schema import TABLES, TABLES_BY_NAME
from drugfree_core.model import (
    AdminUnit,
    Coverage,
    DrugLawViolation,
    DrugUseLocation,
    LineageLink,
    Recognition,
    Subject,
    UnitFact,
    WantedFugitive,
)
from drugfree_core.model._checks import is_unicode

#: Child table -> the :class:`~drugfree_core.model.Subject` field that holds its rows.
CHILD_FIELDS: dict[str, str] = {
    "residences": "residences",
    "status_periods": "statuses",
    "drug_tests": "tests",
    "rehab_episodes": "rehab_episodes",
    "custody_periods": "custody",
}
#: Top-level list of a document (and table) -> its record class.
TOP_LEVEL: dict[str, type] = {
    "units": AdminUnit,
    "lineage": LineageLink,
    "subjects": Subject,
    "unit_facts": UnitFact,
    "coverage": Coverage,
    "drug_law_violations": DrugLawViolation,
    "wanted_fugitives": WantedFugitive,
    "drug_use_locations": DrugUseLocation,
    "recognitions": Recognition,
}


def supplied_tables(top_level: Sequence[str]) -> frozenset[str]:
    """The tables supplied by these top-level lists: ``subjects`` brings its nested tables."""
    tables = set(top_level)
    if "subjects" in tables:
        tables |= set(CHILD_FIELDS)
    return frozenset(tables)


_NESTED_ROW = re.compile(r"^\.[a-z_]+\[\d+\]")


class RowBuilder:
    """Collects the rows of every table, kept or rejected, with their locations.

    Row indexes (:data:`~drugfree_core.dataset.checks.LOC`) count good and rejected rows of a
    table together, in input order, and index :attr:`paths`.
    """

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.paths: dict[str, list[str]] = {t.name: [] for t in TABLES}
        self._good: dict[str, dict[str, list[Any]]] = {
            t.name: {c: [] for c in (*t.column_names, *internal_columns(t.name))} for t in TABLES
        }
        self._rejected: dict[str, dict[str, list[Any]]] = {
            name: {c: [] for c in key_schema(name)} for name in TABLES_BY_NAME
        }
        self._problems: dict[str, list[tuple[int, str, str]]] = {t.name: [] for t in TABLES}
        # Which columns come straight from a record attribute, and which are enums
        # written by value; subject_id comes from the subject, not the nested record.
        self._plain = {
            t.name: [
                c.name
                for c in t.columns
                if c.enum is None and not (c.name == "subject_id" and t.name in SUBJECT_TABLES)
            ]
            for t in TABLES
        }
        self._enums = {t.name: [c.name for c in t.columns if c.enum is not None] for t in TABLES}

    def locate(self, table: str, loc: int) -> str:
        """The location of row *loc* of *table*."""
        return self.paths[table][loc]

    def _next(self, table: str, path: str) -> int:
        self.paths[table].append(f"{self.prefix}{path}")
        return len(self.paths[table]) - 1

    def add(
        self,
        table: str,
        path: str,
        record: Any,
        *,
        sid: str | None = None,
        subject_id: str | None = None,
    ) -> None:
        """Add a valid record (an attrs instance) as a row of *table*."""
        columns = self._good[table]
        columns[LOC].append(self._next(table, path))
        if table in SUBJECT_TABLES:
            columns[SID].append(sid)
            if table != "subjects":
                columns["subject_id"].append(subject_id)
        for name in self._plain[table]:
            columns[name].append(getattr(record, name))
        for name in self._enums[table]:
            columns[name].append(getattr(record, name).value)

    def add_subject(self, path: str, subject: Subject, sid: str) -> None:
        """Add a valid subject and all its nested rows."""
        self.add("subjects", path, subject, sid=sid)
        for table, field in CHILD_FIELDS.items():
            for j, child in enumerate(getattr(subject, field)):
                self.add(table, f"{path}.{field}[{j}]", child, sid=sid, subject_id=subject.id)

    def reject(
        self,
        table: str,
        path: str,
        keys: dict[str, Any],
        *,
        sid: str | None = None,
        problems: Sequence[tuple[str | None, str]] = (),
    ) -> int:
        """Add a row that cannot be kept: its key values (strings or None) and its problems.

        Each problem is ``(precise location or None, reason)``.
        """
        loc = self._next(table, path)
        columns = self._rejected[table]
        columns[LOC].append(loc)
        if table in SUBJECT_TABLES:
            columns[SID].append(sid)
        for name in KEY_COLUMNS[table]:
            value = keys.get(name)
            # A raw key from a rejected element may be anything, even unwritable text.
            columns[name].append(value if isinstance(value, str) and is_unicode(value) else None)
        for location, reason in problems:
            self._problems[table].append((loc, location or self.paths[table][loc], reason))
        return loc

    def reject_subject(
        self, path: str, raw: object, sid: str, problems: Sequence[tuple[str | None, str]]
    ) -> None:
        """Reject a subject element and every nested row it holds, for quarantine.

        A problem inside a nested row (``$.subjects[3].tests[0].date``) is filed under
        that row's table, as the table door files it; the subject follows its row out.
        """
        raw_map = raw if isinstance(raw, dict) else {}
        subject_id = raw_map.get("id")
        subject_loc = self.reject("subjects", path, {"id": subject_id}, sid=sid)
        rows: dict[str, tuple[str, int]] = {}  # location of a nested row -> (table, loc)
        for table, field in CHILD_FIELDS.items():
            children = raw_map.get(field)
            if not isinstance(children, list):
                continue
            for j, child in enumerate(children):
                keys = {"subject_id": subject_id}
                if table == "residences" and isinstance(child, dict):
                    keys["unit_code"] = child.get("unit_code")
                loc = self.reject(table, f"{path}.{field}[{j}]", keys, sid=sid)
                rows[self.paths[table][loc]] = (table, loc)
        subject_path = self.paths["subjects"][subject_loc]
        for location, reason in problems:
            table, loc = "subjects", subject_loc
            if location is not None:
                nested = _NESTED_ROW.match(location[len(subject_path) :])
                if nested and subject_path + nested.group(0) in rows:
                    table, loc = rows[subject_path + nested.group(0)]
            self._problems[table].append((loc, location or subject_path, reason))

    def stage(
        self,
        source: str,
        fatal: Sequence[Any] = (),
        unavailable: Sequence[str] = (),
        supplied: frozenset[str] = frozenset(),
    ) -> Staged:
        """The collected rows as a :class:`~drugfree_core.dataset.checks.Staged` input.

        *supplied* names the tables the input brought (default: none).
        """
        good = {}
        for t in TABLES:
            if t.name in unavailable:
                continue
            schema = {
                **t.polars_schema,
                LOC: LOC_DTYPE,
                **({SID: pl.String()} if t.name in SUBJECT_TABLES else {}),
            }
            good[t.name] = pl.DataFrame(self._good[t.name], schema=schema)
        rejected = {
            name: pl.DataFrame(cols, schema=key_schema(name))
            for name, cols in self._rejected.items()
        }
        problems = {
            name: pl.DataFrame(rows, schema=PROBLEM_SCHEMA, orient="row")
            for name, rows in self._problems.items()
            if rows
        }
        return Staged(
            source=source,
            locate=self.locate,
            good=good,
            rejected=rejected,
            problems=problems,
            fatal=tuple(fatal),
            supplied=supplied,
        )


def records_to_staged(
    *,
    units: Sequence[AdminUnit],
    subjects: Sequence[Subject] | None = None,
    lineage: Sequence[LineageLink] | None = None,
    unit_facts: Sequence[UnitFact] | None = None,
    coverage: Sequence[Coverage] | None = None,
    drug_law_violations: Sequence[DrugLawViolation] | None = None,
    wanted_fugitives: Sequence[WantedFugitive] | None = None,
    drug_use_locations: Sequence[DrugUseLocation] | None = None,
    recognitions: Sequence[Recognition] | None = None,
) -> Staged:
    """Typed records as a :class:`~drugfree_core.dataset.checks.Staged` input.

    The records validated themselves when they were made; a value of the wrong type in
    a list is a problem of its own. An argument left as ``None`` is a table not supplied
    (see :attr:`Dataset.supplied <drugfree_core.dataset.Dataset.supplied>`). Problems are
    located as ``units[2]`` or ``subjects[3].residences[1]`` (positions in the arguments).
    """
    builder = RowBuilder()
    arguments: dict[str, Sequence[Any] | None] = {
        "units": units,
        "lineage": lineage,
        "subjects": subjects,
        "unit_facts": unit_facts,
        "coverage": coverage,
        "drug_law_violations": drug_law_violations,
        "wanted_fugitives": wanted_fugitives,
        "drug_use_locations": drug_use_locations,
        "recognitions": recognitions,
    }
    given = {table: records for table, records in arguments.items() if records is not None}
    for table, records in given.items():
        cls = TOP_LEVEL[table]
        for i, record in enumerate(records):
            path = f"{table}[{i}]"
            if not isinstance(record, cls):
                problem = (None, f"expected {cls.__name__}, got {type(record).__name__}")
                if table == "subjects":
                    builder.reject_subject(path, None, str(i), [problem])
                else:
                    builder.reject(table, path, {}, problems=[problem])
            elif isinstance(record, Subject):
                builder.add_subject(path, record, str(i))
            else:
                builder.add(table, path, record)
    return builder.stage("records", supplied=supplied_tables(list(given)))
