"""The report's notes that count people, made in one place so that suppression knows them.

Each note counts people (or records, which are about people) in its ``{n}``;
:mod:`.suppress` withholds a small one, and what in the note would give it back.
"""

from __future__ import annotations

from drugfree_core.i18n import Message, msgn


def unplaced_scope_note(n: int, meeting: int, *, least: int) -> Message:
    """*n* people or records placed in no unit, beside the *meeting* units.

    At least *least* units meet the criteria wherever they belong (the scope's
    ``meeting_at_least``; suppression gives a bound that does not give *n* back).
    """
    return msgn(
        "{n} person or record could not be placed in any unit: {meeting} units meet "
        "the criteria on the data, at least {least} wherever it belongs.",
        "{n} people or records could not be placed in any unit: {meeting} units meet "
        "the criteria on the data, at least {least} wherever they belong.",
        n,
        meeting=meeting,
        least=least,
    )


def without_residence_note(n: int) -> Message:
    """*n* people with a status and no residence on the date."""
    return msgn(
        "{n} person has a status but no residence on the date; they are listed as "
        "unplaced (evaluate --format json), and since a covered unit's records are "
        "complete they are not counted in any unit.",
        "{n} people have a status but no residence on the date; they are listed as "
        "unplaced (evaluate --format json), and since a covered unit's records are "
        "complete they are not counted in any unit.",
        n,
    )
