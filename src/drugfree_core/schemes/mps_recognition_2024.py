"""The Ministry of Public Security's recognition criteria as reported for Thanh Hóa, 2024.

Source: Thanh Hóa provincial police conference of 15 Oct 2024 launching the project
"xã, phường, thị trấn, huyện, thị xã, thành phố không ma túy" 2024-2025, reported by
baothanhhoa.vn (criteria.md §3.4). The five criteria are [ARTICLE]: no legal text was
found. Every interpretation needed to compute them is an [INFERRED] parameter below that a
province scheme can override.
"""

from __future__ import annotations

import datetime as dt

from drugfree_core.i18n import N_
from drugfree_core.model.enums import Provenance, RehabForm, SubjectKind
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.params import ParamRef, constant
from drugfree_core.rules.primitives import (
    AllOf,
    AllSatisfy,
    Compare,
    HasManagementRecord,
    InCustody,
    InTreatment,
    NegativeTestWithin,
    Op,
    Population,
    SubjectAllOf,
    SubjectAnyOf,
    SubjectCount,
    SupportProvided,
    TestedDuringManagement,
    TestWindowRule,
)
from drugfree_core.rules.scheme import Criterion, Scheme

SCHEME_ID = "mps-recognition-2024"
LAUNCHED = dt.date(2024, 10, 15)
ARTICLE = "https://baothanhhoa.vn/quan-triet-trien-khai-de-an-xay-dung-xa-phuong-thi-tran-huyen-thi-xa-thanh-pho-khong-ma-tuy-227675.htm"
S10 = "https://vrviet.vn/en/quan-triet-trien-khai-de-an-xay-dung-xa-phuong-thi-tran-huyen-thi-xa-thanh-pho-khong-ma-tuy"
# Citations and notes are in the translation catalogue (N_): readers see them in their
# language, legal references kept.
CITATION = N_(
    "MPS criteria as reported for the Thanh Hóa police project 'xã, phường, thị trấn, "
    "huyện, thị xã, thành phố không ma túy' 2024-2025 (baothanhhoa.vn, 15 Oct 2024)"
)
INTERPRETATION = N_("Interpretation needed to compute the reported criterion (criteria.md §3.4)")

PARAMETERS = (
    constant(
        "th.max_addicts",
        9,
        since=LAUNCHED,
        en="Most addicts a unit may have: the article says 'fewer than 10'.",
        vi="Số người nghiện tối đa của đơn vị: 'dưới 10 người'.",
        citation=CITATION,
        provenance=Provenance.ARTICLE,
    ),
    constant(
        "th.test_window_days",
        30,
        since=LAUNCHED,
        en=(
            "Days before the request date within which the negative test must be: a test "
            "exactly 30 days before passes, 31 fails; a test after the date does not count."
        ),
        vi="Số ngày trước thời điểm đề nghị mà xét nghiệm âm tính phải nằm trong đó (≤ 30 ngày).",
        citation=CITATION,
        provenance=Provenance.ARTICLE,
        note=N_("Inclusive boundary: [INFERRED]."),
    ),
    constant(
        "th.test_window_rule",
        TestWindowRule.LATEST_NEGATIVE_NO_POSITIVE.value,
        since=LAUNCHED,
        en=(
            "Which tests in the window decide: the latest must be negative and none may be "
            "positive (a positive inside the window fails even after an older negative)."
        ),
        vi="Xét nghiệm gần nhất trong khoảng phải âm tính và không có kết quả dương tính.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
    constant(
        "th.c3_exempt_forms",
        (RehabForm.COMPULSORY_FACILITY.value,),
        since=LAUNCHED,
        en=(
            "Addicts in an ongoing episode of these rehab forms are exempt from the test "
            "criterion (they are tested by the facility); they still count for C1 and C2."
        ),
        vi="Người nghiện đang cai tại cơ sở bắt buộc được miễn tiêu chí xét nghiệm (C3).",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
    constant(
        "th.c3_exempt_custody",
        True,
        since=LAUNCHED,
        en="Addicts in prison or detention on the date are exempt from the test criterion.",
        vi="Người nghiện đang bị tạm giữ, tạm giam hoặc chấp hành án được miễn tiêu chí C3.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
    constant(
        "th.only_running_management",
        True,
        since=LAUNCHED,
        en=(
            "Illegal users and post-rehab persons count only while their statutory "
            "management period runs (1 year; 1 or 2 years after rehab)."
        ),
        vi="Chỉ tính người sử dụng và người sau cai còn trong thời hạn quản lý.",
        citation=INTERPRETATION,
        provenance=Provenance.INFERRED,
    ),
)

ADDICTS = Population(kinds={SubjectKind.ADDICT})
ADDICTS_IN_COMMUNITY = Population(
    kinds={SubjectKind.ADDICT},
    exempt_forms=ParamRef("th.c3_exempt_forms"),
    exempt_custody=ParamRef("th.c3_exempt_custody"),
)
NEGATIVE_TEST = NegativeTestWithin(
    days=ParamRef("th.test_window_days"), rule=ParamRef("th.test_window_rule")
)

CRITERIA = (
    Criterion(
        id="TH.C1",
        title_vi=(
            "100% người nghiện ma túy trên địa bàn được phát hiện, lập hồ sơ quản lý và "
            "tham gia hình thức cai nghiện, điều trị phù hợp"
        ),
        title_en=(
            "Every addict living in the unit is detected, has a management record and is in "
            "a suitable form of rehab or treatment"
        ),
        rule=AllSatisfy(
            ADDICTS,
            SubjectAllOf((HasManagementRecord(), SubjectAnyOf((InTreatment(), InCustody())))),
        ),
        citation=CITATION,
        provenance=Provenance.ARTICLE,
        sources=(ARTICLE, S10),
        effective_from=LAUNCHED,
        note_en=(
            "'Detected' is read as 'present in the data'. Addicts in prison or detention "
            "count as treated [INFERRED]."
        ),
        note_vi="'Được phát hiện' được hiểu là có trong dữ liệu.",
    ),
    Criterion(
        id="TH.C2",
        title_vi="Tổng số người nghiện ma túy dưới 10 người và được quản lý chặt chẽ",
        title_en="Fewer than 10 addicts in the unit, all strictly managed",
        rule=AllOf(
            (
                Compare(SubjectCount(ADDICTS), Op.LE, ParamRef("th.max_addicts")),
                AllSatisfy(ADDICTS, HasManagementRecord()),
            )
        ),
        citation=CITATION,
        provenance=Provenance.ARTICLE,
        sources=(ARTICLE, S10),
        effective_from=LAUNCHED,
        note_en="'Strictly managed' is read as 'has a management record' [INFERRED].",
        note_vi="'Quản lý chặt chẽ' được hiểu là có hồ sơ quản lý.",
    ),
    Criterion(
        id="TH.C3",
        title_vi=(
            "Người nghiện ma túy có kết quả xét nghiệm chất ma túy trong cơ thể âm tính "
            "không quá 30 ngày tính đến thời điểm đề nghị công nhận"
        ),
        title_en=(
            "Each addict in the community has a negative in-body drug test no more than 30 "
            "days before the recognition request"
        ),
        rule=AllSatisfy(ADDICTS_IN_COMMUNITY, NEGATIVE_TEST),
        citation=CITATION,
        provenance=Provenance.ARTICLE,
        sources=(ARTICLE, S10),
        effective_from=LAUNCHED,
    ),
    Criterion(
        id="TH.C4",
        title_vi=(
            "100% người sử dụng trái phép chất ma túy và người có biểu hiện loạn thần do sử "
            "dụng ma túy được phát hiện, lập hồ sơ quản lý, có kết quả xét nghiệm âm tính "
            "không quá 30 ngày"
        ),
        title_en=(
            "Every illegal user and every person with drug-induced psychosis is detected, "
            "has a management record and a negative test within 30 days"
        ),
        rule=AllSatisfy(
            Population(
                kinds={SubjectKind.ILLEGAL_USER, SubjectKind.PSYCHOSIS},
                under_management=ParamRef("th.only_running_management"),
            ),
            SubjectAllOf((HasManagementRecord(), NEGATIVE_TEST)),
        ),
        citation=CITATION,
        provenance=Provenance.ARTICLE,
        sources=(ARTICLE, S10),
        effective_from=LAUNCHED,
    ),
    Criterion(
        id="TH.C5",
        title_vi=(
            "100% người sau cai nghiện được lập hồ sơ quản lý, xét nghiệm định kỳ và đột "
            "xuất, được hỗ trợ tái hòa nhập cộng đồng"
        ),
        title_en=(
            "Every person under post-rehab management has a record, periodic and surprise "
            "tests, and reintegration support"
        ),
        rule=AllSatisfy(
            Population(
                kinds={SubjectKind.POST_REHAB},
                under_management=ParamRef("th.only_running_management"),
            ),
            SubjectAllOf((HasManagementRecord(), TestedDuringManagement(), SupportProvided())),
        ),
        citation=CITATION,
        provenance=Provenance.ARTICLE,
        sources=(ARTICLE, S10),
        effective_from=LAUNCHED,
        note_en="Support not recorded in the data makes the outcome unknown, never a pass.",
        note_vi="Không có dữ liệu về hỗ trợ thì kết quả là 'chưa xác định'.",
    ),
)

SCHEME = Scheme(
    id=SCHEME_ID,
    version="2024.10",
    title_vi=(
        "Tiêu chí xã, phường, thị trấn không ma túy (Bộ Công an, theo Đề án Thanh Hóa 2024-2025)"
    ),
    title_en=(
        "Drug-free commune criteria "
        "(Ministry of Public Security, as reported for Thanh Hóa 2024-2025)"
    ),
    description_en=(
        "Five recognition criteria reported at the launch of Thanh Hóa's 2024-2025 project "
        "as the Ministry's criteria. A unit is drug-free when all five pass."
    ),
    description_vi="Năm tiêu chí công nhận; đơn vị đạt khi cả năm tiêu chí đều đạt.",
    criteria=CRITERIA,
    parameters=(*LAW_PARAMETERS, *PARAMETERS),
    effective_from=LAUNCHED,
    sources=(ARTICLE, S10),
)
