"""Where a report comes from: versions, schemes, plugins and a fingerprint of the data."""

from __future__ import annotations

import hashlib

import polars as pl

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.dataset.schema import TABLES


def fingerprint(dataset: Dataset) -> str:
    """SHA-256 of the dataset's content, independent of row order and of file format.

    Each table is sorted on all its columns and written as CSV, so the same records read
    from JSON, CSV or Parquet, in any order, give the same fingerprint; whether a table
    was supplied at all is included, and so are quarantined records, by location and
    reason, since either changes the result.
    """
    digest = hashlib.sha256()
    for table in TABLES:
        frame = dataset.frame(table.name)
        given = "given" if table.name in dataset.supplied else "absent"
        digest.update(f"\x00{table.name}\x00{given}\x00{len(frame)}\x00".encode())
        if len(frame):
            ordered = frame.with_columns(pl.col(pl.Enum).cast(pl.String)).sort(
                frame.columns, nulls_last=True
            )
            digest.update(ordered.write_csv().encode())
    for record in sorted(dataset.quarantined, key=lambda r: (r.table, r.location)):
        digest.update(f"\x00q\x00{record.table}\x00{record.location}\x00{record.reason}".encode())
    return digest.hexdigest()
