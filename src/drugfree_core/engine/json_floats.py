"""Which floats msgspec writes exactly as the standard library's ``json`` does.

The library's JSON is the standard library's text (``json.dumps(..., ensure_ascii=False)``)
byte for byte, written faster by msgspec. The two agree on every float that ``repr``
writes without an exponent: finite, and zero or 1e-4 to 1e16 in size. Outside that,
``repr`` writes ``1e-05`` and ``1e+16`` where msgspec writes ``0.00001`` and ``1e16``,
and msgspec writes ``null`` for ``NaN``. Such a float sends a document the slow way.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl

#: Values that are no float and hold none: a list of only these needs no look inside.
_NO_FLOAT = frozenset({str, int, bool, type(None)})
_TEXT = frozenset({str})
_SCALAR = _NO_FLOAT | {float}


def plain_float(number: float) -> bool:
    """Whether msgspec writes *number* as ``repr`` does (see the module's note)."""
    return number == 0.0 or (math.isfinite(number) and 1e-4 <= abs(number) < 1e16)


def plain_float_expr(column: pl.Expr) -> pl.Expr:
    """:func:`plain_float` over a column of floats (null where the cell is null)."""
    size = column.abs()
    return column.is_finite() & ((column == 0.0) | ((size >= 1e-4) & (size < 1e16)))


def plain_floats(document: Any, *, text_keys: bool = False) -> bool:
    """Whether every float in *document* is :func:`plain_float`.

    Every dict key must be text too (checked unless *text_keys* says so: a float key
    would be written as a float is).
    """
    stack = [document]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is dict:
            if not text_keys and not set(map(type, value)) <= _TEXT:
                return False
            values: Any = value.values()
        elif kind is list or kind is tuple:
            values = value
        elif kind in _NO_FLOAT:
            continue
        else:
            if isinstance(value, float) and not plain_float(value):
                return False
            continue
        kinds = set(map(type, values))
        if kinds <= _NO_FLOAT:  # nothing inside to look at (most lists and leaves)
            continue
        if kinds <= _SCALAR:
            if not all(map(plain_float, (v for v in values if type(v) is float))):
                return False
            continue
        stack.extend(values)
    return True
