"""Reports: progress against roadmaps, what each unit lacks, trends, indicators, data quality.

::

    import datetime as dt
    import drugfree_core as dfc
    from drugfree_core.reports import ReportOptions, build_report, write_report

    dataset = dfc.load("province.json")
    report = build_report(dataset, dt.date(2025, 12, 31), province="31",
                          options=ReportOptions(suppress_below=5))
    write_report(report, "html", lang="vi", out=Path("bao-cao.html"))

A :class:`Report` is published as aggregates: its data-quality issues keep the
pseudonymous id of each record they concern for the caller, but no exporter writes them.
The case-level list naming pseudonymous subject ids is built separately with
:func:`build_cases`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drugfree_core.reports.build import ReportOptions, build_cases, build_report
    from drugfree_core.reports.export import (
        FORMATS,
        default_filename,
        write_cases,
        write_report,
    )
    from drugfree_core.reports.model import CaseList, Report
    from drugfree_core.reports.quality import QualityReport, assess_quality
    from drugfree_core.reports.suppress import suppress_small_counts

# Names load on first use, so importing this package stays cheap.
_WHERE = {
    "ReportOptions": "drugfree_core.reports.build",
    "build_cases": "drugfree_core.reports.build",
    "build_report": "drugfree_core.reports.build",
    "FORMATS": "drugfree_core.reports.export",
    "default_filename": "drugfree_core.reports.export",
    "write_cases": "drugfree_core.reports.export",
    "write_report": "drugfree_core.reports.export",
    "CaseList": "drugfree_core.reports.model",
    "Report": "drugfree_core.reports.model",
    "QualityReport": "drugfree_core.reports.quality",
    "assess_quality": "drugfree_core.reports.quality",
    "suppress_small_counts": "drugfree_core.reports.suppress",
}

__all__ = [
    "FORMATS",
    "CaseList",
    "QualityReport",
    "Report",
    "ReportOptions",
    "assess_quality",
    "build_cases",
    "build_report",
    "default_filename",
    "suppress_small_counts",
    "write_cases",
    "write_report",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'drugfree_core.reports' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
