"""Nghệ An's 2024 rule for a district "clean of drugs", evaluated from commune results.

A former district, town or city (the district level, abolished on 1 Jul 2025) was
recognised "clean of drugs" when, among others, six conditions held (criteria.md §3.2,
Nghệ An regulation of 2024 [READ] S7). Only condition 4, "100 % of its commune-level units
recognised clean of drugs and still maintaining it", can be computed from a dataset: it
is read from a commune-level :class:`~drugfree_core.engine.Evaluation` on the same date,
a commune that passes being taken as recognised and maintaining it [INFERRED]. The other
five have no data in the dataset, so they are UNKNOWN, and a district's verdict can be
FAIL or UNKNOWN but never PASS.

The condition titles paraphrase criteria.md §3.2; they are not the regulation's wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs
import polars as pl

from drugfree_core.dataset import Dataset
from drugfree_core.engine import Evaluation, Outcome
from drugfree_core.errors import UsageError
from drugfree_core.model import COMMUNE_LEVEL_KINDS, Provenance, UnitKind
from drugfree_nghe_an.plugin import PROVINCE

S7 = (
    "https://nghean24h.vn/ban-hanh-quy-dinh-ve-tieu-chi-va-trinh-tu-thu-tuc-xet-cong-nhan-"
    "huyen-thanh-pho-thi-xa-sach-ve-ma-tuy-tren-dia-ban-tinh-a721347.html"
)
CITATION = (
    "Nghệ An regulation (2024) on the criteria and procedure for recognising districts, "
    "towns and cities 'clean of drugs' (nghean24h.vn, S7)"
)
#: Why five of the six conditions are unknown for every district.
NOT_RECORDED = "not recorded in the dataset"

_COMMUNE_LEVEL = frozenset(k.value for k in COMMUNE_LEVEL_KINDS)


@attrs.frozen(kw_only=True)
class Condition:
    """One condition of the district rule: its id, titles, citation, provenance and note."""

    id: str
    title_vi: str
    title_en: str
    citation: str = CITATION
    provenance: Provenance = Provenance.READ
    note: str = ""


#: The six conditions, in the order of criteria.md §3.2 [READ] S7.
CONDITIONS: tuple[Condition, ...] = (
    Condition(
        id="NA.D1",
        title_vi=(
            "Có nghị quyết của cấp ủy và chỉ thị của Ủy ban nhân dân cấp huyện về phòng, "
            "chống ma túy"
        ),
        title_en=(
            "A district Party committee resolution and a People's Committee directive on "
            "drug control exist"
        ),
    ),
    Condition(
        id="NA.D2",
        title_vi="Tuyên truyền ít nhất 1 buổi/tháng ở cấp xã và ít nhất 1 lần/3 tháng ở cấp huyện",
        title_en=(
            "Propaganda of at least 1 session a month at commune level and at least 1 every "
            "3 months at district level"
        ),
    ),
    Condition(
        id="NA.D3",
        title_vi=(
            "Không có cán bộ lãnh đạo, quản lý từ cấp xã trở lên, người đứng đầu cơ quan, "
            "doanh nghiệp, trường học trên địa bàn bị kỷ luật từ cảnh cáo trở lên hoặc bị "
            "truy cứu trách nhiệm hình sự vì liên quan đến ma túy"
        ),
        title_en=(
            "No leader or manager at commune level or above, and no head of an agency, "
            "enterprise or school in the area, disciplined (warning or above) or prosecuted "
            "for drug-related reasons"
        ),
    ),
    Condition(
        id="NA.D4",
        title_vi="100% xã, phường, thị trấn được công nhận sạch về ma túy và đang giữ vững",
        title_en=(
            "100% of its commune-level units recognised 'clean of drugs' and still maintaining it"
        ),
        note=(
            "Computed from a commune-level evaluation on the date: a commune that passes is "
            "read as recognised and still maintaining it [INFERRED]."
        ),
    ),
    Condition(
        id="NA.D5",
        title_vi="Có ít nhất 1 mô hình phòng, chống ma túy hoạt động hiệu quả trên địa bàn huyện",
        title_en="At least 1 effective drug-prevention model operating district-wide",
    ),
    Condition(
        id="NA.D6",
        title_vi="Phong trào Toàn dân bảo vệ an ninh Tổ quốc hằng năm được xếp loại Khá trở lên",
        title_en=(
            "The annual 'All people protect national security' movement rated 'Khá' "
            "(fair) or better"
        ),
    ),
)

#: The condition computed from the commune-level evaluation.
COMMUNES_CONDITION = "NA.D4"


@attrs.frozen(kw_only=True)
class ConditionResult:
    """A condition's outcome for one district, and why.

    ``failing_units`` and ``unknown_units`` are the commune-level units that made
    condition 4 fail or left it undecided (empty for the other conditions).
    """

    condition: Condition
    outcome: Outcome
    reason: str
    failing_units: tuple[str, ...] = ()
    unknown_units: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class DistrictStatus:
    """Whether a former district met the 2024 rule on a date: the verdict and every condition.

    ``verdict`` is the three-valued AND of the conditions: FAIL if any fails, otherwise
    UNKNOWN if any is unknown. ``commune_units`` are the district's commune-level units
    in force on the date.
    """

    district_code: str
    district_name: str
    province_code: str | None
    on: dt.date
    scheme_id: str
    verdict: Outcome
    conditions: tuple[ConditionResult, ...]
    commune_units: tuple[str, ...]

    def condition(self, condition_id: str) -> ConditionResult:
        """The result of the condition called *condition_id* (``"NA.D1"`` to ``"NA.D6"``)."""
        for result in self.conditions:
            if result.condition.id == condition_id:
                return result
        raise UsageError(f"no condition {condition_id!r}; known: NA.D1 to NA.D6")


def _all_of(outcomes: Iterable[Outcome]) -> Outcome:
    values = set(outcomes)
    if Outcome.FAIL in values:
        return Outcome.FAIL
    if Outcome.UNKNOWN in values:
        return Outcome.UNKNOWN
    return Outcome.PASS


def _communes_condition(
    condition: Condition, communes: tuple[str, ...], verdicts: dict[str, Outcome], scheme_id: str
) -> ConditionResult:
    if not communes:
        # No commune to count: "100 % of none" must not pass silently.
        return ConditionResult(
            condition=condition,
            outcome=Outcome.UNKNOWN,
            reason="the district has no commune-level unit in force on the date",
        )
    failing = tuple(c for c in communes if verdicts.get(c) is Outcome.FAIL)
    # A commune missing from the evaluation (e.g. restricted to some units), or one the
    # dataset does not cover (no data), is undecided: it never counts as passing.
    undecided = (None, Outcome.UNKNOWN, Outcome.NO_DATA)
    unknown = tuple(c for c in communes if verdicts.get(c) in undecided)
    if failing:
        outcome = Outcome.FAIL
        reason = f"{len(failing)} of {len(communes)} commune-level units fail {scheme_id}"
    elif unknown:
        outcome = Outcome.UNKNOWN
        reason = (
            f"{len(unknown)} of {len(communes)} commune-level units are unknown under "
            f"{scheme_id}, have no data, or are not in the evaluation"
        )
    else:
        outcome = Outcome.PASS
        reason = f"all {len(communes)} commune-level units pass {scheme_id}"
    return ConditionResult(
        condition=condition,
        outcome=outcome,
        reason=reason,
        failing_units=failing,
        unknown_units=unknown,
    )


def district_status(
    evaluation: Evaluation,
    dataset: Dataset,
    on: dt.date,
    *,
    province: str | None = PROVINCE,
) -> tuple[DistrictStatus, ...]:
    """The 2024 "clean of drugs" status of each district in force on *on*, by district code.

    :param evaluation: a commune-level evaluation of *dataset* on *on* (any scheme; its
        verdicts are read as "recognised and still maintaining it" [INFERRED]).
    :param dataset: the dataset evaluated, whose map says which commune-level units each
        district has on *on*.
    :param on: the reference date; it must be the evaluation's. Districts exist only
        before 1 Jul 2025, so later dates give an empty tuple.
    :param province: only districts directly under this province (Nghệ An, ``"40"``, by
        default); ``None`` for every district in the map.
    :raises UsageError: when *on* is not the evaluation's reference date.
    """
    if evaluation.reference_date != on:
        raise UsageError(
            f"the evaluation is of {evaluation.reference_date.isoformat()}, "
            f"not {on.isoformat()}: evaluate the communes on the same date"
        )
    in_force = dataset.units.filter(
        (pl.col("valid_from").is_null() | (pl.col("valid_from") <= on))
        & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= on))
    ).select("code", "name", pl.col("kind").cast(pl.String), "parent_code")
    rows = list(in_force.iter_rows(named=True))
    districts = sorted(
        (
            r
            for r in rows
            if r["kind"] == UnitKind.DISTRICT.value
            and (province is None or r["parent_code"] == province)
        ),
        key=lambda r: str(r["code"]),
    )
    communes: dict[str, list[str]] = {str(d["code"]): [] for d in districts}
    for r in rows:
        if r["kind"] in _COMMUNE_LEVEL and r["parent_code"] in communes:
            communes[r["parent_code"]].append(str(r["code"]))
    verdicts = {u.unit_code: u.verdict for u in evaluation.units}

    statuses = []
    for d in districts:
        code = str(d["code"])
        units = tuple(sorted(communes[code]))
        results = tuple(
            _communes_condition(c, units, verdicts, evaluation.scheme_id)
            if c.id == COMMUNES_CONDITION
            else ConditionResult(condition=c, outcome=Outcome.UNKNOWN, reason=NOT_RECORDED)
            for c in CONDITIONS
        )
        statuses.append(
            DistrictStatus(
                district_code=code,
                district_name=str(d["name"]),
                province_code=d["parent_code"],
                on=on,
                scheme_id=evaluation.scheme_id,
                verdict=_all_of(r.outcome for r in results),
                conditions=results,
                commune_units=units,
            )
        )
    return tuple(statuses)
