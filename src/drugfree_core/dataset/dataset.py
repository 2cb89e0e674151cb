"""The columnar dataset the engine evaluates: one polars frame per table."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

import attrs
import polars as pl

from drugfree_core.dataset.checks import CHILD_TABLES, Staged, finish
from drugfree_core.dataset.quarantine import QuarantinedRecord
from drugfree_core.dataset.records import records_to_staged
from drugfree_core.dataset.schema import FINDING_TABLES, TABLES, TABLES_BY_NAME, Table
from drugfree_core.errors import DatasetError, UsageError
from drugfree_core.i18n import msg
from drugfree_core.model import (
    AdminUnit,
    Coverage,
    CustodyPeriod,
    DrugLawViolation,
    DrugTest,
    DrugUseLocation,
    FactKind,
    LineageLink,
    LocationBasis,
    LocationKind,
    Recognition,
    RehabEpisode,
    RehabForm,
    Residence,
    StatusPeriod,
    Subject,
    SubjectKind,
    TestMethod,
    TestResult,
    TestSchedule,
    UnitFact,
    UnitKind,
    ViolationKind,
    WantedFugitive,
)

#: How a dataset says which units it covers (see :attr:`Dataset.coverage_basis`).
CoverageBasis = Literal["declared", "units", "none"]

#: Every table name: what a dataset built from frames or records in full has supplied.
ALL_TABLES: frozenset[str] = frozenset(t.name for t in TABLES)


def _table_names(names: Iterable[str]) -> frozenset[str]:
    return frozenset(names)


def empty_frame(table: Table) -> pl.DataFrame:
    """An empty frame with the table's canonical schema."""
    return pl.DataFrame(schema=table.polars_schema)


#: The column each person's table is looked up and grouped by.
_PERSON_ID_COLUMN = {"subjects": "id", **{name: "subject_id" for name in CHILD_TABLES}}


def _person_key_sorted(name: str, frame: pl.DataFrame) -> bool:
    """Whether *frame*'s person key has no null and ascends (False for other tables)."""
    column = _PERSON_ID_COLUMN.get(name)
    if column is None or column not in frame.columns or frame.is_empty():
        return False
    key = frame[column]
    return not key.null_count() and key.is_sorted()  # polars trusts a flag already set


def _sorted_person_keys(frames: Mapping[str, pl.DataFrame]) -> frozenset[str]:
    """The tables of *frames* whose person key is sorted (see :func:`_flag_sorted`)."""
    return frozenset(name for name, frame in frames.items() if _person_key_sorted(name, frame))


def _flag_sorted(name: str, frame: pl.DataFrame, ascending: bool | None = None) -> pl.DataFrame:
    """*frame* with its person key flagged sorted, if it is (polars then skips sorting).

    Exports usually list each person's records together and in order; checking that
    once here (some 35 ms nationally) lets every look-up by person use a binary search
    and every join or grouping by person use polars' sorted paths. *ascending* is the
    answer when already known (see :meth:`Dataset.from_staged`).
    """
    if ascending is None:
        ascending = _person_key_sorted(name, frame)
    if not ascending:
        return frame
    column = _PERSON_ID_COLUMN[name]
    return frame.with_columns(frame[column].set_sorted())


def _conform(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """Check *frame* has exactly the table's columns and cast it to the canonical dtypes."""
    expected = set(table.column_names)
    present = set(frame.columns)
    if present != expected:
        missing = sorted(expected - present)
        extra = sorted(present - expected)
        fields = {
            "table": repr(table.name),
            "missing": ", ".join(missing),
            "unexpected": ", ".join(extra),
        }
        if missing and extra:
            text = msg(
                "table {table} does not match its schema; missing columns: {missing}; "
                "unexpected columns: {unexpected}",
                **fields,
            )
        elif missing:
            text = msg(
                "table {table} does not match its schema; missing columns: {missing}", **fields
            )
        else:
            text = msg(
                "table {table} does not match its schema; unexpected columns: {unexpected}",
                **fields,
            )
        raise DatasetError(text)
    return frame.select(pl.col(c.name).cast(c.dtype) for c in table.columns)


@attrs.frozen(kw_only=True)
class Dataset:
    """A validated dataset in columnar form.

    Build one with :func:`drugfree_core.load` (JSON document or folder of tables) or
    :meth:`from_records` (typed model objects). Frames follow
    :data:`drugfree_core.dataset.schema.TABLES`; ``quarantined`` lists the records that a
    lenient load kept out.

    ``supplied`` names the tables the input actually gave (a key of the JSON document, a
    file of the folder, an argument of :meth:`from_records`). A table that was not
    supplied has an empty frame here, but it is *not known to be empty*: criteria that
    read it are *unknown*. A supplied empty table means "none". In a JSON document the
    tables nested in each subject (residences, statuses, tests, rehab episodes, custody)
    come with ``subjects``.

    A person table that :meth:`from_frames` (and so every loader) finds in order of its
    person (``subjects`` by ``id``, the others by ``subject_id``, no nulls) has that
    column flagged sorted for polars, which then looks people up and joins and groups
    them by their sorted paths; a table in any other order is left as it is.
    """

    units: pl.DataFrame
    lineage: pl.DataFrame
    subjects: pl.DataFrame
    residences: pl.DataFrame
    status_periods: pl.DataFrame
    drug_tests: pl.DataFrame
    rehab_episodes: pl.DataFrame
    custody_periods: pl.DataFrame
    unit_facts: pl.DataFrame
    drug_law_violations: pl.DataFrame
    wanted_fugitives: pl.DataFrame
    drug_use_locations: pl.DataFrame
    recognitions: pl.DataFrame
    coverage: pl.DataFrame
    quarantined: tuple[QuarantinedRecord, ...] = ()
    #: Where the units came from when the data brought none (the embedded official map).
    map_source: str | None = None
    #: The tables the input gave (see the class documentation).
    supplied: frozenset[str] = attrs.field(default=ALL_TABLES, converter=_table_names)
    #: The units whose people a part cut with ``whole_map=True`` holds (None: a whole
    #: dataset). Only they can be evaluated on it, and it cannot be saved as a dataset:
    #: every other unit of its map would look like a unit where nobody lives.
    records_for: frozenset[str] | None = None
    # Columns found sorted, for look-ups by binary search (see _rows_where).
    _lookups: dict[tuple[str, str], pl.Series | None] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )
    # Columns that are not sorted, hashed, for look-ups by hash (see _rows_where).
    _hashes: dict[tuple[str, str], pl.Series] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )
    # Values derived from the frames by the layers above (see derived()), and the lock
    # that guards them (threads may share a dataset).
    _derived: dict[Any, Any] = attrs.field(factory=dict, init=False, repr=False, eq=False)
    _memo_lock: threading.Lock = attrs.field(
        factory=threading.Lock, init=False, repr=False, eq=False
    )
    # Values derived from the map's tables alone (derived(map_only=True)): shared with
    # the copies that keep the same map (see with_people, for_one_date and whole_map).
    _map_memo: _MapMemo = attrs.field(factory=lambda: _MapMemo(), init=False, repr=False, eq=False)

    @classmethod
    def from_frames(
        cls,
        frames: Mapping[str, pl.DataFrame],
        *,
        quarantined: Sequence[QuarantinedRecord] = (),
        map_source: str | None = None,
        supplied: Iterable[str] | None = None,
    ) -> Dataset:
        """Build from frames named after the tables; a table left out is empty.

        *supplied* names the tables the input gave; by default, the tables in *frames*
        (a table left out is then *not supplied*, see :attr:`supplied`). Only the
        columns and dtypes are checked here; the loaders check content.
        """
        return cls._assemble(
            frames, quarantined=quarantined, map_source=map_source, supplied=supplied
        )

    @classmethod
    def _assemble(
        cls,
        frames: Mapping[str, pl.DataFrame],
        *,
        quarantined: Sequence[QuarantinedRecord] = (),
        map_source: str | None = None,
        supplied: Iterable[str] | None = None,
        ascending: frozenset[str] | None = None,
    ) -> Dataset:
        """:meth:`from_frames`, told which tables' person keys ascend (None: look)."""
        if not isinstance(frames, Mapping) or not all(
            isinstance(f, pl.DataFrame) for f in frames.values()
        ):
            raise UsageError(msg("frames must map table names to polars DataFrames"))
        unknown = set(frames) - set(TABLES_BY_NAME)
        given = set(frames) if supplied is None else set(supplied)
        unknown |= given - set(TABLES_BY_NAME)
        if unknown:
            raise DatasetError(msg("unknown tables: {tables}", tables=", ".join(sorted(unknown))))
        conformed: dict[str, Any] = {  # the tables' frames, by name
            t.name: _flag_sorted(
                t.name,
                _conform(t, frames[t.name]),
                None if ascending is None else t.name in ascending,
            )
            if t.name in frames
            else empty_frame(t)
            for t in TABLES
        }
        return cls(
            **conformed,
            quarantined=tuple(quarantined),
            map_source=map_source,
            supplied=frozenset(given),
        )

    @property
    def coverage_basis(self) -> CoverageBasis:
        """How the units this dataset covers are known.

        ``"declared"``: the dataset supplied a ``coverage`` table (an empty one covers
        nothing). ``"units"``: it brought its own ``units`` table and no coverage table,
        so every commune-level unit of that table is covered on every day it is in force
        (the dataset describes those units and no others). ``"none"``: its units come
        from the embedded official map, which says which units exist but never which
        ones the data cover, so no unit is covered.
        """
        if "coverage" in self.supplied:
            return "declared"
        if self.map_source is None:
            return "units"
        return "none"

    def derived(self, key: Any, build: Callable[[], Any], *, map_only: bool = False) -> Any:
        """The value *build* computes from this dataset, computed once per *key*.

        A dataset never changes once built (a changed copy is a new dataset with nothing
        cached, but for what it shares of the map, below), so what is derived from it,
        such as who cannot be placed on a date, can be kept for the next caller
        (explaining one unit after another).

        *map_only* says that *build* reads nothing but the map: the ``units``,
        ``lineage`` and ``coverage`` tables, :attr:`supplied` and :attr:`map_source`.
        Such a value is kept where the copies that keep the same map find it too,
        whenever it is built (:meth:`with_people`, :meth:`for_one_date`, and a part cut
        with ``restrict_to_units(..., whole_map=True)``).

        Threads may share a dataset (a service's requests, a report's side work): the
        memo is read and written under a lock, but *build* runs outside it, so a build
        may derive other values and a slow one holds no one up. Two threads that ask for
        the same key at once may both build it; both get the value kept first.
        """
        memo, lock = (
            (self._map_memo.values, self._map_memo.lock)
            if map_only
            else (self._derived, self._memo_lock)
        )
        with lock:
            if key in memo:
                return memo[key]
        value = build()
        with lock:
            return memo.setdefault(key, value)

    def with_people(self, **frames: pl.DataFrame) -> Dataset:
        """A copy with the tables *frames* instead, none of them a table of the map.

        What is derived from the map alone (``derived(map_only=True)``) is shared with
        the copy, before and after: the person keys' copy of a report's series
        (``drugfree_core.dataset.person_keys.with_person_keys``) finds the coverage and
        the successors the report's date worked out, even while it works them out.
        """
        for name in frames:
            if name in MAP_TABLES or name not in TABLES_BY_NAME:
                raise UsageError(
                    msg(
                        "with_people replaces tables outside the map, not {table}", table=repr(name)
                    )
                )
        replaced: dict[str, Any] = dict(frames)  # as attrs.evolve takes them
        return self._sharing_map(attrs.evolve(self, **replaced))

    def _sharing_map(self, copy: Dataset) -> Dataset:
        """*copy*, which keeps this dataset's map, made to share its map's memo."""
        object.__setattr__(copy, "_map_memo", self._map_memo)  # a frozen class's own field
        return copy

    def for_one_date(self) -> Dataset:
        """A copy with the same frames, for work on one date, starting with what is known.

        It starts with the values derived from this dataset whose key names no date (a
        coverage index, say), so each date does not derive them again; what it derives
        for a date stays with it and goes when it goes (a report's series would
        otherwise pile up every date's placements). :meth:`keep_undated` brings its own
        undated values back. What is derived from the map alone is shared, as by
        :meth:`with_people`.
        """
        copy = self._sharing_map(attrs.evolve(self))
        with self._memo_lock:
            known = list(self._derived.items())
        copy._derived.update((k, v) for k, v in known if not _dated(k))
        return copy

    def keep_undated(self, copy: Dataset) -> None:
        """Keep what *copy* (see :meth:`for_one_date`) derived under keys with no date."""
        with copy._memo_lock:
            derived = list(copy._derived.items())
        with self._memo_lock:
            for key, value in derived:
                if not _dated(key):
                    self._derived.setdefault(key, value)

    def frame(self, table: str) -> pl.DataFrame:
        """The frame of the table called *table*."""
        if table not in TABLES_BY_NAME:
            raise KeyError(table)
        frame: pl.DataFrame = getattr(self, table)
        return frame

    def frames(self) -> dict[str, pl.DataFrame]:
        """All frames by table name, in canonical order."""
        return {t.name: self.frame(t.name) for t in TABLES}

    @classmethod
    def from_records(
        cls,
        *,
        units: Iterable[AdminUnit],
        subjects: Iterable[Subject] | None = None,
        lineage: Iterable[LineageLink] | None = None,
        unit_facts: Iterable[UnitFact] | None = None,
        coverage: Iterable[Coverage] | None = None,
        drug_law_violations: Iterable[DrugLawViolation] | None = None,
        wanted_fugitives: Iterable[WantedFugitive] | None = None,
        drug_use_locations: Iterable[DrugUseLocation] | None = None,
        recognitions: Iterable[Recognition] | None = None,
    ) -> Dataset:
        """Build from typed records, checking references and duplicates.

        An argument left as ``None`` is a table *not supplied* (criteria that read it are
        *unknown*); pass an empty list to say "none". ``subjects`` supplies the tables
        nested in each subject too. Without ``coverage``, every commune-level unit of
        *units* is covered (see :attr:`coverage_basis`). Raises
        :class:`~drugfree_core.errors.DatasetError` listing every problem.
        """
        given = {
            "units": units,
            "subjects": subjects,
            "lineage": lineage,
            "unit_facts": unit_facts,
            "coverage": coverage,
            "drug_law_violations": drug_law_violations,
            "wanted_fugitives": wanted_fugitives,
            "drug_use_locations": drug_use_locations,
            "recognitions": recognitions,
        }
        for name, value in given.items():
            if value is None and name != "units":
                continue
            if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
                raise UsageError(
                    msg(
                        "{table} must be a list of records, not {type}",
                        table=name,
                        type=type(value).__name__,
                    )
                )

        def listed(items: Iterable[Any] | None) -> list[Any] | None:
            return None if items is None else list(items)

        staged = records_to_staged(
            units=list(units),
            subjects=listed(subjects),
            lineage=listed(lineage),
            unit_facts=listed(unit_facts),
            coverage=listed(coverage),
            drug_law_violations=listed(drug_law_violations),
            wanted_fugitives=listed(wanted_fugitives),
            drug_use_locations=listed(drug_use_locations),
            recognitions=listed(recognitions),
        )
        return cls.from_staged(staged, quarantine=False)

    @classmethod
    def from_staged(cls, staged: Staged, *, quarantine: bool = False) -> Dataset:
        """Check what a door read (:class:`~drugfree_core.dataset.checks.Staged`) and build.

        The checks across records run here; then any problem raises
        :class:`~drugfree_core.errors.DatasetError` (strict), or, with *quarantine*, the
        bad records and everything that depends on them are left out and listed in
        :attr:`quarantined`. A fatal problem raises in both modes.
        """
        # Which person keys ascend is asked of the frames as read, in a thread beside the
        # checks (polars lets go of the interpreter meanwhile): rows left out by the
        # checks leave a sorted key sorted.
        with ThreadPoolExecutor(1, thread_name_prefix="drugfree-load") as beside:
            ascending = beside.submit(_sorted_person_keys, staged.good)
            checked = finish(staged, quarantine=quarantine)
            return cls._assemble(
                checked.frames,
                quarantined=checked.quarantined,
                map_source=checked.map_source,
                supplied=checked.supplied,
                ascending=ascending.result(),
            )

    def to_records(self) -> DatasetRecords:
        """The dataset as typed records (slow at national scale; meant for small data)."""
        return DatasetRecords.from_dataset(self)

    def restrict_to_units(
        self,
        unit_codes: Iterable[str],
        *,
        people: Literal["linked", "own"] = "linked",
        whole_map: bool = False,
    ) -> Dataset:
        """The part of the dataset that concerns *unit_codes*.

        Keeps those units (and every unit linked to them by lineage, so residences in a
        predecessor still resolve), the subjects who ever resided there, the facts and the
        coverage rows about them (and about their districts and provinces), and the
        quarantined records that concern them, their districts or provinces, or no unit
        of the dataset at all (their unit could not be determined, so they may concern
        any unit). With ``people="own"`` only the subjects who ever resided in
        *unit_codes* or in their predecessors are kept: all that evaluating those units
        needs, and far fewer when a split links many units (one unit's explanation).

        With ``whole_map=True`` the part keeps the whole map (the ``units``, ``lineage``
        and ``coverage`` tables) and shares what is worked out from it with this dataset
        (``derived(map_only=True)``): the next part finds the successors, the units
        covered and the units in force that an earlier one worked out, where a part with
        its own map works them out again. The people's records, the units' facts, the
        findings and the quarantined records are cut as usual. Such a part holds the
        people of some units only (:attr:`records_for`): it is evaluated with ``units=``
        among them (anything else is refused, as is saving it).
        """
        codes = set(unit_codes)
        # Grow the set along lineage until closed: predecessors of the units, and every
        # successor of those predecessors, so that a split stays ambiguous when restricted.
        neighbours = self.derived("lineage neighbours", self._lineage_neighbours, map_only=True)
        keep = _closure(codes, neighbours)
        # Their districts and provinces too, so a unit still knows its province.
        parents = self.derived("unit parents", self._unit_parents, map_only=True)
        ancestors = _closure(keep, parents)
        homes = keep if people == "linked" else self._with_predecessors(codes, keep)
        scope = UnitScope(
            linked=frozenset(keep), with_parents=frozenset(ancestors), homes=frozenset(homes)
        )
        return self.restricted_to(scope, whole_map=whole_map)

    def restricted_to(self, scope: UnitScope, *, whole_map: bool = False) -> Dataset:
        """The part of the dataset within *scope* (see :meth:`restrict_to_units`).

        Keeps the units of ``scope.with_parents``, the lineage links that touch
        ``scope.linked``, every record of the subjects who ever resided in
        ``scope.homes``, the facts about ``scope.linked``, the findings and coverage rows
        about ``scope.with_parents``, and the quarantined records about those or about no
        unit of the dataset. With ``whole_map=True``, every unit, lineage link and
        coverage row (see :meth:`restrict_to_units`).
        """
        keep_series = pl.Series(sorted(scope.linked), dtype=pl.String())
        ancestors = pl.Series(sorted(scope.with_parents), dtype=pl.String())
        ancestor_codes = ancestors.implode()
        homes = pl.Series(sorted(scope.homes), dtype=pl.String())
        residences = self._rows_where("residences", "unit_code", homes)
        # Sorted once here for the binary searches of every table read by person.
        subject_ids = residences["subject_id"].drop_nulls().unique().sort()

        def by_subject(table: str) -> pl.DataFrame:
            return self._rows_where(table, "subject_id", subject_ids)

        findings: dict[str, Any] = {
            # A province's own findings stay with its units.
            table: self._rows_where(table, "unit_code", ancestors)
            for table in FINDING_TABLES
        }
        records: dict[str, Any] = {
            "subjects": self._rows_where("subjects", "id", subject_ids),
            "residences": by_subject("residences"),
            "status_periods": by_subject("status_periods"),
            "drug_tests": by_subject("drug_tests"),
            "rehab_episodes": by_subject("rehab_episodes"),
            "custody_periods": by_subject("custody_periods"),
            "unit_facts": self._rows_where("unit_facts", "unit_code", keep_series),
            **findings,
            # A bad row of their district or province concerns them too (never dropped).
            "quarantined": self._quarantined_for(set(scope.with_parents)),
        }
        if whole_map:
            held = scope.homes if self.records_for is None else scope.homes & self.records_for
            return self._sharing_map(attrs.evolve(self, **records, records_for=held))
        return attrs.evolve(
            self,
            units=self.units.filter(pl.col("code").is_in(ancestor_codes)),
            lineage=self.lineage.filter(
                pl.col("predecessor_code").is_in(keep_series.implode())
                | pl.col("successor_code").is_in(keep_series.implode())
            ),
            coverage=self.coverage.filter(pl.col("unit_code").is_in(ancestor_codes)),
            **records,
        )

    def _quarantined_for(self, keep: set[str]) -> tuple[QuarantinedRecord, ...]:
        """The quarantined records about *keep*, and those that name no unit of the data."""
        if not self.quarantined:
            return ()
        known = set(self.units["code"].to_list())
        return tuple(
            q for q in self.quarantined if set(q.unit_codes) & keep or not set(q.unit_codes) & known
        )

    def _lineage_neighbours(self) -> dict[str, list[str]]:
        """Each unit code of the lineage and the codes a link joins it to, either way."""
        lineage = self.lineage
        return _edges(lineage["predecessor_code"], lineage["successor_code"], both_ways=True)

    def _unit_parents(self) -> dict[str, list[str]]:
        """Each unit code and its parents' codes (a code given twice may have two)."""
        with_parent = self.units.filter(pl.col("parent_code").is_not_null())
        return _edges(with_parent["code"], with_parent["parent_code"])

    def _with_predecessors(self, codes: set[str], linked: set[str]) -> set[str]:
        """*codes* and every unit that became one of them, however many steps back.

        They are all in *linked* (the codes joined to *codes* by lineage either way), so
        only the links among those are walked.
        """
        listed = pl.Series(sorted(linked), dtype=pl.String()).implode()
        links = self.lineage.filter(pl.col("successor_code").is_in(listed))
        return _closure(codes, _edges(links["successor_code"], links["predecessor_code"]))

    def rows_with(self, table: str, column: str, values: pl.Series) -> pl.DataFrame:
        """Rows of *table* whose *column* is one of *values*, in the table's order.

        *values* may come in any order, repeated; a null, or a value the column's type
        cannot hold (a word that is none of a category's), matches no row. By binary
        search when the column is sorted (a few thousand people's tests among 4
        million: 2 ms, against 20 ms for one filtering pass), else by that pass.
        """
        # In the column's own type, so that they sort as it does (a category by its order).
        wanted = values.cast(self.frame(table).schema[column], strict=False)
        return self._rows_where(table, column, wanted.drop_nulls().unique().sort())

    def _rows_where(self, table: str, column: str, wanted: pl.Series) -> pl.DataFrame:
        """Rows of *table* whose *column* is one of *wanted*, in the table's order.

        *wanted* is sorted, without repeats or nulls (in another type than the column's,
        it is read in the column's). Tables usually come sorted by their key (exports
        list each person's records together): then a binary search in the column itself
        finds each value's rows (microseconds, nothing copied). Otherwise the column's
        hashes are compared (a large table), or the column itself (a small one), in one
        pass.
        """
        frame = self.frame(table)
        if wanted.dtype != frame.schema[column]:
            # Texts looking up categories (a part cut from frames never conformed): in the
            # column's own type, ordered as it sorts, for its hashes and binary search.
            wanted = wanted.cast(frame.schema[column], strict=False).drop_nulls().unique().sort()
        ordered = self._sorted_column(table, column)
        if ordered is None and frame.height < _HASHED_FROM:
            return frame.filter(pl.col(column).is_in(wanted.implode()))
        if ordered is None:
            # Compared as numbers first (the column's hashes, made once): 1 ms to find a
            # unit's residents among 620,000 residences, against 3-8 ms comparing texts.
            # The rows found are then checked against *wanted* itself, so that two values
            # of one hash never mix; a value's rows always share its hash.
            hashes = self._column_hashes(table, column)
            found = frame[hashes.is_in(_hashed(wanted).implode()).arg_true()]
            return found.filter(pl.col(column).is_in(wanted.implode()))
        bounds = pl.select(
            start=pl.lit(ordered).search_sorted(wanted, side="left"),
            end=pl.lit(ordered).search_sorted(wanted, side="right"),
        )
        # Every row of every [start, end) range, in order (ranges ascend with the values).
        # A few hundred ranges (one unit's people) are listed faster in Python than by
        # another polars query; more (a province's) are not.
        if bounds.height <= _FEW_RANGES:
            starts, ends = bounds["start"].to_list(), bounds["end"].to_list()
            listed = [
                row for start, end in zip(starts, ends, strict=True) for row in range(start, end)
            ]
            rows = pl.Series(listed, dtype=pl.UInt32())
        else:
            ranges = pl.int_ranges("start", "end", dtype=pl.UInt32())
            rows = bounds.select(ranges.explode().drop_nulls()).to_series()
        return frame[rows] if rows.len() else frame.clear()

    def _column_hashes(self, table: str, column: str) -> pl.Series:
        """*column* of *table* hashed (made once: 3 ms for 620,000 residences)."""
        key = (table, column)
        if key not in self._hashes:
            self._hashes[key] = _hashed(self.frame(table)[column])
        return self._hashes[key]

    def _sorted_column(self, table: str, column: str) -> pl.Series | None:
        """*column* of *table* flagged as sorted if it is (checked once), else None."""
        key = (table, column)
        if key not in self._lookups:
            series = self.frame(table)[column]
            ascending = series.null_count() == 0 and series.is_sorted()  # flagged at build
            self._lookups[key] = series.set_sorted() if ascending else None
        return self._lookups[key]

    def counts(self) -> dict[str, int]:
        """Row count of every table."""
        return {name: frame.height for name, frame in self.frames().items()}


#: Up to this many runs of rows, :meth:`Dataset._rows_where` lists them in Python.
_FEW_RANGES = 500
#: From this many rows, :meth:`Dataset._rows_where` looks in a column that is not sorted
#: by its hashes; a smaller table is filtered in well under a millisecond.
_HASHED_FROM = 50_000


def _hashed(values: pl.Series) -> pl.Series:
    """Each value's 64-bit hash: equal values of one type, equal hashes, in one process."""
    return values.hash()


def _edges(
    sources: pl.Series, targets: pl.Series, *, both_ways: bool = False
) -> dict[str, list[str]]:
    """Each code of *sources* and the codes of *targets* beside it (and back, *both_ways*).

    One pass over two plain lists: a national lineage takes 3 ms, against 7 ms grouped
    by polars (whose nested lists are slow to hand over) and 36 ms as a set per code.
    """
    edges: dict[str, list[str]] = {}
    pairs = zip(sources.to_list(), targets.to_list(), strict=True)
    for source, target in pairs:
        edges.setdefault(source, []).append(target)
        if both_ways:
            edges.setdefault(target, []).append(source)
    return edges


@attrs.frozen(kw_only=True)
class UnitScope:
    """The unit codes whose records evaluating some units needs.

    The sets :meth:`Dataset.restrict_to_units` works out, and :meth:`Dataset.restricted_to`
    keeps the records of. :meth:`of` works them out from a units and a lineage table
    alone, so that a door can read only those records
    (:func:`drugfree_core.evaluate_unit_from`).
    """

    #: The units, and every unit linked to them by lineage, either way, until closed.
    linked: frozenset[str]
    #: :attr:`linked` with their districts and provinces (whose findings and coverage count).
    with_parents: frozenset[str]
    #: The units and every unit that became one of them: where their own people lived.
    homes: frozenset[str]

    @classmethod
    def of(cls, codes: Iterable[str], units: pl.DataFrame, lineage: pl.DataFrame) -> UnitScope:
        """The scope of *codes* in the ``units`` and ``lineage`` tables given.

        Each step of each closure is one filter of the table, so a few units cost a few
        milliseconds: no map of the whole table is built (as :class:`Dataset` keeps for
        many look-ups).
        """
        start = set(codes)
        links = ("predecessor_code", "successor_code")
        linked = _reach(start, lineage, links, both_ways=True)
        parents = _reach(linked, units, ("code", "parent_code"))
        homes = _reach(start, lineage, links[::-1])
        return cls(
            linked=frozenset(linked), with_parents=frozenset(parents), homes=frozenset(homes)
        )


def _reach(
    start: set[str], frame: pl.DataFrame, link: tuple[str, str], *, both_ways: bool = False
) -> set[str]:
    """*start* and every code reached from it along *frame*'s ``link`` columns (from, to).

    One filter per step, from the codes found at the last step only.
    """
    source, target = link
    found = set(start)
    frontier = set(start)
    while frontier:
        listed = pl.Series(sorted(frontier), dtype=pl.String()).implode()
        ahead = pl.col(source).is_in(listed)
        ends = [target]
        if both_ways:
            ahead = ahead | pl.col(target).is_in(listed)
            ends = [source, target]
        step = frame.filter(ahead).select(ends)
        reached = {code for end in ends for code in step[end].to_list() if code is not None}
        frontier = reached - found
        found |= frontier
    return found


def _closure(start: set[str], edges: Mapping[str, Iterable[str]]) -> set[str]:
    """*start* and every code reached from it along *edges*, however many steps away."""
    found = set(start)
    frontier = list(found)
    while frontier:
        for reached in edges.get(frontier.pop(), ()):
            if reached not in found:
                found.add(reached)
                frontier.append(reached)
    return found


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.to_dicts()


@attrs.frozen(kw_only=True)
class DatasetRecords:
    """A dataset as typed records: the object form of :class:`Dataset`.

    It holds the rows only: which tables were supplied, and where the units came from,
    stay on the :class:`Dataset`, except for the finding and recognition tables
    (:data:`~drugfree_core.dataset.schema.FINDING_TABLES`): one the dataset did not
    supply is ``None`` here, an empty one ``()``.
    """

    units: tuple[AdminUnit, ...]
    lineage: tuple[LineageLink, ...]
    subjects: tuple[Subject, ...]
    unit_facts: tuple[UnitFact, ...]
    drug_law_violations: tuple[DrugLawViolation, ...] | None = None
    wanted_fugitives: tuple[WantedFugitive, ...] | None = None
    drug_use_locations: tuple[DrugUseLocation, ...] | None = None
    recognitions: tuple[Recognition, ...] | None = None
    coverage: tuple[Coverage, ...] = ()

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> DatasetRecords:
        """Convert the frames of *dataset* into records, grouping children by subject."""
        children: dict[str, dict[str, list[Any]]] = {
            sid: {"residences": [], "statuses": [], "tests": [], "rehab": [], "custody": []}
            for sid in dataset.subjects["id"].to_list()
        }
        for r in _rows(dataset.residences):
            children[r["subject_id"]]["residences"].append(
                Residence(unit_code=r["unit_code"], start=r["start"], end=r["end"])
            )
        for r in _rows(dataset.status_periods):
            children[r["subject_id"]]["statuses"].append(
                StatusPeriod(
                    kind=SubjectKind(r["kind"]),
                    start=r["start"],
                    end=r["end"],
                    has_management_record=r["has_management_record"],
                    management_start=r["management_start"],
                    support_provided=r["support_provided"],
                )
            )
        for r in _rows(dataset.drug_tests):
            children[r["subject_id"]]["tests"].append(
                DrugTest(
                    date=r["date"],
                    result=TestResult(r["result"]),
                    method=TestMethod(r["method"]),
                    schedule=TestSchedule(r["schedule"]),
                )
            )
        for r in _rows(dataset.rehab_episodes):
            children[r["subject_id"]]["rehab"].append(
                RehabEpisode(
                    form=RehabForm(r["form"]),
                    start=r["start"],
                    end=r["end"],
                    completed=r["completed"],
                    minor=r["minor"],
                    rank=r["rank"],
                )
            )
        for r in _rows(dataset.custody_periods):
            children[r["subject_id"]]["custody"].append(
                CustodyPeriod(start=r["start"], end=r["end"])
            )
        subjects = tuple(
            Subject(
                id=sid,
                residences=tuple(c["residences"]),
                statuses=tuple(c["statuses"]),
                tests=tuple(c["tests"]),
                rehab_episodes=tuple(c["rehab"]),
                custody=tuple(c["custody"]),
            )
            for sid, c in children.items()
        )
        return cls(
            units=tuple(
                AdminUnit(
                    code=r["code"],
                    name=r["name"],
                    kind=UnitKind(r["kind"]),
                    parent_code=r["parent_code"],
                    resident_population=r["resident_population"],
                    valid_from=r["valid_from"],
                    valid_to=r["valid_to"],
                )
                for r in _rows(dataset.units)
            ),
            lineage=tuple(
                LineageLink(
                    predecessor_code=r["predecessor_code"],
                    successor_code=r["successor_code"],
                    effective=r["effective"],
                )
                for r in _rows(dataset.lineage)
            ),
            subjects=subjects,
            unit_facts=tuple(
                UnitFact(
                    unit_code=r["unit_code"],
                    kind=FactKind(r["kind"]),
                    period_start=r["period_start"],
                    period_end=r["period_end"],
                    value=r["value"],
                )
                for r in _rows(dataset.unit_facts)
            ),
            coverage=tuple(
                Coverage(
                    unit_code=r["unit_code"],
                    covered_from=r["covered_from"],
                    covered_to=r["covered_to"],
                    source_system=r["source_system"],
                )
                for r in _rows(dataset.coverage)
            ),
            **_findings(dataset),
        )


def _findings(dataset: Dataset) -> dict[str, tuple[Any, ...] | None]:
    """The finding tables as records; ``None`` for those the dataset did not supply."""
    makers: dict[str, Any] = {
        "drug_law_violations": lambda r: DrugLawViolation(
            subject_id=r["subject_id"],
            unit_code=r["unit_code"],
            date=r["date"],
            kind=ViolationKind(r["kind"]),
        ),
        "wanted_fugitives": lambda r: WantedFugitive(
            id=r["id"], unit_code=r["unit_code"], start=r["start"], end=r["end"]
        ),
        "drug_use_locations": lambda r: DrugUseLocation(
            id=r["id"],
            unit_code=r["unit_code"],
            kind=LocationKind(r["kind"]),
            basis=LocationBasis(r["basis"]),
            identified_on=r["identified_on"],
            closed_on=r["closed_on"],
        ),
        "recognitions": lambda r: Recognition(**r),
    }
    return {
        table: tuple(make(r) for r in _rows(dataset.frame(table)))
        if table in dataset.supplied
        else None
        for table, make in makers.items()
    }


#: The tables of the map: the units, how they became one another, and which of them the
#: data cover. A value derived from these alone is the same for every copy that keeps
#: them (see :meth:`Dataset.derived`).
MAP_TABLES = frozenset({"units", "lineage", "coverage"})


class _MapMemo:
    """The values derived from a map, and the lock that guards them (see ``derived``)."""

    def __init__(self) -> None:
        self.values: dict[Any, Any] = {}
        self.lock = threading.Lock()


def _dated(key: Any) -> bool:
    """Whether a :meth:`Dataset.derived` key names a date (its value is of that date)."""
    parts = key if isinstance(key, tuple) else (key,)
    return any(isinstance(part, dt.date) for part in parts)


__all__ = [
    "ALL_TABLES",
    "MAP_TABLES",
    "CoverageBasis",
    "Dataset",
    "DatasetRecords",
    "QuarantinedRecord",
    "UnitScope",
]
