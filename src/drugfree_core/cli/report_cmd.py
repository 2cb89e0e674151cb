"""``drugfree report``: progress, gaps, trend, indicators and data quality, exported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from drugfree_core.cli.main import (
    _allow_no_coverage,
    _date,
    _friendly,
    _lang,
    _path,
    _quarantine,
    _ref_date,
)


@click.command()
@_path
@_ref_date
@click.option("--province", help="Province code (the unit code of the province in the data).")
@click.option("--national", is_flag=True, help="The whole country (the default).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "xlsx", "html"]),
    default="json",
    show_default=True,
    help="csv writes a folder of tables; xlsx needs --out.",
)
@_lang
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="File (json, xlsx, html) or folder (csv) to write; default: standard output.",
)
@click.option(
    "--scheme",
    "scheme_id",
    help="Apply this scheme everywhere instead of each province's own (see `drugfree schemes`).",
)
@click.option("--series-from", callback=_date, help="First month of the time series, YYYY-MM-DD.")
@click.option("--series-to", callback=_date, help="Last month of the time series (≤ --date).")
@click.option(
    "--every",
    type=click.Choice(["month", "quarter"]),
    default="quarter",
    show_default=True,
    help="Time series step; points fall on month or quarter ends.",
)
@click.option("--no-series", is_flag=True, help="Skip the time series (and the projection).")
@click.option(
    "--closest",
    default=20,
    show_default=True,
    help="How many units the closest-to-passing list keeps.",
)
@click.option(
    "--suppress-below",
    type=click.IntRange(min=2),
    help="Publish counts of people below K as '< K' (small-count suppression).",
)
@click.option(
    "--stale-after",
    default=180,
    show_default=True,
    type=click.IntRange(min=1),
    help="Data quality: a record with no update or test for this many days is stale.",
)
@click.option(
    "--cases",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the case-level list (pseudonymous subject ids) to this .json/.csv file.",
)
@_quarantine
@_allow_no_coverage
@_friendly
def report(
    path: Path,
    on: dt.date,
    province: str | None,
    national: bool,
    fmt: str,
    lang: str,
    out: Path | None,
    scheme_id: str | None,
    series_from: dt.date | None,
    series_to: dt.date | None,
    every: str,
    no_series: bool,
    closest: int,
    suppress_below: int | None,
    stale_after: int,
    cases: Path | None,
    quarantine: bool,
    allow_no_coverage: bool,
) -> None:
    """Report on the dataset at PATH for a province or the nation on --date.

    The report holds aggregates only; subject ids appear only in --cases. Units the
    dataset does not cover are counted as 'no data' beside every share, never as
    meeting the criteria; a scope with no covered unit is an error unless
    --allow-no-coverage.
    """
    from drugfree_core.cli.progress import ProgressBar
    from drugfree_core.errors import UsageError
    from drugfree_core.io import load
    from drugfree_core.reports import ReportOptions, build_cases, build_report
    from drugfree_core.reports.export import write_cases, write_report
    from drugfree_core.schemes import get_scheme

    if province and national:
        raise UsageError("give --province CODE or --national, not both")
    if out is None and fmt in ("xlsx", "csv"):
        # Checked before the (possibly long) run rather than after it.
        where = "a file" if fmt == "xlsx" else "a folder"
        raise UsageError(f"--format {fmt} cannot go to standard output: give {where} with --out")
    scheme = get_scheme(scheme_id) if scheme_id else None
    dataset = load(path, quarantine=quarantine)
    options = ReportOptions(
        series_start=series_from,
        series_end=series_to,
        every=every,
        series=not no_series,
        closest=closest,
        suppress_below=suppress_below,
        stale_after_days=stale_after,
        scheme=scheme,
        allow_no_coverage=allow_no_coverage,
    )
    bar = ProgressBar()
    try:
        built = build_report(dataset, on, province=province, options=options, progress=bar)
    finally:
        bar.close()
    for written in write_report(built, fmt, lang=lang, out=out):  # type: ignore[arg-type]
        click.echo(f"wrote {written}", err=True)
    if cases is not None:
        case_list = build_cases(dataset, on, built, province=province, scheme=scheme)
        case_fmt = "csv" if cases.suffix.lower() == ".csv" else "json"
        for written in write_cases(case_list, cases, case_fmt):  # type: ignore[arg-type]
            click.echo(f"wrote {written} (case-level: contains pseudonymous subject ids)", err=True)
