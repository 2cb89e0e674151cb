"""Package build hook: compile the translation catalogues into the wheel.

The Vietnamese text lives in ``src/drugfree_core/locale/<lang>/LC_MESSAGES/drugfree.po``
(reviewed as text in the repository); the wheel carries it compiled as ``drugfree.mo``,
made here from the ``.po`` by Babel, so no binary is ever committed. An editable install
or a source checkout has no ``.mo``: the library then compiles the ``.po`` when it first
needs it and keeps the copy (``drugfree_core.i18n.catalogue_cache``). Both compile with
the same function (``drugfree_core/i18n/po_compile.py``, loaded here on its own), so both
always show the same text.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path("src/drugfree_core/locale")
COMPILER = Path("src/drugfree_core/i18n/po_compile.py")


def _compile_po(root: Path) -> Callable[[bytes, str], bytes]:
    """The library's ``compile_po``, from its file alone (the package is not importable)."""
    spec = importlib.util.spec_from_file_location("_drugfree_po_compile", root / COMPILER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    compile_po: Callable[[bytes, str], bytes] = module.compile_po
    return compile_po


class CatalogueBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile every ``.po`` of the package into a ``.mo`` shipped in the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Add ``drugfree_core/locale/<lang>/LC_MESSAGES/<domain>.mo`` to a wheel."""
        if self.target_name != "wheel" or version == "editable":
            return
        compile_po = _compile_po(Path(self.root))
        out = Path(self.directory) / "catalogues"
        for po in sorted((Path(self.root) / LOCALE).glob("*/LC_MESSAGES/*.po")):
            lang = po.parent.parent.name
            mo = out / lang / f"{po.stem}.mo"
            mo.parent.mkdir(parents=True, exist_ok=True)
            mo.write_bytes(compile_po(po.read_bytes(), lang))
            inside = f"drugfree_core/locale/{lang}/LC_MESSAGES/{po.stem}.mo"
            build_data["force_include"][str(mo)] = inside
