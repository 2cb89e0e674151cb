"""Evaluations of a small part of the data, run as one step on polars' thread pool.

Evaluating the records of one commune, or of the communes of a province, makes hundreds
of polars calls of microseconds to milliseconds each. From an ordinary thread, each call
is handed to polars' pool and waits for a worker: about 0.1 ms when the pool is idle
(see :mod:`drugfree_core._polars_pool`), and as long as another query's tasks take when
a national evaluation keeps the pool busy. Beside the national scheme in a report,
Thanh Hóa's own scheme took 233-373 ms on a date against 45-54 ms alone. Run as one
step on a worker of the pool, such an evaluation's calls run at once.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

from drugfree_core._polars_pool import on_polars_pool
from drugfree_core.model.enums import UnitLevel
from drugfree_core.rules.primitives import custom_rule_names
from drugfree_core.rules.scheme import Scheme

_T = TypeVar("_T")


def on_pool_if_small(scheme: Scheme, work: Callable[[], _T]) -> _T:
    """``work()``, an evaluation with *scheme* of a small part of the data, on polars' pool.

    It stays on the calling thread when *scheme* judges provinces (a province's rules read
    its whole territory: queries large enough to be worth handing over, and a step of
    seconds) or has a custom rule (a plugin's own code may count on its thread). The
    caller decides that the data are small. The work runs once, in a copy of the
    caller's :mod:`contextvars` context, and its error reaches the caller (see
    :func:`~drugfree_core._polars_pool.on_polars_pool`).
    """
    if scheme.unit_level is UnitLevel.PROVINCE or has_custom_rule(scheme):
        return work()
    return on_polars_pool(work)


#: id(scheme) → (the scheme, weakly; whether it has a custom rule). A scheme never
#: changes, but it cannot be hashed (its overrides are a dict), and walking a large one
#: takes most of a millisecond, every explanation.
_CUSTOM_RULES: dict[int, tuple[weakref.ref[Scheme], bool]] = {}


def has_custom_rule(scheme: Scheme) -> bool:
    """Whether a criterion of *scheme* uses a custom Python rule (kept while it lives)."""
    key = id(scheme)
    known = _CUSTOM_RULES.get(key)
    if known is not None and known[0]() is scheme:
        return known[1]
    found = any(custom_rule_names(criterion.rule) for criterion in scheme.criteria)
    # The entry goes with its scheme (before its id can be another's). The callback holds
    # the dict itself: at exit the interpreter may set this module's names to None before
    # the last schemes go, and a callback reading the name then printed a traceback.
    rules = _CUSTOM_RULES
    forget = weakref.ref(scheme, lambda _: rules.pop(key, None))
    rules[key] = (forget, found)
    return found
