"""A stateful Hypothesis machine drives the plugin host through load, disable and re-load.

Eight plugins are installed as entry points (a ``*.dist-info`` folder, as pip makes):
three that work (one of them uses the library while it is imported), four that fail in
their own way (``sys.exit`` and ``KeyboardInterrupt`` at import, a hook that raises
after registering something, a hook that returns its scheme), and one whose scheme id
clashes with a good one's. The machine installs and removes them
(``DRUGFREE_PLUGINS``), disables them for the run (``configure_default_host``, what
``--disable-plugin`` calls) or in the environment (``DRUGFREE_DISABLED_PLUGINS``),
forgets the default host, and loads, strictly and leniently. After every step the host
agrees with a plain model of which plugins should be active:

* a strict load gives exactly the schemes of the active good plugins, or a
  :class:`PluginError` naming only plugins that are at fault, with the two ways out;
* a lenient load leaves out exactly the faulty plugins, lists each one, and keeps
  nothing a faulty plugin registered before it failed;
* the default host is built once and reused until it is reset or reconfigured;
* nothing but the library's errors ever escapes, whatever a plugin raises.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from drugfree_core.errors import DrugfreeError, PluginError
from drugfree_core.plugins import (
    PluginHost,
    configure_default_host,
    default_host,
    reset_default_host,
)
from drugfree_core.schemes.builtins import BUILTIN_SCHEMES

HEADER = """
import attrs
import drugfree_core
from drugfree_core.plugins import hookimpl
from drugfree_core.schemes import builtin_schemes

DRUGFREE_HOOK_API = "1.0"
"""


def _adds(scheme_id: str, *, then: str = "") -> str:
    return (
        HEADER
        + f'''
@hookimpl
def drugfree_register_schemes(registrar):
    registrar.add(attrs.evolve(builtin_schemes()[0], id="{scheme_id}", version="1"))
    {then}
'''
    )


PLUGINS = {
    "smgood_a": _adds("sm-a"),
    "smgood_b": _adds("sm-b"),
    # Uses the library at import: it must work, not be silently ignored.
    "smuses": HEADER
    + """
BASE = drugfree_core.get_scheme("mps-recognition-2024")

@hookimpl
def drugfree_register_schemes(registrar):
    registrar.add(attrs.evolve(BASE, id="sm-uses", version="1"))
""",
    "smexit": "import sys\nsys.exit(0)\n",
    "smkbi": "raise KeyboardInterrupt\n",
    # Registers a scheme, then fails: the scheme must not survive a lenient load.
    "smraise": _adds("sm-partial", then='raise RuntimeError("database unreachable")'),
    "smreturns": HEADER
    + """
@hookimpl
def drugfree_register_schemes(registrar):
    return attrs.evolve(builtin_schemes()[0], id="sm-returned")
""",
    # Registers the same scheme id as smgood_a: the two cannot load together.
    "smclash": _adds("sm-a"),
}
SCHEMES = {"smgood_a": "sm-a", "smgood_b": "sm-b", "smuses": "sm-uses", "smclash": "sm-a"}
ALWAYS_BROKEN = {"smexit", "smkbi", "smraise", "smreturns"}
NAMES = sorted(PLUGINS)
BUILTIN = {s.id for s in BUILTIN_SCHEMES}


def _install(site: Path) -> None:
    for name, text in PLUGINS.items():
        (site / f"{name}.py").write_text(text, encoding="utf-8")
        info = site / f"{name}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
        (info / "entry_points.txt").write_text(f"[drugfree]\n{name} = {name}\n")


class PluginHostMachine(RuleBasedStateMachine):
    """The model: which plugins are installed and disabled; the host must agree."""

    monkeypatch: pytest.MonkeyPatch

    def __init__(self) -> None:
        super().__init__()
        self.installed: set[str] = set()
        self.disabled: set[str] = set()  # per run (--disable-plugin)
        self.env_disabled: set[str] = set()  # DRUGFREE_DISABLED_PLUGINS
        self.built: PluginHost | None = None  # the default host last returned
        for name in PLUGINS:  # each example starts with nothing imported
            sys.modules.pop(name, None)
        self._sync_env()
        configure_default_host(disabled=())
        reset_default_host()

    # ------------------------------------------------------------------ the model

    def _sync_env(self) -> None:
        self.monkeypatch.setenv("DRUGFREE_PLUGINS", ",".join(sorted(self.installed)))
        self.monkeypatch.setenv("DRUGFREE_DISABLED_PLUGINS", ",".join(sorted(self.env_disabled)))

    def active(self) -> set[str]:
        return self.installed - self.disabled - self.env_disabled

    def at_fault(self, active: set[str]) -> set[str]:
        """The active plugins that cannot load (the clash takes both of its sides)."""
        faulty = active & ALWAYS_BROKEN
        if {"smgood_a", "smclash"} <= active:
            faulty |= {"smgood_a", "smclash"}
        return faulty

    # ------------------------------------------------------------------------ rules

    @initialize(installed=st.sets(st.sampled_from(NAMES)), disabled=st.sets(st.sampled_from(NAMES)))
    def start_with_some_installed(self, installed: set[str], disabled: set[str]) -> None:
        self.installed = set(installed)
        self.disabled = set(disabled) & self.installed
        self._sync_env()
        configure_default_host(disabled=self.disabled)
        reset_default_host()

    @rule(name=st.sampled_from(NAMES))
    def install(self, name: str) -> None:
        self.installed.add(name)
        self._sync_env()
        reset_default_host()  # as the documentation says, after installing a plugin
        self.built = None

    @rule(name=st.sampled_from(NAMES))
    def uninstall(self, name: str) -> None:
        self.installed.discard(name)
        self._sync_env()
        reset_default_host()
        self.built = None

    @rule(name=st.sampled_from(NAMES), on=st.booleans())
    def disable_for_the_run(self, name: str, on: bool) -> None:
        before = set(self.disabled)
        (self.disabled.add if on else self.disabled.discard)(name)
        configure_default_host(disabled=self.disabled)
        if self.disabled != before:
            self.built = None  # reconfigured: rebuilt on next use

    @rule(name=st.sampled_from(NAMES), on=st.booleans())
    def disable_in_the_environment(self, name: str, on: bool) -> None:
        (self.env_disabled.add if on else self.env_disabled.discard)(name)
        self._sync_env()
        reset_default_host()  # the environment is read when a host is built
        self.built = None

    @rule()
    def forget_the_default_host(self) -> None:
        reset_default_host()
        self.built = None

    @rule()
    def load_the_default_host(self) -> None:
        active = self.active()
        faulty = self.at_fault(active)
        try:
            host = default_host()
        except PluginError as exc:
            assert faulty, f"no plugin is at fault, yet: {exc}"
            assert exc.plugins and set(exc.plugins) <= faulty, (exc.plugins, faulty)
            for name in exc.plugins:
                assert name in str(exc)
            event("strict load: refused, naming the plugin at fault")
            self.built = None
            return
        except DrugfreeError as exc:  # pragma: no cover - a failure of the test
            raise AssertionError(f"not a PluginError: {exc!r}") from exc
        assert not faulty, f"{sorted(faulty)} should not have loaded"
        ids = {s.id for s in host.schemes()}
        assert ids == BUILTIN | {SCHEMES[n] for n in active}, (ids, active)
        event(f"strict load: {len(active)} plugin(s)")
        if self.built is not None:
            assert host is self.built, "the default host was rebuilt without a reason"
        self.built = host

    @rule()
    def take_the_way_out(self) -> None:
        # What the message tells a person to do: disable the plugins it names, run again.
        for _ in range(len(NAMES) + 1):
            try:
                host = default_host()
            except PluginError as exc:
                assert exc.plugins and set(exc.plugins) <= self.at_fault(self.active())
                self.disabled |= set(exc.plugins)
                configure_default_host(disabled=self.disabled)
                continue
            assert not self.at_fault(self.active())
            ids = {s.id for s in host.schemes()}
            assert ids == BUILTIN | {SCHEMES[n] for n in self.active()}
            event(f"way out: loads with {len(self.active())} plugin(s)")
            self.built = host
            return
        raise AssertionError("disabling the plugins named never let the host load")

    @rule()
    def load_leniently(self) -> None:
        active = self.active()
        faulty = self.at_fault(active)
        host = PluginHost(strict=False, disabled=self.disabled)
        left_out = {f.name for f in host.failures}
        always = active & ALWAYS_BROKEN
        assert always <= left_out, (always, left_out)
        assert left_out <= faulty, (left_out, faulty)
        if {"smgood_a", "smclash"} <= active:
            assert left_out & {"smgood_a", "smclash"}, "a clash must leave a side out"
        for failure in host.failures:
            assert failure.message.strip() and failure.name in failure.message
        loaded = active - left_out
        ids = {s.id for s in host.schemes()}
        assert ids == BUILTIN | {SCHEMES[n] for n in loaded}, (ids, loaded)
        assert "sm-partial" not in ids and "sm-returned" not in ids
        event(f"lenient load: {len(left_out)} left out")
        names = {p.name for p in host.plugins()}
        assert names == {"drugfree-core"} | loaded, (names, loaded)

    # ------------------------------------------------------------------- invariants

    @invariant()
    def a_failed_import_leaves_no_module(self) -> None:
        # A plugin that exited while being imported is imported afresh next time (and
        # reported again), not found half-made in sys.modules.
        for name in ("smexit", "smkbi"):
            assert name not in sys.modules


def test_the_plugin_host_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _install(site)
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delenv("DRUGFREE_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    PluginHostMachine.monkeypatch = monkeypatch
    try:
        run_state_machine_as_test(
            PluginHostMachine, settings=settings(max_examples=40, stateful_step_count=20)
        )
    finally:
        configure_default_host(disabled=())
        reset_default_host()
        for name in PLUGINS:
            sys.modules.pop(name, None)
