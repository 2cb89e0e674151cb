"""A check that a plugin distribution is installed and found through its entry point."""

from __future__ import annotations

from collections.abc import Iterable

from drugfree_core.plugins.host import PluginHost, PluginInfo


def assert_plugin_installed(
    entry_point: str,
    *,
    distribution: str,
    schemes: Iterable[str] = (),
    roadmaps: Iterable[str] = (),
) -> PluginInfo:
    """Assert that *entry_point* loads from *distribution* and registers these ids.

    Autoload is on and the ``DRUGFREE_*`` switches are ignored, so the check answers
    "is the entry point installed?" whatever the environment says. Returns the plugin's
    :class:`~drugfree_core.plugins.PluginInfo` for further checks.
    """
    host = PluginHost(autoload=True, environ={})
    found = {info.name: info for info in host.plugins()}
    assert entry_point in found, (
        f"entry point {entry_point!r} not found: install the distribution "
        f"(pip install -e .); loaded: {', '.join(sorted(found))}"
    )
    info = found[entry_point]
    assert info.distribution == distribution, (
        f"entry point {entry_point!r} comes from {info.distribution}, not {distribution}"
    )
    assert set(info.schemes) == set(schemes), f"schemes {info.schemes} != {tuple(schemes)}"
    assert set(info.roadmaps) == set(roadmaps), f"roadmaps {info.roadmaps} != {tuple(roadmaps)}"
    return info
