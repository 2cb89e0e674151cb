"""Tests of the example plugin: the same kinds of test a province plugin needs.

Copy this file with the plugin: (a) the conformance kit on every scheme, (b) the roadmap
checks, (c) the plugin's own numbers and dates pinned as examples, (d) the installation.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import drugfree_plugin_example.plugin as plugin
import pytest

from drugfree_core.dataset import Dataset
from drugfree_core.engine import Outcome, evaluate
from drugfree_core.model import AdminUnit, FactKind, Provenance, UnitFact, UnitKind
from drugfree_core.plugins import PluginHost
from drugfree_core.rules.scheme import Scheme
from drugfree_core.testing import SchemeConformanceTests, assert_plugin_installed, check_roadmap

NAME = "example"
DISTRIBUTION = "drugfree-plugin-example"
ON = dt.date(2025, 6, 1)


# Extensions are resolved only in a host: build one with the built-ins and this plugin
# (no autoload, so other installed plugins cannot interfere), once per module.
@pytest.fixture(scope="module")
def host() -> PluginHost:
    """A host with the built-ins and this plugin only."""
    return PluginHost(plugins=[(NAME, plugin)], autoload=False)


@pytest.fixture(scope="module")
def scheme_under_test(host: PluginHost) -> Scheme:
    """The resolved example scheme."""
    return host.scheme(plugin.SCHEME_ID)


# (a) The conformance kit: generated datasets checked against the scheme's invariants.
class TestExampleScheme(SchemeConformanceTests):
    """The conformance kit on the resolved example scheme."""

    max_examples = 10

    @pytest.fixture
    def scheme(self, scheme_under_test: Scheme) -> Scheme:
        """The scheme under test."""
        return scheme_under_test


# (b) The roadmap checks.
def test_roadmap_conforms(host: PluginHost) -> None:
    """The roadmap passes the kit's roadmap checks."""
    check_roadmap(host.roadmap(plugin.ROADMAP_ID)).raise_for_failures()


# (c) The plugin's own numbers and dates, pinned.
def test_override_is_named(scheme_under_test: Scheme) -> None:
    """The overridden number carries its citation, tag and who overrides it."""
    value = scheme_under_test.resolve_parameters(ON)["th.max_addicts"]
    assert value.value == 4
    assert value.provenance is Provenance.INFERRED
    assert value.citation == "example only — not a real rule"
    assert value.overridden_by == "Tỉnh Ví Dụ (example)"


YEAR_BEFORE = dt.date(2024, 6, 2)  # the first day of the 12 months up to ON


@pytest.mark.parametrize(
    ("facts", "since", "expected"),
    [
        ([], YEAR_BEFORE, Outcome.UNKNOWN),  # nothing reported: unknown, never a pass
        ([0], YEAR_BEFORE, Outcome.PASS),
        ([0, 2], YEAR_BEFORE, Outcome.FAIL),
        # Reported from January only: June to December may have had one.
        ([0], dt.date(2025, 1, 1), Outcome.UNKNOWN),
    ],
)
def test_added_criterion(
    scheme_under_test: Scheme, facts: list[int], since: dt.date, expected: Outcome
) -> None:
    """The added criterion passes, fails, or is unknown when not every day is reported."""
    reported = [
        UnitFact(
            unit_code="99001",
            kind=FactKind.DRUG_USE_LOCATIONS,
            period_start=since if month == 1 else dt.date(2025, month - 1, 29),
            period_end=dt.date(2025, month, 28),
            value=value,
        )
        for month, value in enumerate(facts, start=1)
    ]
    dataset = Dataset.from_records(
        units=[
            AdminUnit(code="99", name="Tỉnh Ví Dụ", kind=UnitKind.PROVINCE),
            AdminUnit(code="99001", name="Xã Một", kind=UnitKind.COMMUNE, parent_code="99"),
        ],
        unit_facts=reported,
    )
    result = evaluate(dataset, scheme_under_test, ON).unit("99001")
    assert result.criterion("EX.C6").outcome is expected
    assert result.criterion("EX.C6").overridden_by == "Tỉnh Ví Dụ (example)"


def test_roadmap_numbers(host: PluginHost) -> None:
    """The targets and the units they require of 101."""
    roadmap = host.roadmap(plugin.ROADMAP_ID)
    assert roadmap.scope == "99"
    assert [(m.due, m.share) for m in roadmap.milestones] == [
        (dt.date(2026, 12, 31), Fraction(20, 100)),
        (dt.date(2030, 12, 31), Fraction(50, 100)),
    ]
    assert [m.required(101) for m in roadmap.milestones] == [21, 51]


def test_jurisdiction(host: PluginHost) -> None:
    """Province 99 applies the example scheme from 1 Jan 2025."""
    (mine,) = [j for j in host.jurisdictions() if j.province == "99"]
    assert (mine.scheme_id, mine.effective_from, mine.effective_to) == (
        plugin.SCHEME_ID,
        dt.date(2025, 1, 1),
        None,
    )


# (d) The installed distribution: passes only after `pip install -e plugins/example`.
def test_plugin_is_installed() -> None:
    """The installed distribution is found through its entry point."""
    assert_plugin_installed(
        NAME,
        distribution=DISTRIBUTION,
        schemes=[plugin.SCHEME_ID],
        roadmaps=[plugin.ROADMAP_ID],
    )
