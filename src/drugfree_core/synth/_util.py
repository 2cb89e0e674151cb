"""Small vectorised helpers shared by the generator modules: dates, random streams, columns.

Dates are handled as ``int32`` day numbers since 1970-01-01 (polars' physical ``Date``)
so every step is a numpy operation; they become ``pl.Date`` only when frames are built.
"""

from __future__ import annotations

import datetime as dt
import enum
import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

from drugfree_core.dataset.schema import enum_dtype

Days = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

_EPOCH = dt.date(1970, 1, 1)


def day(date: dt.date) -> int:
    """Return *date* as a day number since 1970-01-01."""
    return (date - _EPOCH).days


def stream(seed: int, name: str) -> np.random.Generator:
    """Return the random generator of one named part of the generator.

    Each part (units, residences, tests...) draws from its own stream derived from the seed
    and a stable hash of its name, so changing how one part draws does not shift the others.
    """
    entropy = np.random.SeedSequence([seed, zlib.crc32(name.encode())])
    return np.random.Generator(np.random.PCG64(entropy))


def uniform_days(rng: np.random.Generator, low: Days | int, high: Days | int, size: int) -> Days:
    """Draw day numbers uniformly in ``low .. high`` (inclusive; *high* is raised to *low*)."""
    lo = np.broadcast_to(np.asarray(low, dtype=np.int64), (size,))
    hi = np.maximum(np.broadcast_to(np.asarray(high, dtype=np.int64), (size,)), lo)
    return lo + np.floor(rng.random(size) * (hi - lo + 1)).astype(np.int64)


def add_years(days: Days, years: int | Ints) -> Days:
    """Add calendar years to day numbers (29 February falls back to 28 February)."""
    dates = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    y = dates.astype("datetime64[Y]")
    month_start = dates.astype("datetime64[M]")
    month = month_start - y.astype("datetime64[M]")
    dom = dates - month_start
    target_month = (y + np.asarray(years, dtype=np.int64)).astype("datetime64[M]") + month
    next_month = target_month + 1
    month_len = (next_month.astype("datetime64[D]") - target_month.astype("datetime64[D]")).astype(
        np.int64
    )
    dom_clipped = np.minimum(dom.astype(np.int64), month_len - 1)
    result: Days = target_month.astype("datetime64[D]").astype(np.int64) + dom_clipped
    return result


def date_column(name: str, days: Days, null: Mask | None = None) -> pl.Series:
    """Build a ``Date`` column from day numbers, null where *null* is set."""
    series = pl.Series(name, np.asarray(days, dtype=np.int32)).cast(pl.Date())
    if null is not None and null.any():
        series = series.scatter(np.flatnonzero(null), None)
    return series


def bool_column(name: str, values: Mask, null: Mask | None = None) -> pl.Series:
    """Build a ``Boolean`` column, null where *null* is set."""
    series = pl.Series(name, np.asarray(values, dtype=np.bool_))
    if null is not None and null.any():
        series = series.scatter(np.flatnonzero(null), None)
    return series


def enum_column(
    name: str, members: Sequence[enum.Enum], codes: npt.NDArray[np.integer] | Mask
) -> pl.Series:
    """Build an enum column whose row *i* is ``members[codes[i]]`` (by wire value)."""
    dtype = enum_dtype(type(members[0]))
    lookup = pl.Series(name, [m.value for m in members], dtype=dtype)
    return lookup.gather(np.asarray(codes, dtype=np.uint32))


def id_column(name: str, prefix: str, numbers: Ints, width: int) -> pl.Series:
    """Build string ids ``prefix`` + zero-padded *numbers* (e.g. ``S0001234``)."""
    frame = pl.DataFrame({"n": np.asarray(numbers, dtype=np.int64)})
    out = frame.select(
        (pl.lit(prefix) + pl.col("n").cast(pl.String()).str.zfill(width)).alias(name)
    )
    return out.to_series()


def choose(rng: np.random.Generator, probs: Sequence[float], size: int) -> Ints:
    """Draw category indices with probabilities *probs* (normalised)."""
    p = np.asarray(probs, dtype=np.float64)
    cdf = np.cumsum(p / p.sum())
    picked: Ints = np.searchsorted(cdf, rng.random(size), side="right").astype(np.int64)
    return np.minimum(picked, len(p) - 1)


def group_ptr(counts: Ints) -> Ints:
    """Return CSR offsets (length ``len(counts) + 1``) for groups of the given sizes."""
    ptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr
