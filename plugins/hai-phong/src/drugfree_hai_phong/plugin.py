"""Hải Phòng's drug-free roadmap, scheme and jurisdiction (entry point ``hai-phong``).

What this plugin registers, with the provenance tags of criteria.md §0:

* Roadmap ``hai-phong-2025-2035``: the city resolution on a drug-free city [READ] S9
  sets cumulative targets for its 114 communes, wards and special zones: 30 % by the end
  of 2025, 45 % by 2027, 60 % by 2030 and 100 % by 2035. In force from 1 Jul 2025, when
  the 114-unit city came into being.
* Scheme ``hai-phong-2025``: no Hải Phòng criteria were found, so this extension of
  ``mps-recognition-2024`` applies the national criteria unchanged [INFERRED]. It is
  registered so reports and explanations name the city's scheme, and so a later
  city-specific rule is one override away.
* Jurisdiction: city 31 applies ``hai-phong-2025`` from 1 Jul 2025 [INFERRED].
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
ROADMAP_ID = "hai-phong-2025-2035"

#: First day of two-tier local government: the 114-unit city exists from then.
REFORM = dt.date(2025, 7, 1)

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
)

SCHEME = SchemeExtension(
    id=SCHEME_ID,
    base=BASE_SCHEME_ID,
    version="2025.07",
    by=PROVINCE_NAME,
    title_vi="Tiêu chí xã, phường, đặc khu không ma túy áp dụng tại thành phố Hải Phòng",
    title_en="Drug-free criteria applied in Hải Phòng",
    description_en=(
        "No Hải Phòng criteria were found: this scheme applies the national criteria "
        "(mps-recognition-2024) unchanged [INFERRED]. The city resolution on a drug-free "
        "city [READ] S9 sets targets only."
    ),
    description_vi=(
        "Chưa tìm thấy tiêu chí riêng của Hải Phòng: áp dụng nguyên tiêu chí quốc gia "
        "(mps-recognition-2024) [INFERRED]."
    ),
    effective_from=REFORM,
    sources=(S9,),
)

JURISDICTION = Jurisdiction(
    province=PROVINCE,
    province_name=PROVINCE_NAME,
    scheme_id=SCHEME_ID,
    citation=(
        f"{RESOLUTION} (S9) sets targets only; no city criteria found, so the national "
        "criteria apply [INFERRED]"
    ),
    provenance=Provenance.INFERRED,
    effective_from=REFORM,
)


@hookimpl
def drugfree_register_schemes(registrar: SchemeRegistrar) -> None:
    """The city's scheme (the national criteria, unchanged) and its jurisdiction."""
    registrar.extend(SCHEME)
    registrar.assign(JURISDICTION)


@hookimpl
def drugfree_register_roadmaps(registrar: RoadmapRegistrar) -> None:
    """The city resolution's cumulative targets to 2035."""
    registrar.add(ROADMAP)
