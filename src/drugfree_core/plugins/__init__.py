"""The plugin SDK: hooks, registrars, the plugin host and the hook API version.

A plugin author needs :data:`hookimpl`, the registrars' methods and the rule classes::

    from drugfree_core.plugins import hookimpl

    DRUGFREE_HOOK_API = "1.0"

    @hookimpl
    def drugfree_register_schemes(registrar):
        registrar.add(MY_SCHEME)
"""

from drugfree_core.plugins.hookspecs import PROJECT, hookimpl, hookspec
from drugfree_core.plugins.host import (
    PluginFailure,
    PluginHost,
    PluginInfo,
    SchemeChoice,
    configure_default_host,
    default_host,
    reset_default_host,
)
from drugfree_core.plugins.lookup import all_schemes, get_scheme
from drugfree_core.plugins.registrars import (
    AdminMapRegistrar,
    IndicatorRegistrar,
    ParameterRegistrar,
    PluginRef,
    Primitive,
    PrimitiveRegistrar,
    RoadmapRegistrar,
    SchemeRegistrar,
)
from drugfree_core.plugins.versioning import (
    HOOK_API_VERSION,
    DrugfreeDeprecationWarning,
    RemovedInHookApi2Warning,
)

__all__ = [
    "HOOK_API_VERSION",
    "PROJECT",
    "AdminMapRegistrar",
    "DrugfreeDeprecationWarning",
    "IndicatorRegistrar",
    "ParameterRegistrar",
    "PluginFailure",
    "PluginHost",
    "PluginInfo",
    "PluginRef",
    "Primitive",
    "PrimitiveRegistrar",
    "RemovedInHookApi2Warning",
    "RoadmapRegistrar",
    "SchemeChoice",
    "SchemeRegistrar",
    "all_schemes",
    "configure_default_host",
    "default_host",
    "get_scheme",
    "hookimpl",
    "hookspec",
    "reset_default_host",
]
