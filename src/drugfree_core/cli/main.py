"""``drugfree``: evaluate, explain, validate and list schemes from the shell.

Every user mistake ends in one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import json
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import click

from drugfree_core.cli.clicktext import Choice, IntRange
from drugfree_core.cli.common import (
    DrugfreeGroup,
    allow_no_coverage_option,
    lang_option,
    list_quarantined,
    parse_date,
    path_argument,
    quarantine_option,
    ref_date_option,
)
from drugfree_core.cli.plugins_cmd import plugins
from drugfree_core.cli.pseudonymise_cmd import pseudonymise
from drugfree_core.cli.report_cmd import report
from drugfree_core.cli.service_cmd import audit, serve, token
from drugfree_core.cli.synth_cmd import synth
from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg, msgn

DEMO_DATE = dt.date(2025, 10, 1)

_scheme = click.option(
    "--scheme", "scheme_id", required=True, help="Scheme id (see `drugfree schemes`)."
)


def _disable_plugins(ctx: click.Context, _param: click.Parameter, names: tuple[str, ...]) -> None:
    from drugfree_core.plugins import configure_default_host

    ctx.meta["drugfree.disabled_plugins"] = names
    configure_default_host(disabled=names)


@click.group(cls=DrugfreeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="drugfree-core")
@click.option(
    "--debug",
    is_flag=True,
    help="On an unexpected error, print the traceback (it may show values from the data).",
)
@click.option(
    "--disable-plugin",
    "disabled_plugins",
    multiple=True,
    metavar="NAME",
    callback=_disable_plugins,
    expose_value=False,
    help="Do not load the plugin NAME in this run (repeatable); as DRUGFREE_DISABLED_PLUGINS.",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Decide, explain and report drug-free commune-level units (xã, phường, đặc khu)."""
    ctx.meta["drugfree.debug"] = debug


@cli.command()
@path_argument
@_scheme
@ref_date_option
@click.option(
    "--compare",
    "compare_id",
    help=(
        "A second scheme: show, unit by unit, where its result differs from --scheme's "
        "(national and provincial verdicts side by side)."
    ),
)
@click.option("--unit", "unit_codes", multiple=True, help="Only these unit codes (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=Choice(["table", "json", "csv", "parquet"]),
    default="table",
    show_default=True,
    help="parquet: one row per unit and rule node (needs --out).",
)
@click.option(
    "--include-subjects",
    is_flag=True,
    help="JSON and Parquet: include the ids of the people behind each outcome (case-level).",
)
@click.option(
    "--indent",
    type=IntRange(min=0, max=16),
    default=None,
    help="JSON: indent by this many spaces (default: one line, fastest to write and read).",
)
@quarantine_option
@allow_no_coverage_option
@lang_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
def evaluate(
    path: Path | str,
    scheme_id: str,
    on: dt.date,
    compare_id: str | None,
    unit_codes: tuple[str, ...],
    fmt: str,
    include_subjects: bool,
    indent: int | None,
    quarantine: bool,
    allow_no_coverage: bool,
    lang: str,
    out: Path | None,
) -> None:
    """Evaluate every unit of the dataset at PATH (.json file, folder of tables, database URI).

    The units are the commune-level units in force, or the provinces for a province-level
    scheme (such as qd28-2025-provinces). A unit the dataset does not cover is 'no data',
    never a pass (a province is covered when all its communes are); when no unit of the
    evaluation is covered, the command stops with an error unless --allow-no-coverage.
    """
    from drugfree_core.cli.output import csv_text, summary_text, table_text
    from drugfree_core.cli.progress import ProgressBar
    from drugfree_core.cli.table import terminal_colour, terminal_width
    from drugfree_core.engine import evaluate as run
    from drugfree_core.io import load
    from drugfree_core.plugins import get_scheme

    if fmt == "parquet" and out is None:
        raise UsageError(
            msg("--format parquet cannot go to standard output: give a file with --out").render()
        )
    scheme = get_scheme(scheme_id)
    other = get_scheme(compare_id) if compare_id else None
    bar = ProgressBar()
    try:
        with bar.phase("load"):
            dataset = load(path, quarantine=quarantine)
        if other is not None:
            bar.close()
            list_quarantined(dataset.quarantined)  # a comparison does not list them
            comparison = _comparison(
                dataset, scheme, other, on, unit_codes, fmt, lang, allow_no_coverage
            )
            _emit(comparison, out)
            return
        with bar.phase("evaluate"):
            evaluation = run(
                dataset,
                scheme,
                on,
                units=unit_codes or None,
                allow_no_coverage=allow_no_coverage,
            )
        # the per-unit results are built while writing: part of the "write" step
        with bar.phase("write") if out is not None else nullcontext():
            if fmt == "parquet":
                from drugfree_core.engine.tabular import write_evaluation_parquet

                assert out is not None
                write_evaluation_parquet(evaluation, out, include_subjects=include_subjects)
                text = None
            elif fmt == "json" and out is not None:
                # as bytes: 15 MB of text nationally, not decoded to be encoded again
                _write(
                    evaluation.to_json_bytes(include_subjects=include_subjects, indent=indent), out
                )
                text = None
            elif fmt == "json":
                text = evaluation.to_json(include_subjects=include_subjects, indent=indent)
            elif fmt == "csv":
                text = csv_text(evaluation)
                list_quarantined(evaluation.quarantined)  # one row per unit: not here
            else:
                screen = out is None  # a table for the terminal fits it and has colours
                table = table_text(
                    evaluation,
                    lang,  # type: ignore[arg-type]
                    width=terminal_width() if screen else None,
                    colour=screen and terminal_colour(),
                )
                text = summary_text(evaluation, lang, scheme) + "\n\n" + table  # type: ignore[arg-type]
                list_quarantined(evaluation.quarantined)  # the table counts them only
            if text is not None and out is not None:
                _write(text, out)
    finally:
        bar.close()
    if text is None or out is not None:
        click.echo(msg("wrote {path}", path=str(out)).render(), err=True)
    else:
        click.echo(text)


def _comparison(
    dataset: Any,
    scheme: Any,
    other: Any,
    on: dt.date,
    unit_codes: tuple[str, ...],
    fmt: str,
    lang: str,
    allow_no_coverage: bool,
) -> str:
    from drugfree_core.cli.output import comparison_csv, comparison_text
    from drugfree_core.engine import compare

    comparison = compare(
        dataset,
        scheme,
        other,
        on,
        units=unit_codes or None,
        allow_no_coverage=allow_no_coverage,
    )
    if fmt == "json":
        return json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2)
    if fmt == "csv":
        return comparison_csv(comparison)
    return comparison_text(comparison, lang)  # type: ignore[arg-type]


@cli.command()
@path_argument
@click.option("--unit", "unit_code", required=True, help="The unit code to explain.")
@click.option(
    "--scheme",
    "scheme_id",
    default=None,
    help="Scheme id; by default the scheme in force for the unit's province on the date.",
)
@ref_date_option
@lang_option
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text", show_default=True)
@quarantine_option
def explain(
    path: Path | str,
    unit_code: str,
    scheme_id: str | None,
    on: dt.date,
    lang: str,
    fmt: str,
    quarantine: bool,
) -> None:
    """Explain, criterion by criterion, why one unit got its verdict.

    From a folder of tables or a database, only the records the unit needs are read and
    checked (its people, and the small tables whole), so problems in other units'
    records are not looked for: drugfree validate checks the whole dataset. A JSON
    document, --quarantine and a province-level scheme read the whole dataset.
    """
    from drugfree_core.api import evaluate_unit_from
    from drugfree_core.explanation import explain_unit
    from drugfree_core.plugins import get_scheme
    from drugfree_core.rules.describe import reader_citation

    scheme = None if scheme_id is None else get_scheme(scheme_id)
    # From tables or a database only the unit's records are read (see evaluate_unit_from).
    found = evaluate_unit_from(
        path, on, unit_code, scheme=scheme, quarantine=quarantine, allow_no_coverage=True
    )
    # Neither output holds them: those that may concern the unit are said beside it.
    list_quarantined(found.evaluation.quarantined)
    choice = found.choice
    if choice is not None and fmt == "text":
        where = choice.province_name or choice.province
        citation = reader_citation(choice.jurisdiction.citation)
        click.echo(f"{where}: {found.scheme.id} ({citation})\n")
    if fmt == "json":
        # Only here: the converter's module brings cattrs and msgspec (about 8 ms), which
        # the text never needs.
        from drugfree_core.engine.serialize import converter

        click.echo(json.dumps(converter.unstructure(found.unit), ensure_ascii=False, indent=2))
    else:
        text = explain_unit(found.unit, found.evaluation, found.scheme, lang)  # type: ignore[arg-type]
        click.echo(text)


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
    help="markdown: the criteria catalogue (every criterion, parameter and citation).",
)
@lang_option
def schemes(fmt: str, lang: str) -> None:
    """List the schemes and roadmaps of the built-ins and installed plugins."""
    from drugfree_core.plugins import default_host

    host = default_host()
    if fmt == "markdown":
        from drugfree_core.catalogue import render_catalogue

        click.echo(render_catalogue(host, lang), nl=False)  # type: ignore[arg-type]
        return
    items = host.schemes()
    if fmt == "json":
        data = [
            {
                "id": s.id,
                "authority": s.authority.value,
                "unit_level": s.unit_level.value,
                "plugin": host.origin("scheme", s.id).name,
                "provinces": [j.province for j in host.jurisdictions() if j.scheme_id == s.id],
                "version": s.version,
                "title_en": s.title_en,
                "title_vi": s.title_vi,
                "effective_from": s.effective_from.isoformat() if s.effective_from else None,
                "effective_to": s.effective_to.isoformat() if s.effective_to else None,
                "criteria": [c.id for c in s.criteria],
                "levels": [lv.id for lv in s.levels],
                "sources": list(s.sources),
            }
            for s in items
        ]
        roadmaps = [
            {
                "id": r.id,
                "plugin": host.origin("roadmap", r.id).name,
                "scope": r.scope,
                "scope_name": r.scope_name,
                "title_en": r.title_en,
                "title_vi": r.title_vi,
                "effective_from": r.effective_from.isoformat() if r.effective_from else None,
                "effective_to": r.effective_to.isoformat() if r.effective_to else None,
                "milestones": [
                    {
                        "due": m.due.isoformat(),
                        "share": str(m.share),
                        "provenance": m.provenance.value,
                        "citation": m.citation,
                    }
                    for m in r.milestones
                ],
            }
            for r in host.roadmaps()
        ]
        out = {"schemes": data, "roadmaps": roadmaps}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    from drugfree_core.cli.output import schemes_text

    click.echo(schemes_text(host), nl=False)


@cli.command()
@path_argument
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--scheme",
    "scheme_ids",
    multiple=True,
    help="Warn about the tables these schemes read (repeatable; default: every scheme).",
)
def validate(path: Path | str, fmt: str, scheme_ids: tuple[str, ...]) -> None:
    """Check a dataset and report every problem with its location; exit 1 if any.

    Also warns (without failing) about tables the schemes read that the dataset did not
    supply, and says how it states the units it covers.
    """
    from drugfree_core.api import supply_warnings
    from drugfree_core.cli.output import COVERAGE_BASIS
    from drugfree_core.dataset.reasons import problem_text, reason_message
    from drugfree_core.errors import printable
    from drugfree_core.io import display_source, survey
    from drugfree_core.plugins import default_host, get_scheme

    found = survey(path)
    problems = found.problems
    schemes = [get_scheme(s) for s in scheme_ids] if scheme_ids else default_host().schemes()
    shown = display_source(path)
    # What an unreadable dataset supplies or covers cannot be told: no claim is made.
    warnings = supply_warnings(found.supplied, schemes, location=shown) if found.readable else ()
    coverage = COVERAGE_BASIS[found.coverage_basis].render() if found.readable else None
    if fmt == "json":
        rows = [
            {
                "severity": severity,
                "table": p.table,
                "location": p.location,
                "reason": p.reason,
                # The reason stays English for programs to match; people read this one.
                "message": printable(reason_message(p.reason).render()),
                "record_id": p.record_id,
            }
            for severity, group in (("error", problems), ("warning", warnings))
            for p in group
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(problem_text(problem))
        for warning in warnings:
            click.echo(msg("warning: {problem}", problem=problem_text(warning)).render())
        if coverage is not None and found.coverage_basis == "none":
            click.echo(
                msg(
                    "warning: {source}: {coverage}: every unit will be 'no data'; declare "
                    "what the records cover in a coverage table",
                    source=shown,
                    coverage=coverage,
                ).render()
            )
        if problems:
            summary = msgn("{n} problem in {source}", "{n} problems in {source}", len(problems))
            click.echo(summary.with_params(source=shown).render())
        else:
            click.echo(msg("{source}: valid", source=shown).render())
        if coverage is not None:
            click.echo(coverage)
    if problems:
        sys.exit(1)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the dataset document."""
    from drugfree_core.dataset.jsonschema import dataset_json_schema

    click.echo(json.dumps(dataset_json_schema(), ensure_ascii=False, indent=2))


@cli.command()
@functools.partial(ref_date_option, default=DEMO_DATE)
@lang_option
def demo(on: dt.date, lang: str) -> None:
    """Evaluate the bundled sample province and print a readable summary.

    Only the built-in schemes are used: installed plugins are not loaded, so the demo
    runs even when one of them is broken.
    """
    from drugfree_core.cli.output import summary_text, table_text
    from drugfree_core.engine import Outcome
    from drugfree_core.engine import evaluate as run
    from drugfree_core.explanation import explain_unit
    from drugfree_core.io import load
    from drugfree_core.plugins import PluginHost
    from drugfree_core.samples import demo_path

    path = demo_path()
    dataset = load(path)
    builtins = PluginHost(autoload=False)
    click.echo(msg("Sample dataset: {path}", path=str(path)).render())
    shown = ""  # the unit the closing hint explains
    for scheme_id in ("qd28-2025-drug-free", "qd28-2025-complex-areas", "mps-recognition-2024"):
        scheme = builtins.scheme(scheme_id)
        if not scheme.in_force(on):
            click.echo(
                "\n" + msg("{scheme}: not in force on {date}", scheme=scheme_id, date=on).render()
            )
            continue
        evaluation = run(dataset, scheme, on)
        click.echo("")
        click.echo(summary_text(evaluation, lang))  # type: ignore[arg-type]
        click.echo("")
        click.echo(table_text(evaluation, lang))  # type: ignore[arg-type]
        if not scheme.levels:
            failing = [u for u in evaluation.units if u.verdict is Outcome.FAIL]
            if scheme_id == "qd28-2025-drug-free" and evaluation.units:
                shown = (failing or list(evaluation.units))[0].unit_code
            if failing:
                click.echo("")
                click.echo(explain_unit(failing[0], evaluation, scheme, lang))  # type: ignore[arg-type]
    if not shown:  # the scheme the hints use is not in force on the date
        return
    click.echo("")
    # A real unit of the sample (a failing one when there is one), so the line runs as is.
    explain = f"drugfree explain {path} --unit {shown} --scheme qd28-2025-drug-free --date {on}"
    compare = (
        f"drugfree evaluate {path} --scheme qd28-2025-drug-free "
        f"--compare mps-recognition-2024 --date {on}"
    )
    first = msg("Try: {command}", command=explain).render()
    click.echo(first)
    click.echo(" " * (len(first) - len(explain)) + compare)


@cli.command("new-plugin")
@click.argument("name")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to create it (default: ./drugfree-NAME).",
)
@click.option(
    "--province",
    required=True,
    help="The province's unit code (one no installed plugin serves yet, e.g. 44).",
)
@click.option(
    "--province-name", default="Tỉnh Ví Dụ", show_default=True, help="The province's name."
)
@click.option(
    "--start",
    callback=parse_date,
    default="2025-07-01",
    show_default=True,
    help="First day the province applies its scheme.",
)
def new_plugin(
    name: str, directory: Path | None, province: str, province_name: str, start: dt.date
) -> None:
    """Create a working plugin distribution drugfree-NAME that passes the conformance kit."""
    from drugfree_core.scaffold import create_plugin, plugin_name

    target = directory or Path(f"drugfree-{plugin_name(name)}")
    files = create_plugin(name, target, province=province, province_name=province_name, start=start)
    for path in files:
        click.echo(msg("created {path}", path=str(path)).render())
    command = f'cd {target} && pip install -e ".[test]" && pytest'
    click.echo("\n" + msg("next: {command}", command=command).render())


def _write(text: str | bytes, out: Path) -> None:
    """Write *text* (or its UTF-8 bytes) to *out*, ending in one newline."""
    if isinstance(text, bytes):
        with out.open("wb") as file:
            file.write(text)
            if not text.endswith(b"\n"):
                file.write(b"\n")
        return
    out.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text)
    else:
        _write(text, out)
        click.echo(msg("wrote {path}", path=str(out)).render(), err=True)


cli.add_command(audit)
cli.add_command(plugins)
cli.add_command(pseudonymise)
cli.add_command(report)
cli.add_command(serve)
cli.add_command(synth)
cli.add_command(token)


#: Collect cycles after this many new containers, not CPython's 700: one command is a
#: batch that makes hundreds of thousands of dicts and lists, none in a cycle, and each
#: collection would walk them again (0.04-0.1 s of a national evaluation).
_YOUNG_THRESHOLD = 100_000


def main() -> None:
    """Console entry point."""
    gc.set_threshold(_YOUNG_THRESHOLD)  # the older generations' thresholds stay
    try:
        cli(prog_name="drugfree")
    finally:
        # The process ends here: its last collection would walk every object for nothing.
        gc.freeze()
