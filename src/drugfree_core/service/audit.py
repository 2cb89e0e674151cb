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
import math
import os
import statistics
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from drugfree_core.errors import UsageError
from drugfree_core.i18n import msg, os_reason
from drugfree_core.model._checks import is_unicode

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
    #: Requests by token name; ``None`` counts those that gave no token (``null`` in JSON).
    by_token: dict[str | None, int]
    by_action: dict[str, int]
    by_status: dict[str, int]
    denied: int
    median_ms: float | None
    p95_ms: float | None
    bad_lines: tuple[int, ...] = ()


def read_entries(path: str | os.PathLike[str]) -> tuple[list[dict[str, Any]], list[int]]:
    """The entries of an audit log as dicts, and the numbers of lines that are not entries.

    A line is an entry when it is a JSON object with a text ``action``, a whole-number
    ``status`` and a finite ``duration_ms`` (as :class:`AuditLog` writes them); any other
    line (not UTF-8, not JSON, a truncated or edited line) is counted by its number, so a
    damaged log is summarised and its damage shown, never silently skipped.
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(
            msg(
                "cannot read the audit log {file}: {reason}",
                file=str(path),
                reason=os_reason(exc),
            )
        ) from None
    entries: list[dict[str, Any]] = []
    bad: list[int] = []
    for number, chunk in enumerate(raw.split(b"\n"), start=1):
        try:
            line = chunk.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
            continue
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:  # not JSON, or a number too long to read
            bad.append(number)
            continue
        if _is_entry(value):
            entries.append(value)
        else:
            bad.append(number)
    return entries, bad


def _is_entry(value: object) -> bool:
    """Whether *value* has the shape of an audit line (what :func:`summarise` reads)."""
    if not isinstance(value, dict) or not isinstance(value.get("action"), str):
        return False
    status, duration = value.get("status"), value.get("duration_ms")
    if not isinstance(status, int) or isinstance(status, bool):
        return False
    if not isinstance(duration, int | float) or isinstance(duration, bool):
        return False
    texts = [value.get(key) for key in ("action", "token", "at")]
    if not all(t is None or (isinstance(t, str) and is_unicode(t)) for t in texts):
        return False
    return math.isfinite(duration)


def _by_token(rows: Iterable[Mapping[str, Any]]) -> dict[str | None, int]:
    """Requests per token name, sorted; those without a token (``None``) last."""
    counts = Counter(None if r.get("token") is None else str(r["token"]) for r in rows)
    return dict(sorted(counts.items(), key=lambda item: (item[0] is None, item[0] or "")))


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
        by_token=_by_token(rows),
        by_action=dict(sorted(Counter(str(r.get("action")) for r in rows).items())),
        by_status=dict(sorted(statuses.items())),
        denied=sum(n for s, n in statuses.items() if s in ("401", "403")),
        median_ms=statistics.median(durations) if durations else None,
        p95_ms=p95,
        bad_lines=tuple(bad_lines),
    )
