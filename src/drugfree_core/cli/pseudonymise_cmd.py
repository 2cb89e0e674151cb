"""``drugfree pseudonymise``: identity numbers to stable pseudonymous subject ids."""

from __future__ import annotations

from pathlib import Path

import click

from drugfree_core.cli.clicktext import ExistingPath
from drugfree_core.i18n import msg, msgn


@click.command()
@click.argument("source", type=ExistingPath())
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--column",
    "columns",
    multiple=True,
    help="A single CSV/Parquet file: a column holding identity numbers (repeatable).",
)
@click.option(
    "--key-file",
    type=ExistingPath(dir_okay=False),
    help="Read the key from this file instead of the environment.",
)
@click.option(
    "--key-env",
    default="DRUGFREE_PSEUDONYM_KEY",
    show_default=True,
    help="Environment variable holding the key (when no --key-file).",
)
def pseudonymise(
    source: Path, out: Path, columns: tuple[str, ...], key_file: Path | None, key_env: str
) -> None:
    """Copy SOURCE to OUT with national identity numbers replaced by keyed pseudonyms.

    SOURCE is a folder of table files (subjects.id and every subject_id are rewritten), a
    JSON dataset document (each subject's id) or one CSV/Parquet file with --column. The
    same key gives the same id for the same number; the key is never printed.
    """
    from drugfree_core.io.pseudonyms import pseudonymise as run
    from drugfree_core.io.pseudonyms import read_key

    key = read_key(env=key_env, file=key_file)
    summary = run(source, out, key, columns=columns)
    for path in summary.written:
        click.echo(msg("wrote {path}", path=str(path)).render(), err=True)
    cells = msgn("{n} cell rewritten", "{n} cells rewritten", summary.cells).render()
    distinct = msgn(
        "{n} distinct identity number", "{n} distinct identity numbers", summary.distinct
    ).render()
    click.echo(f"{cells}, {distinct}", err=True)
