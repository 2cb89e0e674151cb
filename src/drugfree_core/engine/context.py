"""Everything the engine derives once per (dataset, date).

Where people live, their statuses, populations and per-person features. Results are
memoised, so criteria that share a population or a test window compute it once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, KeysView, Mapping
from typing import Any

import polars as pl

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.person_keys import of_people
from drugfree_core.dataset.schema import TABLES_BY_NAME, enum_dtype
from drugfree_core.engine.coverage import SINCE_EVER, coverage_starts, coverage_stretch
from drugfree_core.engine.placement import (
    active,
    communes_on,
    has_repeats,
    lost_rows,
    map_codes,
    place_people,
    successor_table_on,
    successors_on,
    territory_era,
)
from drugfree_core.engine.results import LostRecord
from drugfree_core.errors import SchemeError
from drugfree_core.i18n import msg
from drugfree_core.model._dates import shift
from drugfree_core.model.enums import (
    RehabForm,
    SubjectKind,
    TestResult,
    UnitKind,
    UnitLevel,
    ViolationKind,
)
from drugfree_core.rules.law import (
    ANNIVERSARY_EXCLUSIVE,
    CIVIL_CODE,
    COMPULSORY_MINOR,
    FIRST,
    LATER,
    PERIOD_END_RULES,
)
from drugfree_core.rules.params import Parameter, ParamRef, Period, Window, window_start
from drugfree_core.rules.primitives import (
    DrugUseLocations,
    LocationPresence,
    Population,
    ResidenceRule,
    ResidentViolations,
)
from drugfree_core.rules.scheme import ResolvedParameter
from drugfree_core.rules.tables import tables_needed

_STATUTORY = (SubjectKind.ILLEGAL_USER.value, SubjectKind.POST_REHAB.value)
_POSITIVE = TestResult.POSITIVE.value
#: Evaluates a commune-level scheme for some unit codes: ``(scheme, codes) -> Evaluation``.
CommuneEvaluator = Callable[[Any, list[str]], Any]
_FACILITY_FORMS = (RehabForm.COMPULSORY_FACILITY.value, RehabForm.VOLUNTARY_FACILITY.value)
_active = active

#: The rehab forms' Enum, whose codes :meth:`EvalContext.episode_term` reads.
_FORM = enum_dtype(RehabForm)


#: A day to compare legal terms from (a reference date may be too near year 9999 to add
#: two years to); which term is shorter does not depend on the day.
_TERMS_FROM = dt.date(2001, 1, 1)


class EvalContext:
    """Derived frames for one dataset at one reference date, memoised by key.

    ``level`` is what the rows of every result are: commune-level units in force (the
    default) or provinces in force. At province level every record that places
    something in a commune (a residence, a fact, a finding) counts for the commune's
    province, and a province's resident population is its own when known, else the sum
    of its communes' when every one is known. ``dated`` holds the scheme's parameters
    with every dated value, for rules whose value follows a record's own date (a rehab
    episode keeps the term of the law in force when it started). ``list_subjects``
    says whether a rule over a population lists its people: who fails or is undecided
    under "all satisfy", who is counted by a count or rate of people. Without the lists
    (a report's earlier dates, which only count verdicts) the outcomes are the same;
    the findings' counts, a few people each, and custom rules list theirs anyway.
    """

    def __init__(
        self,
        dataset: Dataset,
        on: dt.date,
        parameters: Mapping[str, ResolvedParameter],
        unit_codes: frozenset[str] | None = None,
        *,
        level: UnitLevel = UnitLevel.COMMUNE_LEVEL,
        dated: Mapping[str, Parameter] | None = None,
        commune_evaluator: CommuneEvaluator | None = None,
        list_subjects: bool = True,
    ) -> None:
        self.dataset = dataset
        self.on = on
        #: Whether rules over a population list their people (see the class doc).
        self.list_subjects = list_subjects
        self.parameters = parameters
        self.level = level
        self.dated: Mapping[str, Parameter] = dated or {}
        self._communes = commune_evaluator
        self._memo: dict[Any, Any] = {}
        #: Commune-level units in force on the date, with their province, by code.
        self.communes = communes_on(dataset, on)
        units = self.communes if level is UnitLevel.COMMUNE_LEVEL else self._provinces()
        every_row = units.height
        if unit_codes is not None:
            units = units.filter(pl.col("unit_code").is_in(sorted(unit_codes)))
        #: The rows of every result, in this order: units in force at the scheme's level.
        self.units = units
        self.unit_index = self.units.select("unit_code")
        # Kept on the dataset: a report evaluates each date several times (one scheme
        # group after another, the census of people who cannot be placed).
        commune_placement, unplaced = dataset.derived(
            ("placement", on), lambda: place_people(dataset, on)
        )
        #: Where each person is placed among the commune-level units in force.
        self.commune_placement: pl.DataFrame = commune_placement
        # At province level a person in a split commune whose parts all lie in one
        # province is that province's, whichever part they live in.
        resolved = self._single_row(unplaced, "candidates")
        #: People who could not be placed in one row on the date (with their candidates).
        self.unplaced = unplaced.join(resolved.select("subject_id"), on="subject_id", how="anti")
        placement = pl.concat(
            [
                self.to_rows(self.commune_placement, "unit_code").filter(
                    pl.col("unit_code").is_not_null()
                ),
                resolved.select("subject_id", "unit_code"),
            ]
        )
        if unit_codes is not None and 2 * self.units.height < every_row:
            # Only the people of the rows asked about count for them (every other row is
            # left out of the results): a few units of a big dataset read a few people.
            # (For most of the rows, a filtered copy would save little and cost memory.)
            rows = self.unit_index["unit_code"].implode()
            placement = placement.filter(pl.col("unit_code").is_in(rows))
        #: Where each placed person counts on the date: (subject_id, unit_code) of a row
        #: (of :attr:`units`, when few units were chosen).
        self.placement = placement
        #: The commune-level units in force that the dataset covers on the date. The
        #: same on every date with the same units, lineage and coverage rows in force:
        #: kept on the dataset for them (a report's series; 10 ms of Python a national
        #: date before the reform).
        #: Each covered one is covered since a day (see :func:`.coverage.coverage_starts`).
        self.coverage_starts: dict[str, dt.date] = dataset.derived(
            ("covered", territory_era(dataset, on), coverage_stretch(dataset, on)),
            lambda: coverage_starts(dataset, on, self.communes["unit_code"].to_list()),
            map_only=True,
        )
        # A view of the kept dict, not a copy: a context is made per explanation too.
        self.covered_communes: KeysView[str] = self.coverage_starts.keys()
        #: The rows of :attr:`units` that the dataset covers on the date. A province is
        #: covered when it has commune-level units in force and every one is covered: its
        #: values add up their records, which are complete only then.
        self.covered: frozenset[str] = (
            frozenset(
                c for c in self.unit_index["unit_code"].to_list() if c in self.covered_communes
            )
            if level is UnitLevel.COMMUNE_LEVEL
            else self._covered_provinces()
        )

    def _provinces(self) -> pl.DataFrame:
        """Provinces in force, with their population (their communes' sum if not known)."""
        provinces = self.dataset.units.filter(
            (pl.col("kind").cast(pl.String) == UnitKind.PROVINCE.value)
            & _active("valid_from", "valid_to", self.on)
        )
        sums = self.communes.group_by("province_code").agg(
            pl.col("resident_population").sum().alias("_sum"),
            pl.col("resident_population").null_count().alias("_missing"),
        )
        return (
            provinces.join(sums, left_on="code", right_on="province_code", how="left")
            .sort("code")
            .select(
                pl.col("code").alias("unit_code"),
                "name",
                pl.col("code").alias("province_code"),
                pl.coalesce(
                    "resident_population",
                    pl.when(pl.col("_missing") == 0).then(pl.col("_sum")),
                )
                .cast(pl.Int64)
                .alias("resident_population"),
            )
        )

    def _covered_provinces(self) -> frozenset[str]:
        """Provinces of :attr:`units` whose commune-level units in force are all covered.

        A province's counts and rates add up its communes' records: with one commune not
        covered they could be higher (or lower) than the data shows, so the province is
        *no data*, like an uncovered commune, rather than judged on part of itself.
        """
        per_province: dict[str, list[bool]] = {}
        for code, province in self.communes.select("unit_code", "province_code").iter_rows():
            per_province.setdefault(province, []).append(code in self.covered_communes)
        return frozenset(
            code
            for code in self.unit_index["unit_code"].to_list()
            if per_province.get(code) and all(per_province[code])
        )

    def coverage_after(self, start: dt.date) -> dict[str, dt.date]:
        """Covered rows whose records are vouched for only since a day after *start*.

        A criterion that looks back to *start* may miss records of these rows: what the
        records show there is a least, and where the records' absence would decide, the
        outcome is *unknown*. Gives each row's day (a province's is its communes' latest).
        """
        since: dict[str, dt.date] = self.memo("coverage since", self._coverage_since)
        after: dict[str, dt.date] = self.memo(
            ("coverage after", start),
            lambda: {row: day for row, day in since.items() if day > start},
        )
        return after

    def _coverage_since(self) -> dict[str, dt.date]:
        """Each covered row with a beginning to its coverage: since when."""
        starts = self.coverage_starts
        if self.level is UnitLevel.COMMUNE_LEVEL:
            return {c: starts[c] for c in self.covered if starts[c] != SINCE_EVER}
        latest: dict[str, dt.date] = {}
        for code, province in self.communes.select("unit_code", "province_code").iter_rows():
            if province in self.covered and starts[code] != SINCE_EVER:
                latest[province] = max(latest.get(province, SINCE_EVER), starts[code])
        return latest

    def uncovered_share(self, province: str) -> tuple[int, int]:
        """``(not covered, in force)``: the province's commune-level units on the date."""
        flags = [
            code in self.covered_communes
            for code in self.communes.filter(pl.col("province_code") == province)["unit_code"]
        ]
        return flags.count(False), len(flags)

    # --------------------------------------------------------------- rows

    def _row_map(self) -> pl.DataFrame:
        """In-force unit code -> the row it counts for (province level only)."""

        def build() -> pl.DataFrame:
            communes = self.communes.select(
                pl.col("unit_code").alias("_code"), pl.col("province_code").alias("_row")
            )
            own = self.units.select(
                pl.col("unit_code").alias("_code"), pl.col("unit_code").alias("_row")
            )
            return pl.concat([communes, own]).cast(pl.String).unique("_code")

        result: pl.DataFrame = self.memo("row_map", build)
        return result

    def to_rows(self, frame: pl.DataFrame, column: str) -> pl.DataFrame:
        """*frame* with *column* (in-force unit codes) turned into the rows' codes.

        At commune level the codes are the rows; at province level a commune's code
        becomes its province's, and codes of no province in force become null.
        """
        if self.level is UnitLevel.COMMUNE_LEVEL:
            return frame
        mapped = frame.join(self._row_map(), left_on=column, right_on="_code", how="left")
        return mapped.with_columns(pl.col("_row").alias(column)).drop("_row")

    def _single_row(
        self, frame: pl.DataFrame, candidates: str, into: str = "unit_code"
    ) -> pl.DataFrame:
        """Rows of *frame* whose *candidates* (unit codes) all count for one row.

        Returns them with that row in *into* (province level only; at commune level
        candidates are distinct rows and nothing resolves).
        """
        if self.level is UnitLevel.COMMUNE_LEVEL or frame.is_empty():
            return frame.clear().with_columns(pl.lit(None, dtype=pl.String).alias(into))
        indexed = frame.with_row_index("_i")
        exploded = indexed.select("_i", pl.col(candidates).alias("_c")).explode("_c")
        rows = self.to_rows(exploded, "_c")
        single = (
            rows.group_by("_i")
            .agg(
                pl.col("_c").n_unique().alias("_n"),
                pl.col("_c").null_count().alias("_none"),
                pl.col("_c").first().alias("_row"),
            )
            .filter((pl.col("_n") == 1) & (pl.col("_none") == 0))
        )
        out = indexed.join(single.select("_i", "_row"), on="_i")
        return out.with_columns(pl.col("_row").alias(into)).drop("_i", "_row")

    def resolve_rows(
        self, frame: pl.DataFrame, column: str = "unit_code", *, table: str = "unit_facts"
    ) -> pl.DataFrame:
        """*frame* with *column* mapped to rows; what cannot be attributed is noted.

        *frame* holds rows of the dataset's *table* that a rule counts (those of its
        look-back window), with the columns that tell them apart: the table's key, else
        every column. Codes follow the lineage to the units in force, then count for
        their row. A code of a split unit whose successors count for different rows
        cannot be attributed: its candidates are noted (their outcomes are downgraded)
        and the record dropped. A code that leads nowhere (a unit that ended and whose
        lineage leads to no unit in force, :func:`.placement.nowhere_codes_on`) counts for
        no row: the record is noted as lost (:meth:`lost_records`), to be counted as one
        that may be any unit's, and dropped.
        """
        self._note_lost(frame, table)
        mapped = self.map_codes(frame.with_row_index("_ri"), column)
        ambiguous = mapped.filter(pl.col(column).is_null() & pl.col("candidates").is_not_null())
        resolved = self._single_row(ambiguous, "candidates", into=column)
        self.note_ambiguous_facts(ambiguous.join(resolved.select("_ri"), on="_ri", how="anti"))
        known = self.to_rows(mapped.filter(pl.col(column).is_not_null()), column)
        return (
            pl.concat([known, resolved.select(known.columns)])
            .filter(pl.col(column).is_not_null())
            .sort("_ri")
            .drop("_ri", "candidates")
        )

    def _note_lost(self, frame: pl.DataFrame, table: str) -> None:
        """Note the rows of *frame* (rows of *table*) whose unit leads nowhere."""
        lost = lost_rows(self.dataset, table, self.on)
        if lost.is_empty():
            return  # the usual case: nothing in the table is lost, whatever the window
        key = TABLES_BY_NAME[table].key
        # A row is told apart by its key (and unit), else by all its values: rows with
        # the same values are found together, each by its own place in the table.
        same = [*key, "unit_code"] if key else list(TABLES_BY_NAME[table].column_names)
        found = frame.select(same).join(lost, on=same, nulls_equal=True)
        self.note_lost_records(
            LostRecord(table=table, row=row, unit_code=code)
            for row, code in found.select("_row", "unit_code").iter_rows()
        )

    def note_lost_records(self, records: Iterable[LostRecord]) -> None:
        """Remember *records* as lost (see :meth:`resolve_rows`), each once."""
        noted: dict[tuple[str, int], LostRecord] = self._memo.setdefault("lost records", {})
        for record in records:
            noted.setdefault((record.table, record.row), record)

    def lost_records(self) -> tuple[LostRecord, ...]:
        """The records a rule counted whose unit leads nowhere, by table and row."""
        noted: dict[tuple[str, int], LostRecord] = self._memo.get("lost records", {})
        return tuple(sorted(noted.values()))

    def row_codes(self, codes: Iterable[str]) -> set[str]:
        """The rows that in-force unit *codes* count for."""
        wanted = set(codes)
        if self.level is UnitLevel.COMMUNE_LEVEL:
            return wanted
        rows = self._row_map().filter(pl.col("_code").is_in(sorted(wanted)))
        return set(rows["_row"].to_list())

    # ---------------------------------------------------------------- parameters

    def value(self, item: Any) -> Any:
        """A literal as it is, or the value of a parameter reference on the date."""
        if isinstance(item, ParamRef):
            if item.id not in self.parameters:
                raise SchemeError(
                    msg("parameter {id} is not in force on {date}", id=item.id, date=self.on)
                )
            return self.parameters[item.id].value
        return item

    def memo(self, key: Any, build: Callable[[], Any]) -> Any:
        """Compute once per key."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def evaluate_communes(self, scheme: Any, codes: list[str]) -> Any:
        """The evaluation of commune-level *scheme* for *codes* on the date (no data allowed).

        The evaluator is given by whoever built this context (the engine's ``evaluate``),
        so that a rule measured on provinces can use its communes' own results.
        """
        if self._communes is None:
            raise SchemeError(msg("this evaluation cannot evaluate communes (no evaluator given)"))
        evaluation = self._communes(scheme, codes)
        # The communes' rules count records too: one lost there is lost here (the same
        # dataset, so the same rows).
        self.note_lost_records(getattr(evaluation, "lost_records", ()))
        return evaluation

    def missing_tables(self, rule: object) -> tuple[str, ...]:
        """The tables *rule* reads that the dataset did not supply, sorted."""

        def resolve(item: Any) -> Any:
            try:
                return self.value(item)
            except SchemeError:
                return item  # not in force: counted as needed; the rule reports the rest

        supplied = self.dataset.supplied
        return tuple(sorted(tables_needed(rule, resolve, supplied) - supplied))

    def period_ends_after(self, end: pl.Expr) -> pl.Expr:
        """Whether a statutory period ending at *end* still runs on the date.

        ``law.period_end_rule`` decides whether the anniversary itself is inside the
        period (``civil_code``: Civil Code 2015 Art. 147.2, 148.4) or the first day free
        (``anniversary_exclusive``); criteria.md §6.5.
        """
        rule = self.value(ParamRef("law.period_end_rule"))
        if rule == CIVIL_CODE:
            return end >= self.on
        if rule == ANNIVERSARY_EXCLUSIVE:
            return end > self.on
        raise SchemeError(
            msg(
                "law.period_end_rule is {value}; expected one of {allowed}",
                value=repr(rule),
                allowed=", ".join(PERIOD_END_RULES),
            )
        )

    # ------------------------------------------------------------------ territory

    def successors_in_force(self) -> dict[str, tuple[str, ...]]:
        """For each unit code not in force on the date, the in-force units it became."""
        # On the dataset: every scheme group, the census and the dates of one era share it.
        return successors_on(self.dataset, self.on)

    def map_codes(self, frame: pl.DataFrame, column: str) -> pl.DataFrame:
        """Rewrite *column* to in-force unit codes (see :func:`.placement.map_codes`)."""
        return map_codes(frame, column, successor_table_on(self.dataset, self.on))

    def note_ambiguous_facts(self, facts: pl.DataFrame) -> None:
        """Remember the candidate units of facts reported on a split predecessor."""
        noted: set[str] = self._memo.setdefault("ambiguous_fact_units", set())
        for candidates in facts.filter(pl.col("unit_code").is_null())["candidates"].to_list():
            noted.update(candidates or ())

    def ambiguous_fact_units(self) -> set[str]:
        """Units that may own a fact reported on a split predecessor."""
        noted: set[str] = self._memo.get("ambiguous_fact_units", set())
        return noted

    # ------------------------------------------------------------------- statuses

    def statuses(self) -> pl.DataFrame:
        """Status periods running on the date, with whether statutory management runs."""
        return self._statuses()[0]

    def one_status_each(self) -> bool:
        """Whether no person has two statuses running on the date (the usual case)."""
        return self._statuses()[1]

    def _statuses(self) -> tuple[pl.DataFrame, bool]:
        return self.memo("statuses", self._build_statuses)  # type: ignore[no-any-return]

    def _build_statuses(self) -> tuple[pl.DataFrame, bool]:
        """Running statuses and whether each person has one at most.

        ``management_running`` is true, false or null (not known).
        """
        on = self.on
        # The kinds stay the table's Enum: comparing its codes is three times as fast as
        # comparing texts, and casting them to text took 3 ms a date nationally.
        st = self.dataset.status_periods.filter(_active("start", "end", on)).with_columns(
            pl.coalesce("management_start", "start").alias("anchor"),
        )
        # Read before the rows are joined: the table usually comes sorted by person, and
        # neighbours then tell in half a millisecond.
        one_each = not has_repeats(st["subject_id"])
        # Only people placed in a unit on the date can belong to any population. Joined
        # once here, before the rows are split by kind: nationally 18 ms, against 22 ms
        # for the two parts joined together after.
        st = st.join(self.placement, on="subject_id", how="inner")
        user_period: Period = self.value(ParamRef("law.user_management_period"))
        post_rehab: Mapping[str, Period] = self.value(ParamRef("law.post_rehab_period"))
        fallback: Period = self.value(ParamRef("law.post_rehab_period_without_episode"))

        post = st.filter(pl.col("kind") == SubjectKind.POST_REHAB.value)
        # The completed episode that started post-rehab management decides its length.
        completed = self.dataset.rehab_episodes.filter(
            pl.col("completed") & pl.col("end").is_not_null()
        )
        episodes = (
            # Their episodes only (by ids, a semi join took 7 ms nationally, `is_in` 13).
            of_people(completed, post["subject_id"])
            .select(
                "subject_id",
                pl.col("end").alias("episode_end"),
                pl.when((pl.col("form") == RehabForm.COMPULSORY_FACILITY.value) & pl.col("minor"))
                .then(pl.lit(COMPULSORY_MINOR))
                .otherwise(pl.col("form").cast(pl.String))
                .alias("basis"),
            )
            .sort("subject_id", "episode_end")
        )
        post = post.sort("subject_id", "anchor").join_asof(
            episodes,
            left_on="anchor",
            right_on="episode_end",
            by="subject_id",
            strategy="backward",
            check_sortedness=False,
        )
        terms = [v for v in post_rehab.values() if v is not None]
        offsets = {k: v.to_polars() for k, v in post_rehab.items() if v is not None}
        # Without a completed episode on record the term is one of the law's, not known
        # which: management certainly runs within the shortest, may run up to the longest
        # (``law.post_rehab_period_without_episode``), and has ended after it. The person
        # is then an uncertain member, and never certainly excepted from Art. 6.1.
        shortest = min(terms, key=lambda t: t.add_to(_TERMS_FROM), default=fallback)
        surely = self.period_ends_after(pl.col("anchor").dt.offset_by(shortest.to_polars()))
        at_most = self.period_ends_after(pl.col("anchor").dt.offset_by(fallback.to_polars()))
        post = post.with_columns(
            pl.col("basis")
            .replace_strict(offsets, default=fallback.to_polars(), return_dtype=pl.String)
            .alias("_offset")
        ).with_columns(
            pl.when(pl.col("basis").is_not_null())
            .then(self.period_ends_after(pl.col("anchor").dt.offset_by(pl.col("_offset"))))
            .when(surely)
            .then(pl.lit(True))
            .when(at_most)
            .then(pl.lit(None, dtype=pl.Boolean))
            .otherwise(pl.lit(False))
            .alias("management_running")
        )
        by_period = self.period_ends_after(pl.col("anchor").dt.offset_by(user_period.to_polars()))
        record = pl.col("has_management_record")
        # An illegal user's management runs from the decision. Detected and never given
        # one (no record): they count for as long as the status runs, the worst case of
        # management, not one that expires. Not known whether a decision exists: the
        # period from detection is certain, after it the person may or may not count.
        # A record without its date: the decision follows detection within days, so the
        # period runs from the status start [INFERRED].
        user_running = (
            pl.when(pl.col("management_start").is_not_null())
            .then(by_period)
            .when(record.is_not_null() & ~record)
            .then(pl.lit(True))
            .when(record.is_null())
            .then(pl.when(by_period).then(pl.lit(True)).otherwise(pl.lit(None, pl.Boolean)))
            .otherwise(by_period)
        )
        others = st.filter(pl.col("kind") != SubjectKind.POST_REHAB.value).with_columns(
            pl.when(pl.col("kind") == SubjectKind.ILLEGAL_USER.value)
            .then(user_running)
            .otherwise(pl.lit(True))
            .alias("management_running")
        )
        cols = [
            "subject_id",
            "kind",
            "has_management_record",
            "support_provided",
            "anchor",
            "management_running",
            "unit_code",
        ]
        return pl.concat([others.select(cols), post.select(cols)]), one_each

    # ----------------------------------------------------------------- episodes

    def ongoing_episodes(self) -> pl.DataFrame:
        """Rehab episodes running on the date.

        ``ongoing`` is true, or null when the episode has no end and is older than the
        legal maximum (stale data).
        """

        def build() -> pl.DataFrame:
            ep = self.dataset.rehab_episodes.filter(_active("start", "end", self.on))
            limit = self.episode_term("law.rehab_max_duration")
            ep = ep.with_columns(limit.alias("_limit")).with_columns(pl.col("form").cast(pl.String))
            stale = (
                pl.col("end").is_null()
                & pl.col("_limit").is_not_null()
                & (pl.col("start").dt.offset_by(pl.col("_limit").fill_null("0d")) < self.on)
            )
            return ep.select(
                "subject_id",
                "form",
                pl.when(stale)
                .then(pl.lit(None, dtype=pl.Boolean))
                .otherwise(True)
                .alias("ongoing"),
            )

        result: pl.DataFrame = self.memo("episodes", build)
        return result

    def episode_term(self, parameter_id: str) -> pl.Expr:
        """Per rehab-episode row: the duration *parameter_id* gives it (a polars offset).

        The key is the episode's form and, when the value distinguishes them and the
        data gives it, its rank (``"<form>:first"``/``"<form>:later"``). The value is the
        one in force when the episode started when ``law.rehab_term_law`` says
        ``episode_start`` (Law 120/2025 Art. 56), else the one on the reference date;
        an episode that started before the first value takes the first. Null: no limit.
        """
        rule = self.parameters.get("law.rehab_term_law")
        dated = self.dated.get(parameter_id)
        if rule is not None and rule.value == "episode_start" and dated is not None:
            versions = [(dv.start, dv.value) for dv in dated.values]
        elif parameter_id in self.parameters:
            versions = [(self.on, self.value(ParamRef(parameter_id)))]
        else:
            # No law in force on the date sets a term (a date before Law 73/2021).
            return pl.lit(None, dtype=pl.String)
        tables: list[Mapping[str, Period | None]] = []
        for _, table in versions:
            if not isinstance(table, Mapping):
                raise SchemeError(
                    msg(
                        "parameter {parameter} must map rehab forms to durations",
                        parameter=str(parameter_id),
                    )
                )
            tables.append(table)
        forms = sorted({key.split(":")[0] for table in tables for key in table})
        # Each row's term is looked up in a small table by one number: which version
        # (the latest whose start the episode reached, else the first), which form and
        # which rank (0: not given). Mapping every row's text was 4x slower.
        version = pl.max_horizontal(
            pl.lit(0),
            *(
                pl.when(pl.col("start") >= start).then(pl.lit(i)).otherwise(pl.lit(0))
                for i, (start, _) in enumerate(versions)
                if i
            ),
        )
        # The form's place in *forms*, read off the Enum's codes: looking up 600,000 forms
        # as texts took 19 ms, their codes 1.
        place = {i: forms.index(c) for i, c in enumerate(_FORM.categories) if c in forms}
        form = (
            pl.col("form")
            .cast(_FORM)
            .to_physical()
            .replace_strict(place, default=None, return_dtype=pl.Int64)
        )
        rank = pl.when(pl.col("rank") == 1).then(1).when(pl.col("rank") >= 2).then(2).otherwise(0)
        key = (version * len(forms) + form) * 3 + rank
        terms: dict[int, str] = {}
        for v, table in enumerate(tables):
            for f, name in enumerate(forms):
                for r, suffix in enumerate((None, FIRST, LATER)):
                    term = table.get(f"{name}:{suffix}") if suffix else None
                    term = term if term is not None else table.get(name)
                    if term is not None:
                        terms[(v * len(forms) + f) * 3 + r] = term.to_polars()
        return key.replace_strict(terms, default=None, return_dtype=pl.String)

    def in_treatment(self, forms: tuple[str, ...] | None) -> pl.DataFrame:
        """Per person: in treatment on the date (true / null when stale), of *forms*."""

        def build() -> pl.DataFrame:
            ep = self.ongoing_episodes()
            if forms is not None:
                ep = ep.filter(pl.col("form").is_in(list(forms)))
            return ep.group_by("subject_id").agg(
                pl.col("ongoing").max().alias("value")  # true beats null (Kleene OR)
            )

        result: pl.DataFrame = self.memo(("treatment", forms), build)
        return result

    def in_custody(self) -> pl.DataFrame:
        """Persons in prison or detention on the date."""

        def build() -> pl.DataFrame:
            return (
                self.dataset.custody_periods.filter(_active("start", "end", self.on))
                .select("subject_id")
                .unique()
                .with_columns(pl.lit(True).alias("value"))
            )

        result: pl.DataFrame = self.memo("custody", build)
        return result

    # --------------------------------------------------------------- populations

    def population(self, spec: Population) -> pl.DataFrame:
        """People of the population on the date, one row per person and unit.

        Columns: subject_id, unit_code, member (true, or null when membership depends on
        unknown data), has_record, support, anchor.
        """
        kinds = tuple(sorted(k.value for k in spec.kinds))
        under = bool(self.value(spec.under_management))
        forms_value = self.value(spec.exempt_forms)
        forms = {RehabForm(f).value for f in forms_value}
        if bool(self.value(spec.exempt_facility)):
            forms |= set(_FACILITY_FORMS)
        exempt_forms = tuple(sorted(forms))
        exempt_custody = bool(self.value(spec.exempt_custody))
        running = tuple(k.value for k in spec.exempt_running)
        key = ("population", kinds, under, spec.with_record, exempt_forms, exempt_custody, running)
        return self.memo(  # type: ignore[no-any-return]
            key,
            lambda: self._build_population(
                kinds, under, spec.with_record, exempt_forms, exempt_custody, running
            ),
        )

    def _build_population(
        self,
        kinds: tuple[str, ...],
        under: bool,
        with_record: bool,
        exempt_forms: tuple[str, ...],
        exempt_custody: bool,
        exempt_running: tuple[str, ...] = (),
    ) -> pl.DataFrame:
        st = self.statuses().filter(pl.col("kind").is_in(list(kinds)))
        # A row counts for sure when each condition is known to hold; a row whose
        # condition is not known (null) keeps the person as an uncertain member.
        certain = pl.lit(True)
        if under:
            running = pl.col("management_running")
            st = st.filter(running.is_null() | running)
            certain = certain & running.fill_null(False)
        if with_record:
            record = pl.col("has_management_record")
            st = st.filter(record.is_null() | record)
            certain = certain & record.fill_null(False)
        # true when certain, else null (then polars' max of booleans skips the nulls)
        member = pl.when(certain).then(pl.lit(True)).otherwise(pl.lit(None, pl.Boolean))
        if self.one_status_each():
            # One row a person (a person counts in one row): each row is its own group,
            # and grouping 200,000 people four times a date took 35 ms nationally.
            people = st.select(
                "subject_id",
                "unit_code",
                member.alias("member"),
                pl.col("has_management_record").alias("has_record"),
                pl.col("support_provided").alias("support"),
                "anchor",
            )
        else:
            people = st.group_by("subject_id", "unit_code").agg(
                member.max().alias("member"),
                pl.col("has_management_record").all(ignore_nulls=False).alias("has_record"),
                pl.col("support_provided").all(ignore_nulls=False).alias("support"),
                pl.col("anchor").min().alias("anchor"),
            )
        if exempt_forms:
            ep = (
                self.ongoing_episodes()
                .filter(pl.col("form").is_in(list(exempt_forms)))
                .group_by("subject_id")
                # true for anyone with an exempting episode; null, after the left join
                # below, for the others (no list of their ids to look up again)
                .agg(pl.col("ongoing").max().alias("_exempt"), pl.lit(True).alias("_episode"))
            )
            people = (
                people.join(ep, on="subject_id", how="left")
                .filter(pl.col("_exempt").is_null() | ~pl.col("_exempt"))
                # a stale episode may or may not exempt the person: membership is unknown
                .with_columns(
                    pl.when(pl.col("_exempt").is_null() & pl.col("_episode").is_not_null())
                    .then(pl.lit(None, dtype=pl.Boolean))
                    .otherwise(pl.col("member"))
                    .alias("member")
                )
                .drop("_exempt", "_episode")
            )
        if exempt_custody:
            people = people.join(self.in_custody(), on="subject_id", how="anti")
        if exempt_running:
            excepting = self.statuses().filter(pl.col("kind").is_in(list(exempt_running)))
            managed = excepting.filter(pl.col("management_running"))
            people = people.join(managed.select("subject_id"), on="subject_id", how="anti")
            # Management that may or may not run on the date may except the person: a
            # member then, but an uncertain one.
            maybe = excepting.filter(pl.col("management_running").is_null())
            if maybe.height:
                people = people.with_columns(
                    pl.when(pl.col("subject_id").is_in(maybe["subject_id"].implode()))
                    .then(pl.lit(None, dtype=pl.Boolean))
                    .otherwise(pl.col("member"))
                    .alias("member")
                )
        return people

    # ------------------------------------------------------------------ tests

    def test_window(self, days: int, rule: str) -> pl.DataFrame:
        """Per person: whether their tests in ``[on - days, on]`` pass under *rule*.

        Under ``latest_negative``, also the day of the latest test (``latest``).
        """

        def build() -> pl.DataFrame:
            start = shift(self.on, -days)  # stops at 1 January of year 1
            tests = self.dataset.drug_tests.filter(
                (pl.col("date") >= start) & (pl.col("date") <= self.on)
            ).select("subject_id", "date", (pl.col("result") == _POSITIVE).alias("positive"))
            # Aggregate only what the rule needs: this runs over millions of tests.
            if rule == "latest_negative_no_positive":
                agg = tests.group_by("subject_id").agg(pl.col("positive").any())
                value = ~pl.col("positive")
            elif rule == "latest_negative":
                # On the latest day, a positive outranks a negative (ties are read strictly).
                # The day itself is kept: a short record decides only from a latest test
                # it vouches for (see compile's tests_since).
                agg = tests.group_by("subject_id").agg(
                    pl.col("positive").sort_by("date", "positive").last(),
                    pl.col("date").max().alias("latest"),
                )
                value = ~pl.col("positive")
            elif rule == "any_negative":
                agg = tests.group_by("subject_id").agg((~pl.col("positive")).any().alias("neg"))
                value = pl.col("neg")
            else:
                raise SchemeError(msg("unknown test window rule {rule}", rule=repr(rule)))
            kept = ["latest"] if rule == "latest_negative" else []
            return agg.select("subject_id", value.alias("value"), *kept)

        result: pl.DataFrame = self.memo(("tests", days, rule), build)
        return result

    def tested_during_management(
        self, population: pl.DataFrame, schedules: tuple[str, ...]
    ) -> pl.DataFrame:
        """Per person of *population*: a test of every schedule between anchor and date."""
        anchors = population.select("subject_id", "anchor").unique("subject_id")
        # One lazy query: the tests up to the date are joined to the anchors and counted
        # in one pass, instead of copying the millions of tests step by step (nationally
        # about 29 ms instead of 36-43 ms).
        up_to_date = pl.col("date") <= self.on
        if anchors.schema["subject_id"].is_integer():
            # Person keys (a report's series): the tests of these people are picked out
            # by looking the numbers up first, then joined: nationally 12.5 ms instead of
            # 16-17 for the join alone (30 alternating runs). Ids as text are hashed
            # either way, and the join alone is as fast there (the choice of of_people).
            up_to_date &= pl.col("subject_id").is_in(anchors["subject_id"].implode())
        tests = (
            self.dataset.drug_tests.lazy()
            .filter(up_to_date)
            .join(anchors.lazy(), on="subject_id", how="inner")
            .filter(pl.col("date") >= pl.col("anchor"))
        )
        agg = tests.group_by("subject_id").agg(
            *[(pl.col("schedule") == s).any().alias(f"_{s}") for s in schedules]
        )
        return agg.select(
            "subject_id", pl.all_horizontal([pl.col(f"_{s}") for s in schedules]).alias("value")
        ).collect()

    # ------------------------------------------------------------------ findings

    def window_start(self, window: Any) -> dt.date:
        """The first day of *window* (a period, a named window or a parameter) on the date."""
        value = self.value(window)
        if not isinstance(value, Period | Window | str):
            raise SchemeError(
                msg(
                    "{value} is not a window (a period or {windows})",
                    value=repr(value),
                    windows=str([w.value for w in Window]),
                )
            )
        try:
            return window_start(value, self.on)
        except ValueError:
            raise SchemeError(msg("{value} is not a window", value=repr(value))) from None

    def _finding_rows(self, frame: pl.DataFrame, table: str) -> pl.DataFrame:
        """Findings of *table* with ``unit_code`` mapped to the rows (see :meth:`resolve_rows`).

        Ambiguous ones and lost ones are noted, then dropped.
        """
        return self.resolve_rows(frame, "unit_code", table=table)

    def resident_violations(self, spec: ResidentViolations) -> pl.DataFrame:
        """Per row: the violators counted (``lo``/``hi`` people, ``members``).

        A violation counts for the row it was committed in when its violator is a
        resident of that row (at province level: of the province). ``lo`` counts people
        certainly resident; ``hi`` adds those whose home on the violation day was a unit
        that was later split, so may or may not be this one.
        """
        start = self.window_start(spec.window)
        administrative = bool(self.value(spec.administrative))
        residence = ResidenceRule(self.value(spec.residence))
        in_custody = bool(self.value(spec.in_custody))
        key = ("violations", start, administrative, residence, in_custody)

        def build() -> pl.DataFrame:
            v = self.dataset.drug_law_violations.filter(
                (pl.col("date") >= start) & (pl.col("date") <= self.on)
            )
            if not administrative:
                v = v.filter(pl.col("kind") == ViolationKind.CRIME.value)
            # Every column: a violation has no key but its values (see resolve_rows).
            v = self._finding_rows(
                v.select("subject_id", "unit_code", "date", "kind"), "drug_law_violations"
            )
            parts = []
            if residence is not ResidenceRule.VIOLATION_DATE:
                home = self.placement.rename({"unit_code": "_home"})
                here = v.join(home, on="subject_id").filter(pl.col("_home") == pl.col("unit_code"))
                parts.append(here.select("subject_id", "unit_code", pl.lit(True).alias("sure")))
            if residence is not ResidenceRule.REFERENCE_DATE:
                parts.append(self._resident_when_violating(v))
            found = pl.concat(parts)
            if not in_custody:
                found = found.join(self.in_custody(), on="subject_id", how="anti")
            people = found.group_by("unit_code", "subject_id").agg(pl.col("sure").any())
            return people.group_by("unit_code").agg(
                pl.col("sure").sum().cast(pl.Float64).alias("lo"),
                pl.len().cast(pl.Float64).alias("hi"),
                pl.col("subject_id").sort().alias("members"),
            )

        result: pl.DataFrame = self.memo(key, build)
        return result

    def _resident_when_violating(self, violations: pl.DataFrame) -> pl.DataFrame:
        """Violations (by row) whose violator lived in that row on the violation day."""
        res = self.dataset.residences.select(
            "subject_id", pl.col("unit_code").alias("_home"), "start", "end"
        )
        lived = violations.join(res, on="subject_id").filter(
            (pl.col("start") <= pl.col("date"))
            & (pl.col("end").is_null() | (pl.col("end") >= pl.col("date")))
        )
        lived = self.map_codes(lived, "_home")
        known = self.to_rows(lived.filter(pl.col("_home").is_not_null()), "_home")
        # A home split since whose parts all count for one row (a province) is that row.
        whole = self._single_row(
            lived.filter(pl.col("_home").is_null() & pl.col("candidates").is_not_null()),
            "candidates",
            into="_home",
        )
        sure = (
            pl.concat(
                [
                    known.select("subject_id", "unit_code", "_home"),
                    whole.select("subject_id", "unit_code", "_home"),
                ]
            )
            .filter(pl.col("_home") == pl.col("unit_code"))
            .select("subject_id", "unit_code", pl.lit(True).alias("sure"))
        )
        # A home that was split since may be this unit: possible, not certain.
        split = lived.filter(pl.col("_home").is_null() & pl.col("candidates").is_not_null())
        split = self.to_rows(split.explode("candidates"), "candidates")
        maybe = split.filter(pl.col("candidates") == pl.col("unit_code")).select(
            "subject_id", "unit_code", pl.lit(False).alias("sure")
        )
        return pl.concat([sure, maybe])

    def wanted_fugitives(self, window: Any) -> pl.DataFrame:
        """Per row: fugitives hiding there on some day of the window (``lo``/``hi``, ids)."""
        start = self.window_start(window)

        def build() -> pl.DataFrame:
            f = self.dataset.wanted_fugitives.filter(
                (pl.col("start") <= self.on) & (pl.col("end").is_null() | (pl.col("end") >= start))
            )
            f = self._finding_rows(f.select("id", "unit_code"), "wanted_fugitives")
            return f.group_by("unit_code").agg(
                pl.col("id").n_unique().cast(pl.Float64).alias("lo"),
                pl.col("id").n_unique().cast(pl.Float64).alias("hi"),
                pl.col("id").unique().sort().alias("members"),
            )

        result: pl.DataFrame = self.memo(("fugitives", start), build)
        return result

    def drug_use_locations(self, spec: DrugUseLocations) -> pl.DataFrame:
        """Per row: the locations the window holds (``lo`` = ``hi`` = count)."""
        start = self.window_start(spec.window)
        presence = LocationPresence(self.value(spec.presence))
        kinds = tuple(sorted(k.value for k in spec.kinds))
        bases = tuple(sorted(b.value for b in spec.bases))

        def build() -> pl.DataFrame:
            loc = self.dataset.drug_use_locations.filter(
                pl.col("kind").cast(pl.String).is_in(list(kinds))
                & pl.col("basis").cast(pl.String).is_in(list(bases))
                & (pl.col("identified_on") <= self.on)
            )
            if presence is LocationPresence.IDENTIFIED:
                loc = loc.filter(pl.col("identified_on") >= start)
            else:
                loc = loc.filter(pl.col("closed_on").is_null() | (pl.col("closed_on") >= start))
            loc = self._finding_rows(loc.select("id", "unit_code"), "drug_use_locations")
            return loc.group_by("unit_code").agg(
                pl.col("id").n_unique().cast(pl.Float64).alias("lo"),
                pl.col("id").n_unique().cast(pl.Float64).alias("hi"),
            )

        result: pl.DataFrame = self.memo(("locations", start, presence, kinds, bases), build)
        return result
