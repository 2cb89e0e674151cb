"""What a report holds: frozen, JSON-ready records of aggregates.

A :class:`Report` is built once (:func:`drugfree_core.reports.build_report`) and then
written in any format; every exporter reads the same object, so the JSON, the CSV files,
the workbook and the HTML page cannot disagree. Counts of *people* are ``int | None``:
``None`` means the count was suppressed as too small to publish (see
:func:`~drugfree_core.reports.suppress_small_counts`). The case-level list that does name
pseudonymous subject ids is a separate object, :class:`CaseList`, never part of a report.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs

from drugfree_core.i18n import Text, format_count, format_number, msg, resolve_lang
from drugfree_core.reports.quality import QualityReport
from drugfree_core.reports.recognition import RecognitionSummary

#: Milestone statuses. ``met``/``missed``: the due date has passed and the data on that
#: date decided it. ``on_track``/``off_track``: the due date is ahead and the projection
#: from the trend reaches (or does not reach) the required count. ``cannot_judge``: the
#: undecided units, the units the dataset does not cover (or the people it could not
#: place) could change the answer. ``unknown``: no data on the due date, or no trend.
MILESTONE_STATUSES = ("met", "missed", "cannot_judge", "on_track", "off_track", "unknown")


@attrs.frozen(kw_only=True)
class SchemeRef:
    """A scheme a report used, with its version and the plugin that registered it."""

    id: str
    version: str
    title_en: str
    title_vi: str
    origin: str


@attrs.frozen(kw_only=True)
class PluginVersion:
    """A plugin loaded while the report was built."""

    name: str
    distribution: str | None
    version: str | None


@attrs.frozen(kw_only=True)
class ReportProvenance:
    """Where a report comes from, so a reader can reproduce or challenge it.

    ``dataset_fingerprint`` is a SHA-256 over the dataset's tables in canonical order
    (:func:`drugfree_core.reports.provenance.fingerprint`): two reports with the same
    fingerprint, schemes and versions were computed from the same data.
    """

    reference_date: dt.date
    scope: str
    scope_name: str
    library_version: str
    schemes: tuple[SchemeRef, ...]
    plugins: tuple[PluginVersion, ...]
    map_source: Text
    dataset_fingerprint: str
    generated_at: dt.datetime
    suppression_threshold: int | None
    stale_after_days: int
    #: How the dataset states the units it covers (``Dataset.coverage_basis``).
    coverage_basis: str = "units"


@attrs.frozen(kw_only=True)
class MilestoneStatus:
    """One milestone of a roadmap, measured against the units in force on its due date.

    ``required`` is ``ceil(share × units_in_force)`` for the units in force on the
    reference date (the count the province is working towards). ``meeting_at_due`` is
    the count on the due date when it has passed and the data covers it, with
    ``meeting_at_least_at_due`` (less the people who could not be placed; only for a
    roadmap that counts units meeting the criteria) and
    ``no_data_at_due`` (units not covered then) beside it; ``projected_at_due`` the
    trend's projection when it is ahead.
    """

    due: dt.date
    share: Fraction
    required: int
    status: str
    meeting_at_due: int | None
    projected_at_due: float | None
    citation: str
    provenance: str
    note: str = ""
    no_data_at_due: int | None = None
    meeting_at_least_at_due: int | None = None


def at_least(meeting: int, unplaced: int | None, below: int | None) -> int:
    """The fewest of *meeting* units that meet the criteria, whoever the unplaced are.

    Each of the *unplaced* people may turn one passing unit into a failing one; a count
    withheld below *below* (K) leaves the bound that holds for any count under K, and
    with neither known, none is vouched for.
    """
    if unplaced is not None:
        return max(0, meeting - unplaced)
    if below is not None:
        return max(0, meeting - below + 1)
    return 0


@attrs.frozen(kw_only=True)
class Progress:
    """A province's (or the nation's) standing against its roadmap on the reference date.

    ``meeting`` counts only units that pass on data the dataset covers; ``no_data`` the
    units it does not cover, so a share always comes with its coverage ("35 of 114 meet ·
    data for 52 of 114"). ``unplaced`` counts people and records that could not be placed
    in any unit: at least ``meeting_at_least`` units meet the criteria.
    ``without_residence`` counts people with a status and no residence on the date
    (their last residence in the scope, or none): listed so they are not invisible, not
    a range, since a covered unit's records are complete. Both are counts of people:
    ``None`` when suppressed (:func:`~drugfree_core.reports.suppress_small_counts`), and
    then ``meeting_at_least`` holds for any count below ``unplaced_below``, so that it does
    not give ``unplaced`` back. ``gap`` is how
    many more units must meet the criteria for the next milestone, counted from that
    lower bound (zero when already reached; ``None`` when no unit was evaluated).
    ``trend_per_month`` is the least-squares slope of the share of units certainly
    meeting the criteria (each point's lower bound, :attr:`SeriesPoint.meeting_at_least`)
    over the time series, turned into units per 30.44 days at today's number of units in
    force (the share is comparable across the merger; the count is not).
    ``trend_across`` is set when the trend is fitted across a break for want of two
    dated points since it: the break's first day, 1 July 2025 for the merger, or the
    first point judged by changed criteria. The shares before it count other units, or
    another meaning of meeting, so the trend is weaker evidence and the report says so;
    ``None`` when the trend rests on comparable points only (or there is none).
    ``units_in_force`` counts every unit in force, ``not_evaluated`` those no scheme
    evaluated on the date (no scheme in force for them): never counted as meeting,
    failing, undecided or without data, nor as covered.

    ``basis`` is what the roadmap counts toward its targets (its ``counts``):
    ``"meeting"``, the units meeting the criteria on the data, or ``"recognised"``, the
    units formally recognised for the assessment year; ``recognised`` is that count
    (``None`` when the data holds no recognitions). ``required`` and ``gap`` are
    measured on the basis.
    """

    scope: str
    name: str
    scheme_ids: tuple[str, ...]
    roadmap_id: str | None
    roadmap_title_en: str
    roadmap_title_vi: str
    units_in_force: int
    meeting: int
    failing: int
    unknown: int
    next_due: dt.date | None
    next_share: Fraction | None
    required: int | None
    gap: int | None
    trend_per_month: float | None
    milestones: tuple[MilestoneStatus, ...]
    basis: str = "meeting"
    recognised: int | None = None
    no_data: int = 0
    unplaced: int | None = 0
    without_residence: int | None = 0
    #: When ``unplaced`` is withheld: the threshold it is below (K).
    unplaced_below: int | None = None
    #: Units in force that no scheme evaluated on the date (the notes say why).
    not_evaluated: int = 0
    #: The break the trend is fitted across, for want of points since it (see above).
    trend_across: dt.date | None = None

    @property
    def share(self) -> float | None:
        """The share of units in force that meet the criteria (None: none evaluated)."""
        return self.meeting / self.units_in_force if self.evaluated else None

    @property
    def covered(self) -> int:
        """Units in force evaluated on data the dataset covers."""
        return self.units_in_force - self.no_data - self.not_evaluated

    @property
    def meeting_at_least(self) -> int:
        """The fewest units that meet the criteria, whoever the unplaced people are.

        With ``unplaced`` withheld, the fewest for any count below ``unplaced_below``
        (none when that is not known either).
        """
        return at_least(self.meeting, self.unplaced, self.unplaced_below)

    @property
    def evaluated(self) -> int:
        """Units in force that a scheme evaluated (all but ``not_evaluated``)."""
        return self.units_in_force - self.not_evaluated

    @property
    def coverage(self) -> float | None:
        """The share of units in force evaluated on covered data (None: none evaluated)."""
        return self.covered / self.units_in_force if self.evaluated else None


@attrs.frozen(kw_only=True)
class Shortfall:
    """What one failing rule of a unit lacks, in words a commune officer can act on.

    ``count`` is how many people fail the rule (``people=True``) or how far a measure is
    from its limit; ``what_en`` / ``what_vi`` describe them, so :meth:`sentence` reads
    "2 × addicts (…) not meeting: negative test within 30 days". For a limit, ``observed``
    is the measure's value ("95 × beyond the limit: number of addicts ≤ 9 (now 104)") and
    ``side`` the side of the limit it is on: ``over`` a maximum, ``under`` a minimum,
    ``off`` a required value (people who fail a rule are ``over``: none may). ``count``
    and ``observed`` are ``None`` when suppressed as too small to publish.
    """

    criterion_id: str
    rule_id: str
    count: int | None
    people: bool
    what_en: str
    what_vi: str
    observed: float | None = None
    side: str = "over"

    def sentence(self, lang: str | None = None, suppressed_below: int | None = None) -> str:
        """The shortfall as one line in *lang* (``"vi"``, ``"en"``; None: the current one).

        A count withheld below *suppressed_below* (K) is written ``< K`` when that is
        true: people, and a distance over a maximum, which is at most the measure's
        value; a distance under a minimum or off a required value can be anything, so
        it is written ``?``.
        """
        code = resolve_lang(lang)
        if self.count is not None:
            n = format_count(self.count, code)
        elif suppressed_below is not None and self.side == "over":
            n = f"< {format_count(suppressed_below, code)}"
        else:
            n = "?"
        line = f"{n} × {self.what_vi if code == 'vi' else self.what_en}"
        if self.observed is not None:
            value = format_number(self.observed + 0.0, code, 0, max_digits=4)  # no "-0"
            # Translators: a measure's value now, in brackets after its shortfall ("now 104").
            now = msg("now {value}", value=value).render(code)
            line += f" ({now})"
        return line


@attrs.frozen(kw_only=True)
class Predecessors:
    """What a successor's predecessors had on the last day before the 2025 merger.

    A successor is never recognised by inheritance: these counts are shown beside its own
    verdict, not folded into it.
    """

    on: dt.date
    total: int
    meeting: int
    failing: int
    unknown: int
    codes: tuple[str, ...]
    no_data: int = 0


@attrs.frozen(kw_only=True)
class UnitRow:
    """One unit's verdict and what it lacks (aggregate: no subject id).

    ``verdict`` is ``no_data`` for a unit the dataset does not cover. ``notes`` say why
    its outcomes may be incomplete: quarantined records or unplaced people that concern
    it (which turned its passes into unknowns), or, for a passing unit, people and records
    that could not be placed anywhere and may belong to it.
    ``recognised`` says whether the unit is formally recognised for the report's
    recognition year (``None``: the data holds no recognitions) and
    ``recognition_scheme`` under which scheme. When the unit's own scheme is provincial,
    ``national_scheme_id`` and ``national_verdict`` give its verdict under the national
    scheme in force on the date, beside it (never merged into it).
    """

    unit_code: str
    unit_name: str
    province_code: str | None
    scheme_id: str
    verdict: str
    failing_criteria: tuple[str, ...]
    unknown_criteria: tuple[str, ...]
    shortfalls: tuple[Shortfall, ...]
    lack: int | None
    predecessors: Predecessors | None = None
    recognised: bool | None = None
    recognition_scheme: str | None = None
    national_scheme_id: str | None = None
    national_verdict: str | None = None
    notes: tuple[Text, ...] = ()


@attrs.frozen(kw_only=True)
class CriterionTally:
    """How many units passed, failed, could not be decided or had no data, on one criterion."""

    scheme_id: str
    criterion_id: str
    title_en: str
    title_vi: str
    passed: int
    failed: int
    unknown: int
    no_data: int = 0


@attrs.frozen(kw_only=True)
class SeriesPoint:
    """The count of units meeting the criteria in one province on one date.

    Units are those in force on ``on``; ``scope`` is the province *as of the report's
    reference date* that they belong to, so points before the 2025 merger add up the old
    communes of every province that became this one and the trend stays comparable.
    ``scheme_ids`` are the schemes the units were judged by on that date (they change
    when the criteria do, as the national default did on 24 Aug 2025).
    ``unplaced`` counts the people and records that could not be placed in any unit on
    that date, so at least ``meeting_at_least`` units meet the criteria; a count of
    people, ``None`` when withheld as small, with ``unplaced_below`` the threshold (as
    in :class:`Progress`). The trend is fitted to that lower bound.
    """

    on: dt.date
    scope: str
    units_in_force: int
    meeting: int
    failing: int
    unknown: int
    scheme_ids: tuple[str, ...] = ()
    no_data: int = 0
    unplaced: int | None = 0
    unplaced_below: int | None = None

    @property
    def share(self) -> float | None:
        """The share meeting the criteria on that date."""
        return self.meeting / self.units_in_force if self.units_in_force else None

    @property
    def meeting_at_least(self) -> int:
        """The fewest units that meet the criteria on that date (see :func:`at_least`)."""
        return at_least(self.meeting, self.unplaced, self.unplaced_below)

    @property
    def covered(self) -> int:
        """Units the dataset covers on that date."""
        return self.units_in_force - self.no_data


@attrs.frozen(kw_only=True)
class IndicatorResult:
    """One campaign indicator measured over a scope, against its target if it has one.

    ``status`` is ``met``, ``missed``, ``pending`` (below target, due date ahead),
    ``no_target`` or ``unknown`` (the data cannot measure it).
    """

    id: str
    scope: str
    title_en: str
    title_vi: str
    numerator: float | None
    denominator: float | None
    value: float | None
    target_share: Fraction | None
    due: dt.date | None
    status: str
    citation: str
    provenance: str
    origin: str


@attrs.frozen(kw_only=True)
class Report:
    """Everything a report says, for one scope (a province or the nation) and one date.

    ``recognition`` compares formal recognitions with the data, per province and, for
    the nation, overall (empty when the data holds no recognitions).
    """

    provenance: ReportProvenance
    progress: tuple[Progress, ...]
    overall: Progress
    units: tuple[UnitRow, ...]
    closest: tuple[UnitRow, ...]
    criteria: tuple[CriterionTally, ...]
    series: tuple[SeriesPoint, ...]
    indicators: tuple[IndicatorResult, ...]
    quality: QualityReport
    notes: tuple[Text, ...] = ()
    recognition: tuple[RecognitionSummary, ...] = ()


@attrs.frozen(kw_only=True)
class Case:
    """One person behind a failing rule: for the commune police, never for publication."""

    unit_code: str
    criterion_id: str
    rule_id: str
    subject_id: str
    outcome: str
    what_en: str
    what_vi: str


@attrs.frozen(kw_only=True)
class CaseList:
    """The case-level output: who makes each unit fail, by pseudonymous id."""

    reference_date: dt.date
    dataset_fingerprint: str
    cases: tuple[Case, ...]
