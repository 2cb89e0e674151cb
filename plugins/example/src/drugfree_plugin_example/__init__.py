"""An example drugfree-core plugin for a fictional province (code 99): copy it.

The plugin itself is :mod:`drugfree_plugin_example.plugin`, loaded through the
``drugfree`` entry point ``example``. Nothing in it is a real rule.
"""

from drugfree_plugin_example.plugin import PROVINCE, ROADMAP_ID, SCHEME_ID

__all__ = ["PROVINCE", "ROADMAP_ID", "SCHEME_ID"]
