"""The tabular form of a dataset: one table per record type, with typed columns.

This is the single description of the columns that the table reader, the JSON flattener,
the validators and the engine all use, so the two doors cannot drift apart.
"""

from __future__ import annotations

import enum

import attrs
import polars as pl

from drugfree_core.model.enums import (
    FactKind,
    LocationBasis,
    LocationKind,
    RehabForm,
    SubjectKind,
    TestMethod,
    TestResult,
    TestSchedule,
    UnitKind,
    ViolationKind,
)


def enum_dtype(values: type[enum.Enum]) -> pl.Enum:
    """The polars Enum dtype holding the wire values of *values*."""
    return pl.Enum([member.value for member in values])


@attrs.frozen(kw_only=True)
class Column:
    """One column: name, dtype, whether it may be null, and its default when absent."""

    name: str
    dtype: pl.DataType
    nullable: bool = False
    default: object = None
    enum: type[enum.Enum] | None = None

    @property
    def optional_in_files(self) -> bool:
        """Whether a table file may leave the column out (it is then null or the default)."""
        return self.nullable or self.default is not None


@attrs.frozen(kw_only=True)
class Table:
    """A table of the dataset: its name, its columns and which column names the record."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    parent: tuple[str, str] | None = None  # (column, referenced table) for subject children

    @property
    def column_names(self) -> tuple[str, ...]:
        """Column names in canonical order."""
        return tuple(c.name for c in self.columns)

    @property
    def polars_schema(self) -> dict[str, pl.DataType]:
        """The polars schema of the table in canonical order."""
        return {c.name: c.dtype for c in self.columns}

    def column(self, name: str) -> Column:
        """The column called *name*."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


def _enum(name: str, values: type[enum.Enum], default: enum.Enum | None = None) -> Column:
    return Column(
        name=name,
        dtype=enum_dtype(values),
        enum=values,
        default=None if default is None else default.value,
    )


_S, _D, _I, _F, _B = pl.String(), pl.Date(), pl.Int64(), pl.Float64(), pl.Boolean()

UNITS = Table(
    name="units",
    key=("code",),
    columns=(
        Column(name="code", dtype=_S),
        Column(name="name", dtype=_S),
        _enum("kind", UnitKind),
        Column(name="parent_code", dtype=_S, nullable=True),
        Column(name="resident_population", dtype=_I, nullable=True),
        Column(name="valid_from", dtype=_D, nullable=True),
        Column(name="valid_to", dtype=_D, nullable=True),
    ),
)
LINEAGE = Table(
    name="lineage",
    key=("predecessor_code", "successor_code"),
    columns=(
        Column(name="predecessor_code", dtype=_S),
        Column(name="successor_code", dtype=_S),
        Column(name="effective", dtype=_D),
    ),
)
SUBJECTS = Table(name="subjects", key=("id",), columns=(Column(name="id", dtype=_S),))
RESIDENCES = Table(
    name="residences",
    parent=("subject_id", "subjects"),
    columns=(
        Column(name="subject_id", dtype=_S),
        Column(name="unit_code", dtype=_S),
        Column(name="start", dtype=_D),
        Column(name="end", dtype=_D, nullable=True),
    ),
)
STATUS_PERIODS = Table(
    name="status_periods",
    parent=("subject_id", "subjects"),
    columns=(
        Column(name="subject_id", dtype=_S),
        _enum("kind", SubjectKind),
        Column(name="start", dtype=_D),
        Column(name="end", dtype=_D, nullable=True),
        Column(name="has_management_record", dtype=_B, nullable=True),
        Column(name="management_start", dtype=_D, nullable=True),
        Column(name="support_provided", dtype=_B, nullable=True),
    ),
)
DRUG_TESTS = Table(
    name="drug_tests",
    parent=("subject_id", "subjects"),
    columns=(
        Column(name="subject_id", dtype=_S),
        Column(name="date", dtype=_D),
        _enum("result", TestResult),
        _enum("method", TestMethod, TestMethod.SCREENING),
        _enum("schedule", TestSchedule, TestSchedule.PERIODIC),
    ),
)
REHAB_EPISODES = Table(
    name="rehab_episodes",
    parent=("subject_id", "subjects"),
    columns=(
        Column(name="subject_id", dtype=_S),
        _enum("form", RehabForm),
        Column(name="start", dtype=_D),
        Column(name="end", dtype=_D, nullable=True),
        Column(name="completed", dtype=_B, default=False),
        Column(name="minor", dtype=_B, default=False),
        Column(name="rank", dtype=_I, nullable=True),
    ),
)
CUSTODY_PERIODS = Table(
    name="custody_periods",
    parent=("subject_id", "subjects"),
    columns=(
        Column(name="subject_id", dtype=_S),
        Column(name="start", dtype=_D),
        Column(name="end", dtype=_D, nullable=True),
    ),
)
UNIT_FACTS = Table(
    name="unit_facts",
    columns=(
        Column(name="unit_code", dtype=_S),
        _enum("kind", FactKind),
        Column(name="period_start", dtype=_D),
        Column(name="period_end", dtype=_D),
        Column(name="value", dtype=_F),
    ),
)

COVERAGE = Table(
    name="coverage",
    columns=(
        Column(name="unit_code", dtype=_S),
        Column(name="covered_from", dtype=_D, nullable=True),
        Column(name="covered_to", dtype=_D, nullable=True),
        Column(name="source_system", dtype=_S, nullable=True),
    ),
)
DRUG_LAW_VIOLATIONS = Table(
    name="drug_law_violations",
    columns=(
        Column(name="subject_id", dtype=_S),
        Column(name="unit_code", dtype=_S),
        Column(name="date", dtype=_D),
        _enum("kind", ViolationKind),
    ),
)
WANTED_FUGITIVES = Table(
    name="wanted_fugitives",
    key=("id",),
    columns=(
        Column(name="id", dtype=_S),
        Column(name="unit_code", dtype=_S),
        Column(name="start", dtype=_D),
        Column(name="end", dtype=_D, nullable=True),
    ),
)
DRUG_USE_LOCATIONS = Table(
    name="drug_use_locations",
    key=("id",),
    columns=(
        Column(name="id", dtype=_S),
        Column(name="unit_code", dtype=_S),
        _enum("kind", LocationKind),
        _enum("basis", LocationBasis),
        Column(name="identified_on", dtype=_D),
        Column(name="closed_on", dtype=_D, nullable=True),
    ),
)
RECOGNITIONS = Table(
    name="recognitions",
    key=("unit_code", "scheme_id", "assessment_year"),
    columns=(
        Column(name="unit_code", dtype=_S),
        Column(name="scheme_id", dtype=_S),
        Column(name="assessment_year", dtype=_I),
        Column(name="decided_on", dtype=_D),
        Column(name="decision_ref", dtype=_S, nullable=True),
        Column(name="withdrawn_on", dtype=_D, nullable=True),
    ),
)

#: Every table, in the order files are read and problems are reported.
TABLES: tuple[Table, ...] = (
    UNITS,
    LINEAGE,
    SUBJECTS,
    RESIDENCES,
    STATUS_PERIODS,
    DRUG_TESTS,
    REHAB_EPISODES,
    CUSTODY_PERIODS,
    UNIT_FACTS,
    COVERAGE,
    DRUG_LAW_VIOLATIONS,
    WANTED_FUGITIVES,
    DRUG_USE_LOCATIONS,
    RECOGNITIONS,
)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
#: Tables a dataset folder must contain. None is required: a dataset without units uses
#: the embedded official map (:mod:`drugfree_core.adminmap`), and any other table may be
#: left out. A table left out is *not supplied*, which is not the same as empty: a
#: criterion that reads it is *unknown* (see :attr:`Dataset.supplied
#: <drugfree_core.dataset.Dataset.supplied>`); an empty file (a header row) says "none".
REQUIRED_TABLES: frozenset[str] = frozenset()
#: Tables of findings about a unit (Decision 28/2025 Art. 6) and of its recognitions:
#: each row names its unit by ``unit_code`` and is checked against the units. Whether
#: one was supplied matters as for any table (:mod:`drugfree_core.rules.tables`).
FINDING_TABLES: frozenset[str] = frozenset(
    {"drug_law_violations", "wanted_fugitives", "drug_use_locations", "recognitions"}
)
