"""Package build hook: compile the translation catalogues into the wheel.

The Vietnamese text lives in ``src/drugfree_core/locale/<lang>/LC_MESSAGES/drugfree.po``
(reviewed as text in the repository); the wheel carries it compiled as ``drugfree.mo``,
made here from the ``.po`` by Babel, so no binary is ever committed. An editable install
or a source checkout has no ``.mo``: the library then compiles the ``.po`` in memory when
it first needs it (``drugfree_core.i18n.catalog``), so both always show the same text.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

LOCALE = Path("src/drugfree_core/locale")


class CatalogueBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compile every ``.po`` of the package into a ``.mo`` shipped in the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Add ``drugfree_core/locale/<lang>/LC_MESSAGES/<domain>.mo`` to a wheel."""
        if self.target_name != "wheel" or version == "editable":
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        out = Path(self.directory) / "catalogues"
        for po in sorted((Path(self.root) / LOCALE).glob("*/LC_MESSAGES/*.po")):
            lang = po.parent.parent.name
            with po.open("rb") as f:
                catalog = read_po(f, locale=lang)
            buffer = io.BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            mo = out / lang / f"{po.stem}.mo"
            mo.parent.mkdir(parents=True, exist_ok=True)
            mo.write_bytes(buffer.getvalue())
            inside = f"drugfree_core/locale/{lang}/LC_MESSAGES/{po.stem}.mo"
            build_data["force_include"][str(mo)] = inside
