"""``drugfree plugins``: list installed plugins and check them against the conformance kit."""

from __future__ import annotations

import importlib
import json
from typing import TYPE_CHECKING, Any

import click

from drugfree_core.errors import DrugfreeError, PluginError, UsageError

if TYPE_CHECKING:  # the plugin host imports polars: loaded when a command runs, not at start
    from drugfree_core.plugins.host import PluginHost, PluginInfo

_extra_plugins = click.option(
    "--plugin",
    "modules",
    multiple=True,
    metavar="MODULE",
    help="Also load this importable module as a plugin (repeatable), e.g. before packaging it.",
)


def _load_modules(modules: tuple[str, ...]) -> list[tuple[str, object]]:
    loaded: list[tuple[str, object]] = []
    for name in modules:
        try:
            loaded.append((name, importlib.import_module(name)))
        except ImportError as exc:
            raise UsageError(f"cannot import plugin module {name!r}: {exc}") from exc
    return loaded


def _host(modules: tuple[str, ...]) -> PluginHost:
    from drugfree_core.plugins.host import PluginHost

    return PluginHost(plugins=_load_modules(modules))


def _info_lines(info: PluginInfo) -> list[str]:
    dist = f"{info.distribution} {info.version or ''}".strip() if info.distribution else "local"
    lines = [f"{info.name}  ({dist}){'  [built-in]' if info.builtin else ''}"]
    fields = (
        ("hooks", info.hooks),
        ("schemes", info.schemes),
        ("roadmaps", info.roadmaps),
        ("jurisdictions", info.jurisdictions),
        ("parameters", info.parameters),
        ("primitives", info.primitives),
    )
    lines += [f"  {label}: {', '.join(values)}" for label, values in fields if values]
    if info.units:
        lines.append(f"  map units: {info.units}")
    return lines


@click.group(invoke_without_command=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@_extra_plugins
@click.pass_context
def plugins(ctx: click.Context, fmt: str, modules: tuple[str, ...]) -> None:
    """List loaded plugins: distribution, version, hooks, and what each registered."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        infos = _host(modules).plugins()
    except DrugfreeError as exc:
        raise click.ClickException(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps([i.to_dict() for i in infos], ensure_ascii=False, indent=2))
        return
    for info in infos:
        click.echo("\n".join(_info_lines(info)))
        click.echo("")


@plugins.command("check")
@_extra_plugins
@click.option(
    "--all", "include_builtin", is_flag=True, help="Also check the built-in national schemes."
)
@click.option(
    "--max-examples",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="Generated datasets per property check.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def check(modules: tuple[str, ...], include_builtin: bool, max_examples: int, fmt: str) -> None:
    """Load plugins strictly and run the conformance kit; exit 1 on any failure."""
    try:
        from drugfree_core.testing import check_roadmap, check_scheme
    except ImportError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        host = _host(modules)
    except (PluginError, UsageError) as exc:
        _report_load_failure(str(exc), fmt)
        raise SystemExit(1) from exc
    reports: list[dict[str, Any]] = []
    failed = False
    for info in host.plugins():
        if info.builtin and not include_builtin:
            continue
        for scheme_id in info.schemes:
            report = check_scheme(host.scheme(scheme_id), max_examples=max_examples)
            failed |= not report.ok
            reports.append({"plugin": info.name, "kind": "scheme", **report.to_dict()})
            if fmt == "text":
                click.echo(f"{info.name}: {report}")
        for roadmap_id in info.roadmaps:
            report = check_roadmap(host.roadmap(roadmap_id))
            failed |= not report.ok
            reports.append({"plugin": info.name, "kind": "roadmap", **report.to_dict()})
            if fmt == "text":
                click.echo(f"{info.name}: {report}")
    if fmt == "json":
        click.echo(json.dumps({"ok": not failed, "reports": reports}, ensure_ascii=False, indent=2))
    elif not reports:
        click.echo("no plugin schemes or roadmaps to check (use --all for the built-ins)")
    else:
        click.echo("all checks passed" if not failed else "some checks FAILED", err=failed)
    if failed:
        raise SystemExit(1)


def _report_load_failure(message: str, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps({"ok": False, "load_error": message}, ensure_ascii=False, indent=2))
    else:
        click.echo(f"FAIL loading plugins: {message}", err=True)
