"""Datasets: the tabular schema and the columnar container the engine reads."""

from drugfree_core.dataset.dataset import Dataset, DatasetRecords, QuarantinedRecord
from drugfree_core.dataset.schema import FINDING_TABLES, TABLES, TABLES_BY_NAME, Column, Table

__all__ = [
    "FINDING_TABLES",
    "TABLES",
    "TABLES_BY_NAME",
    "Column",
    "Dataset",
    "DatasetRecords",
    "QuarantinedRecord",
    "Table",
]
