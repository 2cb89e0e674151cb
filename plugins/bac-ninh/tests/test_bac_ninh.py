"""Tests of the Bắc Ninh plugin: conformance, the merger date, pinned numbers, installation."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import drugfree_bac_ninh.plugin as plugin
import pytest

from drugfree_core.dataset import Dataset
from drugfree_core.model import AdminUnit, LineageLink, Provenance, UnitKind
from drugfree_core.plugins import PluginHost
from drugfree_core.rules.scheme import Scheme
from drugfree_core.testing import SchemeConformanceTests, assert_plugin_installed, check_roadmap

NAME = "bac-ninh"
DISTRIBUTION = "drugfree-bac-ninh"
SCHEME_IDS = (
    plugin.BAC_GIANG_SCHEME_ID,
    plugin.BAC_NINH_SCHEME_ID,
    plugin.BAC_NINH_QD28_SCHEME_ID,
)
DECISION_28 = dt.date(2025, 8, 24)
ROADMAP_IDS = (plugin.BAC_GIANG_ROADMAP_ID, plugin.BAC_NINH_ROADMAP_ID)
LAST_DAY = dt.date(2025, 6, 30)
MERGER = dt.date(2025, 7, 1)


@pytest.fixture(scope="module")
def host() -> PluginHost:
    """A host with the built-ins and this plugin only, built once for the module."""
    return PluginHost(plugins=[(NAME, plugin)], autoload=False)


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """Code 24 and the former Bắc Ninh (27) either side of the merger.

    Code 24 has an old district with an old commune; 27 has one old ward; both old units
    merge into one new commune under 24 on 1 Jul 2025.
    """
    return Dataset.from_records(
        units=[
            AdminUnit(code="24", name="Tỉnh Bắc Ninh", kind=UnitKind.PROVINCE),
            AdminUnit(
                code="24D1",
                name="Huyện Cũ",
                kind=UnitKind.DISTRICT,
                parent_code="24",
                valid_to=LAST_DAY,
            ),
            AdminUnit(
                code="24C-OLD",
                name="Xã Cũ",
                kind=UnitKind.COMMUNE,
                parent_code="24D1",
                valid_to=LAST_DAY,
            ),
            AdminUnit(
                code="24C-NEW",
                name="Xã Mới",
                kind=UnitKind.COMMUNE,
                parent_code="24",
                valid_from=MERGER,
            ),
            AdminUnit(
                code="27", name="Tỉnh Bắc Ninh (cũ)", kind=UnitKind.PROVINCE, valid_to=LAST_DAY
            ),
            AdminUnit(
                code="27C-OLD",
                name="Phường Cũ",
                kind=UnitKind.WARD,
                parent_code="27",
                valid_to=LAST_DAY,
            ),
        ],
        lineage=[
            LineageLink(predecessor_code="24C-OLD", successor_code="24C-NEW", effective=MERGER),
            LineageLink(predecessor_code="27C-OLD", successor_code="24C-NEW", effective=MERGER),
        ],
    )


class TestBacGiangScheme(SchemeConformanceTests):
    """The conformance kit on the resolved Bắc Giang scheme."""

    max_examples = 10

    @pytest.fixture
    def scheme(self, host: PluginHost) -> Scheme:
        """The scheme under test, as the host resolves it."""
        return host.scheme(plugin.BAC_GIANG_SCHEME_ID)


class TestBacNinhScheme(SchemeConformanceTests):
    """The conformance kit on the resolved Bắc Ninh schemes (before and from Decision 28)."""

    max_examples = 10

    @pytest.fixture(params=[plugin.BAC_NINH_SCHEME_ID, plugin.BAC_NINH_QD28_SCHEME_ID])
    def scheme(self, host: PluginHost, request: pytest.FixtureRequest) -> Scheme:
        """The schemes under test, as the host resolves them."""
        return host.scheme(request.param)


@pytest.mark.parametrize("roadmap_id", ROADMAP_IDS)
def test_roadmap_conforms(host: PluginHost, roadmap_id: str) -> None:
    """Each roadmap passes the kit's roadmap checks (a milestone may fall after the end)."""
    check_roadmap(host.roadmap(roadmap_id)).raise_for_failures()


# ---------------------------------------------------------- across the merger


@pytest.mark.parametrize(
    ("unit", "on", "scheme_id", "roadmap_id", "province_name"),
    [
        ("24C-OLD", LAST_DAY, plugin.BAC_GIANG_SCHEME_ID, plugin.BAC_GIANG_ROADMAP_ID, None),
        ("24C-NEW", MERGER, plugin.BAC_NINH_SCHEME_ID, plugin.BAC_NINH_ROADMAP_ID, None),
        # An old commune asked about after the merger follows its lineage.
        (
            "24C-OLD",
            dt.date(2025, 8, 1),
            plugin.BAC_NINH_SCHEME_ID,
            plugin.BAC_NINH_ROADMAP_ID,
            None,
        ),
        # From Decision 28/2025 on, the national criteria of Art. 6.
        ("24C-NEW", DECISION_28, plugin.BAC_NINH_QD28_SCHEME_ID, plugin.BAC_NINH_ROADMAP_ID, None),
        ("24C-OLD", DECISION_28, plugin.BAC_NINH_QD28_SCHEME_ID, plugin.BAC_NINH_ROADMAP_ID, None),
        # The former Bắc Ninh has no jurisdiction of its own: the national default applies.
        ("27C-OLD", LAST_DAY, "mps-recognition-2024", "national-2030", "Tỉnh Bắc Ninh (cũ)"),
        ("27C-OLD", MERGER, plugin.BAC_NINH_SCHEME_ID, plugin.BAC_NINH_ROADMAP_ID, None),
    ],
)
def test_scheme_for_across_the_merger(
    host: PluginHost,
    dataset: Dataset,
    unit: str,
    on: dt.date,
    scheme_id: str,
    roadmap_id: str,
    province_name: str | None,
) -> None:
    """Scheme and roadmap either side of 1 Jul 2025, following the lineage."""
    choice = host.scheme_for(unit, on, dataset)
    assert choice.scheme.id == scheme_id
    assert choice.roadmap is not None
    assert choice.roadmap.id == roadmap_id
    assert choice.province_name == (province_name or "Tỉnh Bắc Ninh")


def test_jurisdictions(host: PluginHost) -> None:
    """Code 24's jurisdictions meet at the merger and at Decision 28/2025; 27 has none."""
    mine = sorted(
        (j for j in host.jurisdictions() if j.province in {"24", "27"}),
        key=lambda j: j.effective_to or dt.date.max,
    )
    assert [(j.province, j.scheme_id, j.effective_from, j.effective_to) for j in mine] == [
        ("24", plugin.BAC_GIANG_SCHEME_ID, dt.date(2024, 10, 15), LAST_DAY),
        ("24", plugin.BAC_NINH_SCHEME_ID, MERGER, DECISION_28 - dt.timedelta(days=1)),
        ("24", plugin.BAC_NINH_QD28_SCHEME_ID, DECISION_28, None),
    ]
    for j in mine:
        assert j.provenance is Provenance.INFERRED
        assert "Decision 19/2025/QĐ-TTg" in j.citation
        assert "[INFERRED]" in j.citation


# ---------------------------------------------------------------- the roadmaps


@pytest.mark.parametrize(
    ("roadmap_id", "provenance", "start", "end"),
    [
        (plugin.BAC_GIANG_ROADMAP_ID, Provenance.ARTICLE, dt.date(2025, 3, 18), LAST_DAY),
        (plugin.BAC_NINH_ROADMAP_ID, Provenance.INFERRED, MERGER, None),
    ],
)
def test_roadmaps(
    host: PluginHost,
    roadmap_id: str,
    provenance: Provenance,
    start: dt.date,
    end: dt.date | None,
) -> None:
    """Both roadmaps: at least 50 % by 2030, with their tags and dates."""
    roadmap = host.roadmap(roadmap_id)
    assert roadmap.scope == "24"
    assert (roadmap.effective_from, roadmap.effective_to) == (start, end)
    (milestone,) = roadmap.milestones
    assert (milestone.due, milestone.share) == (dt.date(2030, 12, 31), Fraction(1, 2))
    assert milestone.provenance is provenance
    # The unit count is not in criteria.md; 3,321 (the nation's) shows the rounding up.
    assert milestone.required(3321) == 1661
    assert roadmap.counts == "meeting" and "[INFERRED]" in roadmap.counts_note


# ------------------------------------------------------------------ the schemes


@pytest.mark.parametrize(
    ("scheme_id", "base_id", "start", "end"),
    [
        (plugin.BAC_GIANG_SCHEME_ID, plugin.BASE_SCHEME_ID, dt.date(2024, 10, 15), LAST_DAY),
        (
            plugin.BAC_NINH_SCHEME_ID,
            plugin.BASE_SCHEME_ID,
            MERGER,
            DECISION_28 - dt.timedelta(days=1),
        ),
        (plugin.BAC_NINH_QD28_SCHEME_ID, "qd28-2025-drug-free", DECISION_28, None),
    ],
)
def test_schemes_are_the_national_criteria_of_their_dates_unchanged(
    host: PluginHost, scheme_id: str, base_id: str, start: dt.date, end: dt.date | None
) -> None:
    """No provincial criteria were found: the national ones of each date apply [INFERRED]."""
    scheme = host.scheme(scheme_id)
    base = host.scheme(base_id)
    assert scheme.criteria == base.criteria
    assert scheme.parameters == base.parameters
    assert dict(scheme.overrides) == {}
    assert "[INFERRED]" in scheme.description_en
    assert (scheme.effective_from, scheme.effective_to) == (start, end)


# ------------------------------------------------------------------ installation


def test_plugin_is_installed() -> None:
    """The installed distribution is found through its entry point."""
    info = assert_plugin_installed(
        NAME, distribution=DISTRIBUTION, schemes=SCHEME_IDS, roadmaps=ROADMAP_IDS
    )
    assert info.schemes == SCHEME_IDS and info.roadmaps == ROADMAP_IDS
