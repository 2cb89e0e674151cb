"""What the service serves: one loaded dataset and its evaluations, shared by all requests.

The dataset is read once (and again every ``refresh_seconds`` if asked, in the
background, the new snapshot replacing the old one whole). Evaluations are cached per
(dataset fingerprint, scheme, version, date), the written pages of units per the same
and the scope and page, and reports per (fingerprint, date, province): the first
request computes, concurrent ones for the same key wait for it,
later ones reuse it, and the least recently used entries are dropped beyond the bound.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Generic, TypeVar

import attrs

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.engine.evaluate import evaluate
from drugfree_core.engine.placement import census
from drugfree_core.engine.results import Evaluation, LostRecord, UnitResult
from drugfree_core.errors import DrugfreeError
from drugfree_core.io import display_source, load
from drugfree_core.plugins.host import PluginHost
from drugfree_core.plugins.territory import TerritoryIndex
from drugfree_core.reports.provenance import fingerprint
from drugfree_core.rules.scheme import Scheme
from drugfree_core.service.auth import ScopeGuard

log = logging.getLogger("drugfree.service")
T = TypeVar("T")


@attrs.frozen(kw_only=True, eq=False)
class Snapshot:
    """One read of the source: the dataset, its fingerprint, when, and its scope guard."""

    dataset: Dataset
    fingerprint: str
    loaded_at: dt.datetime
    guard: ScopeGuard


def unplaced_in_province(
    snapshot: Snapshot, province: str, on: dt.date, lost: Iterable[LostRecord] = ()
) -> int:
    """People and records placed in no unit on *on* that may belong to *province*.

    As a province's report counts them: the people whose residence is in a unit that
    ended without a successor, where that unit was (its home province, see
    :meth:`TerritoryIndex.home_province`), and those with no unit at all, the
    quarantined records whose unit cannot be told, which may belong anywhere, and the
    *lost* records (an evaluation's :attr:`~drugfree_core.engine.Evaluation.lost_records`:
    counted by a rule, in a unit that leads nowhere) by their unit's province. The
    people and records of other provinces are not counted, nor shown.
    """
    index = snapshot.guard.index
    found = census(snapshot.dataset, on)
    count = 0
    for lost_record in lost:
        code = lost_record.unit_code
        if code not in index or _home_or_none(index, code, on) in (province, None):
            count += 1
    for record in found.undetermined:
        # As a province's part of the data keeps them: a record about one of its units
        # (by the home province, as for people), or about no unit of the map at all.
        known = [code for code in record.unit_codes if code in index]
        if not known or any(_home_or_none(index, code, on) in (province, None) for code in known):
            count += 1
    for kind, unit_code, people in found.people_by_kind():
        if kind != "gone":
            continue
        if unit_code is None or unit_code not in index:
            count += people  # no unit to tell: it may be anywhere
        elif _home_or_none(index, unit_code, on) in (province, None):
            count += people
    return count


def _home_or_none(index: TerritoryIndex, unit_code: str, on: dt.date) -> str | None:
    try:
        return index.home_province(unit_code, on)
    except DrugfreeError:
        return None  # the map cannot say: it may be anywhere


@attrs.frozen(kw_only=True, eq=False)
class ScopedEvaluation:
    """An evaluation with its units indexed by code."""

    evaluation: Evaluation
    by_code: dict[str, UnitResult]


class LruCache(Generic[T]):
    """A bounded cache whose values are computed once per key, even under concurrency."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._locks: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value of *key*, computed by *compute* if absent."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            try:
                value = compute()
                with self._lock:
                    self._values[key] = value
                    while len(self._values) > self.size:
                        self._values.popitem(last=False)
            finally:
                with self._lock:
                    self._locks.pop(key, None)
            return value

    def __len__(self) -> int:
        return len(self._values)


class ServedData:
    """The source, its current snapshot and the caches of what was computed from it."""

    def __init__(
        self,
        source: str | Path,
        host: PluginHost,
        *,
        quarantine: bool = False,
        cache_size: int = 64,
    ) -> None:
        self.source = source
        self.shown = display_source(source)
        self.host = host
        self.quarantine = quarantine
        self.evaluations: LruCache[ScopedEvaluation] = LruCache(cache_size)
        self.reports: LruCache[object] = LruCache(max(4, cache_size // 4))
        self.pages: LruCache[tuple[dict[str, int], bytes]] = LruCache(cache_size * 8)
        self._snapshot = self._read()
        self._stop = threading.Event()

    def _read(self) -> Snapshot:
        dataset = load(self.source, quarantine=self.quarantine)
        return Snapshot(
            dataset=dataset,
            fingerprint=fingerprint(dataset),
            loaded_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            guard=ScopeGuard(self.host.territory(dataset)),
        )

    @property
    def snapshot(self) -> Snapshot:
        """The data being served now."""
        return self._snapshot

    def refresh(self) -> bool:
        """Read the source again; True if its content changed."""
        fresh = self._read()
        changed = fresh.fingerprint != self._snapshot.fingerprint
        self._snapshot = fresh  # one assignment: requests see the old or the new, whole
        return changed

    def refresh_every(self, seconds: float) -> threading.Thread:
        """Re-read the source every *seconds* in a daemon thread (errors are logged, kept)."""

        def loop() -> None:
            while not self._stop.wait(seconds):
                try:
                    if self.refresh():
                        log.info("dataset changed; now serving %s", self._snapshot.fingerprint)
                except Exception as exc:  # keep serving the last good snapshot
                    # The library's messages never quote a personal value (the privacy
                    # rule), so they may be logged; anything else by its type only.
                    why = str(exc) if isinstance(exc, DrugfreeError) else type(exc).__name__
                    log.warning("refresh failed (%s); still serving the previous data", why)

        thread = threading.Thread(target=loop, name="drugfree-refresh", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop the refresh thread, if any."""
        self._stop.set()

    def evaluation(self, snapshot: Snapshot, scheme: Scheme, on: dt.date) -> ScopedEvaluation:
        """*scheme* evaluated over the whole of *snapshot* on *on*, cached.

        Units the data do not cover are *no data* here; whether a scope with none covered
        is an answer or an error is the endpoint's to decide, scope by scope.
        """

        def compute() -> ScopedEvaluation:
            evaluation = evaluate(snapshot.dataset, scheme, on, allow_no_coverage=True)
            return ScopedEvaluation(
                evaluation=evaluation, by_code={u.unit_code: u for u in evaluation.units}
            )

        return self.evaluations.get((snapshot.fingerprint, scheme.id, scheme.version, on), compute)
