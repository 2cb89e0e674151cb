"""Tests of the Nghệ An plugin: conformance, pinned numbers and dates, installation."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import drugfree_nghe_an.plugin as plugin
import pytest

from drugfree_core.dataset import Dataset
from drugfree_core.model import AdminUnit, Provenance, UnitKind
from drugfree_core.plugins import PluginHost
from drugfree_core.rules.scheme import Scheme
from drugfree_core.testing import SchemeConformanceTests, assert_plugin_installed, check_roadmap

NAME = "nghe-an"
DISTRIBUTION = "drugfree-nghe-an"


@pytest.fixture(scope="module")
def host() -> PluginHost:
    """A host with the built-ins and this plugin only, built once for the module."""
    return PluginHost(plugins=[(NAME, plugin)], autoload=False)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """Province 40 with one commune."""
    return Dataset.from_records(
        units=[
            AdminUnit(code="40", name="Tỉnh Nghệ An", kind=UnitKind.PROVINCE),
            AdminUnit(code="40001", name="Xã Một", kind=UnitKind.COMMUNE, parent_code="40"),
        ]
    )


class TestNgheAnScheme(SchemeConformanceTests):
    """The conformance kit on the resolved Nghệ An scheme."""

    max_examples = 10

    @pytest.fixture
    def scheme(self, host: PluginHost) -> Scheme:
        """The scheme under test, as the host resolves it."""
        return host.scheme(plugin.SCHEME_ID)


def test_roadmap_conforms(host: PluginHost) -> None:
    """The roadmap passes the kit's roadmap checks."""
    check_roadmap(host.roadmap(plugin.ROADMAP_ID)).raise_for_failures()


# ------------------------------------------------------------------ the roadmap


@pytest.mark.parametrize(
    ("due", "share", "required", "plan"),
    [
        (dt.date(2025, 12, 31), Fraction(20, 100), 26, "695/KH-UBND"),
        (dt.date(2026, 12, 31), Fraction(30, 100), 39, "107/KH-UBND"),
        (dt.date(2030, 12, 31), Fraction(50, 100), 65, "695/KH-UBND"),
    ],
)
def test_milestones(
    host: PluginHost, due: dt.date, share: Fraction, required: int, plan: str
) -> None:
    """Each target, its plan [READ] S4/S6, and the units it requires of 130."""
    roadmap = host.roadmap(plugin.ROADMAP_ID)
    (milestone,) = [m for m in roadmap.milestones if m.due == due]
    assert milestone.share == share
    assert milestone.provenance is Provenance.READ
    assert plan in milestone.citation
    assert milestone.required(plugin.UNITS) == required


def test_roadmap_scope_and_dates(host: PluginHost) -> None:
    """The roadmap covers province 40 from Plan 695's issue date."""
    roadmap = host.roadmap(plugin.ROADMAP_ID)
    assert plugin.UNITS == 130
    assert roadmap.scope == "40"
    assert len(roadmap.milestones) == 3
    assert (roadmap.effective_from, roadmap.effective_to) == (dt.date(2025, 8, 21), None)


# -------------------------------------------------------- scheme and jurisdiction


def test_scheme_is_the_national_criteria_unchanged(host: PluginHost) -> None:
    """Plan 695's criteria are unknown: the national ones apply [INFERRED]."""
    scheme = host.scheme(plugin.SCHEME_ID)
    base = host.scheme("qd28-2025-drug-free")
    assert scheme.criteria == base.criteria
    assert scheme.parameters == base.parameters
    assert dict(scheme.overrides) == {}
    assert "[UNKNOWN]" in scheme.description_en
    assert "[INFERRED]" in scheme.description_en
    assert scheme.effective_from == dt.date(2025, 8, 24)  # Decision 28/2025 in force
    assert not scheme.is_national


@pytest.mark.parametrize(
    ("on", "scheme_id", "roadmap_id"),
    [
        (dt.date(2025, 8, 20), "mps-recognition-2024", "national-2030"),
        # Plan 695's roadmap from its issue; the national default until Decision 28/2025
        (dt.date(2025, 8, 21), "mps-recognition-2024", plugin.ROADMAP_ID),
        (dt.date(2025, 8, 23), "mps-recognition-2024", plugin.ROADMAP_ID),
        (dt.date(2025, 8, 24), plugin.SCHEME_ID, plugin.ROADMAP_ID),
        (dt.date(2031, 1, 1), plugin.SCHEME_ID, plugin.ROADMAP_ID),
    ],
)
def test_scheme_for_a_commune(
    host: PluginHost, dataset: Dataset, on: dt.date, scheme_id: str, roadmap_id: str
) -> None:
    """A commune of province 40 gets the national default, then the province's scheme."""
    choice = host.scheme_for("40001", on, dataset)
    assert choice.scheme.id == scheme_id
    assert choice.roadmap is not None
    assert choice.roadmap.id == roadmap_id


def test_jurisdiction(host: PluginHost) -> None:
    """Province 40 applies the scheme from 21 Aug 2025 [INFERRED]."""
    (mine,) = [j for j in host.jurisdictions() if j.province == "40"]
    assert mine.scheme_id == plugin.SCHEME_ID
    assert (mine.effective_from, mine.effective_to) == (dt.date(2025, 8, 24), None)
    assert mine.provenance is Provenance.INFERRED


# ------------------------------------------------------------------ installation


def test_plugin_is_installed() -> None:
    """The installed distribution is found through its entry point."""
    assert_plugin_installed(
        NAME,
        distribution=DISTRIBUTION,
        schemes=[plugin.SCHEME_ID],
        roadmaps=[plugin.ROADMAP_ID],
    )
