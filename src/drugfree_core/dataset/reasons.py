"""A data problem in the reader's language: its reason and location as catalogue messages.

The loaders (:mod:`drugfree_core.io`) and the checks (:mod:`.checks`) state a problem's
reason in English, in a fixed sentence with a few fields (a column name, a unit code, a
count), often built column-wise in polars where no :class:`~drugfree_core.i18n.Message`
can live. ``Problem.reason`` stays that English text: programs read it (``validate
--format json``, the API's ``str(problem)``), and tests and the fuzz corpus pin it.

This module gives each of those sentences a :class:`~drugfree_core.i18n.Message` for the
people reading them: every sentence the loaders write is a template below (marked for the
catalogue), and :func:`reason_message` reads a reason back into its template and fields.
A field that is itself a sentence (``{phrase}``) is read back the same way, so it is
translated too. A reason that matches no template (a plugin's own) is shown as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from drugfree_core.errors import DatasetError, Problem, printable
from drugfree_core.i18n import N_, Message, exception_text, msgn
from drugfree_core.i18n.words import OS_REASON_TEXTS

#: Every reason the loaders and checks write, as a template of the catalogue.
TEMPLATES: tuple[str, ...] = (
    # checks.py: one record
    N_("{column} must be 1-64 characters of letters, digits, '.', '_', ':' or '-'"),
    N_("{column} looks like a national identity number; use a pseudonymous id"),
    N_("{later} is before {earlier}"),
    N_("{later} is after {earlier}"),
    N_("{column} must not be empty"),
    N_("{column} must not be negative"),
    N_("{column} must be text"),
    N_("{column} must be a whole number"),
    N_("{column} is too large: the limit is {limit}"),
    N_("{column} is longer than {limit} characters"),
    N_("{column} contains a control character, such as a line break, tab, NUL or escape"),
    N_("{column} contains a direction mark, such as a right-to-left override"),
    N_("a unit cannot be its own successor"),
    N_("a completed episode needs an end date"),
    N_("rank must be 1 or more; 1 is the first rehab"),
    N_("value must be a finite number"),
    N_("value of {kind} must be a whole number: it is a count"),
    N_("value of {kind} must be 1 (yes) or 0 (no)"),
    N_("value must be a number"),
    N_("value is too large to be a number"),
    N_("scheme_id must be 1-80 letters, digits, '.', '_' or '-'"),
    N_("assessment_year must be a year such as 2025"),
    # checks.py: across records
    N_("duplicate unit code: {count} records have this code"),
    N_("duplicate subject id: {count} records have this id"),
    N_("duplicate lineage link: {count} links join these two units"),
    N_("duplicate wanted fugitive record: {count} records have this key"),
    N_("duplicate location id: {count} records have this key"),
    N_("duplicate recognition: {count} records have this key"),
    N_("{column} {code} does not match any unit"),
    N_("subject_id does not match any subject"),
    N_("effective ({effective}) is not the successor's valid_from ({valid_from})"),
    N_("parent units form a cycle: {cycle}"),
    N_("lineage links form a cycle: {cycle}"),
    N_(
        "residence overlaps another residence of the same subject "
        "(a person lives in one unit at a time)"
    ),
    N_(
        "unit_code {code} is a province; a residence must be in a commune-level unit "
        "(xã, phường, thị trấn or đặc khu)"
    ),
    N_(
        "unit_code {code} is a district, and districts were abolished on {date}; a residence "
        "from then on must be in a commune-level unit (xã, phường or đặc khu)"
    ),
    # document.py and json_door.py: a JSON document
    N_("expected one of: {allowed}"),
    N_("expected a string"),
    N_("expected an integer"),
    N_("expected a number"),
    N_("number too large"),
    N_("expected a finite number"),
    N_("expected true or false"),
    N_("expected an object"),
    N_("required field missing"),
    N_("expected a date written YYYY-MM-DD"),
    N_("expected a date written YYYY-MM-DD that exists"),
    N_("text is not valid Unicode: it holds a lone surrogate"),
    N_("integer out of range: it must lie between {low} and {high}"),
    N_(
        "unknown key (the {ordinal} key of this object; did you mean {guess}?); "
        "allowed keys: {keys}"
    ),
    N_("unknown key (the {ordinal} key of this object); allowed keys: {keys}"),
    N_("invalid value ({kind})"),
    N_("malformed JSON: {detail}"),
    N_("key given more than once"),
    N_("a dataset document must be a JSON object"),
    N_("{column} is not valid Unicode text: it holds a lone surrogate"),
    N_("expected {expected}, got {got}"),
    N_("required field missing (expected {format})"),
    N_("format must be {format}"),
    N_("expected a list"),
    N_("cannot read the file: {detail}"),
    N_("not UTF-8 text"),
    # table_door.py: a folder of tables
    N_("{column}: value {phrase}"),
    N_("{column}: '{value}' {phrase}"),
    N_("{column}: missing value (the column is required)"),
    N_("column {column} holds {found}; expected {expected}"),
    N_("missing required column {column}"),
    N_("column {column} appears more than once in the header"),
    N_("the {ordinal} column of the header has no name"),
    N_("the {ordinal} column of the header repeats an earlier name"),
    N_("a row has more fields than the header"),
    N_("the row has {found} fields, the header {expected}"),
    N_("the row has {found} fields, the header {expected}: a line cut short loses its last cells"),
    N_("the file is empty (a header row is required)"),
    N_(
        "a line of at least {size}: no record of the dataset's tables comes near "
        "(is it the right file?)"
    ),
    N_("empty row: every cell is empty (delete the line)"),
    N_("not a folder"),
    N_("cannot be read as CSV (check quotes and separators)"),
    N_("cannot be read as Parquet"),
    N_("unknown file; expected <table>.csv or <table>.parquet for one of: {tables}"),
    N_("both {table}.csv and {table}.parquet exist; keep one"),
    N_("missing {table}.csv or {table}.parquet (required)"),
    N_(
        "the first row is not a header: no cell of it is a column name of {table} "
        "({columns}); add the header row"
    ),
    N_(
        "unknown column (its name looks like a national identity number); "
        "columns of {table}: {columns}"
    ),
    N_("unknown column {column} (columns of {table}: {columns}); did you mean {guess}?"),
    N_("unknown column {column} (columns of {table}: {columns})"),
    N_("{where} has no name; did you mean {guess}?; columns of {table}: {columns}"),
    N_("{where} has no name; columns of {table}: {columns}"),
    N_("unknown column ({where}; did you mean {guess}?); columns of {table}: {columns}"),
    N_("unknown column ({where}); columns of {table}: {columns}"),
    N_(
        "column {column} holds {found}; expected {expected} "
        "(codes and ids are text: a number loses their leading zeros)"
    ),
    N_("not UTF-8 text; save the file as CSV UTF-8"),
    N_("not UTF-8 text: the file is UTF-16 (Excel's 'Unicode text'); save the file as CSV UTF-8"),
    # postgres.py: a database
    N_(
        "column {column} has type {type}; expected a date "
        "(cast it in the view: {quoted}::date AS {quoted})"
    ),
    N_("cannot connect: {detail}"),
    N_("no schema named {schema} in the database"),
    N_("schema {schema} has no table or view named after a dataset table ({tables})"),
    N_("cannot be read: {detail}"),
    # io/__init__.py: the path itself
    N_("no such file or folder"),
    N_("not a dataset: expected a .json file or a folder of table files"),
    # api.py: a table the schemes read that the dataset left out (a warning)
    N_(
        "table {table} was not supplied; criteria that read it will be unknown: "
        "{criteria}. If there are none, supply it empty"
    ),
)

#: What a cell of a table is not (the ``{phrase}`` of a cell's reason).
PHRASES: tuple[str, ...] = (
    N_("is not one of: {allowed}"),
    N_("is not a date between the years 1 and 9999"),
    N_("is not a date written YYYY-MM-DD"),
    N_("is not an integer"),
    N_("is not a number"),
    N_("is not a boolean (true, false, 1 or 0)"),
    N_("is not valid"),
    N_("is out of range: it must lie between {low} and {high}"),
    N_("is written YYYY-MM-DD but no such day exists (check month and day; years 0001-9999)"),
)

#: What Python's JSON reader says is wrong (the ``{detail}`` of a malformed document).
JSON_DETAILS: tuple[str, ...] = (
    N_("Expecting value"),
    N_("Expecting property name enclosed in double quotes"),
    N_("Expecting ',' delimiter"),
    N_("Expecting ':' delimiter"),
    N_("Extra data"),
    N_("Unterminated string starting at"),
    N_("Invalid control character at"),
    N_("Invalid \\escape"),
    N_("Invalid \\uXXXX escape"),
    N_("nested too deeply"),
    # why the system refused to read the file (drugfree_core.i18n.os_reason)
    *OS_REASON_TEXTS,
)

#: Why a record was quarantined though nothing is wrong with it (checks.py): it goes with
#: a record that is. ``{place}`` is where that record is.
DEPENDENT: tuple[str, ...] = (
    N_("dropped with its subject ({place})"),
    N_("a record of this subject was quarantined ({place})"),
    N_("refers to quarantined unit {code}"),
    N_("parent unit {code} was quarantined"),
    N_("the subject it names was quarantined"),
    N_("record could not be read"),
)

#: A column's type in words (``{found}`` and ``{expected}`` of a Parquet column's reason;
#: io/table_door.py ``_type_words``).
TYPE_WORDS: tuple[str, ...] = (
    N_("whole numbers"),
    N_("numbers"),
    N_("text"),
    N_("text categories"),
    N_("true/false values"),
    N_("dates"),
    N_("dates with times"),
    N_("times of day"),
    N_("durations"),
    N_("raw bytes"),
    N_("lists"),
    N_("structures"),
    N_("nothing"),
)

#: Every reason a problem may give on its own.
_READABLE = TEMPLATES + DEPENDENT
#: One record's several problems, joined; a problem of a nested record, after its place.
_JOINED = N_("{first}; {rest}")
_LOCATED = N_("{place}: {reason}")

#: A position (``3rd``), and a column of the header by its position.
ORDINALS: tuple[str, ...] = (N_("{n}st"), N_("{n}nd"), N_("{n}rd"), N_("{n}th"))
WHERE: tuple[str, ...] = (N_("the {ordinal} column of the header"),)

#: Where a problem is, when it is a place in a file rather than a JSON path.
LOCATIONS: tuple[str, ...] = (
    N_("{file}:row {row}"),
    N_("{file}:byte {byte}"),
    N_("{file}:line {line} column {column}"),
)

#: Fields read back as sentences of their own (translated in turn).
_NESTED = {"phrase": PHRASES, "ordinal": ORDINALS, "where": WHERE}
#: Fields read back so when they are known, kept as written when not (another reader's).
_NESTED_IF_KNOWN = {
    "detail": JSON_DETAILS,
    "place": LOCATIONS,
    "found": TYPE_WORDS,
    "expected": TYPE_WORDS,
}
_FIELD = re.compile(r"\{(\w+)\}")


@cache
def _patterns(group: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each template as a pattern, the most specific (longest fixed text) first."""
    out = []
    for template in group:
        seen: set[str] = set()
        pattern = ""
        for i, part in enumerate(_FIELD.split(template)):
            if i % 2 == 0:
                pattern += re.escape(part)
            elif part in seen:  # the same value again ({table}.csv or {table}.parquet)
                pattern += f"(?P={part})"
            else:
                seen.add(part)
                pattern += f"(?P<{part}>[0-9]+?)" if part == "n" else f"(?P<{part}>.+?)"
        out.append((re.compile(pattern, re.DOTALL), template))
    fixed = {t: len(_FIELD.sub("", t)) for t in group}
    return tuple(sorted(out, key=lambda item: -fixed[item[1]]))


@lru_cache(maxsize=4096)  # a bad file repeats a few reasons many times; messages are immutable
def _read_back(text: str, group: tuple[str, ...]) -> Message | None:
    for pattern, template in _patterns(group):
        match = pattern.fullmatch(text)
        if match is None:
            continue
        params: dict[str, str | Message] = {}
        for name, value in match.groupdict().items():
            if name in _NESTED:
                nested = _read_back(value, _NESTED[name])
                if nested is None:
                    break
                params[name] = nested
            elif name in _NESTED_IF_KNOWN:
                params[name] = _read_back(value, _NESTED_IF_KNOWN[name]) or value
            else:
                params[name] = value  # codes, names, counts: shown as written
        else:
            # The template is a marked text of this module (N_), not a literal here.
            return Message(msgid=template).with_params(**params)
    return None


def reason_message(reason: str) -> Message:
    """The catalogue message for a problem's English *reason* (as written if unknown).

    A quarantined record's reason may join several problems with ``"; "``, each after
    the place of the nested record it concerns: each is read back on its own.
    """
    found = _read_back(reason, _READABLE) or _joined(reason)
    return found if found is not None else Message(msgid=reason)


def _joined(reason: str) -> Message | None:
    """*reason* read as problems joined by ``"; "`` (None unless every one reads back)."""
    pieces = reason.split("; ")
    read: list[Message] = []
    start = 0
    while start < len(pieces):
        # The fewest pieces that make a problem: a template may hold "; " itself.
        for end in range(start + 1, len(pieces) + 1):
            one = _one_problem("; ".join(pieces[start:end]))
            if one is not None:
                read.append(one)
                start = end
                break
        else:
            return None
    joined = read[-1]
    for earlier in reversed(read[:-1]):
        joined = Message(msgid=_JOINED).with_params(first=earlier, rest=joined)
    return joined


def _one_problem(text: str) -> Message | None:
    """One problem of a quarantined record, perhaps after its place (``$.x[1].y: ...``)."""
    found = _read_back(text, _READABLE)
    if found is not None:
        return found
    place, sep, rest = text.partition(": ")
    reason = _read_back(rest, _READABLE) if sep else None
    if reason is None:
        return None
    where = _read_back(place, LOCATIONS) or place  # a JSON path is shown as written
    return Message(msgid=_LOCATED).with_params(place=where, reason=reason)


def location_text(location: str, lang: str | None = None) -> str:
    """A problem's location in *lang*: ``units.csv:dòng 3``; JSON paths as they are."""
    found = _read_back(location, LOCATIONS)
    return printable(found.render(lang)) if found is not None else location


def problem_text(problem: Problem, lang: str | None = None) -> str:
    """*problem* as one line in *lang*: ``location [record id]: reason``.

    ``str(problem)`` is the same line in English.
    """
    rid = f" [{problem.record_id}]" if problem.record_id else ""
    reason = printable(reason_message(problem.reason).render(lang))
    return f"{location_text(problem.location, lang)}{rid}: {reason}"


_SUMMARY = re.compile(r"(?P<n>[0-9]+) problems? in (?P<source>.*?); first: ", re.DOTALL)


def dataset_error_text(exc: DatasetError, lang: str | None = None) -> str:
    """The one-line message of a refused dataset in *lang*: how many problems, the first."""
    problems: Sequence[Problem] = exc.problems
    said = exception_text(exc)
    if isinstance(said, Message) and not problems:
        return said.render(lang)  # raised with a message of the catalogue: said as it is
    match = _SUMMARY.match(str(exc))
    if match is None or not problems:
        return reason_message(str(exc)).render(lang)
    return msgn(
        "{n} problem in {source}; first: {first}",
        "{n} problems in {source}; first: {first}",
        len(problems),
        source=match.group("source"),
        first=problem_text(problems[0], lang),
    ).render(lang)
