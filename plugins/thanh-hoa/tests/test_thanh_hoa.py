"""Tests of the Thanh Hóa plugin: conformance, pinned numbers and dates, installation."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import drugfree_thanh_hoa.plugin as plugin
import pytest

from drugfree_core.api import explain
from drugfree_core.dataset import Dataset
from drugfree_core.model import AdminUnit, Provenance, UnitKind
from drugfree_core.plugins import PluginHost
from drugfree_core.rules.scheme import Scheme
from drugfree_core.testing import SchemeConformanceTests, assert_plugin_installed, check_roadmap

NAME = "thanh-hoa"
DISTRIBUTION = "drugfree-thanh-hoa"
ROADMAP_IDS = (plugin.PROJECT_ROADMAP_ID, plugin.PLAN_ROADMAP_ID)


@pytest.fixture(scope="module")
def host() -> PluginHost:
    """A host with the built-ins and this plugin only, built once for the module."""
    return PluginHost(plugins=[(NAME, plugin)], autoload=False)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """Province 38 with one commune and nobody on its lists."""
    return Dataset.from_records(
        units=[
            AdminUnit(code="38", name="Tỉnh Thanh Hóa", kind=UnitKind.PROVINCE),
            AdminUnit(code="38001", name="Xã Một", kind=UnitKind.COMMUNE, parent_code="38"),
        ]
    )


class TestThanhHoaScheme(SchemeConformanceTests):
    """The conformance kit on the resolved Thanh Hóa scheme."""

    max_examples = 10

    @pytest.fixture
    def scheme(self, host: PluginHost) -> Scheme:
        """The scheme under test, as the host resolves it."""
        return host.scheme(plugin.SCHEME_ID)


@pytest.mark.parametrize("roadmap_id", ROADMAP_IDS)
def test_roadmap_conforms(host: PluginHost, roadmap_id: str) -> None:
    """Each roadmap passes the kit's roadmap checks (a milestone may fall after the end)."""
    check_roadmap(host.roadmap(roadmap_id)).raise_for_failures()


# ------------------------------------------------------------------ the scheme


def test_scheme_is_the_national_criteria_with_the_window_overridden(host: PluginHost) -> None:
    """The built-in criteria, with the test window stated by the province [ARTICLE]."""
    scheme = host.scheme(plugin.SCHEME_ID)
    base = host.scheme("mps-recognition-2024")
    assert scheme.criteria == base.criteria
    assert (scheme.effective_from, scheme.effective_to) == (
        dt.date(2024, 10, 15),
        dt.date(2025, 12, 31),
    )
    assert dict(scheme.overrides) == {"parameter:th.test_window_days": "Tỉnh Thanh Hóa"}
    window = scheme.resolve_parameters(dt.date(2025, 6, 1))["th.test_window_days"]
    assert window.value == 30
    assert window.provenance is Provenance.ARTICLE
    assert window.overridden_by == "Tỉnh Thanh Hóa"
    assert "baothanhhoa.vn (15 Oct 2024)" in window.citation


def test_explanation_names_the_province(host: PluginHost, dataset: Dataset) -> None:
    """Explanations show the overridden window and who overrides it."""
    text = explain(dataset, host.scheme(plugin.SCHEME_ID), dt.date(2025, 6, 1), "38001")
    # The provenance tag (ARTICLE) is said in words.
    (line,) = [ln for ln in text.splitlines() if "th.test_window_days = 30 (" in ln]
    assert "from a news report; no legal text found" in line
    assert "overridden by Tỉnh Thanh Hóa" in text


# ------------------------------------------------------------------ the roadmaps


def test_project_roadmap(host: PluginHost) -> None:
    """The project's 100 % ambition [READ] S10, ending the day before Plan 258."""
    roadmap = host.roadmap(plugin.PROJECT_ROADMAP_ID)
    assert roadmap.scope == "38"
    assert (roadmap.effective_from, roadmap.effective_to) == (
        dt.date(2024, 10, 15),
        dt.date(2025, 12, 21),
    )
    (milestone,) = roadmap.milestones
    assert (milestone.due, milestone.share) == (dt.date(2025, 12, 31), Fraction(1))
    assert milestone.provenance is Provenance.READ
    assert milestone.required(166) == 166


def test_plan_258_roadmap(host: PluginHost) -> None:
    """Plan 258's at least 50 % by 2030 [READ] S11, from its issue date."""
    roadmap = host.roadmap(plugin.PLAN_ROADMAP_ID)
    assert roadmap.scope == "38"
    assert (roadmap.effective_from, roadmap.effective_to) == (dt.date(2025, 12, 22), None)
    (milestone,) = roadmap.milestones
    assert (milestone.due, milestone.share) == (dt.date(2030, 12, 31), Fraction(1, 2))
    assert milestone.provenance is Provenance.READ
    # Thanh Hóa's unit count is not in criteria.md; 101 shows the rounding up.
    assert milestone.required(101) == 51


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2024, 10, 15), plugin.PROJECT_ROADMAP_ID),
        (dt.date(2025, 12, 21), plugin.PROJECT_ROADMAP_ID),
        (dt.date(2025, 12, 22), plugin.PLAN_ROADMAP_ID),
        (dt.date(2031, 1, 1), plugin.PLAN_ROADMAP_ID),
    ],
)
def test_roadmap_in_force(host: PluginHost, on: dt.date, expected: str) -> None:
    """The two roadmaps follow each other without a gap or an overlap."""
    roadmap = host.roadmap_for("38", on)
    assert roadmap is not None
    assert roadmap.id == expected


# -------------------------------------------------------------- the jurisdiction


@pytest.mark.parametrize(
    ("on", "scheme_id", "roadmap_id"),
    [
        (dt.date(2024, 10, 15), plugin.SCHEME_ID, plugin.PROJECT_ROADMAP_ID),
        (dt.date(2025, 12, 21), plugin.SCHEME_ID, plugin.PROJECT_ROADMAP_ID),
        (dt.date(2025, 12, 31), plugin.SCHEME_ID, plugin.PLAN_ROADMAP_ID),
        # After the project period the national default applies: Art. 6 of Decision 28.
        (dt.date(2026, 1, 1), "qd28-2025-drug-free", plugin.PLAN_ROADMAP_ID),
    ],
)
def test_scheme_for_a_commune(
    host: PluginHost, dataset: Dataset, on: dt.date, scheme_id: str, roadmap_id: str
) -> None:
    """A commune of province 38 gets the project scheme, then the national default."""
    choice = host.scheme_for("38001", on, dataset)
    assert choice.province == "38"
    assert choice.scheme.id == scheme_id
    assert choice.roadmap is not None
    assert choice.roadmap.id == roadmap_id


def test_jurisdiction(host: PluginHost) -> None:
    """Province 38 applies the scheme over the project period [READ] S10."""
    (mine,) = [j for j in host.jurisdictions() if j.province == "38"]
    assert mine.scheme_id == plugin.SCHEME_ID
    assert (mine.effective_from, mine.effective_to) == (
        dt.date(2024, 10, 15),
        dt.date(2025, 12, 31),
    )
    assert mine.provenance is Provenance.READ


# ------------------------------------------------------------------ installation


def test_plugin_is_installed() -> None:
    """The installed distribution is found through its entry point."""
    assert_plugin_installed(
        NAME, distribution=DISTRIBUTION, schemes=[plugin.SCHEME_ID], roadmaps=ROADMAP_IDS
    )
