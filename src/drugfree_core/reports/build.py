"""Build a report: one scope, one reference date, every view computed once.

The steps, each in its own module: evaluate the scope on the date, each province by its
own scheme (:mod:`.runs`); read what every unit lacks (:mod:`.gaps`); evaluate the time
series and fit the trend (:mod:`.trend`); judge every roadmap milestone
(:mod:`.progress`); measure the campaign indicators (:mod:`.indicators`) and the data
quality (:mod:`.quality`); stamp the provenance (:mod:`.provenance`). Small counts are
suppressed last (:mod:`.suppress`), so nothing upstream can leak them.

**Merger rule.** A unit that came out of the 1 July 2025 reorganisation is judged on its
own data only: it is never recognised because its predecessors were. Beside its verdict
the report shows how many of its predecessors met the criteria on 30 June 2025, the
last day they existed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

import attrs
import polars as pl

from drugfree_core._args import expect, expect_date
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.coverage import no_coverage_reason
from drugfree_core.engine.evaluate import evaluate_verdicts, same_verdicts
from drugfree_core.engine.person_keys import counts_on_person_keys
from drugfree_core.engine.pool_steps import on_pool_if_small
from drugfree_core.engine.results import UnitResult, UnitVerdict, unplaced_note
from drugfree_core.errors import CoverageError, DrugfreeError, UsageError
from drugfree_core.i18n import Message, Text, msg, msgn
from drugfree_core.model._dates import month_start
from drugfree_core.model.periods import AssessmentPeriod, DateOrPeriod
from drugfree_core.model.territory import TWO_TIER_START
from drugfree_core.plugins.host import PluginHost, default_host
from drugfree_core.plugins.territory import TerritoryIndex
from drugfree_core.reports.gaps import closest_to_passing, unit_cases, unit_row
from drugfree_core.reports.indicators import measure_indicators
from drugfree_core.reports.model import (
    CaseList,
    CriterionTally,
    PluginVersion,
    Predecessors,
    Report,
    ReportProvenance,
    SchemeRef,
    SeriesPoint,
)
from drugfree_core.reports.notes import unplaced_scope_note, without_residence_note
from drugfree_core.reports.progress import scope_progress
from drugfree_core.reports.provenance import fingerprint
from drugfree_core.reports.quality import IssueTable, assess_quality
from drugfree_core.reports.recognition import (
    Recognised,
    RecognitionSummary,
    recognised_units,
    recognition_year,
    summarise,
)
from drugfree_core.reports.runs import (
    ScopeCounts,
    ScopeRun,
    ScopeRunner,
    check_report_scheme,
    is_small_part,
)
from drugfree_core.reports.side_work import SideWork
from drugfree_core.reports.suppress import suppress_small_counts
from drugfree_core.reports.trend import period_ends
from drugfree_core.rules.outcome import Outcome
from drugfree_core.rules.roadmap import NATIONAL
from drugfree_core.rules.scheme import Scheme

#: The last day of the pre-reform units, on which predecessors are shown.
LAST_PRE_REFORM_DAY = TWO_TIER_START - dt.timedelta(days=1)
#: From this many dates besides the reference date, a series counts them on person keys
#: (:meth:`ScopeRunner.count_on_person_keys`). Nationally the keys cost 0.2 s (0.35 s of
#: CPU) once, and each date then took 40 ms less (80 ms less CPU): a quarterly series'
#: four dates about pay for them, a monthly one's twelve gain.
KEYED_SERIES_DATES = 6


@attrs.frozen(kw_only=True)
class ReportOptions:
    """How to build a report; every field has a documented default.

    ``series_start``/``series_end``/``every`` set the time series (default: quarterly
    over the year up to the reference date). ``closest`` is how many units the "closest
    to passing" list keeps. ``suppress_below`` withholds counts of people below it in
    the published aggregates (``None``: no suppression). ``stale_after_days`` is the
    data-quality "live" threshold. ``scheme`` forces one scheme on every province
    instead of each province's own. ``recognition_year`` is the assessment year whose
    recognitions are set beside the data (default: the latest year completed on the
    reference date). ``national_beside`` adds, for units judged by a provincial scheme,
    their verdict under the national scheme in force. ``allow_no_coverage`` builds a
    report whose scope has no unit the dataset covers (every unit *no data*) instead of
    refusing it.
    """

    series_start: dt.date | None = None
    series_end: dt.date | None = None
    every: str = "quarter"
    series: bool = True
    closest: int = 20
    suppress_below: int | None = None
    stale_after_days: int = 180
    scheme: Scheme | None = None
    generated_at: dt.datetime | None = None
    recognition_year: int | None = None
    national_beside: bool = True
    allow_no_coverage: bool = False

    def __attrs_post_init__(self) -> None:
        # Checked here, so a bad option fails at once with its name, not deep in a run
        # (a negative ``closest`` would silently cut the list from the end).
        for name, low in (("closest", 0), ("stale_after_days", 0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise UsageError(
                    msg("ReportOptions.{name} must be a whole number ≥ {low}", name=name, low=low)
                )
        below = self.suppress_below
        if below is not None and (isinstance(below, bool) or not isinstance(below, int)):
            raise UsageError(msg("ReportOptions.suppress_below must be a whole number ≥ 2 or None"))
        if below is not None and below < 2:
            raise UsageError(msg("ReportOptions.suppress_below must be a whole number ≥ 2 or None"))
        for name in ("series_start", "series_end"):
            value = getattr(self, name)
            if value is not None and (
                not isinstance(value, dt.date) or isinstance(value, dt.datetime)
            ):
                raise UsageError(
                    msg("ReportOptions.{name} must be a datetime.date or None", name=name)
                )
        if self.scheme is not None and not isinstance(self.scheme, Scheme):
            raise UsageError(msg("ReportOptions.scheme must be a Scheme or None"))
        if self.scheme is not None:
            check_report_scheme(self.scheme)


def build_report(
    dataset: Dataset,
    on: DateOrPeriod,
    *,
    province: str | None = None,
    national: bool = False,
    options: ReportOptions | None = None,
    host: PluginHost | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Report:
    """The report for *province* (a code) or, when ``None``, the nation, on *on*.

    With no *province*, data whose units in force all belong to one province give that
    province's report (its roadmap, its name): one province's file is not the nation.
    *national* asks for the nation's report even then: the national roadmap over every
    unit in force, those the data do not cover counted as *no data*.
    *progress* is called as ``progress(step, done, total)``: *done* of *total* dated
    evaluations have run, and *step* names what runs now (``evaluate``, ``series``,
    ``gaps``, ``indicators``, ``quality``, ``provenance``); the CLI draws a bar with it.
    *on* is a date or an :class:`~drugfree_core.model.AssessmentPeriod` (its last day).
    Raises :class:`~drugfree_core.errors.CoverageError` when the dataset covers no unit
    of the scope on *on*, unless ``options.allow_no_coverage``.
    """
    if isinstance(on, AssessmentPeriod):
        on = on.reference_date
    _check_arguments(dataset, on, province, host)
    if national and province is not None:
        raise UsageError(msg("give a province or the nation, not both"))
    if options is not None:
        expect(options, ReportOptions, "options", msg("a ReportOptions"))
    options = options or ReportOptions()
    host = host or default_host()
    scope = NATIONAL if province is None else province
    runner = ScopeRunner(dataset, host, reference_date=on, scope=scope, scheme=options.scheme)
    if province is None and not national:
        provinces = {runner.home_province(code) for code in runner.units_on(on)}
        if len(provinces) == 1:
            scope = provinces.pop()
            runner = ScopeRunner(
                dataset, host, reference_date=on, scope=scope, scheme=options.scheme
            )
    dates = _series_dates(on, options)
    total = len(set(dates) | {on})

    def tick(step: str) -> None:
        if progress is not None:
            progress(step, len(runner.runs()), total)

    # Set when the report fails: the fingerprint then stops instead of being waited for
    # (person keys being built are waited for: 0.2 s nationally).
    failed = threading.Event()
    with contextlib.closing(SideWork()) as side, _set_on_error(failed):
        keys_built = None
        if len(set(dates) - {on}) >= KEYED_SERIES_DATES and (
            options.scheme is None or counts_on_person_keys(options.scheme)
        ):
            # A long series counts its other dates on person keys: built beside the
            # reference date, which reads the ids, rather than on the way into the series.
            # Built first: the series waits for them, the fingerprint is read at the end
            # (a monthly report took 1 % less time, 22 alternating pairs, when this
            # thread no longer waited for them after the reference date).
            runner.count_on_person_keys()
            keys_built = side.start(runner.person_keyed)
        # The fingerprint reads the data alone: it starts at once (after a long series'
        # keys), and fills the time this thread would wait for the provinces' parts of the
        # reference date.
        fingerprinted = side.start(fingerprint, dataset, stop=failed)
        now = runner.run(on)
        tick("evaluate")
        overall_counts = now.counts(scope)
        if overall_counts.units and not overall_counts.covered and not options.allow_no_coverage:
            raise CoverageError(_no_coverage(dataset, scope, on, overall_counts.units))
        generated_at = options.generated_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
        # The data with the people placed on the report's date, as its evaluation placed
        # them: the quality assessment and the indicators read them instead of placing
        # everyone again (what they derive besides stays with this date's copy).
        on_the_day = now.data
        assert on_the_day is not None  # the reference date's run keeps its data
        # None needs the series: they run on the other core while its dates are evaluated.
        assessed = side.start(
            assess_quality,
            on_the_day,
            on,
            stale_after_days=options.stale_after_days,
            # Records after the report date but before today are later data, not errors.
            extracted=max(on, generated_at.date()),
            law=[p for p in host.parameters() if p.id.startswith("law.")],
        )
        beside_found = (
            side.start(_national_beside, runner, now, host) if options.national_beside else None
        )
        # The indicators read the reference date only: beside the series too, not after.
        indicated = side.start(
            measure_indicators,
            [(i, host.origin("indicator", i.id).name) for i in host.indicators()],
            on_the_day,
            on,
            scope=scope,
            units=list(now.verdicts),  # the units the results hold, not built yet
            shared=host.parameters(),
        )
        # What each unit lacks reads the reference date only: worked out before the series,
        # whose dates the two threads share, rather than after it with the worker idle.
        rows = {
            code: unit_row(
                result, scheme.id, notes=_unit_notes(result, now.unplaced_in(now.provinces[code]))
            )
            for code, (scheme, result) in sorted(now.results.items())
        }
        # A date's evaluation keeps both cores busy only part of the time: the worker,
        # once its own work is done, evaluates dates beside this thread.
        if keys_built is not None:
            keys_built.result()  # an error building them stops the report, as on a date
        runs = side.share([functools.partial(runner.run, d) for d in dates], lambda: tick("series"))
        series = [point for run in runs for point in _points(run, scope)]
        in_force = _InForce(runner)
        # Every province with a unit in force, evaluated or not (none is, on a date when
        # no scheme is in force): its units are counted, never left out.
        scopes = (
            sorted(set(now.provinces.values()) | set(in_force.by_province(on)))
            if scope == NATIONAL
            else [scope]
        )
        scoped = runner.dataset  # the scope's part of the data (all of it for the nation)
        predecessor_run = _pre_reform_run(runner, scoped, on)
        predecessors_of = _predecessor_map(scoped)

        def run_on(date: dt.date) -> ScopeRun | None:
            return runner.run(date) if _evaluable(runner, date) else None

        def standing(run: ScopeRun) -> dict[str, Recognised] | None:
            chosen = options.recognition_year if run.on == on else None
            return recognised_units(scoped, run.on, recognition_year(run.on, chosen))

        def recognised(s: str, run: ScopeRun) -> int | None:
            found = standing(run)
            if found is None:
                return None
            # Over the units in force, evaluated or not: a recognition is a decision,
            # whatever the data say on the date.
            return sum(
                1
                for code in runner.units_on(run.on)
                if code in found and (s == NATIONAL or runner.home_province(code) == s)
            )

        index = runner.index
        progress_rows = tuple(
            scope_progress(
                scope=s,
                name=index.name(s) if s in index else s,
                now=now,
                roadmap=host.roadmap_for(s, on) or host.roadmap_for(NATIONAL, on),
                series=series,
                run_on=run_on,
                recognised=recognised,
                in_force=in_force,
            )
            for s in scopes
        )
        overall = (
            progress_rows[0]
            if scope != NATIONAL
            else scope_progress(
                scope=NATIONAL,
                name="*",
                now=now,
                roadmap=host.roadmap_for(NATIONAL, on),
                series=series,
                run_on=run_on,
                recognised=recognised,
                in_force=in_force,
            )
        )
        tick("gaps")
        found = standing(now)
        beside = beside_found.result() if beside_found is not None else {}
        units = tuple(
            attrs.evolve(
                row,
                predecessors=_predecessors(predecessors_of.get(code, ()), predecessor_run),
                recognised=None if found is None else code in found,
                recognition_scheme=found[code].scheme_id if found and code in found else None,
                national_scheme_id=beside[code][0] if code in beside else None,
                national_verdict=beside[code][1] if code in beside else None,
            )
            for code, row in rows.items()
        )
        recognition = _recognition(now, found, scopes, scope, options, on)
        tick("indicators")
        indicators = indicated.result()
        tick("quality")
        quality = assessed.result()
        if scope != NATIONAL:
            # The part of the data keeps the whole map (people who moved away are placed
            # where they went): only the scope's units, and the unplaced, are its own.
            issues = quality.issues
            assert isinstance(issues, IssueTable)  # assess_quality's
            quality = attrs.evolve(
                quality,
                rows=tuple(
                    q for q in quality.rows if q.unit_code is None or q.unit_code in now.results
                ),
                issues=issues.within(now.results),
            )
        tick("provenance")
        report = Report(
            provenance=_provenance(
                dataset, host, now, scope, index, options, generated_at, fingerprinted.result()
            ),
            progress=progress_rows,
            overall=overall,
            units=units,
            closest=closest_to_passing(units, options.closest),
            criteria=_tallies(now),
            series=tuple(series),
            indicators=indicators,
            quality=quality,
            notes=_notes(runner, dates, predecessor_run, overall_counts, series),
            recognition=recognition,
        )
        if options.suppress_below is not None:
            report = suppress_small_counts(report, options.suppress_below)
        return report


@contextlib.contextmanager
def _set_on_error(event: threading.Event) -> Iterator[None]:
    """Set *event* when the block raises (before the work beside it is waited for)."""
    try:
        yield
    except BaseException:
        event.set()
        raise


def build_cases(
    dataset: Dataset,
    on: DateOrPeriod,
    report: Report,
    *,
    host: PluginHost | None = None,
    province: str | None = None,
    scheme: Scheme | None = None,
) -> CaseList:
    """The case-level list behind *report*: who makes each failing unit fail."""
    if isinstance(on, AssessmentPeriod):
        on = on.reference_date
    _check_arguments(dataset, on, province, host)
    expect(report, Report, msg("the report"), msg("a Report (from build_report)"))
    if scheme is not None:
        expect(scheme, Scheme, msg("the scheme"), msg("a Scheme or None"))
    host = host or default_host()
    scope = NATIONAL if province is None else province
    now = ScopeRunner(dataset, host, reference_date=on, scope=scope, scheme=scheme).run(on)
    return CaseList(
        reference_date=on,
        dataset_fingerprint=report.provenance.dataset_fingerprint,
        cases=tuple(c for _, (_, r) in sorted(now.results.items()) for c in unit_cases(r)),
    )


def _national_beside(
    runner: ScopeRunner, now: ScopeRun, host: PluginHost
) -> dict[str, tuple[str, str]]:
    """For units judged by a provincial scheme: (national scheme id, verdict under it)."""
    if runner.scheme is not None:
        return {}
    try:
        national = host.scheme(host.jurisdiction_for(NATIONAL, now.on).scheme_id)
    except DrugfreeError:
        return {}
    own = {
        code: scheme
        for code, (scheme, _) in now.verdicts.items()  # each unit's own scheme
        if scheme.id != national.id and not scheme.is_national
    }
    if not own or not national.in_force(now.on) or not national.is_national:
        return {}
    # A province's scheme that adopts the national criteria as they stand gives its
    # units the national verdict already: only the others are evaluated again.
    agrees = {s.id: same_verdicts(s, national, now.on) for s in own.values()}
    beside = {
        code: (national.id, now.verdicts[code][1].value)
        for code, scheme in own.items()
        if agrees[scheme.id]
    }
    codes = [code for code, scheme in own.items() if not agrees[scheme.id]]
    if codes:
        # Only the people who ever lived in these units (or their predecessors) count:
        # the part cut for their provinces holds them all (the one their own scheme read,
        # when it read one). A copy for the date, as each date's evaluation reads.
        data = runner.part_for(codes).for_one_date()

        def verdicts() -> tuple[UnitVerdict, ...]:
            # Only the verdicts are shown: nobody behind them is listed.
            return evaluate_verdicts(data, national, now.on, units=codes, allow_no_coverage=True)

        # A small part's queries run as one step on polars' pool, not each queued behind
        # the series' (see is_small_part).
        small = is_small_part(len(codes), len(now.verdicts))
        found = on_pool_if_small(national, verdicts) if small else verdicts()
        beside.update((u.unit_code, (national.id, u.verdict.value)) for u in found)
    return beside


def _recognition(
    now: ScopeRun,
    found: dict[str, Recognised] | None,
    scopes: list[str],
    scope: str,
    options: ReportOptions,
    on: dt.date,
) -> tuple[RecognitionSummary, ...]:
    """Recognised units beside those meeting the criteria, per province (and overall)."""
    if found is None:
        return ()
    year = recognition_year(on, options.recognition_year)
    wanted = [*scopes, NATIONAL] if scope == NATIONAL else scopes
    return tuple(
        summarise(
            s,
            year,
            {
                code: verdict.value
                for code, (_, verdict) in now.verdicts.items()
                if s == NATIONAL or now.provinces[code] == s
            },
            found,
        )
        for s in wanted
    )


def _check_arguments(dataset: object, on: object, province: object, host: object) -> None:
    expect(dataset, Dataset, msg("the dataset"), msg("a Dataset (see drugfree_core.load)"))
    expect_date(on, msg("the reference date"))
    if province is not None:
        expect(province, str, msg("the province"), msg("a province code (str) or None"))
    if host is not None:
        expect(host, PluginHost, msg("the host"), msg("a PluginHost or None"))


def _series_dates(on: dt.date, options: ReportOptions) -> tuple[dt.date, ...]:
    if not options.series:
        return ()
    end = options.series_end or on
    start = options.series_start or month_start(end.year - 1, end.month)
    if end > on:
        raise UsageError(
            msg("the series cannot end ({end}) after the reference date ({date})", end=end, date=on)
        )
    dates = [d for d in period_ends(start, end, options.every) if d <= on]
    return tuple(dates)


def _evaluable(runner: ScopeRunner, on: dt.date) -> bool:
    return bool(runner.units_on(on))


class _InForce:
    """Counts a scope's units in force on a date, evaluated or not, once per date."""

    def __init__(self, runner: ScopeRunner) -> None:
        self._runner = runner
        self._by_date: dict[dt.date, Counter[str]] = {}

    def by_province(self, on: dt.date) -> Counter[str]:
        """The units in force on *on*, per province as of the reference date."""
        if on not in self._by_date:
            runner = self._runner
            self._by_date[on] = Counter(runner.home_province(c) for c in runner.units_on(on))
        return self._by_date[on]

    def __call__(self, scope: str, on: dt.date) -> int:
        found = self.by_province(on)
        if scope == NATIONAL or self._runner.scope != NATIONAL:
            return found.total()  # a province's runner holds its own units only
        return found[scope]


def _points(run: ScopeRun, scope: str) -> list[SeriesPoint]:
    scopes = sorted(set(run.provinces.values())) if scope == NATIONAL else [scope]
    if scope == NATIONAL:
        scopes.append(NATIONAL)
    applied: dict[str, set[str]] = {NATIONAL: set()}  # scheme ids per scope
    provinces = run.provinces
    # (province, scheme) once each, then per scope: a few dozen pairs for 10,000 units
    for province, scheme_id in {(provinces[c], s.id) for c, (s, _) in run.verdicts.items()}:
        applied[NATIONAL].add(scheme_id)
        applied.setdefault(province, set()).add(scheme_id)
    points = []
    for s in scopes:
        counts = run.counts(s)
        if counts.units:
            schemes = sorted(applied.get(s, ()))
            points.append(
                SeriesPoint(
                    on=run.on,
                    scope=s,
                    units_in_force=counts.units,
                    meeting=counts.meeting,
                    failing=counts.failing,
                    unknown=counts.unknown,
                    no_data=counts.no_data,
                    scheme_ids=tuple(schemes),
                    unplaced=counts.unplaced,
                )
            )
    return points


def _no_coverage(dataset: Dataset, scope: str, on: dt.date, units: int) -> Message:
    why = no_coverage_reason(dataset, units)
    tail = msg(
        "Declare what the records cover in a coverage table, or allow a report that is all "
        "'no data' (--allow-no-coverage; in Python, ReportOptions.allow_no_coverage)"
    )
    if scope == NATIONAL:
        return msg(
            "the dataset covers no unit of the nation on {date}: {why}. {tail}",
            date=on,
            why=why,
            tail=tail,
        )
    return msg(
        "the dataset covers no unit of province {province} on {date}: {why}. {tail}",
        province=scope,
        date=on,
        why=why,
        tail=tail,
    )


def _unit_notes(result: UnitResult, unplaced: int) -> tuple[Text, ...]:
    # unplaced: the people and records that may belong to any unit of the scope
    """Why a unit's outcomes may be incomplete (see :class:`UnitRow`)."""
    notes: list[Text] = list(result.affected_by)
    if unplaced and result.verdict is Outcome.PASS:
        notes.append(unplaced_note(unplaced))
    return tuple(notes)


def _pre_reform_run(runner: ScopeRunner, dataset: Dataset, on: dt.date) -> ScopeRun | None:
    """The scope on 30 June 2025, to show each successor's predecessors.

    ``None`` when the report date is before the merger or the dataset has no lineage.
    """
    if on < TWO_TIER_START or dataset.lineage.is_empty():
        return None
    if not _evaluable(runner, LAST_PRE_REFORM_DAY):
        return None
    return runner.run(LAST_PRE_REFORM_DAY)


def _predecessor_map(dataset: Dataset) -> dict[str, tuple[str, ...]]:
    """Each successor's direct predecessors, sorted."""
    grouped = dataset.lineage.group_by("successor_code").agg(pl.col("predecessor_code").sort())
    return {succ: tuple(preds) for succ, preds in grouped.iter_rows()}


def _predecessors(codes: tuple[str, ...], before: ScopeRun | None) -> Predecessors | None:
    if before is None or not codes:
        return None
    verdicts = [
        before.verdicts[c][1].value if c in before.verdicts else Outcome.UNKNOWN.value
        for c in codes
    ]
    return Predecessors(
        on=before.on,
        total=len(codes),
        meeting=verdicts.count("pass"),
        failing=verdicts.count("fail"),
        unknown=verdicts.count("unknown"),
        codes=codes,
        no_data=verdicts.count("no_data"),
    )


def _tallies(now: ScopeRun) -> tuple[CriterionTally, ...]:
    order = [o.value for o in Outcome]
    tallies: dict[tuple[str, str], list[int]] = {}
    titles: dict[tuple[str, str], tuple[str, str]] = {}
    for scheme, evaluation in now.evaluations:
        for criterion in scheme.criteria_on(now.on):
            titles[(scheme.id, criterion.id)] = (criterion.title_en, criterion.title_vi)
        for unit in evaluation.units:
            for c in unit.criteria:
                counts = tallies.setdefault((scheme.id, c.criterion_id), [0] * len(order))
                counts[order.index(c.outcome.value)] += 1
    return tuple(
        CriterionTally(
            scheme_id=scheme_id,
            criterion_id=criterion_id,
            title_en=titles[(scheme_id, criterion_id)][0],
            title_vi=titles[(scheme_id, criterion_id)][1],
            passed=counts[order.index(Outcome.PASS.value)],
            failed=counts[order.index(Outcome.FAIL.value)],
            unknown=counts[order.index(Outcome.UNKNOWN.value)],
            no_data=counts[order.index(Outcome.NO_DATA.value)],
        )
        for (scheme_id, criterion_id), counts in sorted(tallies.items())
    )


def _provenance(
    dataset: Dataset,
    host: PluginHost,
    now: ScopeRun,
    scope: str,
    index: TerritoryIndex,
    options: ReportOptions,
    generated_at: dt.datetime,
    dataset_fingerprint: str,
) -> ReportProvenance:
    from drugfree_core.engine.evaluate import library_version

    schemes = []
    for scheme, _ in now.evaluations:
        try:
            origin = host.origin("scheme", scheme.id).name
        except UsageError:
            origin = "caller"
        schemes.append(
            SchemeRef(
                id=scheme.id,
                version=scheme.version,
                title_en=scheme.title_en,
                title_vi=scheme.title_vi,
                origin=origin,
            )
        )
    return ReportProvenance(
        reference_date=now.on,
        scope=scope,
        scope_name="*" if scope == NATIONAL else (index.name(scope) if scope in index else scope),
        library_version=library_version(),
        schemes=tuple(schemes),
        plugins=tuple(
            PluginVersion(name=p.name, distribution=p.distribution, version=p.version)
            for p in host.plugins()
        ),
        map_source=_map_source(dataset),
        dataset_fingerprint=dataset_fingerprint,
        generated_at=generated_at,
        suppression_threshold=None,
        stale_after_days=options.stale_after_days,
        coverage_basis=dataset.coverage_basis,
    )


def _map_source(dataset: Dataset) -> Text:
    if getattr(dataset, "map_source", None):
        from drugfree_core.adminmap import official_map

        source = official_map().source
        return msg(
            "embedded official map (extracted from {name} {version}, {licence}; upstream: "
            "{upstream})",
            name=source.name,
            version=source.version,
            licence=source.licence,
            upstream=", ".join(source.upstream),
        )
    return msgn(
        "supplied with the data ({n} unit, {links} lineage links)",
        "supplied with the data ({n} units, {links} lineage links)",
        len(dataset.units),
        links=len(dataset.lineage),
    )


def _notes(
    runner: ScopeRunner,
    dates: Sequence[dt.date],
    before: ScopeRun | None,
    counts: ScopeCounts,
    series: Sequence[SeriesPoint] = (),
) -> tuple[Text, ...]:
    notes: list[Text] = []
    if counts.no_data:
        notes.append(
            msgn(
                "{n} of {units} units in force has no data (the dataset does not cover it): "
                "it is never counted as meeting the criteria, and a milestone it could "
                "decide cannot be judged.",
                "{n} of {units} units in force have no data (the dataset does not cover "
                "them): they are never counted as meeting the criteria, and a milestone they "
                "could decide cannot be judged.",
                counts.no_data,
                units=counts.units,
            )
        )
    if counts.unplaced:
        notes.append(
            unplaced_scope_note(counts.unplaced, counts.meeting, least=counts.meeting_at_least)
        )
    if counts.without_residence:
        notes.append(without_residence_note(counts.without_residence))
    for run in runner.runs():
        notes.extend(run.notes)
    # The criteria can change along the series (the national default became Art. 6 of
    # Decision 28/2025 on 24 Aug 2025): say where, since shares across it differ in kind.
    changes: dict[str, list[tuple[dt.date, tuple[str, ...]]]] = {}
    for point in sorted(series, key=lambda p: p.on):
        seen = changes.setdefault(point.scope, [])
        if not seen or seen[-1][1] != point.scheme_ids:
            seen.append((point.on, point.scheme_ids))
    for scope, steps in sorted(changes.items()):
        if len(steps) > 1:
            where: Message | None = None
            for day, ids in steps:
                step = msg("{schemes} from {date}", schemes=", ".join(ids), date=day)
                where = step if where is None else msg("{first}; {then}", first=where, then=step)
            notes.append(
                msg(
                    "The time series of {scope} is judged by different schemes over its dates "
                    "({steps}); its trend uses the points since the last change when there "
                    "are two.",
                    scope=msg("the nation") if scope == NATIONAL else scope,
                    steps=where or "",
                )
            )
    if before is not None:
        notes.append(
            msg(
                "Units created on 1 July 2025 are judged on their own data; their "
                "predecessors' results on {date} are shown beside them, never inherited.",
                date=before.on,
            )
        )
    return tuple(dict.fromkeys(notes))
