"""Plan 359/2023's Action Month indicator, measured on a small pre-reform map."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import drugfree_nghe_an.plugin as plugin
import pytest
from drugfree_nghe_an.campaign import DOSSIERS_2023

from drugfree_core.dataset import Dataset
from drugfree_core.model import AdminUnit, FactKind, UnitFact, UnitKind
from drugfree_core.plugins import PluginHost
from drugfree_core.reports.indicators import measure_indicators

DUE = dt.date(2023, 6, 30)
LAST = dt.date(2025, 6, 30)
COMMUNES = ("pre2025:17001", "pre2025:17002")


def _dataset(
    done: tuple[float, float],
    assigned: tuple[float, float] | None,
    end: dt.date = DUE,
    start: dt.date = dt.date(2023, 1, 1),
) -> Dataset:
    units = [
        AdminUnit(code="pre2025:40", name="Tỉnh Nghệ An", kind=UnitKind.PROVINCE, valid_to=LAST),
        AdminUnit(
            code="pre2025:412",
            name="Huyện Quỳnh Lưu",
            kind=UnitKind.DISTRICT,
            parent_code="pre2025:40",
            valid_to=LAST,
        ),
        *(
            AdminUnit(
                code=code,
                name=f"Xã {code}",
                kind=UnitKind.COMMUNE,
                parent_code="pre2025:412",
                valid_to=LAST,
            )
            for code in COMMUNES
        ),
    ]

    def facts(kind: FactKind, values: tuple[float, float]) -> list[UnitFact]:
        return [
            UnitFact(
                unit_code=code,
                kind=kind,
                period_start=start,
                period_end=end,
                value=value,
            )
            for code, value in zip(COMMUNES, values, strict=True)
        ]

    unit_facts = facts(FactKind.COMPULSORY_REHAB_DOSSIERS, done)
    if assigned is not None:
        unit_facts += facts(FactKind.COMPULSORY_REHAB_DOSSIERS_ASSIGNED, assigned)
    return Dataset.from_records(units=units, unit_facts=unit_facts)


def test_the_plugin_registers_the_indicator() -> None:
    """The indicator is registered with the plan's 60 % by 30 June 2023."""
    host = PluginHost(plugins=[("nghe-an", plugin)], autoload=False)
    assert DOSSIERS_2023 in host.indicators()
    assert DOSSIERS_2023.target is not None
    assert DOSSIERS_2023.target.share == Fraction(60, 100)
    assert DOSSIERS_2023.target.due == DUE


@pytest.mark.parametrize(
    ("done", "assigned", "status"),
    [
        ((4, 2), (5, 5), "met"),  # 6 of 10 is exactly 60 %
        ((3, 2), (5, 5), "missed"),  # 5 of 10
        ((3, 2), None, "unknown"),  # no assigned target: never a pass
    ],
)
def test_sixty_percent_of_the_assigned_target_by_end_of_june(
    done: tuple[float, float], assigned: tuple[float, float] | None, status: str
) -> None:
    """Exactly 60 % meets the target; below it misses; no assigned figure is unknown."""
    host = PluginHost(plugins=[("nghe-an", plugin)], autoload=False)
    (result,) = measure_indicators(
        [(DOSSIERS_2023, "nghe-an")],
        _dataset(done, assigned),
        DUE,
        scope="pre2025:40",
        units=COMMUNES,
        shared=host.parameters(),
    )
    assert result.status == status


def test_before_the_due_date_a_shortfall_is_pending() -> None:
    """Below target before the due date is pending, not missed."""
    host = PluginHost(plugins=[("nghe-an", plugin)], autoload=False)
    (result,) = measure_indicators(
        [(DOSSIERS_2023, "nghe-an")],
        # Figures to the end of May, from the first day of the six months to 1 June
        # (2 December: the total is unknown if December's days are not reported).
        _dataset((1, 1), (5, 5), end=dt.date(2023, 5, 31), start=dt.date(2022, 12, 1)),
        dt.date(2023, 6, 1),
        scope="pre2025:40",
        units=COMMUNES,
        shared=host.parameters(),
    )
    assert result.status == "pending"
