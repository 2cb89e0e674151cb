"""Nghệ An's 2023 Action Month indicator (Plan 359/KH-UBND, 30 May 2023).

The plan asks that by the end of June 2023 the compulsory-rehab dossiers completed
reach at least 60 % of the target assigned by Decision 4378/QĐ-UBND of 30 Dec 2022
[ARTICLE] (baonghean.vn, English edition). The assigned number itself is not in the
article, so it is data: each unit reports, as unit facts for the period
1 Jan – 30 Jun 2023, the dossiers it completed (``compulsory_rehab_dossiers``) and its
share of the assigned target (``compulsory_rehab_dossiers_assigned``). A unit missing
either fact makes the province figure *unknown*, never better than it is.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from drugfree_core.model import FactKind, Provenance
from drugfree_core.rules.indicator import FactRatio, Indicator, IndicatorTarget
from drugfree_core.rules.params import Period

#: The article read (Nghệ An newspaper, English edition), see the shared articles index.
S_PLAN_359 = "Baonghean.vn on Nghệ An Plan 359/KH-UBND (30 May 2023), Action Month against drugs"
PLAN_359 = "Nghệ An Plan 359/KH-UBND (30 May 2023) on the June 2023 Action Month against drugs"

DOSSIERS_2023 = Indicator(
    id="nghe-an.2023-compulsory-rehab-dossiers",
    title_vi="Hồ sơ cai nghiện bắt buộc hoàn thành so với chỉ tiêu giao năm 2023",
    title_en="Compulsory-rehab dossiers completed against the 2023 assigned target",
    measure=FactRatio(
        numerator=FactKind.COMPULSORY_REHAB_DOSSIERS,
        denominator=FactKind.COMPULSORY_REHAB_DOSSIERS_ASSIGNED,
        lookback=Period(months=6),
    ),
    citation=PLAN_359,
    provenance=Provenance.ARTICLE,
    scope="40",
    target=IndicatorTarget(
        share=Fraction(60, 100),
        due=dt.date(2023, 6, 30),
        citation=f"{PLAN_359}: at least 60 % of the target of Decision 4378/QĐ-UBND by end of June",
        provenance=Provenance.ARTICLE,
    ),
    sources=(S_PLAN_359,),
    effective_from=dt.date(2023, 5, 30),
    effective_to=dt.date(2023, 12, 31),
)
