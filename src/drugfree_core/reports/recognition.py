"""Formal recognition beside what the data shows (Decision 28/2025/QĐ-TTg Art. 9).

Recognition is a provincial decision, annual and revocable; meeting the criteria is what
the data shows on a date. They disagree in two ways a province acts on:

* **withdrawal candidates**: units recognised for the year that fail the criteria on the
  data now;
* **recognition candidates**: units that pass on the data and are not recognised.

A unit the dataset does not cover (*no data*) is neither: the data say nothing about it,
so a recognised unit with no data is counted apart (``recognised_no_data``), never as
still meeting the criteria nor as a withdrawal candidate.

Which recognitions count on a date *D* [INFERRED, documented]: those for the latest
assessment year completed on *D* (a year ends on 14 December; decisions often come
after it, so the decision date does not matter), of any scheme, for the unit's own code
(a predecessor's recognition does not carry over), not withdrawn on or before *D*.
``ReportOptions.recognition_year`` chooses another year.
"""

from __future__ import annotations

import datetime as dt

import attrs
import polars as pl

from drugfree_core.dataset.dataset import Dataset
from drugfree_core.model.periods import last_completed_year


@attrs.frozen(kw_only=True)
class Recognised:
    """A unit's standing recognition: the scheme and the decision (its number, if any)."""

    scheme_id: str
    decided_on: dt.date
    decision_ref: str | None


def recognition_year(on: dt.date, year: int | None = None) -> int:
    """The assessment year whose recognitions stand on *on* (or *year* when given)."""
    return year if year is not None else last_completed_year(on)


def recognised_units(dataset: Dataset, on: dt.date, year: int) -> dict[str, Recognised] | None:
    """Units recognised for assessment year *year* and not withdrawn by *on*.

    ``None`` when the dataset does not supply the recognitions table: then nobody can
    say which units are recognised (never "none are").
    """
    if "recognitions" not in dataset.supplied:
        return None
    rows = dataset.recognitions.filter(
        (pl.col("assessment_year") == year)
        & (pl.col("withdrawn_on").is_null() | (pl.col("withdrawn_on") > on))
    ).sort("unit_code", "decided_on", "scheme_id")
    out: dict[str, Recognised] = {}
    for code, scheme_id, decided, ref in rows.select(
        "unit_code", "scheme_id", "decided_on", "decision_ref"
    ).iter_rows():
        out.setdefault(code, Recognised(scheme_id=scheme_id, decided_on=decided, decision_ref=ref))
    return out


@attrs.frozen(kw_only=True)
class RecognitionSummary:
    """Recognised units beside units meeting the criteria, for one scope and date.

    ``year`` is the assessment year whose recognitions are counted. Counts are of
    units in force on the report date; ``recognised_undecided`` are recognised units the
    data cannot decide on, ``recognised_no_data`` recognised units the dataset does not
    cover. The two lists are the disagreements, by unit code.
    """

    scope: str
    year: int
    units_in_force: int
    recognised: int
    meeting: int
    recognised_and_meeting: int
    recognised_undecided: int
    withdrawal_candidates: tuple[str, ...]
    recognition_candidates: tuple[str, ...]
    recognised_no_data: int = 0


def summarise(
    scope: str,
    year: int,
    verdicts: dict[str, str],
    recognised: dict[str, Recognised],
) -> RecognitionSummary:
    """The summary over units with *verdicts* (unit code → pass/fail/unknown/no_data)."""
    mine = {code for code in verdicts if code in recognised}
    return RecognitionSummary(
        scope=scope,
        year=year,
        units_in_force=len(verdicts),
        recognised=len(mine),
        meeting=sum(v == "pass" for v in verdicts.values()),
        recognised_and_meeting=sum(verdicts[c] == "pass" for c in mine),
        recognised_undecided=sum(verdicts[c] == "unknown" for c in mine),
        recognised_no_data=sum(verdicts[c] == "no_data" for c in mine),
        withdrawal_candidates=tuple(sorted(c for c in mine if verdicts[c] == "fail")),
        recognition_candidates=tuple(
            sorted(c for c, v in verdicts.items() if v == "pass" and c not in recognised)
        ),
    )
