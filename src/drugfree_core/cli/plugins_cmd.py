"""``drugfree plugins``: list installed plugins and check them against the conformance kit."""

from __future__ import annotations

import importlib
import json
from typing import TYPE_CHECKING, Any

import click

from drugfree_core.cli.common import DrugfreeGroup, lang_option, plugin_way_out
from drugfree_core.errors import PluginError
from drugfree_core.i18n import msg

if TYPE_CHECKING:  # the plugin host imports polars: loaded when a command runs, not at start
    from drugfree_core.plugins.host import PluginFailure, PluginHost, PluginInfo

_extra_plugins = click.option(
    "--plugin",
    "modules",
    multiple=True,
    metavar="MODULE",
    help="Also load this importable module as a plugin (repeatable), e.g. before packaging it.",
)


def _load_modules(modules: tuple[str, ...]) -> tuple[list[tuple[str, object]], list[PluginFailure]]:
    from drugfree_core.plugins.host import PluginFailure

    loaded: list[tuple[str, object]] = []
    failed: list[PluginFailure] = []
    for name in modules:
        try:
            loaded.append((name, importlib.import_module(name)))
        except BaseException as exc:  # even SystemExit: a plugin's fault is reported
            if isinstance(exc, SystemExit):
                message = msg(
                    "cannot import plugin module {name}: it called sys.exit()", name=repr(name)
                )
            else:
                message = msg(
                    "cannot import plugin module {name}: {error}", name=repr(name), error=repr(exc)
                )
            failed.append(PluginFailure(name=name, message=message.render()))
    return loaded, failed


def _host(ctx: click.Context, modules: tuple[str, ...]) -> PluginHost:
    """A lenient host: every plugin that loads, and the failures of those that do not."""
    from drugfree_core.plugins.host import PluginHost

    loaded, failed = _load_modules(modules)
    disabled = ctx.find_root().meta.get("drugfree.disabled_plugins", ())
    host = PluginHost(plugins=loaded, disabled=disabled, strict=False)
    failures = (*failed, *host.failures)
    ctx.meta["drugfree.plugin_failures"] = failures
    return host


def _failures(ctx: click.Context) -> tuple[PluginFailure, ...]:
    failures: tuple[PluginFailure, ...] = ctx.meta.get("drugfree.plugin_failures", ())
    return failures


def _echo_failures(failures: tuple[PluginFailure, ...]) -> None:
    for failure in failures:
        click.echo(
            msg("FAIL {plugin}: {message}", plugin=failure.name, message=failure.message).render(),
            err=True,
        )
    if failures:
        click.echo(plugin_way_out(tuple(f.name for f in failures)), err=True)


def _info_lines(info: PluginInfo) -> list[str]:
    if info.distribution:
        dist = f"{info.distribution} {info.version or ''}".strip()
    else:
        dist = msg("local").render()
    head = f"{info.name}  ({dist})"
    if info.builtin:
        head += "  " + msg("[built-in]").render()
    listed = (
        (info.hooks, msg("hooks: {values}")),
        (info.schemes, msg("schemes: {values}")),
        (info.roadmaps, msg("roadmaps: {values}")),
        (info.jurisdictions, msg("jurisdictions: {values}")),
        (info.parameters, msg("parameters: {values}")),
        (info.primitives, msg("primitives: {values}")),
    )
    lines = [head]
    lines += ["  " + label.with_params(values=", ".join(v)).render() for v, label in listed if v]
    if info.units:
        lines.append("  " + msg("map units: {n}", n=info.units).render())
    return lines


@click.group(cls=DrugfreeGroup, invoke_without_command=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@_extra_plugins
@lang_option
@click.pass_context
def plugins(ctx: click.Context, fmt: str, modules: tuple[str, ...], lang: str) -> None:
    """List loaded plugins: distribution, version, hooks, and what each registered."""
    if ctx.invoked_subcommand is not None:
        return
    infos = _host(ctx, modules).plugins()
    failures = _failures(ctx)
    if fmt == "json":
        click.echo(json.dumps([i.to_dict() for i in infos], ensure_ascii=False, indent=2))
    else:
        for info in infos:
            click.echo("\n".join(_info_lines(info)))
            click.echo("")
    # The plugins that load are listed; the broken ones are named, and the exit code says so.
    _echo_failures(failures)
    if failures:
        raise SystemExit(1)


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
@lang_option
@click.pass_context
def check(
    ctx: click.Context,
    modules: tuple[str, ...],
    include_builtin: bool,
    max_examples: int,
    fmt: str,
    lang: str,
) -> None:
    """Load plugins strictly and run the conformance kit; exit 1 on any failure."""
    try:
        from drugfree_core.testing import check_roadmap, check_scheme
    except ImportError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        host = _host(ctx, modules)
    except PluginError as exc:  # the built-in plugin itself: nothing can run
        from drugfree_core.plugins.host import PluginFailure

        _report_load_failure([PluginFailure(name="drugfree-core", message=str(exc))], fmt, [])
        raise SystemExit(1) from exc
    # A plugin that cannot load fails the check; the others are still checked.
    failures = list(_failures(ctx))
    if failures and fmt == "text":
        _report_load_failure(failures, fmt, [])
    reports: list[dict[str, Any]] = []
    failed = bool(failures)
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
        if failures:
            _report_load_failure(failures, fmt, reports)
        else:
            click.echo(
                json.dumps({"ok": not failed, "reports": reports}, ensure_ascii=False, indent=2)
            )
    elif not reports and not failures:
        click.echo(
            msg("no plugin schemes or roadmaps to check (use --all for the built-ins)").render()
        )
    elif failed:
        click.echo(msg("some checks FAILED").render(), err=True)
    else:
        click.echo(msg("all checks passed").render())
    if failed:
        raise SystemExit(1)


def _report_load_failure(
    failures: list[PluginFailure], fmt: str, reports: list[dict[str, Any]]
) -> None:
    if fmt == "json":
        errors = [f.to_dict() for f in failures]
        doc = {
            "ok": False,
            "load_error": errors[0]["message"],
            "load_errors": errors,
            "reports": reports,
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for failure in failures:
            click.echo(
                msg("FAIL loading plugins: {message}", message=failure.message).render(), err=True
            )
        click.echo(plugin_way_out(tuple(f.name for f in failures)), err=True)
