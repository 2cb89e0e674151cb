"""People's ids as numbers (``dataset.person_keys``) for the dates a report only counts.

A report's earlier dates are evaluated on a copy of the data whose person columns hold
each id's rank instead of the id. That is right only if every verdict is the same: the
property test checks it against the evaluation on the ids, for the built-in and random
schemes; the examples pin what the keys keep (equality, order, sortedness) and when the
ids are used instead (a record naming no known person, a custom criterion).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import polars as pl
import pytest
from conftest import OwnSchemes, with_custom_criterion
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies_core import Case, cases, schemes
from test_engine_oracle import DRUG_FREE, MPS, QD28, dataset_of
from test_report_build import _one_different_host

import drugfree_core as dfc
from drugfree_core.dataset import Dataset
from drugfree_core.dataset.person_keys import (
    KEY_DTYPE,
    PERSON_ID_COLUMNS,
    of_people,
    with_person_keys,
)
from drugfree_core.engine import CustomOutcome, Outcome, UnitView, evaluate_verdicts
from drugfree_core.engine.person_keys import counts_on_person_keys
from drugfree_core.reports import ReportOptions, build_report, runs
from drugfree_core.reports.build import KEYED_SERIES_DATES
from drugfree_core.rules import CommuneShare
from drugfree_core.rules.primitives import walk_values
from drugfree_core.rules.roadmap import NATIONAL
from drugfree_core.synth import SynthConfig, generate
from drugfree_core.synth.config import NATIONAL_PROVINCES


@settings(max_examples=60)
@given(cases(), st.one_of(st.sampled_from((MPS, QD28, DRUG_FREE)), schemes()))
def test_verdicts_on_person_keys_are_those_on_the_ids(case: Case, scheme: Any) -> None:
    assume(scheme.in_force(case.on) and scheme.criteria_on(case.on))
    assume(counts_on_person_keys(scheme))
    ds = dataset_of(case)
    keyed = with_person_keys(ds)
    assert keyed is not None  # checked data: every record names a known person
    on_ids = evaluate_verdicts(ds, scheme, case.on, allow_no_coverage=True)
    assert evaluate_verdicts(keyed, scheme, case.on, allow_no_coverage=True) == on_ids


def _frames(**changes: pl.DataFrame) -> Dataset:
    """A dataset of three people (ids out of order) with *changes* to its tables."""
    subjects = pl.DataFrame({"id": ["s-b", "s-a", "s-c"]})
    residences = pl.DataFrame(
        {
            "subject_id": ["s-a", "s-a", "s-c"],
            "unit_code": ["00001"] * 3,
            "start": [dt.date(2024, 1, 1)] * 3,
            "end": [None] * 3,
        }
    )
    violations = pl.DataFrame(
        {
            "subject_id": ["x-outsider", "s-b"],
            "unit_code": ["00001"] * 2,
            "date": [dt.date(2025, 1, 1)] * 2,
            "kind": ["administrative"] * 2,
        }
    )
    frames = {"subjects": subjects, "residences": residences, "drug_law_violations": violations}
    return Dataset.from_frames({**frames, **changes})


def test_keys_are_the_ids_ranks_and_keep_their_order_and_equality() -> None:
    ds = _frames()
    keyed = with_person_keys(ds)
    assert keyed is not None
    # Ranks among the subjects' ids and those the violations name, in text order.
    ranks = {"s-a": 0, "s-b": 1, "s-c": 2, "x-outsider": 3}
    for table, column in PERSON_ID_COLUMNS.items():
        ids, keys = ds.frame(table)[column], keyed.frame(table)[column]
        assert keys.dtype == KEY_DTYPE
        assert keys.to_list() == [ranks[i] for i in ids.to_list()]
    # The residences came sorted by person (and were flagged so): their keys stay flagged.
    assert ds.residences["subject_id"].flags["SORTED_ASC"]
    assert keyed.residences["subject_id"].flags["SORTED_ASC"]
    assert not keyed.subjects["id"].flags["SORTED_ASC"]  # not sorted: not flagged
    # Nothing else changes, and the original keeps its ids.
    assert keyed.residences.drop("subject_id").equals(ds.residences.drop("subject_id"))
    assert ds.subjects["id"].dtype == pl.String()
    assert keyed.supplied == ds.supplied and keyed.quarantined == ds.quarantined


def test_a_record_naming_no_known_person_keeps_the_ids() -> None:
    # Frames built without the loaders' checks may hold a record of no subject: it would
    # have no key, and the counts on keys would not be those on the ids.
    orphan = pl.DataFrame(
        {"subject_id": ["s-z"], "date": [dt.date(2025, 1, 1)], "result": ["negative"]},
    ).with_columns(method=pl.lit("screening"), schedule=pl.lit("periodic"))
    assert with_person_keys(_frames(drug_tests=orphan)) is None


@settings(max_examples=40)
@given(
    rows=st.lists(st.sampled_from(["s-a", "s-b", "s-c", "x-outsider"]), max_size=12),
    people=st.lists(st.sampled_from(["s-a", "s-b", "s-c", "x-outsider", "s-zz"]), max_size=6),
    among=st.booleans(),
)
def test_people_are_picked_alike_by_their_keys_and_by_their_ids(
    rows: list[str], people: list[str], among: bool
) -> None:
    """``of_people`` looks numbers up and joins texts: the same rows, in the same order."""
    ranks = {"s-a": 0, "s-b": 1, "s-c": 2, "x-outsider": 3, "s-zz": 4}
    by_id = pl.DataFrame(
        {"subject_id": rows, "n": list(range(len(rows)))},
        schema_overrides={"subject_id": pl.String},
    )
    by_key = by_id.with_columns(pl.col("subject_id").replace_strict(ranks, return_dtype=KEY_DTYPE))
    wanted = pl.Series(people, dtype=pl.String)
    picked = of_people(by_id, wanted, among=among)
    keyed = of_people(by_key, wanted.replace_strict(ranks, return_dtype=KEY_DTYPE), among=among)
    assert picked["n"].to_list() == keyed["n"].to_list()
    expected = [n for n, who in enumerate(rows) if (who in people) == among]
    assert picked["n"].to_list() == expected


def test_empty_tables_have_keys_of_the_key_type() -> None:
    keyed = with_person_keys(_frames())
    assert keyed is not None
    assert keyed.drug_tests.is_empty()
    assert keyed.drug_tests["subject_id"].dtype == KEY_DTYPE


def _custom(scheme: dfc.Scheme) -> dfc.Scheme:
    """*scheme* with one more criterion written in Python (it reads people as records)."""

    def everyone_known(view: UnitView) -> CustomOutcome:
        known = all(isinstance(s.id, str) for s in view.subjects)
        return CustomOutcome(outcome=Outcome.PASS if known else Outcome.FAIL)

    words = ("Everyone known", "Ai cũng được biết")
    return with_custom_criterion(scheme, "everyone_known", everyone_known, words)


def test_a_scheme_with_a_custom_criterion_is_counted_on_the_ids() -> None:
    national = dfc.get_scheme("qd28-2025-drug-free")
    assert counts_on_person_keys(national)
    assert counts_on_person_keys(dfc.get_scheme("qd28-2025-provinces"))
    assert not counts_on_person_keys(_custom(national))
    # A province's scheme that counts communes by a custom scheme reads records too.
    share = next(
        node
        for criterion in dfc.get_scheme("qd28-2025-provinces").criteria
        for node in _nodes(criterion.rule)
        if isinstance(node, CommuneShare)
    )
    province = dfc.get_scheme("qd28-2025-provinces")
    customised = attrs.evolve(
        province,
        criteria=tuple(
            attrs.evolve(c, rule=_swap(c.rule, share, _custom(share.scheme)))
            for c in province.criteria
        ),
    )
    assert not counts_on_person_keys(customised)


def _nodes(rule: Any) -> list[Any]:
    return list(walk_values(rule))


def _swap(rule: Any, share: CommuneShare, scheme: dfc.Scheme) -> Any:
    """*rule* with the commune share *share* counting by *scheme* instead."""
    if rule is share:
        return attrs.evolve(share, scheme=scheme)
    if attrs.has(type(rule)):
        changes = {}
        for field in attrs.fields(type(rule)):
            value = getattr(rule, field.name)
            if isinstance(value, tuple):
                swapped = tuple(_swap(v, share, scheme) for v in value)
                if any(a is not b for a, b in zip(swapped, value, strict=True)):
                    changes[field.name] = swapped
            elif attrs.has(type(value)) and not field.metadata.get("opaque"):
                new = _swap(value, share, scheme)
                if new is not value:
                    changes[field.name] = new
        return attrs.evolve(rule, **changes) if changes else rule
    return rule


@pytest.fixture(scope="module")
def national() -> Dataset:
    """Invented provinces, split communes and the 2025 merger, with a few thousand people."""
    config = SynthConfig.scaled(units=60, subjects=3000, seed=23)
    return generate(attrs.evolve(config, split_share=0.1))


def test_a_series_counted_on_keys_is_the_series_counted_on_ids(
    national: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    on = dt.date(2025, 10, 1)
    options = ReportOptions(generated_at=dt.datetime(2025, 10, 2, tzinfo=dt.UTC), every="month")
    keyed: list[Dataset | None] = []
    build = runs.with_person_keys

    def built(dataset: Dataset) -> Dataset | None:
        keyed.append(build(dataset))
        return keyed[-1]

    monkeypatch.setattr(runs, "with_person_keys", built)
    on_keys = build_report(national, on, national=True, options=options)
    assert len(keyed) == 1 and keyed[0] is not None  # built once, and used
    monkeypatch.setattr(runs, "with_person_keys", lambda dataset: None)
    on_ids = build_report(national, on, national=True, options=options)
    assert on_keys == on_ids


def test_the_reference_date_custom_schemes_and_short_series_read_the_ids(
    national: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(dataset: Dataset) -> Dataset | None:
        raise AssertionError("the person keys were built")

    monkeypatch.setattr(runs, "with_person_keys", refused)
    on = dt.date(2025, 10, 1)
    host = dfc.plugins.PluginHost(autoload=False)
    runner = runs.ScopeRunner(national, host, reference_date=on, scope=NATIONAL)
    runner.count_on_person_keys()
    assert runner.run(on).verdicts  # the reference date: in full, on the ids
    custom = _custom(dfc.get_scheme("qd28-2025-drug-free"))
    earlier = runs.ScopeRunner(national, host, reference_date=on, scope=NATIONAL, scheme=custom)
    earlier.count_on_person_keys()
    assert earlier.run(dt.date(2025, 9, 30)).verdicts  # counted, but on the ids
    # A quarterly series' four other dates would not pay for the keys: none are built.
    options = ReportOptions(generated_at=dt.datetime(2025, 10, 2, tzinfo=dt.UTC))
    report = build_report(national, on, national=True, options=options)
    assert len({point.on for point in report.series} - {on}) == 4 < KEYED_SERIES_DATES


def _reading(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dt.date, str, pl.DataType]]:
    """(date, scheme id, type of the person ids) of every evaluation a runner makes."""
    seen: list[tuple[dt.date, str, pl.DataType]] = []
    evaluated = runs._evaluated

    def spy(data: Dataset, scheme: dfc.Scheme, on: dt.date, *args: Any, **kwargs: Any) -> Any:
        seen.append((on, scheme.id, data.subjects.schema["id"]))
        return evaluated(data, scheme, on, *args, **kwargs)

    monkeypatch.setattr(runs, "_evaluated", spy)
    return seen


@pytest.fixture(scope="module")
def three_provinces() -> Dataset:
    """Lai Châu (12), Hải Phòng (31) and Thanh Hóa (38) on the real map, with few people."""
    chosen = tuple(p for p in NATIONAL_PROVINCES if p.code in {"12", "31", "38"})
    return generate(SynthConfig(provinces=chosen, subjects=2000, seed=7, official_map=True))


def test_provinces_with_their_own_schemes_count_on_keys_as_on_ids(
    three_provinces: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lai Châu's own scheme reads its own part of the keyed data; the report is the same.

    In the second host Lai Châu's (12) scheme has a custom criterion: its units then read
    the ids on every date, and the other provinces' the keys, on the same dates.
    """
    on = dt.date(2025, 10, 1)
    options = ReportOptions(generated_at=dt.datetime(2025, 10, 2, tzinfo=dt.UTC), every="month")
    build = runs.with_person_keys
    customised = dfc.plugins.PluginHost(
        plugins=[
            ("own", OwnSchemes("qd28-2025-drug-free", ["31", "38"])),
            ("custom", OwnSchemes("qd28-2025-drug-free", ["12"], change=_custom)),
        ],
        autoload=False,
    )
    for host in (_one_different_host(), customised):
        lai_chau = pl.String() if host is customised else KEY_DTYPE
        for national in (True, False):
            scope: dict[str, Any] = {"national": True} if national else {"province": "12"}
            monkeypatch.setattr(runs, "with_person_keys", build)
            seen = _reading(monkeypatch)
            on_keys = build_report(three_provinces, on, host=host, options=options, **scope)
            # The reference date reads the ids; the others the keys, unless custom.
            assert {t for day, _, t in seen if day == on} == {pl.String()}
            later = {(s.endswith("-12"), t) for day, s, t in seen if day != on}
            # Before its own scheme came into force, Lai Châu applied the national one.
            assert later == {(False, KEY_DTYPE), (True, lai_chau)}
            monkeypatch.setattr(runs, "with_person_keys", lambda dataset: None)
            on_ids = build_report(three_provinces, on, host=host, options=options, **scope)
            assert on_keys == on_ids
