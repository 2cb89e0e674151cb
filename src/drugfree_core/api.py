"""Convenience functions over the engine for the common one-call uses."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from drugfree_core._args import expect, expect_date, expect_items
from drugfree_core._gc import gc_paused
from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.evaluate import evaluate, lost_records
from drugfree_core.engine.placement import census, gone_people, undetermined_on
from drugfree_core.engine.pool_steps import on_pool_if_small
from drugfree_core.engine.results import Evaluation, UnitResult
from drugfree_core.errors import Problem
from drugfree_core.explanation import explain_unit
from drugfree_core.i18n import Lang, msg
from drugfree_core.io import Source, load, load_unit_part
from drugfree_core.model.enums import UnitLevel
from drugfree_core.model.periods import AssessmentPeriod, DateOrPeriod, reference_date_of
from drugfree_core.plugins.host import SchemeChoice
from drugfree_core.rules.primitives import CommuneShare, walk_values
from drugfree_core.rules.scheme import Scheme
from drugfree_core.rules.tables import scheme_tables


def evaluate_unit(
    dataset: Dataset,
    scheme: Scheme,
    on: DateOrPeriod,
    unit_code: str,
    *,
    allow_no_coverage: bool = False,
) -> tuple[UnitResult, Evaluation]:
    """Evaluate one unit fast: the dataset is first cut down to the records that concern it.

    Gives the same result as evaluating everything and picking the unit, because units
    are evaluated independently. *on* is a date or an
    :class:`~drugfree_core.model.AssessmentPeriod` (its last day). A province of a
    province-level scheme is evaluated over the whole dataset (its communes' records).
    The evaluation's unplaced people, undetermined records and lost records are those of
    the whole dataset (any of them may belong to this unit). A unit the dataset does not
    cover raises :class:`~drugfree_core.errors.CoverageError` unless *allow_no_coverage*,
    when its verdict is *no data*. Python's cyclic garbage collector is paused meanwhile,
    for the whole process (it resumes when the last pause ends). A commune is evaluated on a
    worker of polars' thread pool, for speed (the caller waits for it, and the work runs
    in its ``contextvars`` context); on the calling thread when the scheme has a custom
    rule (``PythonRule``) or ``DRUGFREE_DISABLE_POOL_STEPS=1`` is set.
    """
    expect(dataset, Dataset, msg("the dataset"), msg("a Dataset (see drugfree_core.load)"))
    expect(scheme, Scheme, msg("the scheme"), msg("a Scheme (see drugfree_core.get_scheme)"))
    expect(unit_code, str, msg("the unit code"), msg("a str"))
    # No cycle is made here, but the first unit after a load makes tens of thousands of
    # objects (lineage look-ups, the locale's data) and would start the collection of
    # the whole heap that loading left due: 13-20 ms, a fifth of the explanation. That
    # collection is not saved, only left to a later step.
    with gc_paused():
        return on_pool_if_small(
            scheme, lambda: _evaluate_unit(dataset, scheme, on, unit_code, allow_no_coverage)
        )


def _evaluate_unit(
    dataset: Dataset, scheme: Scheme, on: DateOrPeriod, unit_code: str, allow_no_coverage: bool
) -> tuple[UnitResult, Evaluation]:
    if scheme.unit_level is UnitLevel.PROVINCE:
        evaluation = evaluate(
            dataset, scheme, on, units=[unit_code], allow_no_coverage=allow_no_coverage
        )
        return evaluation.unit(unit_code), evaluation
    day = reference_date_of(on)
    part = dataset.restrict_to_units([unit_code], people="own")
    evaluation = evaluate(part, scheme, on, units=[unit_code], allow_no_coverage=allow_no_coverage)
    # The whole dataset's census places every person: paid only when the unplaced are
    # listed. How many may be anywhere (an explanation asks when the unit passes) is
    # counted without it, and so are the quarantined records that may belong here, and
    # the facts and findings the scheme counts in units that lead nowhere (the part
    # holds none of them).
    evaluation = attrs.evolve(
        evaluation,
        undetermined=undetermined_on(dataset, day),
        build_unplaced=lambda: census(dataset, day).unplaced,
        build_unplaced_frame=lambda: census(dataset, day).people,
        count_gone=lambda: gone_people(dataset, day),
        build_lost=lambda: lost_records(dataset, scheme, day),
    )
    return evaluation.unit(unit_code), evaluation


@attrs.frozen(kw_only=True)
class UnitEvaluation:
    """One unit evaluated by :func:`evaluate_unit_from`, with the scheme it was judged by."""

    #: The unit's result.
    unit: UnitResult
    #: The evaluation it belongs to (its unplaced people are those of the whole dataset).
    evaluation: Evaluation
    #: The scheme applied: the one given, or the one in force for the unit's province.
    scheme: Scheme
    #: How the scheme was chosen, when none was given (see :func:`scheme_for`).
    choice: SchemeChoice | None
    #: Whether only the unit's records were read (see :func:`evaluate_unit_from`).
    read_part: bool


def evaluate_unit_from(
    source: Source,
    on: DateOrPeriod,
    unit_code: str,
    *,
    scheme: Scheme | None = None,
    quarantine: bool = False,
    allow_no_coverage: bool = False,
) -> UnitEvaluation:
    """Read what evaluating *unit_code* needs from *source* and evaluate it.

    Without *scheme*, the one in force for the unit's province on *on* is applied
    (:func:`~drugfree_core.api.scheme_for`). From a folder of tables (CSV or Parquet) or
    a PostgreSQL schema, in strict mode and for a commune-level scheme, only the unit's
    records are read and checked: the small tables whole, and of the people's tables
    the records of those who lived in the unit or in a unit that became it (those
    :meth:`Dataset.restrict_to_units(people="own")
    <drugfree_core.dataset.Dataset.restrict_to_units>` keeps). A record whose person or
    unit is empty or not an id at all names no one, so it may be the unit's: it is always
    read. Problems in records that name another person or unit (even one that does not
    exist) are then not looked for (:func:`~drugfree_core.validate` checks everything).
    The whole dataset is read when that cannot be done faithfully, when the part has a
    problem (so that every problem is reported), and when the people who cannot be
    placed anywhere are asked for (an explanation asks when the unit passes, since any of
    them may be its own). The result is the one :func:`evaluate_unit` gives on the whole
    dataset.
    """
    expect(unit_code, str, msg("the unit code"), msg("a str"))
    if scheme is not None:
        expect(scheme, Scheme, msg("the scheme"), msg("a Scheme"))
    loaded: list[Dataset] = []

    def whole() -> Dataset:
        if not loaded:
            loaded.append(load(source, quarantine=quarantine))
        return loaded[0]

    # A province's scheme reads all its communes' people: no part serves it.
    province_level = scheme is not None and scheme.unit_level is UnitLevel.PROVINCE
    part = None if quarantine or province_level else load_unit_part(source, unit_code)
    choice = None
    if scheme is None:
        choice = scheme_for(unit_code, on, part if part is not None else whole())
        scheme = choice.scheme
        if scheme.unit_level is UnitLevel.PROVINCE:
            part = None
    unit, evaluation = evaluate_unit(
        part if part is not None else whole(),
        scheme,
        on,
        unit_code,
        allow_no_coverage=allow_no_coverage,
    )
    if part is not None:
        day = reference_date_of(on)
        chosen = scheme
        evaluation = attrs.evolve(
            evaluation,
            build_unplaced=lambda: census(whole(), day).unplaced,
            build_unplaced_frame=lambda: census(whole(), day).people,
            count_gone=lambda: gone_people(whole(), day),
            build_lost=lambda: lost_records(whole(), chosen, day),
        )
    return UnitEvaluation(
        unit=unit,
        evaluation=evaluation,
        scheme=scheme,
        choice=choice,
        read_part=part is not None,
    )


def scheme_for(unit_code: str, on: DateOrPeriod, dataset: Dataset | None = None) -> SchemeChoice:
    """The scheme in force for *unit_code* on *on*, chosen by its province's jurisdiction.

    Uses the default plugin host (built-ins and installed plugins); see
    :meth:`drugfree_core.plugins.PluginHost.scheme_for`. The national default follows
    the dates: Art. 6 of Decision 28/2025 from 24 Aug 2025.
    """
    from drugfree_core.plugins.host import default_host

    expect(unit_code, str, msg("the unit code"), msg("a str"))
    if isinstance(on, AssessmentPeriod):
        on = on.reference_date
    expect_date(on, msg("the date"))
    if dataset is not None:
        expect(dataset, Dataset, msg("the dataset"), msg("a Dataset or None"))
    return default_host().scheme_for(unit_code, on, dataset)


def explain(
    dataset: Dataset, scheme: Scheme, on: DateOrPeriod, unit_code: str, *, lang: Lang = "en"
) -> str:
    """The readable explanation of one unit's verdict (see :func:`explain_unit`).

    A unit the dataset does not cover is explained as *no data*, with the reason. Like
    :func:`evaluate_unit`, it runs with the cyclic garbage collector paused, and
    evaluates a commune on a worker of polars' thread pool.
    """
    expect(dataset, Dataset, msg("the dataset"), msg("a Dataset (see drugfree_core.load)"))
    expect(scheme, Scheme, msg("the scheme"), msg("a Scheme (see drugfree_core.get_scheme)"))
    expect(unit_code, str, msg("the unit code"), msg("a str"))

    def explained() -> str:
        unit, evaluation = _evaluate_unit(dataset, scheme, on, unit_code, True)
        return explain_unit(unit, evaluation, scheme, lang)

    with gc_paused():  # see evaluate_unit
        return on_pool_if_small(scheme, explained)


def supply_warnings(
    supplied: Iterable[str], schemes: Iterable[Scheme], *, location: str = ""
) -> tuple[Problem, ...]:
    """One warning per table that *schemes* read and that the dataset did not supply.

    Each names the schemes and criteria that will be *unknown* for want of it, and how
    to say "none" instead (an empty table). The commune-level schemes that a province
    scheme's commune share evaluates (P.4 of ``qd28-2025-provinces``) are checked too. A
    table with a stand-in that was supplied (the units' reported drug-use locations for
    the ``drug_use_locations`` table) is not warned about. ``location`` is the dataset's
    path.
    """
    given = {str(t) for t in expect_items(supplied, str, "supplied", msg("table names (str)"))}
    chosen = expect_items(schemes, Scheme, "schemes", msg("Scheme objects"))
    expect(location, str, "location", msg("a str"))
    readers: dict[str, list[str]] = {}
    for scheme in _with_commune_schemes([s for s in chosen if isinstance(s, Scheme)]):
        for table, criteria in scheme_tables(scheme.criteria, given).items():
            if table not in given:
                readers.setdefault(table, []).append(f"{scheme.id} ({', '.join(criteria)})")
    return tuple(
        Problem(
            table=table,
            location=location,
            reason=(
                f"table {table} was not supplied; criteria that read it will be unknown: "
                f"{'; '.join(names)}. If there are none, supply it empty"
            ),
        )
        for table, names in sorted(readers.items())
    )


def _with_commune_schemes(schemes: Iterable[Scheme]) -> list[Scheme]:
    """*schemes*, then the commune-level schemes their commune shares evaluate."""
    out: list[Scheme] = []
    for scheme in schemes:
        for found in (scheme, *_commune_schemes(scheme)):
            if all(found.id != s.id for s in out):
                out.append(found)
    return out


def _commune_schemes(scheme: Scheme) -> list[Scheme]:
    return [
        node.scheme
        for criterion in scheme.criteria
        for node in walk_values(criterion.rule)
        if isinstance(node, CommuneShare)
    ]
