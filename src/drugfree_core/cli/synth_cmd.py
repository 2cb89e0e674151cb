"""``drugfree synth``: write a deterministic synthetic dataset (``drugfree_core.synth``)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from drugfree_core.cli.clicktext import Choice, IntRange
from drugfree_core.cli.language import lang_option
from drugfree_core.i18n import format_count, format_number, msg

#: Bounds of the scaled preset: ten times the country's units and people, at most.
MAX_UNITS = 100_000
MAX_SUBJECTS = 5_000_000


@click.command()
@click.option(
    "--preset",
    type=Choice(["demo", "national", "scaled"]),
    default="demo",
    show_default=True,
    help="demo: one invented province; national: the official map of 2025; scaled: "
    "invented provinces of --units units in all.",
)
@click.option(
    "--seed", type=IntRange(0, 2**63 - 1), default=2025, show_default=True, help="Random seed."
)
@click.option(
    "--units",
    type=IntRange(1, MAX_UNITS),
    help="Commune-level units in all (the scaled preset).",
)
@click.option(
    "--subjects",
    type=IntRange(0, MAX_SUBJECTS),
    help="People under management (the scaled preset).",
)
@click.option(
    "--format",
    "fmt",
    type=Choice(["csv", "parquet", "json"]),
    default="csv",
    show_default=True,
    help="Tables (csv, parquet) in a folder, or one JSON document.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Output folder; with --format json, a .json file (else OUT/dataset.json).",
)
@lang_option
def synth(
    preset: str,
    seed: int,
    units: int | None,
    subjects: int | None,
    fmt: str,
    out: Path,
    lang: str,
) -> None:
    """Write a deterministic synthetic dataset: one province, the nation, or any size.

    The same options always give the same data. The national preset is built on the
    official map of 1 July 2025 (3,321 units, about 400,000 people).
    """
    from drugfree_core.io.writers import write_json, write_tables
    from drugfree_core.synth import SynthConfig, generate

    if preset == "scaled" and (units is None or subjects is None):
        raise click.UsageError(msg("--preset scaled needs --units and --subjects").render())
    if preset == "demo":
        config = SynthConfig.demo(seed=seed)
    elif preset == "national":
        config = SynthConfig.national(seed=seed)
    else:
        config = SynthConfig.scaled(units=units or 0, subjects=subjects or 0, seed=seed)
    started = time.perf_counter()
    dataset = generate(config)
    if fmt == "json":
        target = out if out.suffix.lower() == ".json" else out / "dataset.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        write_json(dataset, target)
    else:
        target = out
        write_tables(dataset, out, "parquet" if fmt == "parquet" else "csv")
    counts = ", ".join(f"{name} {format_count(rows)}" for name, rows in dataset.counts().items())
    seconds = format_number(time.perf_counter() - started, digits=1)
    click.echo(
        msg(
            "wrote {path} in {seconds} s: {counts}",
            path=str(target),
            seconds=seconds,
            counts=counts,
        ).render(),
        err=True,
    )
