"""Nghệ An's drug-free roadmap, scheme and jurisdiction (entry point ``nghe-an``).

What this plugin registers, with the provenance tags of criteria.md §0:

* Roadmap ``nghe-an-2025-2030`` for the province's 130 commune-level units [READ] S5:
  20 % by the end of 2025 and at least 50 % by the end of 2030, Plan 695/KH-UBND of
  21 Aug 2025 [READ] S4; at least 30 % by the end of 2026, Plan 107/KH-UBND of 12 Feb
  2026 [READ] S6. In force from 21 Aug 2025.
* Scheme ``nghe-an-2025-2030``: Plan 695's criteria text is [UNKNOWN] (only its preamble
  was read), so this extension of ``qd28-2025-drug-free`` applies the national criteria
  of Decision 28/2025/QĐ-TTg Art. 6 unchanged [INFERRED]; a Nghệ An rule, once found, is
  one override away. The plan predates the decision by three days and the province's
  2025 recognitions were made under it (criteria.md §3.1): the scheme and its
  jurisdiction start on 24 Aug 2025, when the decision took effect; from 21 to 23 Aug the
  national default of the time (the same criteria the plan then pointed to) applies.
* Jurisdiction: province 40 applies it from 24 Aug 2025 [INFERRED].
* The roadmap counts units meeting the criteria on the data (``counts="meeting"``)
  [INFERRED]; the province's own 2025 result (32 of 130 recognised, criteria.md §8.1)
  is a count of recognitions, which a ``recognitions`` table lets a report set beside.
* Campaign indicator ``nghe-an.2023-compulsory-rehab-dossiers``: Plan 359/KH-UBND's
  compulsory-rehab dossiers at ≥ 60 % of the assigned target by end of June 2023
  [ARTICLE] (:mod:`drugfree_nghe_an.campaign`).

The province's 2024 rule for districts "clean of drugs" (criteria.md §3.2) is not a
commune-level scheme; it is :func:`drugfree_nghe_an.district.district_status`.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from drugfree_core.model import Provenance
from drugfree_core.plugins import IndicatorRegistrar, RoadmapRegistrar, SchemeRegistrar, hookimpl
from drugfree_core.rules.extension import Jurisdiction, SchemeExtension
from drugfree_core.rules.roadmap import Milestone, Roadmap
from drugfree_nghe_an.campaign import DOSSIERS_2023

DRUGFREE_HOOK_API = "1.1"

#: The official two-digit code of the province unit in the administrative map.
PROVINCE = "40"
PROVINCE_NAME = "Tỉnh Nghệ An"
#: Commune-level units of the province after the 2025 reform [READ] S5.
UNITS = 130

SCHEME_ID = "nghe-an-2025-2030"
BASE_SCHEME_ID = "qd28-2025-drug-free"
ROADMAP_ID = "nghe-an-2025-2030"

#: Issue date of Plan 695/KH-UBND [READ] S4.
PLAN_695_ISSUED = dt.date(2025, 8, 21)
#: Decision 28/2025/QĐ-TTg in force (Art. 8) [READ]: the national criteria from then.
DECISION_28 = dt.date(2025, 8, 24)

S3 = (
    "https://hethongphapluat.com/ke-hoach-695-kh-ubnd-nam-2025-trien-khai-xay-dung-xa-phuong-"
    "khong-ma-tuy-tren-dia-ban-tinh-nghe-an-giai-doan-2025-2030.html"
)
S4 = "https://congly.vn/xay-dung-xa-phuong-nghe-an-khong-ma-tuy-500312.html"
S5 = (
    "https://baonghean.vn/en/nghe-an-trien-khai-xay-dung-xa-phuong-khong-ma-tuy-giai-doan-"
    "2025-2030-10310383.html"
)
S6 = (
    "https://nhansu.vn/van-ban-phap-luat/Ke-hoach-107-KH-UBND-2026-thuc-hien-diem-Chuong-"
    "trinh-muc-tieu-quoc-gia-phong-chong-ma-tuy-Nghe-An-694913.html"
)

PLAN_695 = (
    "Nghệ An Plan 695/KH-UBND (21 Aug 2025) on building drug-free communes and wards, 2025-2030"
)
PLAN_107 = (
    "Nghệ An Plan 107/KH-UBND (12 Feb 2026) implementing the national target programme on "
    "drug prevention in 2026"
)

ROADMAP = Roadmap(
    id=ROADMAP_ID,
    scope=PROVINCE,
    scope_name=PROVINCE_NAME,
    title_vi="Xây dựng xã, phường không ma túy tỉnh Nghệ An giai đoạn 2025-2030",
    title_en="Drug-free communes and wards in Nghệ An, 2025-2030",
    milestones=(
        Milestone(
            due=dt.date(2025, 12, 31),
            share=Fraction(20, 100),
            citation=PLAN_695,
            provenance=Provenance.READ,
        ),
        Milestone(
            due=dt.date(2026, 12, 31),
            share=Fraction(30, 100),
            citation=PLAN_107,
            provenance=Provenance.READ,
            note="Set by the later Plan 107/KH-UBND (12 Feb 2026); Plan 695 has no 2026 figure.",
        ),
        Milestone(
            due=dt.date(2030, 12, 31),
            share=Fraction(50, 100),
            citation=PLAN_695,
            provenance=Provenance.READ,
        ),
    ),
    citation=f"{PLAN_695}; {PLAN_107}",
    provenance=Provenance.READ,
    sources=(S3, S4, S5, S6),
    effective_from=PLAN_695_ISSUED,
    counts="meeting",
    counts_note=(
        "Progress counts the units meeting the criteria on the data; formal recognitions "
        "(32 of 130 for 2025) follow a year behind and are shown beside them [INFERRED]."
    ),
)

SCHEME = SchemeExtension(
    id=SCHEME_ID,
    base=BASE_SCHEME_ID,
    version="2025.08",
    by=PROVINCE_NAME,
    title_vi="Tiêu chí xã, phường không ma túy áp dụng tại tỉnh Nghệ An, giai đoạn 2025-2030",
    title_en="Drug-free criteria applied in Nghệ An, 2025-2030",
    description_en=(
        "Plan 695/KH-UBND (21 Aug 2025) [READ] S4 sets the province's targets; its criteria "
        "text is [UNKNOWN]. This scheme applies the national criteria of Decision "
        "28/2025/QĐ-TTg Art. 6 (qd28-2025-drug-free) unchanged [INFERRED], from 24 Aug 2025."
    ),
    description_vi=(
        "Kế hoạch 695/KH-UBND (21/8/2025) đặt chỉ tiêu; chưa tìm thấy nội dung tiêu chí "
        "[UNKNOWN]. Áp dụng nguyên tiêu chí quốc gia tại Điều 6 Quyết định 28/2025/QĐ-TTg "
        "(qd28-2025-drug-free) từ ngày 24/8/2025 [INFERRED]."
    ),
    effective_from=DECISION_28,
    sources=(S3, S4),
)

JURISDICTION = Jurisdiction(
    province=PROVINCE,
    province_name=PROVINCE_NAME,
    scheme_id=SCHEME_ID,
    citation=(
        f"{PLAN_695} (S4); its criteria text is not known, so the national criteria of "
        "Decision 28/2025/QĐ-TTg Art. 6 apply from 24 Aug 2025 [INFERRED]"
    ),
    provenance=Provenance.INFERRED,
    effective_from=DECISION_28,
)


@hookimpl
def drugfree_register_schemes(registrar: SchemeRegistrar) -> None:
    """The province's scheme (Art. 6 of Decision 28/2025, unchanged) and its jurisdiction."""
    registrar.extend(SCHEME)
    registrar.assign(JURISDICTION)


@hookimpl
def drugfree_register_roadmaps(registrar: RoadmapRegistrar) -> None:
    """Plans 695 and 107's targets to 2030."""
    registrar.add(ROADMAP)


@hookimpl
def drugfree_register_indicators(registrar: IndicatorRegistrar) -> None:
    """Plan 359/2023's Action Month indicator."""
    registrar.add(DOSSIERS_2023)
