"""Where a report comes from: versions, schemes, plugins and a fingerprint of the data.

The fingerprint (scheme :data:`FINGERPRINT_SCHEME`) identifies a dataset's content
whatever the row order and the file format, without sorting millions of rows:

* every cell becomes one or more 64-bit numbers: a date its day number, a number its
  bits (one pattern for zero, one for NaN), a boolean 0 or 1, a category its rank among
  the column's category names, a text its length in bytes and its UTF-8 bytes eight at a
  time; a missing cell becomes a marker of its column;
* each row is folded, cell by cell in column order, into two independent 64-bit hashes
  (two multipliers, two final mixers: splitmix64 and MurmurHash3's fmix64);
* each table adds its name, whether the input supplied it, its columns and row count
  and the sums of its rows' hashes modulo 2**64 to a SHA-256 (a sum does not depend on
  the order of the rows), and quarantined records follow by table, location and reason,
  since leaving them out changes the results.

Scheme 1 (drugfree-core 0.1) sorted every table on all its columns and hashed it as CSV;
the same data give another value under scheme 2. Equal fingerprints mean the same data
with overwhelming probability (two different tables agree by chance with a probability
of about 2**-128); the row hashes are not cryptographic, so it is a label of the content,
not a seal against deliberate tampering (sign the files for that).
"""

from __future__ import annotations

import functools
import hashlib
import threading
from typing import TYPE_CHECKING, Any

import polars as pl

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.schema import TABLES

if TYPE_CHECKING:
    import numpy as np

#: Name and version of the fingerprint's computation (hashed first, documented above).
FINGERPRINT_SCHEME = "drugfree-fingerprint/3"

_MASK = (1 << 64) - 1
#: Rows hashed at a time: small enough for the working arrays to stay in the CPU cache.
_CHUNK = 1 << 16
#: Rows whose cells are converted at a time: the numbers of a whole 4-million-row table
#: would hold a quarter of a gigabyte at once (the national report's peak).
_BLOCK = 1 << 19


def _u64(value: int) -> np.ndarray:
    # one-element arrays: numpy scalars warn when arithmetic wraps, arrays wrap silently
    import numpy as np

    return np.array([value & _MASK], dtype=np.uint64)


@functools.cache
def _lanes() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Per lane: a starting value and the multiplier that folds in each cell.

    Made at the first fingerprint, like every use of numpy here: importing numpy (some
    50 ms) then falls on the report's worker thread, beside the reference date, instead
    of on the start of every report.
    """
    return (
        (_u64(0x243F6A8885A308D3), _u64(0x9E3779B97F4A7C15)),
        (_u64(0x13198A2E03707344), _u64(0xC2B2AE3D27D4EB4F)),
    )


def _splitmix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser (a bijection of 64-bit numbers that mixes every bit)."""
    import numpy as np

    x = x ^ (x >> np.uint64(30))
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    out: np.ndarray = x ^ (x >> np.uint64(31))
    return out


def _murmur(x: np.ndarray) -> np.ndarray:
    """MurmurHash3's fmix64: a second, unrelated 64-bit mixer."""
    import numpy as np

    x = x ^ (x >> np.uint64(33))
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    out: np.ndarray = x ^ (x >> np.uint64(33))
    return out


_MIXERS = (_splitmix, _murmur)


def _text_cells(text: pl.Series, words: int) -> list[np.ndarray]:
    """A text column as its byte length and its UTF-8 bytes, eight at a time.

    The bytes are read as little-endian 64-bit numbers, the last eight padded with zero
    bytes (the length tells "a" from "a" followed by a zero byte); *words* numbers per
    cell, as many as the column's longest text needs, so that every block of rows gives
    the same numbers. Nothing is sorted.
    """
    import numpy as np

    lengths = text.str.len_bytes().fill_null(0)
    cells = [lengths.cast(pl.UInt64()).to_numpy().astype(np.uint64, copy=False)]
    if words == 0:
        return cells
    # Texts that all fill their words exactly (fixed-width ids) need no padding.
    full = int(lengths.min() or 0) == 8 * words  # type: ignore[arg-type]
    raw = (text if full else text + "\x00" * 7).cast(pl.Binary())
    if full and words == 1:
        # Every text is one word exactly (ids such as "S0000001"): read it whole, without
        # copying its eight bytes out first (a quarter of the time of 4 million tests).
        word = raw.bin.reinterpret(dtype=pl.UInt64(), endianness="little")
        cells.append(word.fill_null(0).to_numpy().astype(np.uint64, copy=False))
        return cells
    for i in range(0, 8 * words, 8):
        word = raw.bin.slice(i, 8).bin.reinterpret(dtype=pl.UInt64(), endianness="little")
        cells.append(word.fill_null(0).to_numpy().astype(np.uint64, copy=False))
    return cells


def _words(column: pl.Series) -> int:
    """How many 64-bit numbers the column's longest text needs (0 for other columns)."""
    if column.dtype not in (pl.String(), pl.Categorical()):
        return 0
    longest = int(column.cast(pl.String()).str.len_bytes().max() or 0)  # type: ignore[arg-type]
    return -(-longest // 8)


def _cells(column: pl.Series, words: int) -> list[np.ndarray]:
    """The column's cells as 64-bit numbers, one or more per cell (missing: anything).

    *words* is :func:`_words` of the whole column, of which *column* may be a block.
    """
    import numpy as np

    dtype = column.dtype
    if isinstance(dtype, pl.Enum):
        # Each category's rank by value, so that the order of the categories does not count.
        codes = column.to_physical().fill_null(0).to_numpy()
        ranks = pl.Series(dtype.categories).arg_sort().to_numpy()
        if (ranks == np.arange(len(ranks))).all():
            return [codes.astype(np.uint64)]  # categories in order: a code is its rank
        rank_of = np.empty(len(ranks), dtype=np.uint64)
        rank_of[ranks] = np.arange(len(ranks), dtype=np.uint64)
        return [np.take(rank_of, codes)]
    if dtype in (pl.String(), pl.Categorical()):
        return _text_cells(column.cast(pl.String()), words)
    if dtype == pl.Date():
        return [
            column.cast(pl.Int64())
            .fill_null(0)
            .to_numpy()
            .astype(np.int64, copy=False)
            .view(np.uint64)
        ]
    if dtype == pl.Boolean():
        return [column.cast(pl.UInt64()).fill_null(0).to_numpy().astype(np.uint64, copy=False)]
    if dtype.is_float():
        # One bit pattern for zero and one for NaN, as CSV and JSON cannot tell them apart.
        floats = column.cast(pl.Float64()).fill_null(0.0).fill_nan(float("nan")).to_numpy()
        return [np.where(floats == 0.0, 0.0, floats).astype("<f8").view(np.uint64)]
    if dtype.is_integer():
        return [
            column.cast(pl.Int64())
            .fill_null(0)
            .to_numpy()
            .astype(np.int64, copy=False)
            .view(np.uint64)
        ]
    raise TypeError(f"no fingerprint encoding for {dtype}")  # pragma: no cover - schema types


class FingerprintStopped(Exception):
    """The fingerprint was given up: its *stop* was set (see :func:`fingerprint`)."""


def _table_digest(frame: pl.DataFrame, digest: Any, stop: threading.Event | None) -> None:
    """Fold the table's rows, order-free, into *digest* (see the module documentation)."""
    words = {name: _words(frame[name]) for name in frame.columns}
    totals = [_u64(0), _u64(0)]
    for start in range(0, frame.height, _BLOCK):
        if stop is not None and stop.is_set():
            raise FingerprintStopped
        _fold_block(frame.slice(start, _BLOCK), words, totals)
    for total in totals:
        digest.update(int(total[0]).to_bytes(8, "little"))


def _fold_block(block: pl.DataFrame, words: dict[str, int], totals: list[np.ndarray]) -> None:
    """Add the hashes of *block*'s rows to the two lanes' *totals*."""
    import numpy as np

    columns: list[tuple[np.ndarray, np.ndarray | None]] = []
    for name in block.columns:
        column = block[name]
        missing = column.is_null().to_numpy() if column.null_count() else None
        columns.extend((cells, missing) for cells in _cells(column, words[name]))
    for begin in range(0, block.height, _CHUNK):
        end = min(begin + _CHUNK, block.height)
        # Each cell's number, salted by its column, once for both lanes.
        salted = []
        for j, (cells, missing) in enumerate(columns):
            x = cells[begin:end] ^ _u64(0x632BE59BD9B4E019 * (j + 1))
            if missing is not None:
                # a missing cell: a per-column marker no real cell maps to by chance
                np.copyto(x, _u64(0xA5A5A5A5A5A5A5A5 + j), where=missing[begin:end])
            salted.append(x)
        for (seed, step), mix, total in zip(_lanes(), _MIXERS, totals, strict=True):
            h = np.full(end - begin, seed[0], dtype=np.uint64)
            for x in salted:
                h *= step
                h += x
            total += mix(h).sum(dtype=np.uint64)


def fingerprint(dataset: Dataset, *, stop: threading.Event | None = None) -> str:
    """SHA-256 (hex) identifying the dataset's content, independent of row order and format.

    The same records read from JSON, CSV or Parquet, in any order, give the same value;
    whether a table was supplied at all counts too, and so do quarantined records. See
    the module documentation for how it is computed (scheme :data:`FINGERPRINT_SCHEME`).
    A *stop* set while it runs makes it give up at its next block of rows (a report that
    failed waits for no more than that), raising :class:`FingerprintStopped`.
    """
    digest = hashlib.sha256(FINGERPRINT_SCHEME.encode())
    for table in TABLES:
        frame = dataset.frame(table.name)
        given = "given" if table.name in dataset.supplied else "absent"
        header = f"\x00{table.name}\x00{given}\x00{len(frame)}\x00{','.join(frame.columns)}\x00"
        digest.update(header.encode())
        if len(frame):
            _table_digest(frame, digest, stop)
    for record in sorted(dataset.quarantined, key=lambda r: (r.table, r.location)):
        digest.update(f"\x00q\x00{record.table}\x00{record.location}\x00{record.reason}".encode())
    return digest.hexdigest()
