"""Decision 28/2025/QĐ-TTg for provinces: key complex provinces (Art. 5), drug-free provinces.

Schemes whose units are the provinces in force (``unit_level`` province): a province's
values add up the records of its commune-level units (people placed there, facts and
findings reported there), and rates use its resident population (its own when the data
gives it, else the sum of its communes' when every one is known).

* ``qd28-2025-provinces`` (Art. 5) [READ] S33: a province or centrally-run city is a key
  complex area when it meets at least 4 of 6 criteria. ``P.4`` is computed from the
  communes' own classification under ``qd28-2025-complex-areas``, evaluated in the same
  run: the units certainly of type I or II (whatever the label's precedence) over every
  commune-level unit of the province in force [INFERRED denominator].
* Drug-free province: the category exists (Art. 7.2-7.3, 9.1.b) but how a province
  qualifies is [UNKNOWN] (criteria.md §2.7, §10.3), so both readings are schemes:
  ``qd28-2025-drug-free-province`` applies Art. 6 to the province as a whole;
  ``qd28-2025-drug-free-province-all-communes`` requires every one of its commune-level
  units to be drug-free under Art. 6.
"""

from __future__ import annotations

from fractions import Fraction

import attrs

from drugfree_core.i18n import N_
from drugfree_core.model.enums import Authority, FactKind, Provenance, UnitLevel
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.primitives import (
    AnyOf,
    CommuneShare,
    Compare,
    FactLatest,
    Op,
    SubjectRate,
)
from drugfree_core.rules.scheme import Criterion, Level, Scheme
from drugfree_core.schemes import qd28_complex_areas as ca
from drugfree_core.schemes import qd28_drug_free as df

SCHEME_ID = "qd28-2025-provinces"
WHOLE_PROVINCE_ID = "qd28-2025-drug-free-province"
ALL_COMMUNES_ID = "qd28-2025-drug-free-province-all-communes"
SIGNED = df.SIGNED
CITATION = N_("Decision 28/2025/QĐ-TTg (24 Aug 2025) Art. 5: at least 4 of 6")

PERIOD = ca.PERIOD
USER_RATE = SubjectRate(ca.USERS_WITH_RECORDS)
INTER_PROVINCIAL = FactLatest(kind=FactKind.ON_INTER_PROVINCIAL_ROUTE, lookback=PERIOD)


def _p(cid: str, vi: str, en: str, rule: object, note: tuple[str, str] = ("", "")) -> Criterion:
    """A criterion of Art. 5; *note* is its note in English and in Vietnamese."""
    return Criterion(
        id=cid,
        title_vi=vi,
        title_en=en,
        rule=rule,  # type: ignore[arg-type]  # every caller passes a Rule
        citation=CITATION,
        provenance=Provenance.READ,
        sources=df.SOURCES,
        effective_from=SIGNED,
        note_en=note[0],
        note_vi=note[1],
    )


CRITERIA = (
    _p(
        "P.1",
        "Tỷ lệ người nghiện, người sử dụng trái phép chất ma túy có hồ sơ quản lý so với số "
        "nhân khẩu hiện đang cư trú trên địa bàn tỉnh từ 0,2% trở lên",
        "Addicts and illegal users with management records per provincial population ≥ 0.2 %",
        Compare(USER_RATE, Op.GE, Fraction(2, 1000)),
    ),
    _p(
        "P.2",
        "Có từ 5 điểm tổ chức, chứa chấp sử dụng trái phép chất ma túy trở lên",
        "At least 5 locations organising or harbouring illegal drug use",
        Compare(ca.LOCATIONS, Op.GE, 5),
    ),
    _p(
        "P.3",
        "Tỷ lệ đối tượng phạm tội về ma túy bị bắt giữ so với số nhân khẩu từ 0,05% trở lên",
        "Arrested drug offenders per provincial population ≥ 0.05 %",
        Compare(ca.ARRESTS, Op.GE, Fraction(5, 10000)),
    ),
    _p(
        "P.4",
        "Số xã, phường, đặc khu trọng điểm phức tạp về ma túy loại I, loại II chiếm từ 3% "
        "tổng số đơn vị hành chính cấp xã của tỉnh trở lên",
        "Type-I and type-II commune-level units are at least 3 % of the province's units",
        Compare(
            CommuneShare(scheme=ca.SCHEME, levels=("type-I", "type-II")), Op.GE, Fraction(3, 100)
        ),
        (
            "From the communes' classification under qd28-2025-complex-areas on the same "
            "date; the denominator is the province's commune-level units in force [INFERRED].",
            "Theo kết quả phân loại các xã theo qd28-2025-complex-areas tại cùng ngày; mẫu "
            "số là số đơn vị hành chính cấp xã đang có hiệu lực của tỉnh [INFERRED].",
        ),
    ),
    _p(
        "P.5",
        "Phát hiện, triệt phá từ 8.000 cây hoặc 2.000 m² cây có chứa chất ma túy trở lên",
        "At least 8,000 narcotic plants or 2,000 m² of them found and destroyed",
        AnyOf((Compare(ca.PLANTS, Op.GE, 8000), Compare(ca.PLANT_AREA, Op.GE, 2000))),
    ),
    _p(
        "P.6",
        "Nằm trên tuyến trọng điểm phức tạp về ma túy liên tỉnh",
        "Lies on an inter-provincial key complex drug route",
        Compare(INTER_PROVINCIAL, Op.EQ, 1),
        (
            "Read from the on_inter_provincial_route fact reported for the province (or one "
            "of its communes: the latest counts).",
            "Lấy từ số liệu on_inter_provincial_route báo cáo cho tỉnh (hoặc cho một xã của "
            "tỉnh: lấy số liệu mới nhất).",
        ),
    ),
)

SCHEME = Scheme(
    id=SCHEME_ID,
    version="2025.08",
    title_vi="Tỉnh, thành phố trọng điểm phức tạp về ma túy (Điều 5 QĐ 28/2025/QĐ-TTg)",
    title_en="Key complex drug provinces (Decision 28/2025/QĐ-TTg Art. 5)",
    description_en=(
        "Classifies each province in force: a key complex area when it meets at least 4 of "
        "the 6 criteria, else not. Its values add up its commune-level units' records; P.4 "
        "uses their own classification. The item numbering is to be confirmed against the "
        "official PDF (criteria.md §2.3)."
    ),
    description_vi=(
        "Tỉnh, thành phố là địa bàn trọng điểm phức tạp về ma túy khi có ít nhất 4 trong 6 "
        "tiêu chí."
    ),
    criteria=CRITERIA,
    parameters=(*LAW_PARAMETERS, *df.PARAMETERS, *ca.PARAMETERS),
    levels=(
        Level(
            id="key-complex",
            name_vi="Tỉnh trọng điểm phức tạp về ma túy",
            name_en="Key complex drug province",
            criteria=tuple(c.id for c in CRITERIA),
            min_pass=4,
        ),
    ),
    no_level="not-key-complex",
    effective_from=SIGNED,
    sources=df.SOURCES,
    authority=Authority.NATIONAL,
    unit_level=UnitLevel.PROVINCE,
)

_WHICH = (
    "Which reading makes a province drug-free is not stated (Decision 28/2025 Art. 7.2-7.3, "
    "9.1.b; Guidance 37/HD-BCA not read): both are offered [UNKNOWN]."
)

WHOLE_PROVINCE = attrs.evolve(
    df.SCHEME,
    id=WHOLE_PROVINCE_ID,
    title_vi="Tỉnh không ma túy: Điều 6 áp dụng cho toàn tỉnh",
    title_en="Drug-free province: Art. 6 applied to the province as a whole",
    description_en=(
        "The three conditions of Art. 6 over the whole province: no resident addict or "
        "user (with the exceptions), no resident violator or wanted fugitive, no location, "
        f"anywhere in its communes. {_WHICH}"
    ),
    description_vi="Ba điều kiện của Điều 6 xét trên toàn tỉnh.",
    unit_level=UnitLevel.PROVINCE,
)

ALL_COMMUNES = Scheme(
    id=ALL_COMMUNES_ID,
    version="2025.08",
    title_vi="Tỉnh không ma túy: 100% đơn vị cấp xã không ma túy",
    title_en="Drug-free province: every commune-level unit drug-free",
    description_en=(
        "A province is drug-free when every one of its commune-level units in force meets "
        f"Art. 6 (qd28-2025-drug-free) on the date. {_WHICH}"
    ),
    description_vi="Tỉnh không ma túy khi mọi xã, phường, đặc khu đều đạt Điều 6.",
    criteria=(
        Criterion(
            id="DFP.1",
            title_vi="100% xã, phường, đặc khu của tỉnh đạt tiêu chí không ma túy",
            title_en="Every commune-level unit of the province meets Art. 6",
            rule=Compare(CommuneShare(scheme=df.SCHEME), Op.GE, 1),
            citation=N_(
                "Reading of Decision 28/2025/QĐ-TTg Art. 6 and 7.2-7.3 for a province "
                "(which reading applies is UNKNOWN, criteria.md §10.3)"
            ),
            provenance=Provenance.INFERRED,
            sources=df.SOURCES,
            effective_from=SIGNED,
        ),
    ),
    parameters=LAW_PARAMETERS,
    effective_from=SIGNED,
    sources=df.SOURCES,
    authority=Authority.NATIONAL,
    unit_level=UnitLevel.PROVINCE,
)

SCHEMES = (SCHEME, WHOLE_PROVINCE, ALL_COMMUNES)
