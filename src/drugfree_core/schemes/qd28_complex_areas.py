"""Decision 28/2025/QĐ-TTg Art. 4 and 6: the classification of a commune-level unit.

Signed and in force on 24 Aug 2025 (criteria.md §2.2). Types I (at least 3 of 5), II
(at least 3 of 5) and III (at least 1 of 3) are read in full [READ] S33; the counts run
over the assessment period (15 December to the date, Art. 7.1) and the rates over the
population currently residing. A unit that meets no type is drug-free when it meets
Art. 6 (:mod:`.qd28_drug_free`), else *unclassified*.

Every reading the text leaves open is a parameter (criteria.md §2.2, §10.6-7):

* ``qd28.type3_requires_nonzero`` [INFERRED]: type III's "below" bands start above zero;
* ``qd28.dd_may_recount`` [INFERRED]: criterion đ may count a value that already meets
  a-d of the same type;
* ``qd28.lower_type_counts_higher_band`` [INFERRED]: whether a value above a type's
  band also meets that type's criterion (by default it does not, so a unit with
  type-I values on one or two criteria only can meet no type);
* ``qd28.label_order`` [UNKNOWN]: which label wins when a unit meets a type *and*
  Art. 6. Every level a unit certainly meets is reported (``levels_reached``) whatever
  the precedence.
"""

from __future__ import annotations

from fractions import Fraction

from drugfree_core.i18n import N_
from drugfree_core.model.enums import Authority, FactKind, Provenance, SubjectKind
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.params import ParamRef, Window, constant
from drugfree_core.rules.primitives import (
    AllOf,
    AnyOf,
    AtLeast,
    Compare,
    DrugUseLocations,
    FactLatest,
    FactRate,
    FactTotal,
    LocationPresence,
    Measure,
    Not,
    Op,
    ParamFlag,
    Population,
    Rule,
    SubjectRate,
)
from drugfree_core.rules.scheme import Criterion, Level, Scheme
from drugfree_core.schemes import qd28_drug_free as df

SCHEME_ID = "qd28-2025-complex-areas"
SIGNED = df.SIGNED
S1 = "https://thongtin.vietnam.vn/en/tieu-chi-xac-dinh-tuyen-dia-ban-trong-diem-phuc-tap-ve-ma-tuy-dia-ban-khong-ma-tuy"
S2 = "https://ja.congdoanvietnam.vn/thoi-su/tieu-chi-xac-dinh-tuyen-dia-ban-trong-diem-phuc-tap-ve-ma-tuy-11043.tld"
SOURCES = (*df.SOURCES, S1, S2)
CITATION_I = N_("Decision 28/2025/QĐ-TTg (24 Aug 2025) Art. 4.1: type I, at least 3 of 5")
CITATION_II = N_("Decision 28/2025/QĐ-TTg (24 Aug 2025) Art. 4.2: type II, at least 3 of 5")
CITATION_III = N_("Decision 28/2025/QĐ-TTg (24 Aug 2025) Art. 4.3: type III, at least 1 of 3")
INTERPRETATION = N_("Interpretation of Decision 28/2025/QĐ-TTg Art. 4 (criteria.md §2.2)")

PERIOD = ParamRef("qd28.reference_period")
PARAMETERS = (
    constant(
        "qd28.reference_period",
        Window.ASSESSMENT_PERIOD.value,
        since=SIGNED,
        en=(
            "The window the unit facts are counted over (locations, arrests, plants, "
            "routes): facts whose period ends between the start of the assessment period "
            "(15 December) and the date. A period such as 1 year may replace it."
        ),
        vi="Kỳ tính số liệu: từ ngày 15/12 (đầu kỳ đánh giá) đến ngày tham chiếu.",
        citation=N_("Decision 28/2025/QĐ-TTg Art. 7.1: assessment period 15 Dec - 14 Dec"),
        provenance=Provenance.READ,
        note=N_(
            "INFERRED: events are summed over the period, and a fact counts in the window "
            "its period ends in (no pro-rating)."
        ),
    ),
    constant(
        "qd28.location_presence",
        LocationPresence.IDENTIFIED.value,
        since=SIGNED,
        en=(
            "Locations counted by the type criteria: those identified in the window, an "
            "event count like arrests and plants. 'active': every location operating on "
            "some day of the window. (Without a drug_use_locations table the reported "
            "facts are summed instead.)"
        ),
        vi="Số điểm tổ chức, chứa chấp được phát hiện trong kỳ đánh giá.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
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
        Fraction(1, 1000),
        since=SIGNED,
        en="Type II: addicts and users with records per resident population from 0.1 %.",
        vi="Loại II: tỷ lệ người nghiện, người sử dụng có hồ sơ từ 0,1%.",
        citation=CITATION_II,
        provenance=Provenance.READ,
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
        provenance=Provenance.READ,
    ),
    constant(
        "qd28.type3_requires_nonzero",
        True,
        since=SIGNED,
        en=(
            "Type III's criteria ('below 0.1 %', 'below 0.05 %', 'below 500 plants or "
            "125 m²') hold only for a value above zero. Read literally, zero is 'below' "
            "and every commune would be type III, and 'type III or higher' in type II's "
            "criterion đ would hold for every value."
        ),
        vi="Tiêu chí loại III chỉ đạt khi giá trị lớn hơn 0.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
    constant(
        "qd28.dd_may_recount",
        True,
        since=SIGNED,
        en=(
            "Criterion đ may count a value that also meets criteria a-d of the same type: "
            "the text does not forbid it. False: đ counts only values that do not."
        ),
        vi="Tiêu chí đ được tính cả giá trị đã đạt tiêu chí a-d của cùng loại.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
        note=N_("Flagged in criteria.md §2.2 item 3."),
    ),
    constant(
        "qd28.lower_type_counts_higher_band",
        False,
        since=SIGNED,
        en=(
            "A value above a type's band does not meet that type's criterion: type II's "
            "a-d are closed bands ('từ … đến dưới', 'có 1 điểm'). So a unit with type-I "
            "values on one or two criteria only can meet no type. True: a value meets "
            "every type whose lower bound it reaches."
        ),
        vi="Giá trị vượt khoảng của một loại không đạt tiêu chí của loại đó.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
    constant(
        "qd28.label_order",
        ("type-I", "type-II", "type-III", "drug-free"),
        since=SIGNED,
        en=(
            "Which label wins when a unit meets several: types first (Art. 2.2 describes "
            "moving down the types until drug-free), then drug-free. A unit that meets "
            "none is unclassified. Not stated in the decision."
        ),
        vi="Thứ tự ưu tiên khi đơn vị đạt nhiều mức: các loại trước, rồi không ma túy.",
        citation=N_("Decision 28/2025/QĐ-TTg is silent (criteria.md §2.2 item 6, §10.6)"),
        provenance=Provenance.UNKNOWN,
    ),
)

USERS_WITH_RECORDS = Population(
    kinds={SubjectKind.ADDICT, SubjectKind.ILLEGAL_USER},
    under_management=ParamRef("qd28.count_only_running_management"),
    with_record=True,
)
USER_RATE = SubjectRate(USERS_WITH_RECORDS)
LOCATIONS = DrugUseLocations(window=PERIOD, presence=ParamRef("qd28.location_presence"))
ARRESTS = FactRate(kind=FactKind.ARRESTED_DRUG_OFFENDERS, lookback=PERIOD)
PLANTS = FactTotal(kind=FactKind.NARCOTIC_PLANTS_COUNT, lookback=PERIOD)
PLANT_AREA = FactTotal(kind=FactKind.NARCOTIC_PLANTS_AREA_M2, lookback=PERIOD)
ON_ROUTE = Compare(FactLatest(kind=FactKind.ON_COMPLEX_ROUTE, lookback=PERIOD), Op.EQ, 1)

NONZERO = ParamFlag(ParamRef("qd28.type3_requires_nonzero"))
RECOUNT = ParamFlag(ParamRef("qd28.dd_may_recount"))
ABOVE_BAND = ParamFlag(ParamRef("qd28.lower_type_counts_higher_band"))
USER_I, USER_II = ParamRef("qd28.type1_user_rate"), ParamRef("qd28.type2_user_rate_lower")
ARREST_I, ARREST_II = ParamRef("qd28.type1_arrest_rate"), ParamRef("qd28.type2_arrest_rate_lower")


def _ge(measure: Measure, value: int | Fraction | ParamRef) -> Compare:
    return Compare(measure, Op.GE, value)


def _below(measure: Measure, value: int | Fraction | ParamRef) -> Rule:
    """Below a type's upper bound, unless a value above the band counts for it too."""
    return AnyOf((Compare(measure, Op.LT, value), ABOVE_BAND))


def _some(measure: Measure) -> Rule:
    """Above zero, or (the literal reading of type III) any value."""
    return AnyOf((Not(NONZERO), Compare(measure, Op.GT, 0)))


# Type I, a-d: at or above type I's lower bounds.
T1A = _ge(USER_RATE, USER_I)
T1B = _ge(LOCATIONS, 2)
T1C = _ge(ARRESTS, ARREST_I)
T1D = AnyOf((_ge(PLANTS, 3000), _ge(PLANT_AREA, 750)))
# Type II, a-d: the type-II bands.
T2A = AllOf((_ge(USER_RATE, USER_II), _below(USER_RATE, USER_I)))
T2B = AllOf((_ge(LOCATIONS, 1), _below(LOCATIONS, 2)))
T2C = AllOf((_ge(ARRESTS, ARREST_II), _below(ARRESTS, ARREST_I)))
T2D = AnyOf(
    (
        AllOf((_ge(PLANTS, 500), _below(PLANTS, 3000))),
        AllOf((_ge(PLANT_AREA, 125), _below(PLANT_AREA, 750))),
    )
)
# Type III, a-c: below type II's lower bounds (and, by default, above zero).
T3A = AllOf((_some(USER_RATE), _below(USER_RATE, USER_II)))
T3B = AllOf((_some(ARRESTS), _below(ARRESTS, ARREST_II)))
T3C = AnyOf(
    (
        AllOf((_some(PLANTS), _below(PLANTS, 500))),
        AllOf((_some(PLANT_AREA), _below(PLANT_AREA, 125))),
    )
)


def _counted(band: Rule, same_type: Rule) -> Rule:
    """A value counting toward đ: in the band, and not already a-d unless re-counting."""
    return AllOf((band, AnyOf((RECOUNT, Not(same_type)))))


# Criterion đ: at least 2 values of "type II or higher" (type I) / "type III or higher"
# (type II), and on a complex route. A band or any higher band counts (criteria.md §2.2
# item 2).
TYPE2_OR_HIGHER = (
    _counted(_ge(USER_RATE, USER_II), T1A),
    _counted(_ge(LOCATIONS, 1), T1B),
    _counted(_ge(ARRESTS, ARREST_II), T1C),
    _counted(AnyOf((_ge(PLANTS, 500), _ge(PLANT_AREA, 125))), T1D),
)
TYPE3_OR_HIGHER = (
    _counted(AnyOf((Not(NONZERO), Compare(USER_RATE, Op.GT, 0))), T2A),
    # Type III has no location criterion: only the type-II and type-I bands count.
    _counted(_ge(LOCATIONS, 1), T2B),
    _counted(AnyOf((Not(NONZERO), Compare(ARRESTS, Op.GT, 0))), T2C),
    _counted(AnyOf((Not(NONZERO), Compare(PLANTS, Op.GT, 0), Compare(PLANT_AREA, Op.GT, 0))), T2D),
)
T1DD = AllOf((AtLeast(2, TYPE2_OR_HIGHER), ON_ROUTE))
T2DD = AllOf((AtLeast(2, TYPE3_OR_HIGHER), ON_ROUTE))


def _criterion(
    cid: str, vi: str, en: str, rule: Rule, citation: str, note: tuple[str, str] = ("", "")
) -> Criterion:
    """A criterion of Art. 4; *note* is its note in English and in Vietnamese."""
    return Criterion(
        id=cid,
        title_vi=vi,
        title_en=en,
        rule=rule,
        citation=citation,
        provenance=Provenance.READ,
        sources=SOURCES,
        effective_from=SIGNED,
        note_en=note[0],
        note_vi=note[1],
    )


# The criteria's notes, (English, Vietnamese).
_BANDS = (
    "By default a value above the band does not count (qd28.lower_type_counts_higher_band).",
    "Theo mặc định, giá trị vượt quá khoảng của loại này không được tính "
    "(qd28.lower_type_counts_higher_band).",
)
_ZERO = (
    "By default the value must be above zero (qd28.type3_requires_nonzero).",
    "Theo mặc định, giá trị phải lớn hơn 0 (qd28.type3_requires_nonzero).",
)
_DD = (
    "A value in the named type's band or a higher type's counts; it may also meet a-d "
    "(qd28.dd_may_recount). The route may be intra- or inter-provincial.",
    "Giá trị nằm trong khoảng của loại được nêu hoặc của loại cao hơn đều được tính; giá "
    "trị đó cũng có thể đã đạt các tiêu chí a-d (qd28.dd_may_recount). Tuyến có thể là "
    "tuyến nội tỉnh hoặc liên tỉnh.",
)

CRITERIA = (
    _criterion(
        "T1.a",
        "Tỷ lệ người nghiện, người sử dụng trái phép chất ma túy có hồ sơ quản lý so với số "
        "nhân khẩu hiện đang cư trú từ 0,5% trở lên",
        "Addicts and illegal users with management records per resident population ≥ 0.5 %",
        T1A,
        CITATION_I,
    ),
    _criterion(
        "T1.b",
        "Có từ 2 điểm tổ chức, chứa chấp sử dụng trái phép chất ma túy trở lên",
        "At least 2 locations organising or harbouring illegal drug use",
        T1B,
        CITATION_I,
        (
            "Locations identified in the assessment period (the drug_use_locations table, "
            "else the reported facts).",
            "Các điểm được phát hiện trong kỳ đánh giá (bảng drug_use_locations; nếu không "
            "có, số liệu đơn vị báo cáo).",
        ),
    ),
    _criterion(
        "T1.c",
        "Tỷ lệ đối tượng phạm tội về ma túy bị bắt giữ so với số nhân khẩu từ 0,1% trở lên",
        "Arrested drug offenders per resident population ≥ 0.1 %",
        T1C,
        CITATION_I,
    ),
    _criterion(
        "T1.d",
        "Phát hiện, triệt phá từ 3.000 cây hoặc 750 m² cây có chứa chất ma túy trở lên",
        "At least 3,000 narcotic plants or 750 m² of them found and destroyed",
        T1D,
        CITATION_I,
    ),
    _criterion(
        "T1.dd",
        "Có từ 2 tiêu chí của địa bàn loại II trở lên và nằm trên tuyến trọng điểm phức tạp "
        "về ma túy nội tỉnh hoặc liên tỉnh",
        "Meets at least 2 criteria of a type-II-or-higher area and lies on a complex route",
        T1DD,
        CITATION_I,
        _DD,
    ),
    _criterion(
        "T2.a",
        "Tỷ lệ người nghiện, người sử dụng có hồ sơ quản lý từ 0,1% đến dưới 0,5%",
        "Addicts and users with records per resident population from 0.1 % to below 0.5 %",
        T2A,
        CITATION_II,
        _BANDS,
    ),
    _criterion(
        "T2.b",
        "Có 1 điểm tổ chức, chứa chấp sử dụng trái phép chất ma túy",
        "Exactly 1 location organising or harbouring illegal drug use",
        T2B,
        CITATION_II,
        _BANDS,
    ),
    _criterion(
        "T2.c",
        "Tỷ lệ đối tượng phạm tội về ma túy bị bắt giữ từ 0,05% đến dưới 0,1%",
        "Arrested drug offenders per resident population from 0.05 % to below 0.1 %",
        T2C,
        CITATION_II,
        _BANDS,
    ),
    _criterion(
        "T2.d",
        "Từ 500 đến dưới 3.000 cây hoặc từ 125 m² đến dưới 750 m² cây có chứa chất ma túy "
        "bị phát hiện, triệt phá",
        "Narcotic plants: 500 to below 3,000 plants, or 125 m² to below 750 m²",
        T2D,
        CITATION_II,
        _BANDS,
    ),
    _criterion(
        "T2.dd",
        "Có từ 2 tiêu chí của địa bàn loại III trở lên và nằm trên tuyến trọng điểm phức tạp "
        "về ma túy nội tỉnh hoặc liên tỉnh",
        "Meets at least 2 criteria of a type-III-or-higher area and lies on a complex route",
        T2DD,
        CITATION_II,
        _DD,
    ),
    _criterion(
        "T3.a",
        "Tỷ lệ người nghiện, người sử dụng có hồ sơ quản lý dưới 0,1%",
        "Addicts and users with records per resident population below 0.1 %",
        T3A,
        CITATION_III,
        _ZERO,
    ),
    _criterion(
        "T3.b",
        "Tỷ lệ đối tượng phạm tội về ma túy bị bắt giữ dưới 0,05%",
        "Arrested drug offenders per resident population below 0.05 %",
        T3B,
        CITATION_III,
        _ZERO,
    ),
    _criterion(
        "T3.c",
        "Dưới 500 cây hoặc dưới 125 m² cây có chứa chất ma túy bị phát hiện, triệt phá",
        "Narcotic plants: below 500 plants or below 125 m²",
        T3C,
        CITATION_III,
        _ZERO,
    ),
    *df.CRITERIA,
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
        criteria=("T3.a", "T3.b", "T3.c"),
        min_pass=1,
    ),
    Level(
        id="drug-free",
        name_vi="Địa bàn không ma túy",
        name_en="Drug-free area",
        criteria=tuple(c.id for c in df.CRITERIA),
        min_pass=len(df.CRITERIA),
    ),
)

SCHEME = Scheme(
    id=SCHEME_ID,
    version="2025.08",
    title_vi=(
        "Phân loại địa bàn cấp xã: trọng điểm phức tạp về ma túy loại I, II, III, không ma "
        "túy (QĐ 28/2025/QĐ-TTg)"
    ),
    title_en=(
        "Commune-level classification: key complex drug area type I, II, III, drug-free "
        "(Decision 28/2025/QĐ-TTg)"
    ),
    description_en=(
        "Classifies each commune-level unit as type I, II or III (Art. 4), drug-free "
        "(Art. 6) or unclassified (neither). The first label reached in qd28.label_order "
        "wins; every level met is reported. By default a unit with type-I values on one "
        "or two criteria only, and no others, meets no type."
    ),
    description_vi=(
        "Phân loại đơn vị cấp xã: loại I, II, III (Điều 4), không ma túy (Điều 6) hoặc "
        "chưa phân loại."
    ),
    criteria=CRITERIA,
    parameters=(*LAW_PARAMETERS, *df.PARAMETERS, *PARAMETERS),
    levels=LEVELS,
    level_order="qd28.label_order",
    no_level="unclassified",
    effective_from=SIGNED,
    sources=SOURCES,
    authority=Authority.NATIONAL,
)
