"""Thanh Hóa's drug-free scheme, jurisdiction and roadmaps (entry point ``thanh-hoa``).

What this plugin registers, with the provenance tags of criteria.md §0:

* Scheme ``thanh-hoa-2024-2025``, an extension of the built-in ``mps-recognition-2024``.
  The provincial police project "xã, phường, thị trấn, huyện, thị xã, thành phố không ma
  túy" 2024–2025 was launched on 15 Oct 2024 [READ] S10; its criteria are the ones the
  built-in scheme encodes [ARTICLE]. The province states its own 30-day test window
  [ARTICLE], recorded as an override so explanations say "overridden by Tỉnh Thanh Hóa".
* Jurisdiction: province 38 applies it from 15 Oct 2024 to 31 Dec 2025, the project
  period [READ] S10. Afterwards the national default applies (Decision 28/2025 Art. 6):
  the criteria of the 2025–2030 plan are not known. From 24 Aug 2025 the national
  criteria apply in Thanh Hóa too; reports show them beside the project's verdict.
* Roadmap ``thanh-hoa-project-2024-2025``: 100 % by 31 Dec 2025 [READ] S10, an ambition.
* Roadmap ``thanh-hoa-2025-2030``: at least 50 % by 31 Dec 2030, Plan 258/KH-UBND of
  22 Dec 2025 [READ] S11. That the plan supersedes the project's target from its issue
  date is [INFERRED], so the project roadmap ends on 21 Dec 2025 (the host would also
  prefer the later-starting roadmap where two are in force).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from drugfree_core.model import Provenance
from drugfree_core.plugins import RoadmapRegistrar, SchemeRegistrar, hookimpl
from drugfree_core.rules.extension import Jurisdiction, ParameterOverride, SchemeExtension
from drugfree_core.rules.params import DatedValue
from drugfree_core.rules.roadmap import Milestone, Roadmap

DRUGFREE_HOOK_API = "1.0"

#: The official two-digit code of the province unit in the administrative map.
PROVINCE = "38"
PROVINCE_NAME = "Tỉnh Thanh Hóa"

SCHEME_ID = "thanh-hoa-2024-2025"
BASE_SCHEME_ID = "mps-recognition-2024"
PROJECT_ROADMAP_ID = "thanh-hoa-project-2024-2025"
PLAN_ROADMAP_ID = "thanh-hoa-2025-2030"

#: Launch of the police project [READ] S10.
LAUNCHED = dt.date(2024, 10, 15)
#: Last day of the project period 2024–2025 [READ] S10.
PROJECT_END = dt.date(2025, 12, 31)
#: Issue date of Plan 258/KH-UBND [READ] S11.
PLAN_258_ISSUED = dt.date(2025, 12, 22)

#: The baothanhhoa.vn report of the launch conference (15 Oct 2024).
ARTICLE = (
    "https://baothanhhoa.vn/quan-triet-trien-khai-de-an-xay-dung-xa-phuong-thi-tran-huyen-"
    "thi-xa-thanh-pho-khong-ma-tuy-227675.htm"
)
S10 = (
    "https://vrviet.vn/en/quan-triet-trien-khai-de-an-xay-dung-xa-phuong-thi-tran-huyen-"
    "thi-xa-thanh-pho-khong-ma-tuy"
)
S11 = (
    "https://baothanhhoa.vn/thanh-hoa-phan-dau-den-nam-2030-it-nhat-50-so-xa-phuong-khong-"
    "co-ma-tuy-272771.htm",
    "https://nhansu.vn/van-ban-phap-luat/Ke-hoach-258-KH-UBND-2025-thuc-hien-Chuong-trinh-"
    "muc-tieu-quoc-gia-phong-chong-ma-tuy-Thanh-Hoa-686051.html",
)

PROJECT = (
    "Thanh Hóa provincial police project 'xã, phường, thị trấn, huyện, thị xã, thành phố "
    "không ma túy' 2024-2025, launched 15 Oct 2024"
)
PROJECT_REPORT = f"{PROJECT}, as reported by baothanhhoa.vn (15 Oct 2024)"
PLAN_258 = (
    "Thanh Hóa Plan 258/KH-UBND (22 Dec 2025) implementing the national target programme "
    "on drug prevention to 2030"
)

TEST_WINDOW = ParameterOverride(
    parameter_id="th.test_window_days",
    value=DatedValue(
        start=LAUNCHED,
        value=30,
        citation=(
            f"{PROJECT_REPORT}: a negative test no more than 30 days before the recognition request"
        ),
        provenance=Provenance.ARTICLE,
        # The override replaces the base value, so its note on the boundary is kept here.
        note="Inclusive boundary: a test exactly 30 days before passes [INFERRED].",
    ),
)

SCHEME = SchemeExtension(
    id=SCHEME_ID,
    base=BASE_SCHEME_ID,
    version="2024.10",
    by=PROVINCE_NAME,
    title_vi=(
        "Đề án xây dựng xã, phường, thị trấn, huyện, thị xã, thành phố không ma túy "
        "tỉnh Thanh Hóa giai đoạn 2024-2025"
    ),
    title_en="Thanh Hóa project: drug-free communes, wards, towns and districts, 2024-2025",
    description_en=(
        "The provincial police project launched on 15 Oct 2024 [READ] S10 applies the "
        "Ministry of Public Security's criteria as reported at its launch (mps-recognition-"
        "2024) [ARTICLE]. The province states its own 30-day test window [ARTICLE]. In "
        "force for the project period 2024-2025 [READ] S10."
    ),
    description_vi=(
        "Đề án của Công an tỉnh triển khai ngày 15/10/2024 áp dụng các tiêu chí của Bộ Công "
        "an như đã được đưa tin; tỉnh quy định thời hạn xét nghiệm 30 ngày. Áp dụng trong "
        "giai đoạn 2024-2025."
    ),
    overrides=(TEST_WINDOW,),
    effective_from=LAUNCHED,
    effective_to=PROJECT_END,
)

JURISDICTION = Jurisdiction(
    province=PROVINCE,
    province_name=PROVINCE_NAME,
    scheme_id=SCHEME_ID,
    citation=f"{PROJECT}, for the project period 2024-2025 (vrviet.vn, S10)",
    provenance=Provenance.READ,
    effective_from=LAUNCHED,
    effective_to=PROJECT_END,
)

PROJECT_ROADMAP = Roadmap(
    id=PROJECT_ROADMAP_ID,
    scope=PROVINCE,
    scope_name=PROVINCE_NAME,
    title_vi="Đề án 2024-2025: hoàn thành 100% xã, phường, thị trấn không ma túy",
    title_en="Project 2024-2025: every commune, ward and town drug-free",
    milestones=(
        Milestone(
            due=PROJECT_END,
            share=Fraction(100, 100),
            citation=PROJECT,
            provenance=Provenance.READ,
            note=(
                "The project's stated ambition, which also covers the district level; not "
                "a registered yearly target. The roadmap ends on 21 Dec 2025, when Plan "
                "258/KH-UBND takes over [INFERRED], so this milestone falls after it."
            ),
        ),
    ),
    citation=PROJECT,
    provenance=Provenance.READ,
    sources=(S10,),
    effective_from=LAUNCHED,
    # The day before Plan 258 was issued, which supersedes it [INFERRED].
    effective_to=PLAN_258_ISSUED - dt.timedelta(days=1),
)

PLAN_ROADMAP = Roadmap(
    id=PLAN_ROADMAP_ID,
    scope=PROVINCE,
    scope_name=PROVINCE_NAME,
    title_vi="Kế hoạch 258/KH-UBND: ít nhất 50% xã, phường không ma túy đến năm 2030",
    title_en="Plan 258/KH-UBND: at least 50% of communes and wards drug-free by 2030",
    milestones=(
        Milestone(
            due=dt.date(2030, 12, 31),
            share=Fraction(50, 100),
            citation=PLAN_258,
            provenance=Provenance.READ,
        ),
    ),
    citation=PLAN_258,
    provenance=Provenance.READ,
    sources=S11,
    # Supersedes the project's target from its issue date [INFERRED].
    effective_from=PLAN_258_ISSUED,
)


@hookimpl
def drugfree_register_schemes(registrar: SchemeRegistrar) -> None:
    """Thanh Hóa's project scheme and the province's jurisdiction over the project period."""
    registrar.extend(SCHEME)
    registrar.assign(JURISDICTION)


@hookimpl
def drugfree_register_roadmaps(registrar: RoadmapRegistrar) -> None:
    """The project's 2025 ambition, then Plan 258's 2030 target."""
    registrar.add(PROJECT_ROADMAP)
    registrar.add(PLAN_ROADMAP)
