"""Decision 28/2025/QĐ-TTg: classification of commune-level key complex drug areas.

Signed 24 Aug 2025 (criteria.md §2.2). Type I is read in full [READ]; type II partly
[READ-PARTIAL]: its garbled lower bound for the user rate is an [UNKNOWN] parameter. The
type-III list has not been found, so type III and the criteria that refer to it (I.đ, II.đ)
report *unknown* with that reason. Bands follow criteria.md's default reading: a value counts
toward a lower type only when it lies inside that type's band.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from drugfree_core.i18n import N_
from drugfree_core.model.enums import FactKind, Provenance, SubjectKind
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.params import ParamRef, Period, constant
from drugfree_core.rules.primitives import (
    AllOf,
    AnyOf,
    Compare,
    FactLatest,
    FactRate,
    FactTotal,
    InBand,
    NotYetKnown,
    Op,
    Population,
    SubjectRate,
)
from drugfree_core.rules.scheme import Criterion, Level, Scheme

SCHEME_ID = "qd28-2025-complex-areas"
SIGNED = dt.date(2025, 8, 24)
S1 = "https://thongtin.vietnam.vn/en/tieu-chi-xac-dinh-tuyen-dia-ban-trong-diem-phuc-tap-ve-ma-tuy-dia-ban-khong-ma-tuy"
S2 = "https://ja.congdoanvietnam.vn/thoi-su/tieu-chi-xac-dinh-tuyen-dia-ban-trong-diem-phuc-tap-ve-ma-tuy-11043.tld"
CITATION_I = N_("Decision 28/2025/QĐ-TTg (24 Aug 2025), key complex commune-level areas, type I")
CITATION_II = N_("Decision 28/2025/QĐ-TTg (24 Aug 2025), key complex commune-level areas, type II")
CITATION_III = N_(
    "Decision 28/2025/QĐ-TTg (24 Aug 2025), key complex commune-level areas, type III"
)

PERIOD = ParamRef("qd28.reference_period")
PARAMETERS = (
    constant(
        "qd28.reference_period",
        Period(years=1),
        since=SIGNED,
        en=(
            "Look-back window of the unit facts (locations, arrests, plants): facts whose "
            "period ends within this window before the date count. The decision's reference "
            "period was not found."
        ),
        vi="Khoảng thời gian tính số liệu (điểm, tụ điểm, bắt giữ, cây có chất ma túy).",
        citation=N_("Decision 28/2025/QĐ-TTg: reference period not found"),
        provenance=Provenance.UNKNOWN,
        note=N_("Default of 1 year is [INFERRED]."),
    ),
    constant(
        "qd28.count_only_running_management",
        True,
        since=SIGNED,
        en="Illegal users count only while their 1-year management period runs.",
        vi="Chỉ tính người sử dụng trái phép còn trong thời hạn quản lý.",
        citation=N_("Interpretation of 'with management records' (criteria.md §2.2)"),
        provenance=Provenance.INFERRED,
    ),
    constant(
        "qd28.type1_user_rate",
        Fraction(5, 1000),
        since=SIGNED,
        en="Type I: addicts and users with records per resident population, at least 0.5 %.",
        vi="Loại I: tỷ lệ người nghiện, người sử dụng có hồ sơ trên dân số ≥ 0,5%.",
        citation=CITATION_I,
        provenance=Provenance.READ,
    ),
    constant(
        "qd28.type2_user_rate_lower",
        None,
        since=SIGNED,
        en="Type II: lower bound of the user rate band; the digit is garbled in every source.",
        vi="Loại II: cận dưới của tỷ lệ người nghiện, người sử dụng (chưa đọc được).",
        citation=CITATION_II,
        provenance=Provenance.UNKNOWN,
    ),
    constant(
        "qd28.type1_arrest_rate",
        Fraction(1, 1000),
        since=SIGNED,
        en="Type I: arrested drug offenders per resident population, at least 0.1 %.",
        vi="Loại I: tỷ lệ đối tượng phạm tội về ma túy bị bắt trên dân số ≥ 0,1%.",
        citation=CITATION_I,
        provenance=Provenance.READ,
    ),
    constant(
        "qd28.type2_arrest_rate_lower",
        Fraction(5, 10000),
        since=SIGNED,
        en="Type II: arrested offenders per resident population from 0.05 %.",
        vi="Loại II: tỷ lệ bắt giữ từ 0,05%.",
        citation=CITATION_II,
        provenance=Provenance.READ_PARTIAL,
    ),
)

USERS_WITH_RECORDS = Population(
    kinds={SubjectKind.ADDICT, SubjectKind.ILLEGAL_USER},
    under_management=ParamRef("qd28.count_only_running_management"),
    with_record=True,
)
LOCATIONS = FactTotal(kind=FactKind.DRUG_USE_LOCATIONS, lookback=PERIOD)
ARRESTS = FactRate(kind=FactKind.ARRESTED_DRUG_OFFENDERS, lookback=PERIOD)
PLANTS = FactTotal(kind=FactKind.NARCOTIC_PLANTS_COUNT, lookback=PERIOD)
PLANT_AREA = FactTotal(kind=FactKind.NARCOTIC_PLANTS_AREA_M2, lookback=PERIOD)
ON_ROUTE = Compare(FactLatest(kind=FactKind.ON_COMPLEX_ROUTE, lookback=PERIOD), Op.EQ, 1)
TYPE3_MISSING = NotYetKnown(
    reason_en="the type-III criteria of Decision 28/2025 have not been found",
    reason_vi="chưa tìm thấy các tiêu chí loại III của Quyết định 28/2025",
)


def _criterion(
    cid: str, vi: str, en: str, rule: object, citation: str, prov: Provenance
) -> Criterion:
    return Criterion(
        id=cid,
        title_vi=vi,
        title_en=en,
        rule=rule,  # type: ignore[arg-type]  # every caller passes a Rule
        citation=citation,
        provenance=prov,
        sources=(S1, S2),
        effective_from=SIGNED,
    )


R, RP, U = Provenance.READ, Provenance.READ_PARTIAL, Provenance.UNKNOWN
CRITERIA = (
    _criterion(
        "T1.a",
        "Tỷ lệ người nghiện, người sử dụng trái phép có hồ sơ quản lý trên dân số ≥ 0,5%",
        "Addicts and illegal users with records per resident population ≥ 0.5 %",
        Compare(SubjectRate(USERS_WITH_RECORDS), Op.GE, ParamRef("qd28.type1_user_rate")),
        CITATION_I,
        R,
    ),
    _criterion(
        "T1.b",
        "Có từ 2 điểm, tụ điểm tổ chức, chứa chấp sử dụng trái phép chất ma túy trở lên",
        "At least 2 locations organising or harbouring illegal drug use",
        Compare(LOCATIONS, Op.GE, 2),
        CITATION_I,
        R,
    ),
    _criterion(
        "T1.c",
        "Tỷ lệ đối tượng phạm tội về ma túy bị bắt trên dân số ≥ 0,1%",
        "Arrested drug offenders per resident population ≥ 0.1 %",
        Compare(ARRESTS, Op.GE, ParamRef("qd28.type1_arrest_rate")),
        CITATION_I,
        R,
    ),
    _criterion(
        "T1.d",
        "Phát hiện, triệt phá từ 3.000 cây hoặc 750 m² cây có chứa chất ma túy trở lên",
        "At least 3,000 narcotic plants or 750 m² of them found and destroyed",
        AnyOf((Compare(PLANTS, Op.GE, 3000), Compare(PLANT_AREA, Op.GE, 750))),
        CITATION_I,
        R,
    ),
    _criterion(
        "T1.dd",
        "Có từ 2 tiêu chí của địa bàn loại III trở lên và nằm trên tuyến trọng điểm phức tạp",
        "Meets at least 2 type-III criteria and lies on a complex drug route",
        AllOf((TYPE3_MISSING, ON_ROUTE)),
        CITATION_I,
        R,
    ),
    _criterion(
        "T2.a",
        "Tỷ lệ người nghiện, người sử dụng có hồ sơ trên dân số trong khoảng loại II (< 0,5%)",
        "Addicts and users with records per population in the type-II band (below 0.5 %)",
        InBand(
            measure=SubjectRate(USERS_WITH_RECORDS),
            lower=ParamRef("qd28.type2_user_rate_lower"),
            upper=ParamRef("qd28.type1_user_rate"),
        ),
        CITATION_II,
        U,
    ),
    _criterion(
        "T2.b",
        "Có 1 điểm, tụ điểm tổ chức, chứa chấp sử dụng trái phép chất ma túy",
        "Exactly 1 location organising or harbouring illegal drug use",
        InBand(measure=LOCATIONS, lower=1, upper=2),
        CITATION_II,
        RP,
    ),
    _criterion(
        "T2.c",
        "Tỷ lệ đối tượng phạm tội về ma túy bị bắt từ 0,05% đến dưới 0,1%",
        "Arrested drug offenders per population from 0.05 % to below 0.1 %",
        InBand(
            measure=ARRESTS,
            lower=ParamRef("qd28.type2_arrest_rate_lower"),
            upper=ParamRef("qd28.type1_arrest_rate"),
        ),
        CITATION_II,
        RP,
    ),
    _criterion(
        "T2.d",
        "Diện tích cây có chứa chất ma túy từ 125 m² đến dưới 750 m² "
        "hoặc từ 500 đến dưới 3.000 cây",
        "Narcotic plants: 125 m² to below 750 m², or 500 to below 3,000 plants",
        AnyOf(
            (
                InBand(measure=PLANT_AREA, lower=125, upper=750),
                InBand(measure=PLANTS, lower=500, upper=3000),
            )
        ),
        CITATION_II,
        RP,
    ),
    _criterion(
        "T2.dd",
        "Có từ 2 tiêu chí của địa bàn loại III trở lên và nằm trên tuyến trọng điểm phức tạp",
        "Meets at least 2 type-III criteria and lies on a complex drug route",
        AllOf((TYPE3_MISSING, ON_ROUTE)),
        CITATION_II,
        R,
    ),
    _criterion(
        "T3",
        "Các tiêu chí địa bàn loại III (chưa tìm thấy văn bản)",
        "Type-III criteria (text not found)",
        TYPE3_MISSING,
        CITATION_III,
        U,
    ),
)

LEVELS = (
    Level(
        id="type-I",
        name_vi="Địa bàn trọng điểm phức tạp về ma túy loại I",
        name_en="Key complex drug area, type I",
        criteria=("T1.a", "T1.b", "T1.c", "T1.d", "T1.dd"),
        min_pass=3,
    ),
    Level(
        id="type-II",
        name_vi="Địa bàn trọng điểm phức tạp về ma túy loại II",
        name_en="Key complex drug area, type II",
        criteria=("T2.a", "T2.b", "T2.c", "T2.d", "T2.dd"),
        min_pass=3,
    ),
    Level(
        id="type-III",
        name_vi="Địa bàn trọng điểm phức tạp về ma túy loại III",
        name_en="Key complex drug area, type III",
        criteria=("T3",),
        min_pass=1,
    ),
)

SCHEME = Scheme(
    id=SCHEME_ID,
    version="2025.08",
    title_vi="Phân loại địa bàn cấp xã trọng điểm phức tạp về ma túy (QĐ 28/2025/QĐ-TTg)",
    title_en="Commune-level key complex drug areas (Decision 28/2025/QĐ-TTg)",
    description_en=(
        "Classifies each unit as type I, II or III, or none. Type III is not yet known, so "
        "units that are neither type I nor type II are reported as unknown."
    ),
    description_vi="Phân loại đơn vị là loại I, II, III hoặc không thuộc loại nào.",
    criteria=CRITERIA,
    parameters=(*LAW_PARAMETERS, *PARAMETERS),
    levels=LEVELS,
    effective_from=SIGNED,
    sources=(S1, S2),
)
