"""Evaluate a scope (a province or the nation) on a date, each province by its own scheme.

A report covers many provinces, and each applies the scheme of its jurisdiction on the
date (Hải Phòng its own, the others the national one). :class:`ScopeRunner` groups the
commune-level units in force by the scheme their province applies, evaluates each
scheme once for its units, and remembers the result per date, so the time series, the
milestones and the merger mapping share evaluations instead of repeating them.

Every unit is also tagged with the province it belongs to *as of the report's
reference date*, following the lineage for units that no longer exist: the old communes
of Bắc Giang count under today's Bắc Ninh, which keeps a trend comparable across the
1 July 2025 merger.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections import Counter
from collections.abc import Callable, Mapping

import attrs
import polars as pl

from drugfree_core.adminmap import official_code
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.person_keys import with_person_keys
from drugfree_core.engine.evaluate import evaluate, evaluate_verdict_by_unit, same_verdicts
from drugfree_core.engine.person_keys import counts_on_person_keys
from drugfree_core.engine.placement import census, communes_on, territory_era
from drugfree_core.engine.pool_steps import on_pool_if_small
from drugfree_core.engine.results import Evaluation, LostRecord, UnitResult
from drugfree_core.errors import DrugfreeError, UsageError
from drugfree_core.i18n import Text, exception_text, msg, msgn
from drugfree_core.model.enums import UnitKind, UnitLevel
from drugfree_core.plugins.host import PluginHost
from drugfree_core.plugins.territory import TerritoryIndex
from drugfree_core.reports.side_work import side_by_side
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.roadmap import NATIONAL
from drugfree_core.rules.scheme import Scheme

_COMMUNE_LEVEL = [k.value for k in UnitKind if k.level is UnitLevel.COMMUNE_LEVEL]


@attrs.frozen(kw_only=True)
class ScopeCounts:
    """How the units of a scope stand on a date.

    ``no_data`` units are not covered by the dataset; ``unplaced`` counts the people and
    records that could not be placed in any unit (each may turn one passing unit into a
    failing one), so at least ``meeting - unplaced`` units meet the criteria.
    ``without_residence`` counts the people with a status and no residence on the date
    whose last residence was in the scope (or who never had one): listed, not a range.
    """

    units: int
    meeting: int
    failing: int
    unknown: int
    no_data: int
    unplaced: int = 0
    without_residence: int = 0

    @property
    def covered(self) -> int:
        """Units the dataset covers."""
        return self.units - self.no_data

    @property
    def meeting_at_least(self) -> int:
        """The fewest units that meet the criteria, whoever the unplaced people are."""
        return max(0, self.meeting - self.unplaced)


@attrs.frozen(kw_only=True)
class ScopeRun:
    """Every commune-level unit of the scope in force on ``on``, evaluated.

    ``verdicts`` maps unit code to ``(scheme, verdict)``, on every date; ``results``
    maps it to ``(scheme, result)``, the whole result with its reasons, on the report's
    reference date only, built from ``evaluations`` when first read (empty on other
    dates, which only count verdicts: building every unit's rule trees there would cost
    most of a series' time for nothing).
    ``provinces`` maps unit code to its province as of the reference date.
    ``evaluations`` are the whole evaluations behind the results, on the reference date
    only (other dates are evaluated for their verdicts alone, without listing the
    people behind each outcome, and keep no frames).
    ``data`` is the dataset, on the reference date only, with what its evaluation derived
    for the date (the people's placements): work on that date, like the quality
    assessment, starts from it instead of deriving it again.
    ``notes`` say what could not be evaluated and why (for example no scheme in force
    yet on an early date).
    ``unplaced`` and ``without_residence`` count, per province (key ``"*"``: any
    province), the people and records of the whole dataset that could not be placed in
    any unit on the date (see :mod:`drugfree_core.engine.placement`): a person whose
    residence is in a unit that ended, and a fact or finding that the province's scheme
    counts in a unit that leads nowhere, belong to that unit's province; a quarantined
    record whose unit cannot be determined, or a person who never had a residence, to
    any.
    """

    on: dt.date
    verdicts: dict[str, tuple[Scheme, Outcome]]
    provinces: dict[str, str]
    evaluations: tuple[tuple[Scheme, Evaluation], ...]
    notes: tuple[Text, ...]
    unplaced: dict[str, int] = attrs.field(factory=dict)
    without_residence: dict[str, int] = attrs.field(factory=dict)
    data: Dataset | None = attrs.field(default=None, repr=False, eq=False)
    _tallies: dict[str, Counter[Outcome]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )
    _results: dict[str, tuple[Scheme, UnitResult]] = attrs.field(
        factory=dict, init=False, repr=False, eq=False
    )

    @property
    def results(self) -> dict[str, tuple[Scheme, UnitResult]]:
        """Each unit's ``(scheme, result)`` on the reference date, built when first read.

        Building every unit's rule trees is Python's work alone (0.15 s nationally): a
        report first sets the work beside it going (the quality assessment, the national
        verdicts beside), whose queries fill the other core meanwhile. The mapping is
        filled in one step once built, so a read never sees part of it; two first reads
        at once would each build the trees (a report reads it on its own thread only).
        """
        if not self._results and self.evaluations:
            built = {
                unit.unit_code: (scheme, unit)
                for scheme, evaluation in self.evaluations
                for unit in evaluation.units
            }
            self._results.update(built)
        return self._results

    def unplaced_in(self, scope: str) -> int:
        """People and records not placed in any unit that may belong to *scope*."""
        return _tally(self.unplaced, scope)

    def counts(self, scope: str) -> ScopeCounts:
        """The :class:`ScopeCounts` of a province, or of ``"*"`` for all."""

        def tally(per_province: dict[str, int]) -> int:
            return _tally(per_province, scope)

        if not self._tallies:
            # Every scope's tally of verdicts in one pass: a national series asks for each
            # province. Counted by the outcomes themselves (an enum's ``value`` is a
            # property, read 20,000 times a date before the reform).
            provinces = self.provinces
            pairs = Counter((provinces[code], v) for code, (_, v) in self.verdicts.items())
            self._tallies[NATIONAL] = Counter()
            for (province, verdict), n in pairs.items():
                self._tallies.setdefault(province, Counter())[verdict] += n
                self._tallies[NATIONAL][verdict] += n
        by_verdict = self._tallies.get(scope, Counter())
        return ScopeCounts(
            units=sum(by_verdict.values()),
            meeting=by_verdict[Outcome.PASS],
            failing=by_verdict[Outcome.FAIL],
            unknown=by_verdict[Outcome.UNKNOWN],
            no_data=by_verdict[Outcome.NO_DATA],
            unplaced=tally(self.unplaced),
            without_residence=tally(self.without_residence),
        )


def check_report_scheme(scheme: Scheme) -> None:
    """Refuse a scheme a report cannot count by: one that judges provinces or ranks levels.

    A report counts the commune-level units that meet a scheme's criteria (a *pass*).
    A classification scheme's *pass* only says that a unit's level is decided (a key
    complex area of type III is decided too), so counting it as meeting would claim what
    the data do not show; a province-level scheme judges no commune.
    """
    if scheme.unit_level is UnitLevel.PROVINCE:
        raise UsageError(
            msg(
                "scheme {scheme} judges provinces; a report counts the commune-level units "
                "that meet a scheme: give a commune-level scheme",
                scheme=scheme.id,
            )
        )
    if scheme.levels:
        raise UsageError(
            msg(
                "scheme {scheme} ranks units into levels ({levels}); a report counts the "
                "units that meet a scheme, and a level is not a pass: evaluate it with "
                "`drugfree evaluate`, or give a scheme without levels",
                scheme=scheme.id,
                levels=", ".join(level.id for level in scheme.levels),
            )
        )


def _tally(per_province: dict[str, int], scope: str) -> int:
    """What *per_province* counts for *scope* (``"*"`` entries belong to every scope)."""
    if scope == NATIONAL:
        return sum(per_province.values())
    return per_province.get(NATIONAL, 0) + per_province.get(scope, 0)


def _batched(
    planned: list[tuple[Scheme, list[str]]], on: dt.date
) -> list[tuple[Scheme, list[str]]]:
    """*planned*'s units, those of schemes that give the same verdicts on *on* together.

    Most provinces adopt the national criteria as they stand: where only verdicts are
    counted, their units are evaluated with the national scheme's in one pass (the
    same verdicts, see :func:`~drugfree_core.engine.same_verdicts`), instead of
    once more per province. Each batch runs with its scheme over most units.
    """
    batches: list[tuple[Scheme, list[str]]] = []
    for scheme, codes in sorted(planned, key=lambda group: -len(group[1])):
        for first, joined in batches:
            if same_verdicts(first, scheme, on):
                joined.extend(codes)
                break
        else:
            batches.append((scheme, list(codes)))
    return batches


def is_small_part(units: int, among: int) -> bool:
    """Whether *units* of the *among* evaluated are few enough for a part of their own.

    Fewer than half: their records are cut out and evaluated apart, as one step on
    polars' pool (see :mod:`~drugfree_core.engine.pool_steps`); more stay with the data
    whole, on their thread, where their queries are large enough to share out.
    """
    return units * 2 < among


def _evaluated(
    data: Dataset, scheme: Scheme, on: dt.date, codes: list[str], *, reference: bool
) -> tuple[Evaluation | None, Mapping[str, Outcome], tuple[LostRecord, ...]]:
    """*codes* evaluated with *scheme* over *data*, a copy of the data for the date *on*.

    In full on the reference date; on another, counted, not read: the verdicts without
    listing who is behind them. The verdicts by unit code, in the order of the units,
    and the records the scheme counted in no unit (their rows are *data*'s).
    """
    if not reference:
        lost: list[LostRecord] = []
        by_unit = evaluate_verdict_by_unit(
            data, scheme, on, units=codes, allow_no_coverage=True, lost=lost
        )
        return None, by_unit, tuple(lost)
    evaluation = evaluate(data, scheme, on, units=codes, allow_no_coverage=True)
    return evaluation, evaluation.verdict_by_unit, evaluation.lost_records


class ScopeRunner:
    """Evaluates one scope on any date, caching each date's run.

    Two threads may evaluate different dates at once (a report's series): each date
    works on its own shallow copy of the data, and what they share (the dataset's
    memo, the provinces looked up, the provinces' parts of the data) is either locked
    or at worst worked out twice, with the same value.
    """

    def __init__(
        self,
        dataset: Dataset,
        host: PluginHost,
        *,
        reference_date: dt.date,
        scope: str,
        scheme: Scheme | None = None,
        on_run: Callable[[dt.date], None] | None = None,
    ) -> None:
        if scheme is not None:
            check_report_scheme(scheme)
        self.dataset = dataset
        self.host = host
        self.reference_date = reference_date
        self.scope = scope
        self.scheme = scheme
        self._on_run = on_run
        self._index = TerritoryIndex.from_frames((dataset.units, dataset.lineage))
        self._runs: dict[dt.date, ScopeRun] = {}
        self._home: dict[str, str] = {}
        # Per set of home provinces, and whether the part holds person keys (see _part).
        self._parts: dict[tuple[frozenset[str], bool], Dataset] = {}
        # The data with person keys (see count_on_person_keys): built once, by one thread.
        self._keys_wanted = False
        self._keyed: Dataset | None = None
        self._keyed_built = False
        self._keyed_lock = threading.Lock()
        # Kept per territory era (see units_on): the units in force, then with provinces.
        self._era_units: dict[int, tuple[str, ...]] = {}
        self._era_provinces: dict[int, tuple[tuple[str, str], ...]] = {}
        # People with a status and no residence at all belong to no province: a province
        # report counts them too, although cutting the data to its units leaves them out.
        if scope != NATIONAL:
            self._never_housed = dataset.status_periods.filter(
                pl.col("subject_id").is_in(
                    dataset.subjects.join(
                        dataset.residences.select(pl.col("subject_id").alias("id")).unique(),
                        on="id",
                        how="anti",
                    )["id"].implode()
                )
            ).select("subject_id", "start", "end")
            # Every date only ever looks at this province's units (of either era): cut
            # the rest of the country's people out once instead of filtering them on every
            # run. The map stays whole: someone who moved to another province is placed
            # there, not counted (in the quality rows) as placed nowhere.
            self.dataset = dataset.restrict_to_units(self._scope_units(), whole_map=True)
        if scope != NATIONAL and not self.units_on(reference_date):
            raise UsageError(
                msg(
                    "no commune-level unit of province {province} is in force on {date} in "
                    "this dataset",
                    province=scope,
                    date=reference_date,
                )
            )

    @property
    def index(self) -> TerritoryIndex:
        """The dataset's map, indexed for province look-ups."""
        return self._index

    def home_province(self, unit_code: str) -> str:
        """The province *unit_code* belongs to on the reference date (see module doc)."""
        if unit_code not in self._home:
            self._home[unit_code] = self._resolve_home(unit_code)
        return self._home[unit_code]

    def _resolve_home(self, unit_code: str) -> str:
        # A split unit whose parts went to different provinces, or a unit with no
        # successor, counts where it was, under that province's successor if any.
        return self._index.home_province(unit_code, self.reference_date)

    def _scope_units(self) -> list[str]:
        """Codes of the commune-level units, of any date, whose home is the scope."""
        return self._communes_at_home(frozenset({official_code(self.scope)}))

    def _communes_at_home(self, provinces: frozenset[str]) -> list[str]:
        """Codes of the commune-level units, of any date, whose home is one of *provinces*.

        *provinces* are official codes (see :func:`official_code`).
        """
        codes = self.dataset.units.filter(pl.col("kind").cast(pl.String).is_in(_COMMUNE_LEVEL))
        return [
            c for c in codes["code"].to_list() if official_code(self.home_province(c)) in provinces
        ]

    def _in_scope(self, unit_code: str) -> bool:
        """Whether the unit's home province is the scope (matched by official code)."""
        return official_code(self.home_province(unit_code)) == official_code(self.scope)

    def units_on(self, on: dt.date) -> list[str]:
        """Codes of the scope's commune-level units in force on *on*, sorted.

        Worked out once per territory era: no unit starts or ends within one
        (:func:`~drugfree_core.engine.placement.territory_era` starts a new era on every
        ``valid_from`` and the day after every ``valid_to``), so every date of it has
        the same units in force.
        """
        era = territory_era(self.dataset, on)
        codes = self._era_units.get(era)
        if codes is None:
            # The engine's own list, sorted by code and kept with the map for the era.
            codes = tuple(communes_on(self.dataset, on)["unit_code"].to_list())
            if self.scope != NATIONAL:
                codes = tuple(c for c in codes if self._in_scope(c))
            self._era_units[era] = codes
        return list(codes)

    def runs(self) -> tuple[ScopeRun, ...]:
        """Every date evaluated so far, in date order (two threads may run dates at once)."""
        return tuple(self._runs[on] for on in sorted(self._runs))

    def run(self, on: dt.date) -> ScopeRun:
        """The scope evaluated on *on* (cached)."""
        if on not in self._runs:
            self._runs[on] = self._evaluate(on)
            if self._on_run is not None:
                self._on_run(on)
        return self._runs[on]

    def _evaluate(self, on: dt.date) -> ScopeRun:
        groups: dict[str, list[str]] = {}
        notes: list[Text] = []
        by_province: dict[str, str | None] = {}  # one jurisdiction look-up per province
        if self.scheme is not None:
            codes = self.units_on(on)
            if codes:
                groups[self.scheme.id] = codes
        else:
            for code, province in self._units_with_provinces(on):
                scheme_id = self._province_scheme_id(province, on, notes, by_province)
                if scheme_id is not None:
                    groups.setdefault(scheme_id, []).append(code)
        verdicts: dict[str, tuple[Scheme, Outcome]] = {}
        reference = on == self.reference_date
        evaluations: list[tuple[Scheme, Evaluation]] = []
        planned: list[tuple[Scheme, list[str]]] = []
        for scheme_id, codes in sorted(groups.items()):
            scheme = self.scheme if self.scheme is not None else self.host.scheme(scheme_id)
            check_report_scheme(scheme)  # a plugin's jurisdiction may name any scheme
            if scheme.in_force(on):
                planned.append((scheme, codes))
                continue
            notes.append(
                msgn(
                    "{date}: scheme {scheme} is not in force; {n} unit not evaluated",
                    "{date}: scheme {scheme} is not in force; {n} units not evaluated",
                    len(codes),
                    date=on,
                    scheme=scheme.id,
                )
            )
        # Each unit's verdict is its own scheme's, whichever scheme of its batch ran.
        owners = {code: scheme for scheme, codes in planned for code in codes}
        if not reference:
            planned = _batched(planned, on)
        # The data each scheme reads on this date. Where only verdicts are counted, a
        # scheme without custom criteria reads no id, and may count people as numbers
        # (see count_on_person_keys).
        reads = [self.dataset] * len(planned)
        if not reference and self._keys_wanted:
            countable = [counts_on_person_keys(scheme) for scheme, _ in planned]
            keyed = self.person_keyed() if any(countable) else None
            if keyed is not None:
                reads = [keyed if c else self.dataset for c in countable]
        # Shallow copies (the same frames) whose derived values (this date's placements
        # and census) go with the date's run instead of piling up, date after date, on
        # the dataset a series reads. Made here, before the schemes share them out.
        wholes = {id(data): data for data in reads}
        wholes = {key: data.for_one_date() for key, data in wholes.items()}
        here = max(range(len(planned)), key=lambda k: len(planned[k][1]), default=0)
        # The census reads the copy of the scheme over most units, which placed everyone.
        whole = wholes[id(reads[here])] if planned else self.dataset.for_one_date()

        def evaluated(
            scheme: Scheme, codes: list[str], read: Dataset
        ) -> tuple[
            Dataset, Dataset, Evaluation | None, Mapping[str, Outcome], tuple[LostRecord, ...]
        ]:
            # A province's own scheme covers few units: evaluate only the records that
            # concern them (same results, units are independent; much less work).
            small = is_small_part(len(codes), sum(len(c) for c in groups.values()))
            base = self._part(codes, read) if small else read
            data = base.for_one_date() if small else wholes[id(read)]

            def run() -> tuple[Evaluation | None, Mapping[str, Outcome], tuple[LostRecord, ...]]:
                return _evaluated(data, scheme, on, codes, reference=reference)

            # A part's many small queries, as one step on polars' pool: each handed over
            # on its own, behind the national evaluation's tasks, they took several
            # times as long (see engine.pool_steps).
            evaluation, verdicts, lost = on_pool_if_small(scheme, run) if small else run()
            return base, data, evaluation, verdicts, lost

        # The scheme over most units (the national one) runs on this thread; the
        # provinces' own schemes, cutting and reading their small parts of the data, in a
        # worker beside it (the national evaluation keeps both cores busy only part of the
        # time). Each reads its own copy of the data: what they derive for the date is
        # not shared (what they derive from the map alone is: see Dataset.derived).
        done = side_by_side(
            [
                functools.partial(evaluated, scheme, codes, read)
                for (scheme, codes), read in zip(planned, reads, strict=True)
            ],
            here=here,
        )
        lost: list[tuple[LostRecord, ...]] = []
        for (scheme, _), (base, data, evaluation, unit_verdicts, counted) in zip(
            planned, done, strict=True
        ):
            base.keep_undated(data)
            if evaluation is not None:
                evaluations.append((scheme, evaluation))
            for code, verdict in unit_verdicts.items():
                verdicts[code] = (owners[code], verdict)
            lost.append(counted)
        provinces = {code: self.home_province(code) for code in verdicts}
        unplaced: dict[str, int] = {}
        homeless: dict[str, int] = {}
        if verdicts:
            # The scope's part of the data holds everyone who ever lived in its units and
            # every quarantined record whose unit cannot be told (restrict_to_units).
            found = census(whole, on)
            if found.undetermined:
                unplaced[NATIONAL] = len(found.undetermined)
            for kind, unit_code, people in found.people_by_kind():
                if kind == "split":
                    continue  # their candidate units carry the note and the downgrade
                tally = unplaced if kind == "gone" else homeless
                where = self._province_or_any(unit_code)
                tally[where] = tally.get(where, 0) + people
            self._tally_lost(planned, lost, here, unplaced)
            if self.scope != NATIONAL:
                running = self._never_housed.filter(
                    (pl.col("start") <= on) & (pl.col("end").is_null() | (pl.col("end") >= on))
                )
                never = running["subject_id"].n_unique()
                if never:
                    homeless[NATIONAL] = homeless.get(NATIONAL, 0) + never
        return ScopeRun(
            on=on,
            verdicts=verdicts,
            provinces=provinces,
            # The reference date's evaluations are read again (the results, the criteria
            # tallies, provenance); the other dates made none, only verdicts.
            evaluations=tuple(evaluations),
            data=whole if reference else None,
            notes=tuple(dict.fromkeys(notes)),
            unplaced=unplaced,
            without_residence=homeless,
        )

    def _tally_lost(
        self,
        planned: list[tuple[Scheme, list[str]]],
        lost: list[tuple[LostRecord, ...]],
        here: int,
        unplaced: dict[str, int],
    ) -> None:
        """Add to *unplaced* the records each scheme of *planned* counted in no unit.

        A record counts where its unit was, as a person living there does (its home
        province, or any), and by the rules of the scheme that judges the units there:
        the batch of *planned* holding that province's units (*here*, the batch over
        most units, for a record of any province or of one with no unit evaluated).
        Each batch counts its own records, once each, so none is counted twice, though
        a province's part of the data and the whole data both hold it (under rows of
        their own).
        """
        if not any(lost):
            return
        owner: dict[str, int] = {}
        for i, (_, codes) in enumerate(planned):
            for code in codes:
                owner.setdefault(self.home_province(code), i)
        for i, found in enumerate(lost):
            for record in found:
                where = self._province_or_any(record.unit_code)
                if owner.get(where, here) == i:
                    unplaced[where] = unplaced.get(where, 0) + 1

    def _province_or_any(self, unit_code: str | None) -> str:
        """The home province of *unit_code*, or ``"*"`` (any) when it cannot be told."""
        if unit_code is None or unit_code not in self._index:
            return NATIONAL
        try:
            return self.home_province(unit_code)
        except DrugfreeError:
            return NATIONAL

    def part_for(self, codes: list[str]) -> Dataset:
        """The records of the scope's data that evaluating *codes* needs (see :meth:`_part`).

        Cut once per set of the codes' provinces and shared: the national verdicts beside
        a province's own scheme read the part that scheme read, when it read one.
        """
        return self._part(codes, self.dataset)

    def _part(self, codes: list[str], data: Dataset) -> Dataset:
        """The records of *data* that evaluating *codes* needs, cut once per set of provinces.

        The part holds the people of every commune-level unit, of any date, whose home
        is one of the codes' provinces: the same part serves the dates before and after
        the reform (other units, the same people), and units are evaluated
        independently, so the records of more units change no result. It keeps the whole
        map, and shares what is worked out from it with *data* (``whole_map=True``).
        *data* is the scope's data, or its copy with person keys (:meth:`person_keyed`):
        each has its own parts. A part with person keys, when the part with ids is cut
        already, is that part given keys of its own (keys need only sort as the ids do
        within what is evaluated): nationally, a province's part took 36-38 ms to cut
        from the copy with keys, 9-12 ms to give keys.
        """
        provinces = frozenset(official_code(self.home_province(c)) for c in codes)
        keyed = data is not self.dataset
        key = (provinces, keyed)
        if key not in self._parts:
            with_ids = self._parts.get((provinces, False)) if keyed else None
            part = None if with_ids is None else with_person_keys(with_ids)
            if part is None:
                wanted = self._communes_at_home(provinces)
                part = data.restrict_to_units(wanted, people="own", whole_map=True)
            self._parts[key] = part
        return self._parts[key]

    def count_on_person_keys(self) -> None:
        """Evaluate the dates other than the reference date on person keys from now on.

        Those dates only count verdicts: their schemes, unless one has a custom
        criterion, are then evaluated on :meth:`person_keyed`, whose numbers polars
        joins and groups faster than text ids (nationally, a date's evaluation took a
        fifth less CPU time). Building the keys costs about as much as four dates save:
        worth asking for a long series, not for a few dates. The same verdicts either way.
        """
        self._keys_wanted = True

    def person_keyed(self) -> Dataset | None:
        """The scope's data with a number for each person instead of its id, built once.

        See :mod:`drugfree_core.dataset.person_keys`; None when the data cannot have
        them. The first thread to ask builds them; another waits for it instead of
        building them again (a report's series starts two dates at once).
        """
        # The lock is held while polars builds the keys: never call this from a step on
        # polars' pool (see drugfree_core._polars_pool), which could then wait for a
        # thread that waits for polars. _evaluate asks before it starts any step.
        with self._keyed_lock:
            if not self._keyed_built:
                self._keyed = with_person_keys(self.dataset)
                self._keyed_built = True
            return self._keyed

    def _units_with_provinces(self, on: dt.date) -> tuple[tuple[str, str], ...]:
        """:meth:`units_on` *on*, each with its province on *on*, once per territory era.

        Each of those units is in force on *on*, and the province of a unit in force is
        read up its parents, whatever the date (``TerritoryIndex.province_of``): the same
        on every date of the era. A national series used to look up 10,000 units'
        provinces on each date before the reform. Two threads may work out one era at
        once; both get equal tuples.
        """
        era = territory_era(self.dataset, on)
        found = self._era_provinces.get(era)
        if found is None:
            found = tuple((c, self._index.province_of(c, on)) for c in self.units_on(on))
            self._era_provinces[era] = found
        return found

    def _province_scheme_id(
        self, province: str, on: dt.date, notes: list[Text], by_province: dict[str, str | None]
    ) -> str | None:
        """The id of the scheme in force for *province* on *on* (looked up once a date)."""
        if province not in by_province:
            try:
                by_province[province] = self.host.jurisdiction_for(province, on).scheme_id
            except DrugfreeError as exc:
                notes.append(msg("{date}: {error}", date=on, error=exception_text(exc)))
                by_province[province] = None
        return by_province[province]
