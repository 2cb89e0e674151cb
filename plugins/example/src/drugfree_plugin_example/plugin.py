"""An example drugfree-core plugin for a fictional province: copy it to start your own.

EXAMPLE ONLY: province 99, "Tỉnh Ví Dụ", does not exist, and none of the rules below is
real. Every number is tagged [INFERRED] and cited "example only — not a real rule".

A plugin is a module with functions marked ``@hookimpl`` whose names are hooks of
:mod:`drugfree_core.plugins.hookspecs`. Each hook is handed a *registrar*; the plugin
adds objects through it, and the registrar checks them (ids unique, citations present,
dates in order) and records which plugin added them. Installed plugins are found through
the ``drugfree`` entry-point group declared in ``pyproject.toml``::

    [project.entry-points.drugfree]
    example = "drugfree_plugin_example.plugin"

This plugin registers three things:

* scheme ``example-2025``: the national ``mps-recognition-2024`` with one parameter
  overridden and one criterion added;
* a jurisdiction: province 99 applies ``example-2025`` from 1 Jan 2025;
* roadmap ``example-2030``: 20 % of the province's units drug-free by 2026, 50 % by 2030.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from drugfree_core.model import FactKind, Provenance
from drugfree_core.plugins import RoadmapRegistrar, SchemeRegistrar, hookimpl
from drugfree_core.rules import (
    Compare,
    Criterion,
    DatedValue,
    FactTotal,
    Op,
    ParamRef,
    Period,
    constant,
)
from drugfree_core.rules.extension import Jurisdiction, ParameterOverride, SchemeExtension
from drugfree_core.rules.roadmap import Milestone, Roadmap

# The hook API this plugin was written for. The host refuses to load a plugin that
# does not declare one, or that needs a newer one than the installed drugfree-core has.
DRUGFREE_HOOK_API = "1.0"

# The province: the code of its unit in the administrative map, and its name.
PROVINCE = "99"
PROVINCE_NAME = "Tỉnh Ví Dụ (example)"

# Every rule says where it comes from (citation) and how sure we are of it (provenance).
CITATION = "example only — not a real rule"
PROVENANCE = Provenance.INFERRED

SCHEME_ID = "example-2025"
ROADMAP_ID = "example-2030"
SINCE = dt.date(2025, 1, 1)

# 1. Change a number of the base scheme. A dated value applies from its start on; the
#    scheme's explanations show "overridden by Tỉnh Ví Dụ (example)" next to it.
FEWER_ADDICTS = ParameterOverride(
    parameter_id="th.max_addicts",
    value=DatedValue(start=SINCE, value=4, citation=CITATION, provenance=PROVENANCE),
)

# 2. Add a criterion built from primitives. Its number is a parameter too, so a later
#    change is a new dated value rather than an edit of the rule.
LOOKBACK = constant(
    "example.location_lookback",
    Period(years=1),
    since=SINCE,
    en="How far back a reported drug-use location counts against the unit.",
    vi="Khoảng thời gian tính các điểm, tụ điểm sử dụng trái phép chất ma túy.",
    citation=CITATION,
    provenance=PROVENANCE,
)
NO_LOCATIONS = Criterion(
    id="EX.C6",
    title_vi="Không có điểm, tụ điểm sử dụng trái phép chất ma túy trong 12 tháng qua",
    title_en="No location of illegal drug use reported in the past 12 months",
    # The total of the unit's reported locations over the look-back must be 0. A unit
    # with no report at all is *unknown*, never a pass: missing data is not good news.
    rule=Compare(
        FactTotal(kind=FactKind.DRUG_USE_LOCATIONS, lookback=ParamRef(LOOKBACK.id)),
        Op.EQ,
        0,
    ),
    citation=CITATION,
    provenance=PROVENANCE,
    effective_from=SINCE,
)

# 3. The scheme: the changes above applied to the base. It is resolved once every
#    plugin has registered, so the base may come from another distribution.
SCHEME = SchemeExtension(
    id=SCHEME_ID,
    base="mps-recognition-2024",
    version="2025.01",
    by=PROVINCE_NAME,
    title_vi="Ví dụ: tiêu chí xã không ma túy của Tỉnh Ví Dụ",
    title_en="Example: drug-free criteria of a fictional province",
    description_en=f"EXAMPLE ONLY, not a real scheme ({CITATION}).",
    description_vi=f"CHỈ LÀ VÍ DỤ, không phải quy định thật ({CITATION}).",
    overrides=(FEWER_ADDICTS,),
    add=(NO_LOCATIONS,),
    parameters=(LOOKBACK,),
    effective_from=SINCE,
)

# 4. Who applies the scheme, and when. Dates are inclusive; None is open-ended. Two
#    jurisdictions of one province may not overlap.
JURISDICTION = Jurisdiction(
    province=PROVINCE,
    province_name=PROVINCE_NAME,
    scheme_id=SCHEME_ID,
    citation=CITATION,
    provenance=PROVENANCE,
    effective_from=SINCE,
)

# 5. The province's targets. Shares are exact fractions of the units in force, and
#    cumulative; the required count rounds up (20 % of 101 units is 21).
ROADMAP = Roadmap(
    id=ROADMAP_ID,
    scope=PROVINCE,
    scope_name=PROVINCE_NAME,
    title_vi="Ví dụ: lộ trình xã không ma túy của Tỉnh Ví Dụ",
    title_en="Example: drug-free roadmap of a fictional province",
    milestones=(
        Milestone(
            due=dt.date(2026, 12, 31),
            share=Fraction(20, 100),
            citation=CITATION,
            provenance=PROVENANCE,
        ),
        Milestone(
            due=dt.date(2030, 12, 31),
            share=Fraction(50, 100),
            citation=CITATION,
            provenance=PROVENANCE,
        ),
    ),
    citation=CITATION,
    provenance=PROVENANCE,
    effective_from=SINCE,
)


# The hooks. A plugin implements only the ones it needs; the host calls them once, in
# order (parameters, primitives, administrative map, schemes, roadmaps).
@hookimpl
def drugfree_register_schemes(registrar: SchemeRegistrar) -> None:
    """The example scheme and the fictional province that applies it."""
    registrar.extend(SCHEME)
    registrar.assign(JURISDICTION)


@hookimpl
def drugfree_register_roadmaps(registrar: RoadmapRegistrar) -> None:
    """The example roadmap."""
    registrar.add(ROADMAP)
