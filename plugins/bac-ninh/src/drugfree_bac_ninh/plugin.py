"""Bắc Ninh's drug-free schemes and roadmaps, with former Bắc Giang (entry point ``bac-ninh``).

Bắc Giang merged into Bắc Ninh on 1 Jul 2025. The merged province has code 24, which was
Bắc Giang's; the former Bắc Ninh was 27. Both codes are recalled from Decision
19/2025/QĐ-TTg and not verified in criteria.md, so everything that depends on them is
tagged [INFERRED].

What this plugin registers, with the provenance tags of criteria.md §0:

* Roadmap ``bac-giang-2030``: at least 50 % by the end of 2030, Bắc Giang's plan for
  Conclusion 132-KL/TW [ARTICLE] (criteria.md §3.7: reported, text not found). In force
  until 30 Jun 2025, the last day of Bắc Giang.
* Roadmap ``bac-ninh-2030``: at least 50 % by the end of 2030, the national target of
  Conclusion 132-KL/TW applied to the merged province [INFERRED], from 1 Jul 2025.
* Schemes: no provincial criteria were found, so each applies the national criteria of
  its dates unchanged [INFERRED]: ``bac-giang-2024`` (to 30 Jun 2025) and
  ``bac-ninh-2025`` (1 Jul to 23 Aug 2025) extend ``mps-recognition-2024``, the national
  default until then; ``bac-ninh-qd28-2025`` (from 24 Aug 2025) extends
  ``qd28-2025-drug-free``, Decision 28/2025/QĐ-TTg Art. 6 [READ].
* Jurisdictions: code 24 applies ``bac-giang-2024`` until 30 Jun 2025, ``bac-ninh-2025``
  from 1 Jul to 23 Aug 2025 and ``bac-ninh-qd28-2025`` from 24 Aug 2025 [INFERRED]. Code
  27 (the former Bắc Ninh) gets no jurisdiction: before the merger the national default
  applies there, and after it its communes follow their lineage into code 24.
* Both roadmaps count units meeting the criteria on the data (``counts="meeting"``)
  [INFERRED].
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from drugfree_core.model import Provenance
from drugfree_core.plugins import RoadmapRegistrar, SchemeRegistrar, hookimpl
from drugfree_core.rules.extension import Jurisdiction, SchemeExtension
from drugfree_core.rules.roadmap import Milestone, Roadmap

DRUGFREE_HOOK_API = "1.0"

#: Bắc Giang's code before the merger and the merged Bắc Ninh's after it [INFERRED].
PROVINCE = "24"
#: The former Bắc Ninh's code before the merger [INFERRED]; nothing is registered for it.
FORMER_BAC_NINH = "27"
BAC_GIANG = "Tỉnh Bắc Giang"
BAC_NINH = "Tỉnh Bắc Ninh"

BASE_SCHEME_ID = "mps-recognition-2024"
QD28_BASE_ID = "qd28-2025-drug-free"
BAC_GIANG_SCHEME_ID = "bac-giang-2024"
BAC_NINH_SCHEME_ID = "bac-ninh-2025"
BAC_NINH_QD28_SCHEME_ID = "bac-ninh-qd28-2025"
BAC_GIANG_ROADMAP_ID = "bac-giang-2030"
BAC_NINH_ROADMAP_ID = "bac-ninh-2030"

#: First day of the national criteria as reported (the built-in scheme's start).
LAUNCHED = dt.date(2024, 10, 15)
#: Conclusion 132-KL/TW, which the provinces' 2030 plans implement [READ] S3.
CONCLUSION_132_DATE = dt.date(2025, 3, 18)
LAST_DAY_OF_BAC_GIANG = dt.date(2025, 6, 30)
MERGER = dt.date(2025, 7, 1)
#: Decision 28/2025/QĐ-TTg in force (Art. 8) [READ]: the national criteria from then.
DECISION_28 = dt.date(2025, 8, 24)
COUNTS_NOTE = (
    "Progress counts the units meeting the criteria on the data; formal recognitions "
    "follow a year behind [INFERRED]."
)

S3 = (
    "https://hethongphapluat.com/ke-hoach-695-kh-ubnd-nam-2025-trien-khai-xay-dung-xa-phuong-"
    "khong-ma-tuy-tren-dia-ban-tinh-nghe-an-giai-doan-2025-2030.html"
)

CODES = (
    "province code 24 (Bắc Giang to 30 Jun 2025, the merged Bắc Ninh from 1 Jul 2025) "
    "recalled from Decision 19/2025/QĐ-TTg, not verified [INFERRED]"
)
BAC_GIANG_PLAN = (
    "Bắc Giang's plan implementing Conclusion 132-KL/TW, as reported; text not found "
    "(criteria.md §3.7)"
)
CONCLUSION_132 = (
    "Conclusion 132-KL/TW (18 Mar 2025): at least 50% of commune-level units nationwide "
    "drug-free by the end of 2030, applied to the merged province [INFERRED]"
)
NATIONAL_CRITERIA = "no provincial criteria found; the national criteria apply [INFERRED]"

BAC_GIANG_ROADMAP = Roadmap(
    id=BAC_GIANG_ROADMAP_ID,
    scope=PROVINCE,
    scope_name=BAC_GIANG,
    title_vi="Tỉnh Bắc Giang: ít nhất 50% xã, phường, thị trấn không ma túy đến năm 2030",
    title_en="Bắc Giang: at least 50% of commune-level units drug-free by 2030",
    milestones=(
        Milestone(
            due=dt.date(2030, 12, 31),
            share=Fraction(50, 100),
            citation=BAC_GIANG_PLAN,
            provenance=Provenance.ARTICLE,
        ),
    ),
    citation=BAC_GIANG_PLAN,
    provenance=Provenance.ARTICLE,
    # The plan implements Conclusion 132, so it cannot apply before it [INFERRED].
    effective_from=CONCLUSION_132_DATE,
    effective_to=LAST_DAY_OF_BAC_GIANG,
    counts="meeting",
    counts_note=COUNTS_NOTE,
)

BAC_NINH_ROADMAP = Roadmap(
    id=BAC_NINH_ROADMAP_ID,
    scope=PROVINCE,
    scope_name=BAC_NINH,
    title_vi="Tỉnh Bắc Ninh: ít nhất 50% xã, phường không ma túy đến năm 2030",
    title_en="Bắc Ninh: at least 50% of commune-level units drug-free by 2030",
    milestones=(
        Milestone(
            due=dt.date(2030, 12, 31),
            share=Fraction(50, 100),
            citation=CONCLUSION_132,
            provenance=Provenance.INFERRED,
            note="The national target, read [READ] in S3; its use for Bắc Ninh is inferred.",
        ),
    ),
    citation=CONCLUSION_132,
    provenance=Provenance.INFERRED,
    sources=(S3,),
    effective_from=MERGER,
    counts="meeting",
    counts_note=COUNTS_NOTE,
)

BAC_GIANG_SCHEME = SchemeExtension(
    id=BAC_GIANG_SCHEME_ID,
    base=BASE_SCHEME_ID,
    version="2024.10",
    by=BAC_GIANG,
    title_vi="Tiêu chí xã, phường, thị trấn không ma túy áp dụng tại tỉnh Bắc Giang",
    title_en="Drug-free criteria applied in Bắc Giang",
    description_en=(
        "No Bắc Giang criteria were found: this scheme applies the national criteria "
        "(mps-recognition-2024) unchanged [INFERRED]. Bắc Giang merged into Bắc Ninh on "
        "1 Jul 2025."
    ),
    description_vi=(
        "Chưa tìm thấy tiêu chí riêng của Bắc Giang: áp dụng nguyên tiêu chí quốc gia "
        "(mps-recognition-2024) [INFERRED]. Bắc Giang hợp nhất vào Bắc Ninh từ 1/7/2025."
    ),
    effective_to=LAST_DAY_OF_BAC_GIANG,
)

BAC_NINH_SCHEME = SchemeExtension(
    id=BAC_NINH_SCHEME_ID,
    base=BASE_SCHEME_ID,
    version="2025.07",
    by=BAC_NINH,
    title_vi="Tiêu chí xã, phường không ma túy áp dụng tại tỉnh Bắc Ninh (sau hợp nhất)",
    title_en="Drug-free criteria applied in Bắc Ninh (merged province)",
    description_en=(
        "No Bắc Ninh criteria were found: this scheme applies the national default of the "
        "time (mps-recognition-2024) unchanged [INFERRED], from the merger with Bắc Giang "
        "on 1 Jul 2025 until Decision 28/2025 takes effect."
    ),
    description_vi=(
        "Chưa tìm thấy tiêu chí riêng của Bắc Ninh: áp dụng nguyên tiêu chí mặc định "
        "(mps-recognition-2024) [INFERRED], từ ngày hợp nhất 1/7/2025 đến 23/8/2025."
    ),
    effective_from=MERGER,
    effective_to=DECISION_28 - dt.timedelta(days=1),
)

BAC_NINH_QD28_SCHEME = SchemeExtension(
    id=BAC_NINH_QD28_SCHEME_ID,
    base=QD28_BASE_ID,
    version="2025.08",
    by=BAC_NINH,
    title_vi=(
        "Tiêu chí xã, phường không ma túy áp dụng tại tỉnh Bắc Ninh (Điều 6 QĐ 28/2025/QĐ-TTg)"
    ),
    title_en="Drug-free criteria applied in Bắc Ninh (Decision 28/2025/QĐ-TTg Art. 6)",
    description_en=(
        "No Bắc Ninh criteria were found: from 24 Aug 2025 this scheme applies the national "
        "criteria of Decision 28/2025/QĐ-TTg Art. 6 (qd28-2025-drug-free) unchanged "
        "[INFERRED]."
    ),
    description_vi=(
        "Từ ngày 24/8/2025 áp dụng nguyên tiêu chí quốc gia tại Điều 6 Quyết định "
        "28/2025/QĐ-TTg (qd28-2025-drug-free) [INFERRED]."
    ),
    effective_from=DECISION_28,
)

BAC_GIANG_JURISDICTION = Jurisdiction(
    province=PROVINCE,
    province_name=BAC_GIANG,
    scheme_id=BAC_GIANG_SCHEME_ID,
    citation=f"{NATIONAL_CRITERIA}; {CODES}",
    provenance=Provenance.INFERRED,
    # From the start of the national criteria it applies, to Bắc Giang's last day.
    effective_from=LAUNCHED,
    effective_to=LAST_DAY_OF_BAC_GIANG,
)

BAC_NINH_JURISDICTION = Jurisdiction(
    province=PROVINCE,
    province_name=BAC_NINH,
    scheme_id=BAC_NINH_SCHEME_ID,
    citation=f"{NATIONAL_CRITERIA}; {CODES}",
    provenance=Provenance.INFERRED,
    effective_from=MERGER,
    effective_to=DECISION_28 - dt.timedelta(days=1),
)

BAC_NINH_QD28_JURISDICTION = Jurisdiction(
    province=PROVINCE,
    province_name=BAC_NINH,
    scheme_id=BAC_NINH_QD28_SCHEME_ID,
    citation=f"{NATIONAL_CRITERIA}: Decision 28/2025/QĐ-TTg Art. 6 from 24 Aug 2025; {CODES}",
    provenance=Provenance.INFERRED,
    effective_from=DECISION_28,
)


@hookimpl
def drugfree_register_schemes(registrar: SchemeRegistrar) -> None:
    """Bắc Giang's scheme until the merger, the merged Bắc Ninh's after it, by date."""
    registrar.extend(BAC_GIANG_SCHEME)
    registrar.extend(BAC_NINH_SCHEME)
    registrar.extend(BAC_NINH_QD28_SCHEME)
    registrar.assign(BAC_GIANG_JURISDICTION)
    registrar.assign(BAC_NINH_JURISDICTION)
    registrar.assign(BAC_NINH_QD28_JURISDICTION)


@hookimpl
def drugfree_register_roadmaps(registrar: RoadmapRegistrar) -> None:
    """Bắc Giang's 2030 target until the merger, the merged Bắc Ninh's after it."""
    registrar.add(BAC_GIANG_ROADMAP)
    registrar.add(BAC_NINH_ROADMAP)
