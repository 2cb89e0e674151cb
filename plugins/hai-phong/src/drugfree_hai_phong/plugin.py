"""Hải Phòng's drug-free roadmap, scheme and jurisdiction (entry point ``hai-phong``).

What this plugin registers, with the provenance tags of criteria.md §0:

* Roadmap ``hai-phong-2025-2035``: the city resolution on a drug-free city [READ] S9
  sets cumulative targets for its 114 communes, wards and special zones: 30 % by the end
  of 2025, 45 % by 2027, 60 % by 2030 and 100 % by 2035. In force from 1 Jul 2025, when
  the 114-unit city came into being.
* Schemes: no Hải Phòng criteria were found, so the city applies the national default
  of each date unchanged [INFERRED], under its own name so reports and explanations name
  the city's scheme and a later city rule is one override away:

  - ``hai-phong-2025``, an extension of ``mps-recognition-2024`` (the national default
    until 23 Aug 2025), from the reform on 1 Jul 2025 to 23 Aug 2025;
  - ``hai-phong-qd28-2025``, an extension of ``qd28-2025-drug-free`` (Decision
    28/2025/QĐ-TTg Art. 6, national from 24 Aug 2025 [READ]), from 24 Aug 2025.
* Jurisdictions: city 31 applies each over its dates [INFERRED].
* The roadmap counts units meeting the criteria on the data (``counts="meeting"``):
  the resolution's targets are shares of drug-free units, and recognitions lag the data
  a year [INFERRED].
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from drugfree_core.model import Provenance
from drugfree_core.plugins import RoadmapRegistrar, SchemeRegistrar, hookimpl
from drugfree_core.rules.extension import Jurisdiction, SchemeExtension
from drugfree_core.rules.roadmap import Milestone, Roadmap

DRUGFREE_HOOK_API = "1.0"

#: The official two-digit code of the city unit in the administrative map.
PROVINCE = "31"
PROVINCE_NAME = "Thành phố Hải Phòng"
#: Communes, wards and special zones of the city after the 2025 reform [READ] S9.
UNITS = 114

SCHEME_ID = "hai-phong-2025"
BASE_SCHEME_ID = "mps-recognition-2024"
QD28_SCHEME_ID = "hai-phong-qd28-2025"
QD28_BASE_ID = "qd28-2025-drug-free"
ROADMAP_ID = "hai-phong-2025-2035"

#: First day of two-tier local government: the 114-unit city exists from then.
REFORM = dt.date(2025, 7, 1)
#: Decision 28/2025/QĐ-TTg in force (Art. 8): the national criteria change that day.
DECISION_28 = dt.date(2025, 8, 24)

S9 = "https://www.vietnam.vn/en/nhieu-giai-phap-xay-dung-hai-phong-la-thanh-pho-khong-ma-tuy"
RESOLUTION = "Hải Phòng city resolution on building a drug-free city (vietnam.vn report)"


def _milestone(year: int, percent: int, note: str) -> Milestone:
    return Milestone(
        due=dt.date(year, 12, 31),
        share=Fraction(percent, 100),
        citation=RESOLUTION,
        provenance=Provenance.READ,
        note=note,
    )


ROADMAP = Roadmap(
    id=ROADMAP_ID,
    scope=PROVINCE,
    scope_name=PROVINCE_NAME,
    title_vi="Xây dựng thành phố Hải Phòng không ma túy: 100% xã, phường, đặc khu đến năm 2035",
    title_en="Drug-free Hải Phòng: every commune, ward and special zone by 2035",
    # Shares are cumulative: each phase keeps the units already drug-free and adds more.
    milestones=(
        _milestone(2025, 30, "By the end of 2025."),
        _milestone(2027, 45, "Phase 1, to the end of 2027: a further 15 %."),
        _milestone(2030, 60, "Phase 2, 2028-2030: a further 15 %."),
        _milestone(2035, 100, "Phase 3, 2031-2035: the remaining 40 %."),
    ),
    citation=RESOLUTION,
    provenance=Provenance.READ,
    sources=(S9,),
    effective_from=REFORM,
    counts="meeting",
    counts_note=(
        "Targets are shares of drug-free units; progress counts the units meeting the "
        "criteria on the data, which formal recognitions follow a year behind [INFERRED]."
    ),
)

SCHEME = SchemeExtension(
    id=SCHEME_ID,
    base=BASE_SCHEME_ID,
    version="2025.07",
    by=PROVINCE_NAME,
    title_vi="Tiêu chí xã, phường, đặc khu không ma túy áp dụng tại thành phố Hải Phòng",
    title_en="Drug-free criteria applied in Hải Phòng",
    description_en=(
        "No Hải Phòng criteria were found: this scheme applies the national default of the "
        "time (mps-recognition-2024) unchanged [INFERRED], until Decision 28/2025 takes "
        "effect. The city resolution on a drug-free city [READ] S9 sets targets only."
    ),
    description_vi=(
        "Chưa tìm thấy tiêu chí riêng của Hải Phòng: áp dụng nguyên tiêu chí mặc định "
        "(mps-recognition-2024) đến ngày 23/8/2025 [INFERRED]."
    ),
    effective_from=REFORM,
    effective_to=DECISION_28 - dt.timedelta(days=1),
    sources=(S9,),
)

QD28_SCHEME = SchemeExtension(
    id=QD28_SCHEME_ID,
    base=QD28_BASE_ID,
    version="2025.08",
    by=PROVINCE_NAME,
    title_vi=(
        "Tiêu chí xã, phường, đặc khu không ma túy áp dụng tại thành phố Hải Phòng "
        "(Điều 6 QĐ 28/2025/QĐ-TTg)"
    ),
    title_en="Drug-free criteria applied in Hải Phòng (Decision 28/2025/QĐ-TTg Art. 6)",
    description_en=(
        "No Hải Phòng criteria were found: from 24 Aug 2025 this scheme applies the national "
        "criteria of Decision 28/2025/QĐ-TTg Art. 6 (qd28-2025-drug-free) unchanged "
        "[INFERRED]."
    ),
    description_vi=(
        "Từ ngày 24/8/2025 áp dụng nguyên tiêu chí quốc gia tại Điều 6 Quyết định "
        "28/2025/QĐ-TTg (qd28-2025-drug-free) [INFERRED]."
    ),
    effective_from=DECISION_28,
    sources=(S9,),
)

_NO_CITY_CRITERIA = (
    f"{RESOLUTION} (S9) sets targets only; no city criteria found, so the national "
    "criteria of the time apply [INFERRED]"
)

JURISDICTION = Jurisdiction(
    province=PROVINCE,
    province_name=PROVINCE_NAME,
    scheme_id=SCHEME_ID,
    citation=_NO_CITY_CRITERIA,
    provenance=Provenance.INFERRED,
    effective_from=REFORM,
    effective_to=DECISION_28 - dt.timedelta(days=1),
)

QD28_JURISDICTION = Jurisdiction(
    province=PROVINCE,
    province_name=PROVINCE_NAME,
    scheme_id=QD28_SCHEME_ID,
    citation=f"{_NO_CITY_CRITERIA}: Decision 28/2025/QĐ-TTg Art. 6 from 24 Aug 2025",
    provenance=Provenance.INFERRED,
    effective_from=DECISION_28,
)


@hookimpl
def drugfree_register_schemes(registrar: SchemeRegistrar) -> None:
    """The city's schemes (the national criteria of each date) and their jurisdictions."""
    registrar.extend(SCHEME)
    registrar.extend(QD28_SCHEME)
    registrar.assign(JURISDICTION)
    registrar.assign(QD28_JURISDICTION)


@hookimpl
def drugfree_register_roadmaps(registrar: RoadmapRegistrar) -> None:
    """The city resolution's cumulative targets to 2035."""
    registrar.add(ROADMAP)
