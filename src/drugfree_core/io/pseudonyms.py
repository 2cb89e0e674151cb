"""Pseudonymisation at the door: national identity numbers become stable subject ids.

A case system knows a person by their national identity number (9-digit CMND or 12-digit
CCCD); a dataset must not (the doors refuse ids that look like one). This turns each
number into ``p-`` followed by 26 base32 characters of HMAC-SHA256(key, number), so that:

- the same person gets the same id in every extract made with the same key (a province
  keeps one key, and its extracts link up over time);
- without the key, an id cannot be turned back into the number nor linked to ids made
  with another key (HMAC is a keyed pseudorandom function; 130 bits are kept);
- the key is read from an environment variable or a file and never written anywhere:
  not in the output, not in a message, not in a log.

What is rewritten, exactly: in a **folder of table files** (the dataset layout,
``subjects.csv``, ``residences.parquet``...), ``subjects.id`` and the ``subject_id``
column of every table that refers to subjects; in a **JSON dataset document**, each
``subjects[i].id``; in a **single CSV or Parquet file**, the columns named by the caller.
Each value is stripped of surrounding spaces before hashing (``" 001234567890"`` and
``"001234567890"`` are one person); an empty cell stays empty. Everything else is copied
unchanged, in the same format, to a new location: the input is never modified. The
hashing runs once per distinct number and is joined back onto the columns, so a national
extract takes seconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs
import polars as pl

from drugfree_core._args import expect, expect_path
from drugfree_core._polars_paths import polars_target
from drugfree_core.dataset.schema import TABLES
from drugfree_core.errors import UsageError, writing
from drugfree_core.i18n import msg, os_reason
from drugfree_core.model._checks import is_unicode

#: Environment variable read for the key when no key file is given.
KEY_ENV = "DRUGFREE_PSEUDONYM_KEY"
#: The shortest key accepted, in bytes (32 random bytes, 64 hex characters, are advised).
MIN_KEY_BYTES = 16
#: The prefix of every pseudonymous id made here.
PREFIX = "p-"

_SUFFIXES = (".csv", ".parquet")


@attrs.frozen(kw_only=True)
class PseudonymisationSummary:
    """What :func:`drugfree_core.pseudonymise` did: files written, cells, distinct numbers."""

    written: tuple[Path, ...]
    cells: int
    distinct: int


def read_key(*, env: str = KEY_ENV, file: str | os.PathLike[str] | None = None) -> bytes:
    """The key: the contents of *file* if given, else of the environment variable *env*.

    Surrounding whitespace (a trailing newline) is dropped. Raises
    :class:`~drugfree_core.errors.UsageError`, never quoting the key, when it is missing
    or shorter than :data:`MIN_KEY_BYTES`.
    """
    expect(env, str, "env", msg("the name of an environment variable (str)"))
    if file is not None:
        path = expect_path(file, msg("the key file"))
        try:
            key = path.read_bytes().strip()
        except OSError as exc:
            raise UsageError(
                msg(
                    "cannot read the key file {file}: {reason}",
                    file=str(file),
                    reason=os_reason(exc),
                )
            ) from None
        where = msg("the key file {file}", file=str(file))
    else:
        try:
            # The variable's bytes as the system gave them (not UTF-8 is fine for a key).
            key = os.fsencode(os.environ.get(env, "")).strip()
        except (UnicodeError, ValueError):
            raise UsageError(msg("env is not a name an environment variable can have")) from None
        if not key:
            raise UsageError(msg("no key: set {env} or give a key file", env=env))
        where = msg("the environment variable {env}", env=env)
    if len(key) < MIN_KEY_BYTES:
        raise UsageError(
            msg(
                "{where} holds {count} bytes; a key needs at least {min} "
                "(make one with: python -c 'import secrets; print(secrets.token_hex(32))')",
                where=where,
                count=len(key),
                min=MIN_KEY_BYTES,
            )
        )
    return key


def pseudonym(number: str, key: bytes) -> str:
    """The pseudonymous id of the identity *number* under *key*."""
    expect(number, str, msg("the identity number"), msg("a str"))
    expect(key, bytes, msg("the key"), msg("bytes (see read_key)"))
    try:
        text = number.strip().encode()
    except UnicodeEncodeError:
        raise UsageError(msg("the identity number is not valid Unicode text")) from None
    digest = hmac.new(key, text, hashlib.sha256).digest()
    return PREFIX + base64.b32encode(digest).decode().lower()[:26]


def _mapping(values: pl.Series, key: bytes) -> pl.DataFrame:
    stripped = values.cast(pl.String()).str.strip_chars()
    distinct = stripped.filter(stripped.is_not_null() & (stripped != "")).unique().sort()
    return pl.DataFrame(
        {"number": distinct, "pseudonym": [pseudonym(v, key) for v in distinct]},
        schema={"number": pl.String(), "pseudonym": pl.String()},
    )


def pseudonymise_frames(
    frames: Mapping[str, pl.DataFrame], columns: Mapping[str, Sequence[str]], key: bytes
) -> tuple[dict[str, pl.DataFrame], int, int]:
    """Rewrite ``columns[name]`` of each frame; return the frames, cells and distinct numbers.

    One mapping is built over all the named columns of all frames, so a person has the
    same id in every table.
    """
    for name, names in columns.items():
        missing = [c for c in names if c not in frames[name].columns]
        if missing:
            raise UsageError(
                msg(
                    "{table}: no column {columns}",
                    table=name,
                    columns=", ".join(repr(c) for c in missing),
                )
            )
    parts = [frames[name][c] for name, names in columns.items() for c in names]
    if not parts:
        return dict(frames), 0, 0
    mapping = _mapping(pl.concat([p.cast(pl.String()) for p in parts]), key)
    lookup = dict(zip(mapping["number"], mapping["pseudonym"], strict=True))
    out = dict(frames)
    cells = 0
    for name, names in columns.items():
        frame = out[name]
        for column in names:
            stripped = frame[column].cast(pl.String()).str.strip_chars()
            cells += int(stripped.is_not_null().sum())
            # replace_strict runs in Rust over the whole column; no value is left behind.
            frame = frame.with_columns(
                stripped.replace_strict(lookup, default=None, return_dtype=pl.String()).alias(
                    column
                )
            )
        out[name] = frame
    return out, cells, mapping.height


def _read(path: Path) -> pl.DataFrame:
    try:
        with polars_target(path, "rb") as source:
            if path.suffix == ".csv":
                return pl.read_csv(source, infer_schema=False)
            return pl.read_parquet(source)
    except (pl.exceptions.PolarsError, OSError):
        # The parser's message may quote a cell: name the file only.
        raise UsageError(
            msg(
                "{file}: cannot be read as {format}",
                file=path.name,
                format=path.suffix[1:].upper(),
            )
        ) from None


def _write(frame: pl.DataFrame, path: Path) -> None:
    with polars_target(path, "wb") as sink:
        if path.suffix == ".csv":
            frame.write_csv(sink)
        else:
            frame.write_parquet(sink)


def _subject_columns() -> dict[str, tuple[str, ...]]:
    """Per table of the dataset, its columns holding subject ids (from the schema)."""
    found: dict[str, tuple[str, ...]] = {}
    for table in TABLES:
        if table.name == "subjects":
            found[table.name] = table.key
        elif table.parent is not None and table.parent[1] == "subjects":
            found[table.name] = (table.parent[0],)
    return found


def _folder(source: Path, out: Path, key: bytes) -> PseudonymisationSummary:
    subject_columns = _subject_columns()
    tables: dict[str, Path] = {}
    for entry in sorted(source.iterdir()):
        if entry.is_file() and entry.suffix in _SUFFIXES and entry.stem in subject_columns:
            tables[entry.stem] = entry
    if "subjects" not in tables:
        raise UsageError(
            msg("{folder}: no subjects.csv or subjects.parquet to pseudonymise", folder=str(source))
        )
    frames = {name: _read(path) for name, path in tables.items()}
    columns = {
        name: [c for c in subject_columns[name] if c in frames[name].columns] for name in frames
    }
    rewritten, cells, distinct = pseudonymise_frames(frames, columns, key)
    out.mkdir(parents=True)
    written = []
    for entry in sorted(source.iterdir()):
        target = out / entry.name
        if entry.stem in rewritten and entry == tables.get(entry.stem):
            _write(rewritten[entry.stem], target)
        elif entry.is_file():
            shutil.copy2(entry, target)
        else:
            continue
        written.append(target)
    return PseudonymisationSummary(written=tuple(written), cells=cells, distinct=distinct)


def _document(source: Path, out: Path, key: bytes) -> PseudonymisationSummary:
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise UsageError(
            msg("{file}: cannot be read as a JSON document", file=source.name)
        ) from None
    subjects = document.get("subjects") if isinstance(document, dict) else None
    if not isinstance(subjects, list):
        raise UsageError(msg("{file}: no subjects list to pseudonymise", file=source.name))
    numbers = [s.get("id") if isinstance(s, dict) else None for s in subjects]
    for index, (subject, number) in enumerate(zip(subjects, numbers, strict=True)):
        # An id left as it is would be an identity number left in the output: refuse.
        where = f"$.subjects[{index}]"
        if not isinstance(subject, dict):
            raise UsageError(
                msg(
                    "{file}: {where} is not an object; nothing was written",
                    file=source.name,
                    where=where,
                )
            )
        if number is not None and not isinstance(number, str):
            raise UsageError(
                msg(
                    "{file}: {where}.id is a {type}, not text; write identity numbers "
                    "as JSON strings (nothing was written)",
                    file=source.name,
                    where=where,
                    type=type(number).__name__,
                )
            )
        if isinstance(number, str) and not is_unicode(number):
            raise UsageError(
                msg(
                    "{file}: {where}.id is not valid Unicode; nothing was written",
                    file=source.name,
                    where=where,
                )
            )
    present = pl.Series("id", numbers, dtype=pl.String())
    mapping = _mapping(present, key)
    lookup = dict(zip(mapping["number"], mapping["pseudonym"], strict=True))
    cells = 0
    for subject, number in zip(subjects, numbers, strict=True):
        if isinstance(number, str) and number.strip():
            subject["id"] = lookup[number.strip()]
            cells += 1
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    if not is_unicode(text):
        # A lone surrogate elsewhere in the document: copied as the escape it was written as
        # (the door reports it when the copy is read).
        text = json.dumps(document, ensure_ascii=True, indent=1) + "\n"
    out.write_text(text, encoding="utf-8")
    return PseudonymisationSummary(written=(out,), cells=cells, distinct=mapping.height)


def pseudonymise(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    key: bytes,
    *,
    columns: Sequence[str] = (),
) -> PseudonymisationSummary:
    """Write a copy of *source* to *out* with identity numbers replaced by pseudonyms.

    *source* is a folder of table files, a JSON dataset document, or (with *columns*) a
    single CSV or Parquet file; see the module docstring for what is rewritten. *out*
    must not exist. Raises :class:`~drugfree_core.errors.UsageError` for anything that
    cannot be done, with a message that quotes neither a value nor the key.
    """
    expect(key, bytes, msg("the key"), msg("bytes (see read_key)"))
    if isinstance(columns, str | bytes) or not isinstance(columns, Iterable):
        raise UsageError(msg("columns must be a list of column names"))
    columns = tuple(columns)
    if not all(isinstance(c, str) for c in columns):
        raise UsageError(msg("columns must be a list of column names"))
    if len(key) < MIN_KEY_BYTES:
        raise UsageError(msg("a key needs at least {min} bytes", min=MIN_KEY_BYTES))
    src = expect_path(source, msg("the source"))
    dst = expect_path(out, "out")
    # No permission, a full disk: one line naming the file, as for any other write.
    with writing(dst):
        return _pseudonymise(src, dst, key, columns)


def _pseudonymise(
    src: Path, dst: Path, key: bytes, columns: Sequence[str]
) -> PseudonymisationSummary:
    if not src.exists():
        raise UsageError(msg("{path}: no such file or folder", path=str(src)))
    if dst.exists():
        raise UsageError(
            msg(
                "{path} already exists; give a new path (the input is never modified)",
                path=str(dst),
            )
        )
    if src.is_dir():
        if columns:
            raise UsageError(msg("--column is for a single file; a folder's subject ids are known"))
        return _folder(src, dst, key)
    if src.suffix.lower() == ".json":
        if columns:
            raise UsageError(msg("--column is for a CSV or Parquet file, not a JSON document"))
        return _document(src, dst, key)
    if src.suffix.lower() not in _SUFFIXES:
        raise UsageError(
            msg("{file}: expected a folder, a .json, .csv or .parquet file", file=src.name)
        )
    if not columns:
        raise UsageError(
            msg("{file}: name the columns holding identity numbers (--column)", file=src.name)
        )
    if dst.suffix.lower() != src.suffix.lower():
        raise UsageError(
            msg("{file}: write a {suffix} file, as the input is", file=dst.name, suffix=src.suffix)
        )
    frame = _read(src)
    # Keyed by the file's name: a column it lacks is reported as missing from that file.
    rewritten, cells, distinct = pseudonymise_frames({src.name: frame}, {src.name: columns}, key)
    dst.parent.mkdir(parents=True, exist_ok=True)
    _write(rewritten[src.name], dst)
    return PseudonymisationSummary(written=(dst,), cells=cells, distinct=distinct)
