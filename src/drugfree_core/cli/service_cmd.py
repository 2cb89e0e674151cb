"""``drugfree serve``, ``drugfree token new`` and ``drugfree audit``: the HTTP service."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import click

from drugfree_core.cli.clicktext import Choice, ExistingPath, IntRange
from drugfree_core.cli.common import DrugfreeGroup, finite, path_argument, quarantine_option
from drugfree_core.i18n import format_count, format_datetime, format_number, msg, msgn

#: Bounds of the serve options: a body up to 16 GiB, pages up to a million units, a
#: refresh at most yearly (seconds), up to 1024 computing threads.
MAX_BODY = 16 * 1024**3
MAX_PAGE = 1_000_000
MAX_REFRESH = 365 * 24 * 3600
MAX_THREADS = 1024


@click.command()
@path_argument
@click.option(
    "--tokens",
    "tokens_file",
    required=True,
    type=ExistingPath(dir_okay=False),
    help="TOML file of token hashes, scopes and permissions (see `drugfree token new`).",
)
@click.option(
    "--audit-log",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append one JSON line per evaluation, explanation and report request here.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=IntRange(0, 65535))
@click.option(
    "--max-body",
    default=32 * 1024 * 1024,
    show_default=True,
    type=IntRange(min=1, max=MAX_BODY),
    help="Largest request body accepted, in bytes (413 beyond).",
)
@click.option(
    "--max-page-size",
    default=1000,
    show_default=True,
    type=IntRange(min=1, max=MAX_PAGE),
    help="Largest page of units an evaluation returns.",
)
@click.option(
    "--refresh",
    type=click.FloatRange(min=1, max=MAX_REFRESH),
    callback=finite,
    help="Re-read DATA every this many seconds (default: read once at start).",
)
@click.option(
    "--threads",
    default=40,
    show_default=True,
    type=IntRange(min=1, max=MAX_THREADS),
    help="Threads computing requests at once.",
)
@quarantine_option
def serve(
    path: Path | str,
    tokens_file: Path,
    audit_log: Path,
    host: str,
    port: int,
    max_body: int,
    max_page_size: int,
    refresh: float | None,
    threads: int,
    quarantine: bool,
) -> None:
    """Serve the dataset at PATH over HTTP (OpenAPI at /openapi.json, docs at /docs)."""
    try:
        import uvicorn
    except ImportError:
        from drugfree_core.errors import UsageError

        raise UsageError(
            msg('serving needs the [serve] extra: pip install "drugfree-core[serve]"')
        ) from None

    from drugfree_core.io import display_source
    from drugfree_core.service.app import ServiceConfig, create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = ServiceConfig(
        source=path,
        tokens=tokens_file,
        audit_log=audit_log,
        quarantine=quarantine,
        max_body_bytes=max_body,
        max_page_size=max_page_size,
        refresh_seconds=refresh,
        threads=threads,
    )
    click.echo(msg("reading {source} …", source=display_source(path)).render(), err=True)
    app = create_app(config)
    snapshot = app.state.served.snapshot
    url = f"http://{host}:{port}"
    serving = msg(
        "serving {source} (fingerprint {fingerprint}) on {url}",
        source=display_source(path),
        fingerprint=snapshot.fingerprint[:12],
        url=url,
    )
    click.echo(serving.render(), err=True)

    # uvicorn's access log prints query strings; the service logs path and status itself.
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="info")


@click.group(cls=DrugfreeGroup)
def token() -> None:
    """Make bearer tokens for `drugfree serve`."""


@token.command("new")
@click.argument("token_id")
@click.option(
    "--scope",
    "scope",
    required=True,
    help='"national", or province codes separated by commas (31,40).',
)
@click.option(
    "--permission",
    "permissions",
    multiple=True,
    required=True,
    type=Choice(["aggregates", "explain", "cases"]),
    help="What the token may do (repeatable).",
)
def token_new(token_id: str, scope: str, permissions: tuple[str, ...]) -> None:
    """Mint a token called TOKEN_ID: the token on stderr, its tokens-file entry on stdout.

    The file stores only the hash; the token is shown this once, for its holder.
    """
    from drugfree_core.service.auth import NATIONAL, mint_token

    codes = NATIONAL if scope == NATIONAL else [c.strip() for c in scope.split(",") if c.strip()]
    secret, entry = mint_token(token_id, codes, permissions)
    shown = msg("token (give it to its holder; it is not stored): {token}", token=secret)
    click.echo(shown.render(), err=True)
    click.echo(entry, nl=False)


def _moment(stamp: str | None) -> str:
    """An audit log's time in the reader's way; as written when it is not a time."""
    try:
        return format_datetime(dt.datetime.fromisoformat(str(stamp)))
    except ValueError:
        return str(stamp)


@click.command()
@click.argument("log_file", type=ExistingPath(dir_okay=False))
@click.option("--format", "fmt", type=Choice(["text", "json"]), default="text", show_default=True)
def audit(log_file: Path, fmt: str) -> None:
    """Summarise an audit log: requests by token, action and status, denials, durations."""
    import attrs

    from drugfree_core.service.audit import read_entries, summarise

    entries, bad = read_entries(log_file)
    summary = summarise(entries, bad)
    if fmt == "json":
        click.echo(json.dumps(attrs.asdict(summary), ensure_ascii=False, indent=2))
        return
    if summary.requests:
        requests = msgn(
            "{n} request from {first} to {last}",
            "{n} requests from {first} to {last}",
            summary.requests,
            first=_moment(summary.first),
            last=_moment(summary.last),
        )
        click.echo(requests.render())
        click.echo(msg("denied (401/403): {n}", n=summary.denied).render())
        no_token = msg("no token").render()
        for title, counts in (
            (msg("by token: {counts}"), summary.by_token),
            (msg("by action: {counts}"), summary.by_action),
            (msg("by status: {counts}"), summary.by_status),
        ):
            listed = ", ".join(
                f"{no_token if k is None else k} {format_count(v)}" for k, v in counts.items()
            )
            click.echo(title.with_params(counts=listed).render())
    else:
        click.echo(msg("no request in the log").render())
    if summary.median_ms is not None and summary.p95_ms is not None:
        duration = msg(
            "duration: median {median} ms, p95 {p95} ms",
            median=format_number(summary.median_ms, None, 1),
            p95=format_number(summary.p95_ms, None, 1),
        )
        click.echo(duration.render())
    if summary.bad_lines:
        shown = ", ".join(str(n) for n in summary.bad_lines[:10])
        if len(summary.bad_lines) > 10:
            shown = (
                msgn("{lines} and {n} more", "{lines} and {n} more", len(summary.bad_lines) - 10)
                .with_params(lines=shown)
                .render()
            )
        click.echo(msg("lines that are not audit entries: {lines}", lines=shown).render())
