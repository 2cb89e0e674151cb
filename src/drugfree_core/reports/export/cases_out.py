"""The case-level list (pseudonymous subject ids) as JSON or CSV, for the commune police.

Unlike the report, this list names people by their pseudonymous ids, so a file written
here is readable by its owner only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import attrs

from drugfree_core.reports.model import Case, CaseList
from drugfree_core.safe_csv import csv_text

FORMAT = "drugfree-cases"
FORMAT_VERSION = 1
#: The columns of the CSV list, in order (the fields of :class:`Case`).
CASE_FIELDS = tuple(f.name for f in attrs.fields(Case))


def render_cases_json(cases: CaseList) -> str:
    """The list as one JSON document: header fields, then one object per case."""
    doc: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "reference_date": cases.reference_date.isoformat(),
        "dataset_fingerprint": cases.dataset_fingerprint,
        "cases": [{k: getattr(c, k) for k in CASE_FIELDS} for c in cases.cases],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def render_cases_csv(cases: CaseList) -> str:
    """The list as CSV text: a header of field names, one row per case.

    Text that a spreadsheet would run as a formula gets a leading apostrophe
    (:mod:`drugfree_core.safe_csv`).
    """
    return csv_text(CASE_FIELDS, ([getattr(c, k) for k in CASE_FIELDS] for c in cases.cases))


def write_private(path: Path, content: str, encoding: str = "utf-8") -> None:
    """Write *content* to *path*, created with mode 0600 (owner only) from the start."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # A file that already existed keeps its mode through O_CREAT, so narrow it too.
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
        f.write(content)
