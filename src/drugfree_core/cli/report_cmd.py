"""``drugfree report``: progress, gaps, trend, indicators and data quality, exported."""

from __future__ import annotations

import datetime as dt
import sys
from contextlib import nullcontext
from pathlib import Path

import click

from drugfree_core.cli.common import (
    allow_no_coverage_option,
    lang_option,
    list_quarantined,
    parse_date,
    path_argument,
    quarantine_option,
    ref_date_option,
)
from drugfree_core.i18n import msg

#: The closest-to-passing list: at most every commune-level unit there ever was.
MAX_CLOSEST = 20_000
#: A record is stale after at most a century without news (beyond that, a typo).
MAX_STALE_DAYS = 36_500
#: Small counts withheld: a threshold above a million would withhold every count.
MAX_SUPPRESS = 1_000_000


@click.command()
@path_argument
@ref_date_option
@click.option("--province", help="Province code (the unit code of the province in the data).")
@click.option(
    "--national",
    is_flag=True,
    help=(
        "The nation's report even when the data hold one province's units (by default "
        "such data give that province's report): the national roadmap, the other "
        "provinces' units counted as 'no data'. Not with --province."
    ),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf", "xlsx", "csv", "json"]),
    default=None,
    help="html, pdf (printable A4), xlsx, csv (a folder of tables) or json. Default: "
    "from the --out suffix; else html written to a file on a terminal, json in a pipe.",
)
@lang_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="File (html, pdf, xlsx, json) or folder (csv) to write. Default: a file named "
    "after the scope and date (bao-cao-hai-phong-2025-12-31.html); json, and html in a "
    "pipe, go to standard output.",
)
@click.option(
    "--scheme",
    "scheme_id",
    help="Apply this scheme everywhere instead of each province's own (see `drugfree schemes`).",
)
@click.option(
    "--series-from", callback=parse_date, help="First month of the time series, YYYY-MM-DD."
)
@click.option("--series-to", callback=parse_date, help="Last month of the time series (≤ --date).")
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
    type=click.IntRange(min=0, max=MAX_CLOSEST),
    help="How many units the closest-to-passing list keeps.",
)
@click.option(
    "--suppress-below",
    type=click.IntRange(min=2, max=MAX_SUPPRESS),
    help="Publish counts of people below K as '< K' (small-count suppression).",
)
@click.option(
    "--stale-after",
    default=180,
    show_default=True,
    type=click.IntRange(min=1, max=MAX_STALE_DAYS),
    help="Data quality: a record with no update or test for this many days is stale.",
)
@click.option(
    "--cases",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the case-level list (pseudonymous subject ids) to this .json/.csv file.",
)
@quarantine_option
@allow_no_coverage_option
def report(
    path: Path | str,
    on: dt.date,
    province: str | None,
    national: bool,
    fmt: str | None,
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

    The report holds aggregates only; subject ids appear only in --cases. Without
    --format and --out, a person at a terminal gets an HTML file named after the scope
    and date in the current folder; a pipe gets JSON on standard output. Units the
    dataset does not cover are counted as 'no data' beside every share, never as
    meeting the criteria; a scope with no covered unit is an error unless
    --allow-no-coverage.
    """
    from drugfree_core.cli.progress import ProgressBar
    from drugfree_core.errors import UsageError
    from drugfree_core.io import load
    from drugfree_core.plugins import get_scheme
    from drugfree_core.reports import ReportOptions, build_cases, build_report
    from drugfree_core.reports.export import default_filename, write_cases, write_report
    from drugfree_core.reports.runs import check_report_scheme

    if province and national:
        raise UsageError(msg("give --province CODE or --national, not both"))
    # Decided before the (possibly long) run, so a wrong --out fails at once.
    fmt, to_stdout = output_format(fmt, out, stdout_is_terminal=_stdout_is_terminal())
    if fmt == "pdf":
        from drugfree_core.reports.export.pdf_out import check_pdf_engine

        check_pdf_engine()
    scheme = get_scheme(scheme_id) if scheme_id else None
    if scheme is not None:
        check_report_scheme(scheme)  # before the (possibly long) load
    bar = ProgressBar()
    try:
        with bar.phase("load"):
            dataset = load(path, quarantine=quarantine)
    except BaseException:
        bar.close()
        raise
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
    try:
        built = build_report(
            dataset, on, province=province, national=national, options=options, progress=bar
        )
        if out is None and not to_stdout:
            out = Path(default_filename(built, fmt, lang)).absolute()  # type: ignore[arg-type]
        # to standard output the document itself is on the screen: no bar over it
        with bar.phase("write") if not to_stdout else nullcontext():
            written = write_report(built, fmt, lang=lang, out=out)  # type: ignore[arg-type]
    finally:
        bar.close()
    for path_written in written:
        click.echo(msg("wrote {path}", path=str(path_written)).render(), err=True)
    # A report counts them per unit and check; which they are is said here.
    list_quarantined(dataset.quarantined)
    if cases is not None:
        case_list = build_cases(dataset, on, built, province=province, scheme=scheme)
        case_fmt = "csv" if cases.suffix.lower() == ".csv" else "json"
        for case_file in write_cases(case_list, cases, case_fmt):  # type: ignore[arg-type]
            wrote = msg(
                "wrote {path} (case-level: contains pseudonymous subject ids)", path=str(case_file)
            )
            click.echo(wrote.render(), err=True)


def _stdout_is_terminal() -> bool:
    """Whether a person reads standard output (not a pipe, a file or a test runner)."""
    return sys.stdout.isatty()


#: The format a ``--out`` suffix asks for (no suffix: a folder of CSV tables).
_BY_SUFFIX = {".html": "html", ".htm": "html", ".pdf": "pdf", ".xlsx": "xlsx", ".json": "json"}


def output_format(
    fmt: str | None, out: Path | None, *, stdout_is_terminal: bool
) -> tuple[str, bool]:
    """The report's format, and whether it goes to standard output.

    The rule, for a person first: ``--format`` wins; else the suffix of ``--out``
    (``.html``, ``.pdf``, ``.xlsx``, ``.json``; none: a CSV folder); else HTML on a
    terminal, JSON in a pipe. Without ``--out``, JSON (and HTML in a pipe) go to standard
    output and every other format to a file named after the scope and date.
    """
    from drugfree_core.errors import UsageError

    if fmt is None and out is not None:
        suffix = out.suffix.lower()
        if suffix and suffix not in _BY_SUFFIX:
            raise UsageError(
                msg(
                    "cannot tell the report format from --out {path}: give --format "
                    "(html, pdf, xlsx, csv or json)",
                    path=str(out),
                )
            )
        fmt = _BY_SUFFIX.get(suffix, "csv")
    if fmt is None:
        fmt = "html" if stdout_is_terminal else "json"
    if out is not None:
        return fmt, False
    return fmt, fmt == "json" or (fmt == "html" and not stdout_is_terminal)
