"""The built-in plugin: the national rules, registered through the same hooks as any plugin.

* Shared parameters: the management periods, rehab durations and decision deadlines the
  drug law sets, dated for the change of 1 July 2026 (``law.*``,
  :mod:`drugfree_core.rules.law`).
* Schemes: the national ones of Decision 28/2025/QĐ-TTg, ``qd28-2025-drug-free``
  (Art. 6), ``qd28-2025-complex-areas`` (Art. 4 and 6) and the province-level
  ``qd28-2025-provinces`` (Art. 5) with the two readings of a drug-free province; and
  ``mps-recognition-2024``, the criteria reported for Thanh Hóa's provincial project.
* Jurisdiction, the national default for provinces without a scheme of their own, which
  follows the dates: ``mps-recognition-2024`` from 15 Oct 2024 to 23 Aug 2025 (no
  national text for that time was found; the Thanh Hóa report says its project followed
  the Ministry's criteria [INFERRED]), then ``qd28-2025-drug-free`` from 24 Aug 2025,
  when Decision 28/2025 took effect [READ].
* Roadmap: the national target of Conclusion 132-KL/TW (criteria.md §5).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from drugfree_core.i18n import N_
from drugfree_core.model import Provenance, SubjectKind
from drugfree_core.plugins.hookspecs import hookimpl
from drugfree_core.plugins.registrars import (
    IndicatorRegistrar,
    ParameterRegistrar,
    RoadmapRegistrar,
    SchemeRegistrar,
)
from drugfree_core.plugins.versioning import HOOK_API_VERSION
from drugfree_core.rules.extension import Jurisdiction
from drugfree_core.rules.indicator import Indicator, SubjectShare
from drugfree_core.rules.law import LAW_PARAMETERS
from drugfree_core.rules.primitives import HasManagementRecord, Population
from drugfree_core.rules.roadmap import NATIONAL, Milestone, Roadmap
from drugfree_core.schemes import mps_recognition_2024, qd28_drug_free
from drugfree_core.schemes.builtins import BUILTIN_SCHEMES

DRUGFREE_HOOK_API = HOOK_API_VERSION

#: Conclusion 132-KL/TW and Government Resolution 93/NQ-CP, read in Nghệ An's Plan 695.
S3 = (
    "https://hethongphapluat.com/ke-hoach-695-kh-ubnd-nam-2025-trien-khai-xay-dung-xa-phuong-"
    "khong-ma-tuy-tren-dia-ban-tinh-nghe-an-giai-doan-2025-2030.html"
)
#: Hà Nội Plan 290 citing the national target programme (Resolution 163/2024/QH15).
S8 = (
    "http://hethongphapluat.com/ke-hoach-290-kh-ubnd-nam-2025-thuc-hien-cac-giai-phap-chuyen-"
    "hoa-dia-ban-trong-diem-phuc-tap-ve-ma-tuy-va-xay-dung-dia-ban-khong-ma-tuy-tren-dia-ban-"
    "thanh-pho-ha-noi.html"
)
CONCLUSION_132 = N_(
    "Conclusion 132-KL/TW (18 Mar 2025); Government Resolution 93/NQ-CP (16 Apr 2025)"
)
NTP = N_("National target programme on drug prevention to 2030 (Resolution 163/2024/QH15)")

NATIONAL_ROADMAP = Roadmap(
    id="national-2030",
    scope=NATIONAL,
    scope_name="Việt Nam",
    title_vi="Cả nước: ít nhất 50% xã, phường, đặc khu không ma túy đến hết năm 2030",
    title_en="Nationwide: at least 50% of commune-level units drug-free by the end of 2030",
    milestones=(
        Milestone(
            due=dt.date(2025, 12, 31),
            share=Fraction(20, 100),
            citation=NTP,
            provenance=Provenance.READ_PARTIAL,
            note=N_("The year 2025 is implied, not stated, in the text read [INFERRED]."),
        ),
        Milestone(
            due=dt.date(2030, 12, 31),
            share=Fraction(50, 100),
            citation=CONCLUSION_132,
            provenance=Provenance.READ,
        ),
    ),
    citation=CONCLUSION_132,
    provenance=Provenance.READ,
    sources=(S3, S8),
    effective_from=dt.date(2025, 3, 18),
)


@hookimpl
def drugfree_register_parameters(registrar: ParameterRegistrar) -> None:
    """The drug law's periods, shared by every scheme."""
    for parameter in LAW_PARAMETERS:
        registrar.add(parameter)


#: The national default before Decision 28/2025 [INFERRED], then Art. 6 [READ].
NATIONAL_JURISDICTIONS = (
    Jurisdiction(
        province=NATIONAL,
        province_name="Việt Nam",
        scheme_id=mps_recognition_2024.SCHEME_ID,
        citation=N_(
            "No national text of drug-free criteria in force before 24 Aug 2025 was found; "
            "the Thanh Hóa report says its project followed the Ministry's criteria of the "
            "time, so those (as reported) serve as the default (criteria.md §2.4)"
        ),
        provenance=Provenance.INFERRED,
        effective_from=mps_recognition_2024.LAUNCHED,
        effective_to=qd28_drug_free.SIGNED - dt.timedelta(days=1),
    ),
    Jurisdiction(
        province=NATIONAL,
        province_name="Việt Nam",
        scheme_id=qd28_drug_free.SCHEME_ID,
        citation=N_(
            "Decision 28/2025/QĐ-TTg Art. 6, in force from its signature on 24 Aug 2025 "
            "(Art. 8), with no transitional provisions"
        ),
        provenance=Provenance.READ,
        effective_from=qd28_drug_free.SIGNED,
    ),
)


@hookimpl
def drugfree_register_schemes(registrar: SchemeRegistrar) -> None:
    """The built-in schemes, and the national default jurisdiction over the dates."""
    for scheme in BUILTIN_SCHEMES:
        registrar.add(scheme)
    for jurisdiction in NATIONAL_JURISDICTIONS:
        registrar.assign(jurisdiction)


@hookimpl
def drugfree_register_roadmaps(registrar: RoadmapRegistrar) -> None:
    """The national target."""
    registrar.add(NATIONAL_ROADMAP)


#: The share of addicts with a management record: the figure criterion TH.C2 of the MPS
#: criteria needs at 100 % in every unit, followed province-wide as a campaign indicator.
#: It has no target of its own: none was found for the share as a campaign figure.
ADDICTS_WITH_RECORD = Indicator(
    id="national.addicts-with-record",
    title_vi="Tỷ lệ người nghiện có hồ sơ quản lý",
    title_en="Share of addicts with a management record",
    measure=SubjectShare(
        population=Population(kinds=frozenset({SubjectKind.ADDICT})),
        predicate=HasManagementRecord(),
    ),
    citation=N_(
        "Indicator derived from criterion TH.C2 (every addict has a management record), "
        "MPS criteria as reported by baothanhhoa.vn, 15 Oct 2024"
    ),
    provenance=Provenance.INFERRED,
)


@hookimpl
def drugfree_register_indicators(registrar: IndicatorRegistrar) -> None:
    """The national campaign indicators."""
    registrar.add(ADDICTS_WITH_RECORD)
