"""Unit codes of the official map: bare after the 2025 reform, namespaced before it.

The General Statistics Office reused codes across the 1 July 2025 reform (old 24 is Bắc
Giang, new 24 is Bắc Ninh; old and new commune codes collide too), so a code alone does
not name one unit. Post-reform codes stay as published; every pre-reform code carries
:data:`PRE_REFORM_PREFIX`.
"""

from __future__ import annotations

from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg

#: Namespace of codes of units that ended on 30 June 2025 (``"pre2025:24"``).
PRE_REFORM_PREFIX = "pre2025:"


def is_pre_reform_code(code: str) -> bool:
    """Whether *code* is a namespaced pre-reform code."""
    if not isinstance(code, str):
        raise UsageError(msg("a unit code must be a str, not {type}", type=type(code).__name__))
    return code.startswith(PRE_REFORM_PREFIX)


def official_code(code: str) -> str:
    """The code as published, without the pre-reform namespace (``"pre2025:24"`` → ``"24"``)."""
    return code[len(PRE_REFORM_PREFIX) :] if is_pre_reform_code(code) else code


def pre_reform_code(code: str) -> str:
    """The namespaced code of a pre-reform unit (``"24"`` → ``"pre2025:24"``; idempotent)."""
    return code if is_pre_reform_code(code) else PRE_REFORM_PREFIX + code
