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
scheme 2 hashed rows as this one does, before the finding tables were added. The same
data give another value under each scheme. Equal fingerprints mean the same data
with overwhelming probability (two different tables agree by chance with a probability
of about 2**-128); the row hashes are not cryptographic, so it is a label of the content,
not a seal against deliberate tampering (sign the files for that).
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import polars as pl

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.schema import TABLES

#: Name and version of the fingerprint's computation (hashed first, documented above).
FINGERPRINT_SCHEME = "drugfree-fingerprint/3"

_MASK = (1 << 64) - 1
#: Rows folded at a time: the numbers of a whole 4-million-row table would hold a
#: quarter of a gigabyte at once (the national report's peak).
_BLOCK = 1 << 19
_U64 = pl.UInt64()


def _u64(value: int) -> pl.Expr:
    """*value* modulo 2**64 as a polars literal (polars' 64-bit arithmetic wraps)."""
    return pl.lit(value & _MASK, dtype=_U64)


#: Per lane: a starting value and the multiplier that folds in each cell.
_LANES = ((0x243F6A8885A308D3, 0x9E3779B97F4A7C15), (0x13198A2E03707344, 0xC2B2AE3D27D4EB4F))


def _shifted(x: pl.Expr, bits: int) -> pl.Expr:
    """``x >> bits`` for 64-bit unsigned numbers (polars has no shift: an exact division)."""
    return x // _u64(1 << bits)


#: The lanes' final mixers, as steps over a column: splitmix64's finaliser, and MurmurHash3's
#: fmix64 (two unrelated bijections of 64-bit numbers that mix every bit). A step is
#: ("xor", k): x ^= x >> k, or ("mul", m): x *= m.
_MIXERS: tuple[tuple[tuple[str, int], ...], ...] = (
    (  # splitmix64
        ("xor", 30),
        ("mul", 0xBF58476D1CE4E5B9),
        ("xor", 27),
        ("mul", 0x94D049BB133111EB),
        ("xor", 31),
    ),
    (  # fmix64
        ("xor", 33),
        ("mul", 0xFF51AFD7ED558CCD),
        ("xor", 33),
        ("mul", 0xC4CEB9FE1A85EC53),
        ("xor", 33),
    ),
)


def _mix_step(x: pl.Expr, step: tuple[str, int]) -> pl.Expr:
    kind, value = step
    return x ^ _shifted(x, value) if kind == "xor" else x * _u64(value)


def _text_cell_exprs(text: pl.Expr, words: int, full: bool) -> list[pl.Expr]:
    """A text column as its byte length and its UTF-8 bytes, eight at a time.

    The bytes are read as little-endian 64-bit numbers, the last eight padded with zero
    bytes (the length tells "a" from "a" followed by a zero byte); *words* numbers per
    cell, as many as the column's longest text needs, so that every block of rows gives
    the same numbers. *full*: every text fills its words exactly (fixed-width ids), so
    none needs padding. Nothing is sorted.
    """
    cells = [text.str.len_bytes().fill_null(0).cast(_U64)]
    if words == 0:
        return cells
    if full and words == 1:
        # Every text is one word exactly (ids such as "S0000001"): read it whole.
        word = text.cast(pl.Binary()).bin.reinterpret(dtype=_U64, endianness="little")
        return [*cells, word.fill_null(0)]
    raw = (text if full else text + pl.lit("\x00" * 7)).cast(pl.Binary())
    for i in range(0, 8 * words, 8):
        word = raw.bin.slice(i, 8).bin.reinterpret(dtype=_U64, endianness="little")
        cells.append(word.fill_null(0))
    return cells


def _text_layout(column: pl.Series) -> tuple[int, bool]:
    """The words a text column's cells take, and whether every text fills them exactly.

    Words: how many 64-bit numbers the column's longest text needs (0 for other columns).
    """
    if column.dtype not in (pl.String(), pl.Categorical()):
        return 0, False
    lengths = column.cast(pl.String()).str.len_bytes()
    longest = int(lengths.max() or 0)  # type: ignore[arg-type]
    words = -(-longest // 8)
    return words, words > 0 and not lengths.has_nulls() and int(lengths.min()) == 8 * words  # type: ignore[arg-type]


def _cell_exprs(name: str, dtype: pl.DataType, layout: tuple[int, bool]) -> list[pl.Expr]:
    """The column's cells as 64-bit numbers, one or more per cell (missing: anything).

    *layout* is :func:`_text_layout` of the whole column. A float cell is read as its
    bits (:func:`_float_bits`).
    """
    column = pl.col(name)
    if isinstance(dtype, pl.Enum):
        # Each category's rank by value, so that the order of the categories does not count.
        categories = list(dtype.categories)
        ranks = sorted(range(len(categories)), key=categories.__getitem__)
        codes = column.to_physical()
        if ranks == list(range(len(ranks))):
            return [codes.cast(_U64).fill_null(0)]  # categories in order: a code is its rank
        rank_of = [0] * len(ranks)
        for rank, code in enumerate(ranks):
            rank_of[code] = rank
        ranked = codes.replace_strict(list(range(len(ranks))), rank_of, return_dtype=_U64)
        return [ranked.fill_null(0)]
    if dtype in (pl.String(), pl.Categorical()):
        return _text_cell_exprs(column.cast(pl.String()), *layout)
    if dtype == pl.Date() or dtype.is_integer():
        return [column.cast(pl.Int64()).fill_null(0).reinterpret(signed=False)]
    if dtype == pl.Boolean():
        return [column.cast(_U64).fill_null(0)]
    if dtype.is_float():
        return [_float_bits(column)]
    raise TypeError(f"no fingerprint encoding for {dtype}")  # pragma: no cover - internal: schema


def _float_bits(column: pl.Expr) -> pl.Expr:
    """A float cell's bits, as polars reads them (no numpy: see :func:`_block_sums`).

    One pattern for zero and one for NaN, as CSV and JSON cannot tell them apart.
    """
    floats = column.cast(pl.Float64()).fill_null(0.0).fill_nan(float("nan"))
    return pl.when(floats == 0.0).then(pl.lit(0.0)).otherwise(floats).reinterpret(dtype=_U64)


def _cells(column: pl.Series, layout: tuple[int, bool]) -> list[pl.Series]:
    """The numbers :func:`_cell_exprs` makes of *column*, one Series per number of a cell."""
    frame = column.to_frame()
    exprs = _cell_exprs(column.name, column.dtype, layout)
    return frame.select(e.alias(f"c{k}") for k, e in enumerate(exprs)).get_columns()


class FingerprintStopped(Exception):
    """The fingerprint was given up: its *stop* was set (see :func:`fingerprint`)."""


def _table_digest(frame: pl.DataFrame, digest: Any, stop: threading.Event | None) -> None:
    """Fold the table's rows, order-free, into *digest* (see the module documentation)."""
    layouts = {name: _text_layout(frame[name]) for name in frame.columns}
    totals = [0, 0]
    for start in range(0, frame.height, _BLOCK):
        if stop is not None and stop.is_set():
            raise FingerprintStopped
        for lane, added in enumerate(_block_sums(frame.slice(start, _BLOCK), layouts)):
            totals[lane] = (totals[lane] + added) & _MASK
    for total in totals:
        digest.update(total.to_bytes(8, "little"))


def _block_sums(block: pl.DataFrame, layouts: dict[str, tuple[int, bool]]) -> list[int]:
    """The sums, modulo 2**64, of the two lanes' hashes of *block*'s rows.

    One polars query per block: it runs without the interpreter's lock from start to
    end, a float's bits included. Folded with numpy, 65,536 rows at a time, the
    fingerprint let go of the lock some six thousand times nationally, and waited for it
    each time while the report's other thread ran Python: it then took 1.2 s instead of
    0.3. Reading a float's bits with numpy, once per block, meant importing numpy in a
    report: 65 ms holding the lock, beside the reference date.
    """
    salted: list[pl.Expr] = []
    for name in block.columns:
        column = block[name]
        for cell in _cell_exprs(name, column.dtype, layouts[name]):
            j = len(salted)
            x = cell ^ _u64(0x632BE59BD9B4E019 * (j + 1))  # each cell salted by its column
            if column.null_count():
                # a missing cell: a per-column marker no real cell maps to by chance
                x = pl.when(pl.col(name).is_null()).then(_u64(0xA5A5A5A5A5A5A5A5 + j)).otherwise(x)
            salted.append(x.alias(f"x{j}"))
    query = block.lazy().select(salted)
    folded = []
    for lane, (seed, step) in enumerate(_LANES):
        # The seed's first step in Python: polars need not fold two constants.
        h = _u64(seed * step) + pl.col("x0")
        for j in range(1, len(salted)):
            h = h * _u64(step) + pl.col(f"x{j}")
        folded.append(h.alias(f"h{lane}"))
    query = query.select(folded)
    for steps in zip(*_MIXERS, strict=True):  # each mixer's steps side by side
        query = query.with_columns(
            _mix_step(pl.col(f"h{lane}"), step).alias(f"h{lane}") for lane, step in enumerate(steps)
        )
    # Summed by halves: 2**19 rows of 32-bit halves cannot overflow.
    low, high = _u64((1 << 32) - 1), _u64(1 << 32)
    sums = (
        query.select(
            part
            for lane in range(len(_LANES))
            for part in (
                (pl.col(f"h{lane}") & low).sum().alias(f"low{lane}"),
                (pl.col(f"h{lane}") // high).sum().alias(f"high{lane}"),
            )
        )
        .collect()
        .row(0)
    )
    return [(sums[2 * k] + (sums[2 * k + 1] << 32)) & _MASK for k in range(len(_LANES))]


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
