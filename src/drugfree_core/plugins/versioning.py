"""The hook API version, compatibility checks and the deprecation path.

Policy (documented for plugin authors in ``docs/explanation/hook-api-versioning.md``):

* The hook API has its own version, ``MAJOR.MINOR``, separate from the library's.
* Within a major version changes are **additive only**: new hooks, new registrar methods,
  new optional keyword arguments. A plugin written for ``1.0`` keeps working on ``1.x``.
* A plugin declares the version it was written for in ``DRUGFREE_HOOK_API``. It loads
  when the major versions match and its minor version is not newer than the library's.
* Something that will go away is first deprecated: using it emits a
  :class:`RemovedInHookApi2Warning` (a :class:`DrugfreeDeprecationWarning`) naming the
  replacement, for at least two minor releases; it is removed only in the next major.
"""

from __future__ import annotations

import re

from drugfree_core.i18n import Message, msg

#: The hook API this library implements.
HOOK_API_VERSION = "1.1"

_VERSION = re.compile(r"^(\d+)\.(\d+)$")

#: The line a plugin module declares the hook API it was written for with.
_DECLARATION = f'DRUGFREE_HOOK_API = "{HOOK_API_VERSION}"'


class DrugfreeDeprecationWarning(DeprecationWarning):
    """Something a plugin or caller uses is deprecated; the message names the replacement."""


class RemovedInHookApi2Warning(DrugfreeDeprecationWarning):
    """Deprecated in hook API 1.x; removed in hook API 2.0."""


def parse_api_version(text: object) -> tuple[int, int] | None:
    """``(major, minor)`` from ``"1.0"``; ``None`` when *text* is not of that form."""
    if not isinstance(text, str):
        return None
    match = _VERSION.match(text)
    return (int(match[1]), int(match[2])) if match else None


def api_incompatibility(declared: object) -> Message | None:
    """Why a plugin declaring hook API *declared* cannot load, or ``None`` if it can."""
    ours = parse_api_version(HOOK_API_VERSION)
    assert ours is not None
    theirs = parse_api_version(declared)
    if declared is None:
        return msg(
            "does not declare the hook API it was written for; add {line} to the plugin module",
            line=_DECLARATION,
        )
    if theirs is None:
        return msg(
            'declares DRUGFREE_HOOK_API = {declared}; expected "MAJOR.MINOR" such as "1.0"',
            declared=repr(declared),
        )
    if theirs[0] != ours[0]:
        return msg(
            "was written for hook API {declared}, but this drugfree-core implements {ours}; "
            "install a drugfree-core with hook API {major}.x",
            declared=str(declared),
            ours=HOOK_API_VERSION,
            major=str(theirs[0]),
        )
    if theirs[1] > ours[1]:
        return msg(
            "needs hook API {declared}, newer than this drugfree-core's {ours}; upgrade "
            "drugfree-core",
            declared=str(declared),
            ours=HOOK_API_VERSION,
        )
    return None
