"""Report benchmark: build and export the national and one province's report.

Run ``python benchmarks/report.py`` (about two minutes on 2 cores). It generates the
national synthetic dataset on the official map into ``benchmarks/out/national-map/``
once, then times, in this one process so the ratios are comparable: loading, building
the national report (quarterly series over a year, milestones, predecessors, quality,
indicators, fingerprint), building Hải Phòng's report with a monthly series over 21
months, and writing each format. Peak RSS is reported at the end.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "out" / "national-map"
ON = dt.date(2026, 6, 30)


def main() -> None:
    if not DATA.exists():
        subprocess.run(
            [sys.executable, "-m", "drugfree_core.cli", "synth", "--preset", "national",
             "--format", "parquet", "--out", str(DATA)],
            check=True,
        )  # fmt: skip
    import drugfree_core as dfc
    from drugfree_core.reports import ReportOptions, build_report, write_report

    timings: dict[str, float] = {}

    def timed(name: str, func):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        value = func()
        timings[name] = round(time.perf_counter() - start, 2)
        return value

    dataset = timed("load", lambda: dfc.load(DATA))
    national = timed("national report", lambda: build_report(dataset, ON))
    timed(
        "Hải Phòng report, monthly 2024-10..2026-06",
        lambda: build_report(
            dataset,
            ON,
            province="31",
            options=ReportOptions(series_start=dt.date(2024, 10, 1), every="month"),
        ),
    )
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("json", "csv", "xlsx", "html"):
            out = Path(tmp) / (fmt if fmt == "csv" else f"r.{fmt}")
            timed(
                f"write {fmt}",
                lambda fmt=fmt, out=out: write_report(national, fmt, lang="vi", out=out),
            )
        timed("write html to memory", lambda: write_report(
            national, "html", lang="en", out=None, stdout=io.StringIO()))  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {"timings_s": timings, "peak_rss_mb": round(peak)}
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
