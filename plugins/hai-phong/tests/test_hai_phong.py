"""Tests of the Hải Phòng plugin: conformance, pinned numbers and dates, installation."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import drugfree_hai_phong.plugin as plugin
import pytest

from drugfree_core.dataset import Dataset
from drugfree_core.model import AdminUnit, Provenance, UnitKind
from drugfree_core.plugins import PluginHost
from drugfree_core.rules.scheme import Scheme
from drugfree_core.testing import SchemeConformanceTests, assert_plugin_installed, check_roadmap

NAME = "hai-phong"
DISTRIBUTION = "drugfree-hai-phong"


@pytest.fixture(scope="module")
def host() -> PluginHost:
    """A host with the built-ins and this plugin only, built once for the module."""
    return PluginHost(plugins=[(NAME, plugin)], autoload=False)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """City 31 with one ward (the map does not need the other 113)."""
    return Dataset.from_records(
        units=[
            AdminUnit(code="31", name="Thành phố Hải Phòng", kind=UnitKind.PROVINCE),
            AdminUnit(code="31001", name="Phường Một", kind=UnitKind.WARD, parent_code="31"),
        ]
    )


class TestHaiPhongScheme(SchemeConformanceTests):
    """The conformance kit on the resolved Hải Phòng schemes."""

    max_examples = 10

    @pytest.fixture(params=[plugin.SCHEME_ID, plugin.QD28_SCHEME_ID])
    def scheme(self, host: PluginHost, request: pytest.FixtureRequest) -> Scheme:
        """The schemes under test, as the host resolves them."""
        return host.scheme(request.param)


def test_roadmap_conforms(host: PluginHost) -> None:
    """The roadmap passes the kit's roadmap checks."""
    check_roadmap(host.roadmap(plugin.ROADMAP_ID)).raise_for_failures()


# ------------------------------------------------------------------ the roadmap


@pytest.mark.parametrize(
    ("due", "share", "required"),
    [
        (dt.date(2025, 12, 31), Fraction(30, 100), 35),  # 34.2 rounds up
        (dt.date(2027, 12, 31), Fraction(45, 100), 52),  # 51.3
        (dt.date(2030, 12, 31), Fraction(60, 100), 69),  # 68.4
        (dt.date(2035, 12, 31), Fraction(100, 100), 114),
    ],
)
def test_milestones(host: PluginHost, due: dt.date, share: Fraction, required: int) -> None:
    """Each cumulative target [READ] S9 and the units it requires of 114."""
    roadmap = host.roadmap(plugin.ROADMAP_ID)
    (milestone,) = [m for m in roadmap.milestones if m.due == due]
    assert milestone.share == share
    assert milestone.provenance is Provenance.READ
    assert milestone.required(plugin.UNITS) == required


def test_roadmap_scope_and_dates(host: PluginHost) -> None:
    """The roadmap covers city 31 from the reform on."""
    roadmap = host.roadmap(plugin.ROADMAP_ID)
    assert plugin.UNITS == 114
    assert roadmap.scope == "31"
    assert len(roadmap.milestones) == 4
    assert (roadmap.effective_from, roadmap.effective_to) == (dt.date(2025, 7, 1), None)
    # Before the reform the national roadmap is the one in force.
    assert host.roadmap_for("31", dt.date(2025, 6, 30)) is None
    in_force = host.roadmap_for("31", dt.date(2025, 7, 1))
    assert in_force is not None
    assert in_force.id == plugin.ROADMAP_ID


# -------------------------------------------------------- scheme and jurisdiction


@pytest.mark.parametrize(
    ("scheme_id", "base_id", "start", "end"),
    [
        (plugin.SCHEME_ID, "mps-recognition-2024", dt.date(2025, 7, 1), dt.date(2025, 8, 23)),
        (plugin.QD28_SCHEME_ID, "qd28-2025-drug-free", dt.date(2025, 8, 24), None),
    ],
)
def test_schemes_are_the_national_criteria_of_their_dates_unchanged(
    host: PluginHost, scheme_id: str, base_id: str, start: dt.date, end: dt.date | None
) -> None:
    """No city criteria were found: the national ones of each date apply [INFERRED]."""
    scheme = host.scheme(scheme_id)
    base = host.scheme(base_id)
    assert scheme.criteria == base.criteria
    assert scheme.parameters == base.parameters
    assert dict(scheme.overrides) == {}
    assert "[INFERRED]" in scheme.description_en
    assert (scheme.effective_from, scheme.effective_to) == (start, end)
    assert not scheme.is_national  # the city applies them: a provincial scheme


@pytest.mark.parametrize(
    ("on", "scheme_id", "roadmap_id"),
    [
        (dt.date(2025, 6, 30), "mps-recognition-2024", "national-2030"),
        (dt.date(2025, 7, 1), plugin.SCHEME_ID, plugin.ROADMAP_ID),
        (dt.date(2025, 8, 23), plugin.SCHEME_ID, plugin.ROADMAP_ID),
        (dt.date(2025, 8, 24), plugin.QD28_SCHEME_ID, plugin.ROADMAP_ID),
        (dt.date(2036, 1, 1), plugin.QD28_SCHEME_ID, plugin.ROADMAP_ID),
    ],
)
def test_scheme_for_a_ward(
    host: PluginHost, dataset: Dataset, on: dt.date, scheme_id: str, roadmap_id: str
) -> None:
    """A ward of city 31 gets the national default before the reform, the city's scheme after."""
    choice = host.scheme_for("31001", on, dataset)
    assert choice.scheme.id == scheme_id
    assert choice.roadmap is not None
    assert choice.roadmap.id == roadmap_id


def test_jurisdictions(host: PluginHost) -> None:
    """City 31 applies each scheme over its dates [INFERRED]."""
    mine = [j for j in host.jurisdictions() if j.province == "31"]
    assert [(j.scheme_id, j.effective_from, j.effective_to) for j in mine] == [
        (plugin.SCHEME_ID, dt.date(2025, 7, 1), dt.date(2025, 8, 23)),
        (plugin.QD28_SCHEME_ID, dt.date(2025, 8, 24), None),
    ]
    assert all(j.provenance is Provenance.INFERRED for j in mine)


def test_the_roadmap_counts_units_meeting_on_the_data(host: PluginHost) -> None:
    """A documented choice: the data, not the recognitions, which lag a year."""
    roadmap = host.roadmap(plugin.ROADMAP_ID)
    assert roadmap.counts == "meeting" and "[INFERRED]" in roadmap.counts_note


# ------------------------------------------------------------------ installation


def test_plugin_is_installed() -> None:
    """The installed distribution is found through its entry point."""
    assert_plugin_installed(
        NAME,
        distribution=DISTRIBUTION,
        schemes=[plugin.SCHEME_ID, plugin.QD28_SCHEME_ID],
        roadmaps=[plugin.ROADMAP_ID],
    )
