"""Datasets: the tabular schema and the columnar container the engine reads."""

from drugfree_core.dataset.dataset import (
    ALL_TABLES,
    CoverageBasis,
    Dataset,
    DatasetRecords,
    QuarantinedRecord,
    UnitScope,
)
from drugfree_core.dataset.schema import FINDING_TABLES, TABLES, TABLES_BY_NAME, Column, Table

__all__ = [
    "ALL_TABLES",
    "FINDING_TABLES",
    "TABLES",
    "TABLES_BY_NAME",
    "Column",
    "CoverageBasis",
    "Dataset",
    "DatasetRecords",
    "QuarantinedRecord",
    "Table",
    "UnitScope",
]
