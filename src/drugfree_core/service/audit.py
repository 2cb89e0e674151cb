"""The audit log: one JSON line per evaluation, explanation and report request.

Each line says when, which token (its id, never the token), the scope and unit asked
for, the scheme, the reference date, the fingerprint of the data served, the outcome
counts, the HTTP status and the duration. It never holds a subject id or any other
personal value: only codes of administrative units, ids of tokens and schemes, dates
and counts. The file is opened in append mode for every line (``O_APPEND``: lines from
several workers never interleave, and nothing earlier is rewritten).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg

#: The keys of an audit line, in the order written.
FIELDS = (
    "at",
    "token",
    "action",
    "scope",
    "unit",
    "scheme",
    "date",
    "dataset",
    "outcomes",
    "status",
    "duration_ms",
)


@attrs.frozen(kw_only=True)
class AuditEntry:
    """One audited request (see :data:`FIELDS`); ``outcomes`` counts verdicts by outcome."""

    at: dt.datetime
    token: str | None
    action: str
    status: int
    duration_ms: float
    scope: str | None = None
    unit: str | None = None
    scheme: str | None = None
    date: dt.date | None = None
    dataset: str | None = None
    outcomes: Mapping[str, int] = attrs.field(factory=dict)

    def to_json(self) -> str:
        """The entry as one line of JSON (keys in :data:`FIELDS` order)."""
        values: dict[str, Any] = {
            "at": self.at.isoformat(timespec="milliseconds"),
            "token": self.token,
            "action": self.action,
            "scope": self.scope,
            "unit": self.unit,
            "scheme": self.scheme,
            "date": self.date.isoformat() if self.date else None,
            "dataset": self.dataset,
            "outcomes": dict(self.outcomes),
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
        }
        return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


class AuditLog:
    """Appends entries to a file, one line each (thread-safe, append-only)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Fail at start, not on the first request, if the file cannot be written.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.close(fd)

    def write(self, entry: AuditEntry) -> None:
        """Append *entry* as one line."""
        line = (entry.to_json() + "\n").encode()
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)


@attrs.frozen(kw_only=True)
class AuditSummary:
    """What an audit log holds: requests by token, action and status, over which span."""

    requests: int
    first: str | None
    last: str | None
    by_token: dict[str, int]
    by_action: dict[str, int]
    by_status: dict[str, int]
    denied: int
    median_ms: float | None
    p95_ms: float | None
    bad_lines: tuple[int, ...] = ()


def read_entries(path: str | os.PathLike[str]) -> tuple[list[dict[str, Any]], list[int]]:
    """The entries of an audit log as dicts, and the numbers of lines that are not JSON."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(
            msg(
                "cannot read the audit log {file}: {reason}",
                file=str(path),
                reason=str(exc.strerror),
            )
        ) from None
    entries: list[dict[str, Any]] = []
    bad: list[int] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            bad.append(number)
            continue
        if isinstance(value, dict) and "action" in value:
            entries.append(value)
        else:
            bad.append(number)
    return entries, bad


def summarise(entries: Iterable[Mapping[str, Any]], bad_lines: Iterable[int] = ()) -> AuditSummary:
    """Counts and durations over *entries* (see :func:`read_entries`)."""
    rows = list(entries)
    durations = sorted(float(r["duration_ms"]) for r in rows if "duration_ms" in r)
    stamps = sorted(str(r["at"]) for r in rows if "at" in r)
    statuses = Counter(str(r.get("status")) for r in rows)
    p95 = None
    if durations:
        p95 = (
            statistics.quantiles(durations, n=20, method="inclusive")[18]
            if len(durations) > 1
            else durations[0]
        )
    return AuditSummary(
        requests=len(rows),
        first=stamps[0] if stamps else None,
        last=stamps[-1] if stamps else None,
        by_token=dict(sorted(Counter(str(r.get("token")) for r in rows).items())),
        by_action=dict(sorted(Counter(str(r.get("action")) for r in rows).items())),
        by_status=dict(sorted(statuses.items())),
        denied=sum(n for s, n in statuses.items() if s in ("401", "403")),
        median_ms=statistics.median(durations) if durations else None,
        p95_ms=p95,
        bad_lines=tuple(bad_lines),
    )
