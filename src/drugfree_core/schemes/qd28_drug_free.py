"""Decision 28/2025/QĐ-TTg Art. 6: the national criteria of a drug-free commune-level unit.

In force from its signature, 24 Aug 2025 (Art. 8) [READ] S33. Three binary conditions,
all of which must hold (criteria.md §2.4):

1. no person currently residing in the area is a drug addict or an illegal drug user,
   except persons on opioid substitution treatment, in rehab at home or in the
   community, or under post-rehab management, each *currently* ("đang");
2. no resident who violated the drug law in the area, and no person wanted for a drug
   crime hiding in the area;
3. no location organising or harbouring illegal drug use (a place, an area or a
   vehicle, suspected or documented: Art. 2.1).

No counts, no test windows. The three exceptions are data (rehab episodes of two forms
and post-rehab management running on the date); every reading the text leaves open is
an [INFERRED] parameter below that a province scheme can override. Missing data is
*unknown*: a finding table the dataset does not supply leaves its criterion unknown.
"""

from __future__ import annotations

import datetime as dt

from drugfree_core.i18n import N_
from drugfree_core.model.enums import Authority, Provenance, RehabForm, SubjectKind
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.params import ParamRef, Window, constant
from drugfree_core.rules.primitives import (
    AllOf,
    AnyOf,
    Compare,
    DrugUseLocations,
    LocationPresence,
    Not,
    Op,
    ParamFlag,
    Population,
    ResidenceRule,
    ResidentViolations,
    SubjectCount,
    WantedFugitives,
)
from drugfree_core.rules.scheme import Criterion, Scheme

SCHEME_ID = "qd28-2025-drug-free"
#: Signed, and in force, on 24 Aug 2025 (Art. 8); no transitional provisions [READ].
SIGNED = dt.date(2025, 8, 24)

#: The decision's full text (criteria.md S33): a verbatim copy of the official PDF.
S33 = (
    "GitHub Lemin9802/day12_ha-tang-cloud_va_deployment, "
    "data/maithuylaw_dataset/data/index/rag_chunks.json @74c5f83 "
    "(legal-quyet-dinh-28-2025-qd-ttg-dia-ban-trong-diem-ve-ma-tuy)"
)
#: Official metadata (criteria.md S34) and the scanned official PDF.
S34 = "https://vanban.chinhphu.vn/?pageid=27160&docid=215036"
S34_PDF = "https://datafiles.chinhphu.vn/cpp/files/vbpq/2025/8/28-ttg.signed.pdf"
SOURCES = (S33, S34, S34_PDF)

INTERPRETATION = N_("Interpretation of Decision 28/2025/QĐ-TTg Art. 6 (criteria.md §2.4, §10)")

PARAMETERS = (
    constant(
        "df.users_under_management_fail",
        True,
        since=SIGNED,
        en=(
            "An illegal drug user under a running 1-year management decision counts against "
            "criterion 1: the exceptions name opioid substitution, home or community rehab "
            "and post-rehab management, not user management. False: illegal users do not "
            "fail criterion 1 (read as persons already being handled)."
        ),
        vi=(
            "Người sử dụng trái phép đang trong thời hạn quản lý vẫn bị tính ở tiêu chí 1 "
            "(không thuộc các trường hợp loại trừ)."
        ),
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
    constant(
        "df.count_only_running_management",
        True,
        since=SIGNED,
        en=(
            "An illegal user counts only while the management period runs: when it ends "
            "the person leaves the list of users (Law 120/2025/QH15 Art. 27.3)."
        ),
        vi="Chỉ tính người sử dụng trái phép còn trong thời hạn quản lý.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
    constant(
        "df.facility_residents_excluded",
        True,
        since=SIGNED,
        en=(
            "Persons in a rehab facility (voluntary or compulsory), in prison or in "
            "detention on the date do not 'currently reside in the area', so they do not "
            "count against criterion 1. Follows the counting rule of HIV reporting under "
            "Circular 05/2023/TT-BYT (quoted, not read)."
        ),
        vi=(
            "Người đang ở cơ sở cai nghiện, trại giam, nhà tạm giữ không được coi là "
            "'hiện đang cư trú trên địa bàn'."
        ),
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
        note=N_("Flagged in criteria.md §10.2: check against Guidance 37/HD-BCA."),
    ),
    constant(
        "df.administrative_violations_count",
        True,
        since=SIGNED,
        en=(
            "'Violated the drug law' covers administrative violations as well as crimes. "
            "False: crimes only."
        ),
        vi="'Vi phạm pháp luật về ma túy' gồm cả vi phạm hành chính, không chỉ tội phạm.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
    constant(
        "df.violation_window",
        Window.ASSESSMENT_PERIOD.value,
        since=SIGNED,
        en=(
            "Violations counted: those dated in the assessment period (from 15 December) "
            "up to the date. A period such as 1 year, or 'reference_date', may replace it."
        ),
        vi="Tính các vi phạm trong kỳ đánh giá (từ ngày 15/12) đến ngày tham chiếu.",
        citation=N_(
            "Interpretation of Decision 28/2025/QĐ-TTg Art. 6 (criteria.md §2.4, §10); "
            "assessment period of Art. 7.1"
        ),
        provenance=Provenance.INFERRED,
    ),
    constant(
        "df.violator_residence",
        ResidenceRule.REFERENCE_DATE.value,
        since=SIGNED,
        en=(
            "Who is a resident violator: a person residing in the unit on the reference "
            "date ('hiện đang cư trú'). 'violation_date': residing there on the day of the "
            "violation; 'either': one or the other."
        ),
        vi="Người vi phạm được tính là người hiện đang cư trú trên địa bàn tại ngày tham chiếu.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
    constant(
        "df.violators_in_custody_count",
        True,
        since=SIGNED,
        en=(
            "A resident violator counts even when in prison or detention on the date: the "
            "violation happened in the area. False: leave them out, as for criterion 1."
        ),
        vi="Người vi phạm đang bị tạm giữ, tạm giam vẫn được tính.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
    constant(
        "df.fugitive_window",
        Window.ASSESSMENT_PERIOD.value,
        since=SIGNED,
        en=(
            "A wanted fugitive counts when found hiding in the unit on any day of the "
            "assessment period up to the date. 'reference_date': only on the date itself."
        ),
        vi="Đối tượng truy nã lẩn trốn trên địa bàn vào bất kỳ ngày nào trong kỳ đánh giá.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
    constant(
        "df.location_window",
        Window.ASSESSMENT_PERIOD.value,
        since=SIGNED,
        en="The window over which drug-use locations count: the assessment period.",
        vi="Khoảng thời gian xét điểm tổ chức, chứa chấp sử dụng ma túy: kỳ đánh giá.",
        citation=N_(
            "Interpretation of Decision 28/2025/QĐ-TTg Art. 6 (criteria.md §2.4, §10); "
            "assessment period of Art. 7.1"
        ),
        provenance=Provenance.INFERRED,
    ),
    constant(
        "df.location_presence",
        LocationPresence.ACTIVE.value,
        since=SIGNED,
        en=(
            "Which locations count: 'active', operating on some day of the window "
            "(identified on or before the date, not closed before the window), which "
            "includes every location identified in the window; 'identified': only those "
            "identified in the window."
        ),
        vi="Tính các điểm còn hoạt động vào bất kỳ ngày nào trong kỳ đánh giá.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
)

#: Art. 6.1's three exceptions, each running on the date ("đang"): opioid substitution
#: and home/community rehab as ongoing episodes, post-rehab management while it runs.
EXCEPTED_FORMS = (RehabForm.OPIOID_SUBSTITUTION, RehabForm.VOLUNTARY_HOME_COMMUNITY)
FACILITY = ParamRef("df.facility_residents_excluded")

ADDICTS = Population(
    kinds={SubjectKind.ADDICT},
    exempt_forms=EXCEPTED_FORMS,
    exempt_running=(SubjectKind.POST_REHAB,),
    exempt_custody=FACILITY,
    exempt_facility=FACILITY,
)
USERS = Population(
    kinds={SubjectKind.ILLEGAL_USER},
    under_management=ParamRef("df.count_only_running_management"),
    exempt_forms=EXCEPTED_FORMS,
    exempt_running=(SubjectKind.POST_REHAB,),
    exempt_custody=FACILITY,
    exempt_facility=FACILITY,
)
VIOLATORS = ResidentViolations(
    window=ParamRef("df.violation_window"),
    administrative=ParamRef("df.administrative_violations_count"),
    residence=ParamRef("df.violator_residence"),
    in_custody=ParamRef("df.violators_in_custody_count"),
)
FUGITIVES = WantedFugitives(window=ParamRef("df.fugitive_window"))
LOCATIONS = DrugUseLocations(
    window=ParamRef("df.location_window"), presence=ParamRef("df.location_presence")
)

DF1 = Criterion(
    id="DF.1",
    title_vi=(
        "Không có người hiện đang cư trú trên địa bàn nghiện ma túy, sử dụng trái phép chất "
        "ma túy, trừ người đang điều trị nghiện bằng thuốc thay thế, người đang cai nghiện "
        "tại gia đình, cộng đồng và người đang bị quản lý sau cai nghiện ma túy"
    ),
    title_en=(
        "No resident is a drug addict or an illegal drug user, except persons currently on "
        "opioid substitution treatment, in rehab at home or in the community, or under "
        "post-rehab management"
    ),
    rule=AllOf(
        (
            Compare(SubjectCount(ADDICTS), Op.LE, 0),
            AnyOf(
                (
                    Not(ParamFlag(ParamRef("df.users_under_management_fail"))),
                    Compare(SubjectCount(USERS), Op.LE, 0),
                )
            ),
        )
    ),
    citation=N_("Decision 28/2025/QĐ-TTg (24 Aug 2025) Art. 6.1"),
    provenance=Provenance.READ,
    sources=SOURCES,
    effective_from=SIGNED,
    note_en=(
        "An addict registered but in no treatment fails; a post-rehab person is excepted "
        "only while the post-rehab period runs. Who counts is set by the df.* parameters "
        "[INFERRED]."
    ),
    note_vi=(
        "Người nghiện có hồ sơ nhưng không điều trị thì không đạt; người sau cai chỉ được "
        "loại trừ khi còn thời hạn quản lý sau cai."
    ),
)
DF2A = Criterion(
    id="DF.2a",
    title_vi=(
        "Không có người hiện đang cư trú trên địa bàn vi phạm pháp luật về ma túy trên địa bàn"
    ),
    title_en="No resident of the unit violated the drug law in the unit",
    rule=Compare(VIOLATORS, Op.LE, 0),
    citation=N_("Decision 28/2025/QĐ-TTg (24 Aug 2025) Art. 6.2"),
    provenance=Provenance.READ,
    sources=SOURCES,
    effective_from=SIGNED,
    note_en=(
        "Planting narcotic plants is a prohibited act (Law 120/2025/QH15 Art. 5.1): a "
        "resident who plants fails here. Unknown when the drug_law_violations table is not "
        "supplied."
    ),
    note_vi="Người trồng cây có chứa chất ma túy là người vi phạm.",
)
DF2B = Criterion(
    id="DF.2b",
    title_vi="Không có đối tượng bị truy nã do phạm tội về ma túy lẩn trốn trên địa bàn",
    title_en="No person wanted for a drug crime is hiding in the unit",
    rule=Compare(FUGITIVES, Op.LE, 0),
    citation=N_("Decision 28/2025/QĐ-TTg (24 Aug 2025) Art. 6.2"),
    provenance=Provenance.READ,
    sources=SOURCES,
    effective_from=SIGNED,
    note_en="Unknown when the wanted_fugitives table is not supplied.",
    note_vi="Chưa xác định khi không có bảng wanted_fugitives.",
)
DF3 = Criterion(
    id="DF.3",
    title_vi="Không có điểm tổ chức, chứa chấp sử dụng trái phép chất ma túy",
    title_en="No location organising or harbouring illegal drug use",
    rule=Compare(LOCATIONS, Op.LE, 0),
    citation=N_(
        "Decision 28/2025/QĐ-TTg (24 Aug 2025) Art. 6.3; Art. 2.1 (a place, an area or a "
        "vehicle; suspicion suffices)"
    ),
    provenance=Provenance.READ,
    sources=SOURCES,
    effective_from=SIGNED,
    note_en=(
        "Reads the drug_use_locations table; when it is not supplied, the unit's "
        "drug_use_locations facts over the window (unknown without them)."
    ),
    note_vi=("Dùng bảng drug_use_locations; nếu không có, dùng số liệu điểm, tụ điểm của đơn vị."),
)
CRITERIA = (DF1, DF2A, DF2B, DF3)

SCHEME = Scheme(
    id=SCHEME_ID,
    version="2025.08",
    title_vi="Tiêu chí xã, phường, đặc khu không ma túy (Điều 6 QĐ 28/2025/QĐ-TTg)",
    title_en="Drug-free commune-level units (Decision 28/2025/QĐ-TTg Art. 6)",
    description_en=(
        "The national criteria since 24 Aug 2025: a unit is drug-free when all three "
        "conditions of Art. 6 hold (criterion 2 is checked as its two parts, 2a and 2b). "
        "Assessed over the assessment period, 15 December to 14 December (Art. 7.1); "
        "evaluate with the assessment year's last day as the reference date."
    ),
    description_vi=(
        "Tiêu chí quốc gia từ ngày 24/8/2025: đơn vị không ma túy khi đạt cả ba điều kiện "
        "của Điều 6. Kỳ đánh giá từ 15/12 năm trước đến 14/12."
    ),
    criteria=CRITERIA,
    parameters=(*LAW_PARAMETERS, *PARAMETERS),
    effective_from=SIGNED,
    sources=SOURCES,
    authority=Authority.NATIONAL,
)
