"""Everything the engine derives once per (dataset, date).

Where people live, their statuses, populations and per-person features. Results are
memoised, so criteria that share a population or a test window compute it once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.coverage import covered_units
from drugfree_core.engine.placement import (
    active,
    commune_units_in_force,
    map_codes,
    place_people,
    successors_in_force,
)
from drugfree_core.errors import SchemeError
from drugfree_core.model._dates import shift
from drugfree_core.model.enums import RehabForm, SubjectKind, TestResult, UnitKind
from drugfree_core.rules.law import (
    ANNIVERSARY_EXCLUSIVE,
    CIVIL_CODE,
    COMPULSORY_MINOR,
    PERIOD_END_RULES,
)
from drugfree_core.rules.params import ParamRef, Period
from drugfree_core.rules.primitives import Population
from drugfree_core.rules.scheme import ResolvedParameter
from drugfree_core.rules.tables import tables_needed

_STATUTORY = (SubjectKind.ILLEGAL_USER.value, SubjectKind.POST_REHAB.value)
_POSITIVE = TestResult.POSITIVE.value
_active = active


class EvalContext:
    """Derived frames for one dataset at one reference date, memoised by key."""

    def __init__(
        self,
        dataset: Dataset,
        on: dt.date,
        parameters: Mapping[str, ResolvedParameter],
        unit_codes: frozenset[str] | None = None,
    ) -> None:
        self.dataset = dataset
        self.on = on
        self.parameters = parameters
        self._memo: dict[Any, Any] = {}
        units = commune_units_in_force(dataset, on)
        if unit_codes is not None:
            units = units.filter(pl.col("code").is_in(sorted(unit_codes)))
        # Before 1 July 2025 a commune's parent is a district: its province is one level up.
        parents = dataset.units.select(
            pl.col("code").alias("parent_code"),
            pl.col("kind").cast(pl.String).alias("parent_kind"),
            pl.col("parent_code").alias("grandparent_code"),
        )
        #: Commune-level units in force on the date: the rows of every result, in this order.
        self.units = (
            units.join(parents, on="parent_code", how="left")
            .sort("code")
            .select(
                pl.col("code").alias("unit_code"),
                "name",
                pl.when(pl.col("parent_kind") == UnitKind.PROVINCE.value)
                .then(pl.col("parent_code"))
                .otherwise(pl.col("grandparent_code"))
                .alias("province_code"),
                "resident_population",
            )
        )
        self.unit_index = self.units.select("unit_code")
        # Kept on the dataset: a report evaluates each date several times (one scheme
        # group after another, the census of people who cannot be placed).
        self.placement, self.unplaced = dataset.derived(
            ("placement", on), lambda: place_people(dataset, on, self.successors_in_force())
        )
        #: The units of :attr:`units` that the dataset covers on the date.
        self.covered = covered_units(dataset, on, self.unit_index["unit_code"].to_list())

    # ---------------------------------------------------------------- parameters

    def value(self, item: Any) -> Any:
        """A literal as it is, or the value of a parameter reference on the date."""
        if isinstance(item, ParamRef):
            if item.id not in self.parameters:
                raise SchemeError(f"parameter {item.id} is not in force on {self.on.isoformat()}")
            return self.parameters[item.id].value
        return item

    def memo(self, key: Any, build: Callable[[], Any]) -> Any:
        """Compute once per key."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def missing_tables(self, rule: object) -> tuple[str, ...]:
        """The tables *rule* reads that the dataset did not supply, sorted."""

        def resolve(item: Any) -> Any:
            try:
                return self.value(item)
            except SchemeError:
                return item  # not in force: counted as needed; the rule reports the rest

        return tuple(sorted(tables_needed(rule, resolve) - self.dataset.supplied))

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
            f"law.period_end_rule is {rule!r}; expected one of {', '.join(PERIOD_END_RULES)}"
        )

    # ------------------------------------------------------------------ territory

    def successors_in_force(self) -> dict[str, tuple[str, ...]]:
        """For each unit code not in force on the date, the in-force units it became."""
        result: dict[str, tuple[str, ...]] = self.memo(
            "successors", lambda: successors_in_force(self.dataset, self.on)
        )
        return result

    def map_codes(self, frame: pl.DataFrame, column: str) -> pl.DataFrame:
        """Rewrite *column* to in-force unit codes (see :func:`.placement.map_codes`)."""
        return map_codes(frame, column, self.successors_in_force())

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
        return self.memo("statuses", self._build_statuses)  # type: ignore[no-any-return]

    def _build_statuses(self) -> pl.DataFrame:
        """Running statuses; ``management_running`` is true, false or null (not known)."""
        on = self.on
        st = self.dataset.status_periods.filter(_active("start", "end", on)).with_columns(
            pl.col("kind").cast(pl.String),
            pl.coalesce("management_start", "start").alias("anchor"),
        )
        user_period: Period = self.value(ParamRef("law.user_management_period"))
        post_rehab: Mapping[str, Period] = self.value(ParamRef("law.post_rehab_period"))
        fallback: Period = self.value(ParamRef("law.post_rehab_period_without_episode"))

        post = st.filter(pl.col("kind") == SubjectKind.POST_REHAB.value)
        # The completed episode that started post-rehab management decides its length.
        episodes = (
            self.dataset.rehab_episodes.filter(
                pl.col("completed")
                & pl.col("end").is_not_null()
                & pl.col("subject_id").is_in(post["subject_id"].implode())
            )
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
        offsets = {k: v.to_polars() for k, v in post_rehab.items() if v is not None}
        post = post.with_columns(
            pl.col("basis")
            .replace_strict(offsets, default=fallback.to_polars(), return_dtype=pl.String)
            .fill_null(fallback.to_polars())
            .alias("_offset")
        ).with_columns(
            self.period_ends_after(pl.col("anchor").dt.offset_by(pl.col("_offset"))).alias(
                "management_running"
            )
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
        ]
        # Only people placed in a unit on the date can belong to any population.
        return pl.concat([others.select(cols), post.select(cols)]).join(
            self.placement, on="subject_id", how="inner"
        )

    # ----------------------------------------------------------------- episodes

    def ongoing_episodes(self) -> pl.DataFrame:
        """Rehab episodes running on the date.

        ``ongoing`` is true, or null when the episode has no end and is older than the
        legal maximum (stale data).
        """

        def build() -> pl.DataFrame:
            max_duration: Mapping[str, Period | None] = self.value(
                ParamRef("law.rehab_max_duration")
            )
            limits = {k: v.to_polars() for k, v in max_duration.items() if v is not None}
            ep = self.dataset.rehab_episodes.filter(_active("start", "end", self.on))
            ep = ep.with_columns(
                pl.col("form").cast(pl.String),
                pl.col("form")
                .cast(pl.String)
                .replace_strict(limits, default=None, return_dtype=pl.String)
                .alias("_limit"),
            )
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
        exempt_forms = tuple(sorted(RehabForm(f).value for f in forms_value))
        exempt_custody = bool(self.value(spec.exempt_custody))
        key = ("population", kinds, under, spec.with_record, exempt_forms, exempt_custody)
        return self.memo(  # type: ignore[no-any-return]
            key,
            lambda: self._build_population(
                kinds, under, spec.with_record, exempt_forms, exempt_custody
            ),
        )

    def _build_population(
        self,
        kinds: tuple[str, ...],
        under: bool,
        with_record: bool,
        exempt_forms: tuple[str, ...],
        exempt_custody: bool,
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
        # any certain row → true, else null (polars' max of booleans skips nulls)
        member = pl.when(certain).then(pl.lit(True)).otherwise(pl.lit(None, pl.Boolean)).max()
        people = st.group_by("subject_id", "unit_code").agg(
            member.alias("member"),
            pl.col("has_management_record").all(ignore_nulls=False).alias("has_record"),
            pl.col("support_provided").all(ignore_nulls=False).alias("support"),
            pl.col("anchor").min().alias("anchor"),
        )
        if exempt_forms:
            ep = (
                self.ongoing_episodes()
                .filter(pl.col("form").is_in(list(exempt_forms)))
                .group_by("subject_id")
                .agg(pl.col("ongoing").max().alias("_exempt"))
            )
            people = (
                people.join(ep, on="subject_id", how="left")
                .filter(pl.col("_exempt").is_null() | ~pl.col("_exempt"))
                # a stale episode may or may not exempt the person: membership is unknown
                .with_columns(
                    pl.when(
                        pl.col("_exempt").is_null()
                        & pl.col("subject_id").is_in(ep["subject_id"].implode())
                    )
                    .then(pl.lit(None, dtype=pl.Boolean))
                    .otherwise(pl.col("member"))
                    .alias("member")
                )
                .drop("_exempt")
            )
        if exempt_custody:
            people = people.join(self.in_custody(), on="subject_id", how="anti")
        return people

    # ------------------------------------------------------------------ tests

    def test_window(self, days: int, rule: str) -> pl.DataFrame:
        """Per person: whether their tests in ``[on - days, on]`` pass under *rule*."""

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
                agg = tests.group_by("subject_id").agg(
                    pl.col("positive").sort_by("date", "positive").last()
                )
                value = ~pl.col("positive")
            elif rule == "any_negative":
                agg = tests.group_by("subject_id").agg((~pl.col("positive")).any().alias("neg"))
                value = pl.col("neg")
            else:
                raise SchemeError(f"unknown test window rule {rule!r}")
            return agg.select("subject_id", value.alias("value"))

        result: pl.DataFrame = self.memo(("tests", days, rule), build)
        return result

    def tested_during_management(
        self, population: pl.DataFrame, schedules: tuple[str, ...]
    ) -> pl.DataFrame:
        """Per person of *population*: a test of every schedule between anchor and date."""
        anchors = population.select("subject_id", "anchor").unique("subject_id")
        tests = (
            self.dataset.drug_tests.filter(
                pl.col("subject_id").is_in(anchors["subject_id"].implode())
            )
            .join(anchors, on="subject_id", how="inner")
            .filter((pl.col("date") >= pl.col("anchor")) & (pl.col("date") <= self.on))
        )
        agg = tests.group_by("subject_id").agg(
            *[(pl.col("schedule") == s).any().alias(f"_{s}") for s in schedules]
        )
        return agg.select(
            "subject_id", pl.all_horizontal([pl.col(f"_{s}") for s in schedules]).alias("value")
        )
