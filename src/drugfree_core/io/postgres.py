"""The PostgreSQL door: a schema's tables (or views of the same names) read as a dataset.

``load("postgresql://user@host:5432/db?schema=drugfree")`` reads, from the schema
``drugfree`` (default ``public``), every relation named after a table of
:data:`drugfree_core.dataset.schema.TABLES`: tables, views, materialised views and
foreign tables alike, so a province can point the door at views defined over its case
system's own tables. Relations with other names are ignored; a table without a relation
is empty, as a table without a file is in a folder.

The reader is the Arrow ADBC PostgreSQL driver (``pip install "drugfree-core[postgres]"``),
which streams the rows in PostgreSQL's binary COPY format straight into Arrow columns that
polars takes without a copy. Its columns then go through exactly the typing and checks of
the file doors (``drugfree_core.io.table_door.stage_frames``): each bad cell and each
bad record is a problem located as ``drugfree.drug_tests:row 12`` (with the subject id or
unit code as the record id), and ``quarantine`` works the same.

Row numbers count from 1 in the order of ``ORDER BY`` every column the relation shares
with the table, in the table's column order (text compared as ``COLLATE "C"``, nulls
last), so the same content gives the same locations on every read. All relations are
read in one ``REPEATABLE READ`` transaction: a snapshot, so that people, their residences
and their tests agree even while the case system writes.

Columns of the native types (text, varchar, date, boolean, integers, floats) are read as
they are; any other type (numeric, an enum type, uuid...) is read as text and parsed like
a CSV cell. A timestamp is refused for a date column, with the cast to write in the view.
The password of a URI never appears in a message: prefer ``PGPASSWORD`` or a
``~/.pgpass`` file to a password in the URI.

Explaining one unit (:func:`drugfree_core.evaluate_unit_from`) reads less: the small
relations whole, the key columns of the people's (none may name no one), then the
unit's rows by ``WHERE`` clauses (``stage_postgres_for_unit``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import attrs
import polars as pl

from drugfree_core.dataset.checks import Locator, Staged, id_expr_ok
from drugfree_core.dataset.dataset import UnitScope
from drugfree_core.dataset.schema import TABLES, TABLES_BY_NAME, Table
from drugfree_core.errors import Problem, UsageError, printable
from drugfree_core.i18n import msg
from drugfree_core.io.scoped import (
    PICKED_KEYS,
    Pick,
    first_picks,
    people_picked,
    scope_from_tables,
    second_picks,
)
from drugfree_core.io.table_door import in_one_piece, stage_frames
from drugfree_core.model._checks import _ID

#: URI schemes the door answers to.
URI_SCHEMES = ("postgresql", "postgres")
#: The schema read when the URI names none.
DEFAULT_SCHEMA = "public"

# PostgreSQL types read as they are; anything else is cast to text in the query.
# (char(n), "bpchar", is cast: its ::text drops the padding, so 'P99  ' is the code 'P99'.)
_NATIVE = frozenset(
    {"text", "varchar", "name", "date", "bool"} | {"int2", "int4", "int8", "float4", "float8"}
)
_TIMESTAMPS = frozenset({"timestamp", "timestamptz"})
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1
_RELKINDS = "('r', 'v', 'm', 'f', 'p')"  # table, view, materialised view, foreign, partitioned

_CATALOGUE = f"""
SELECT c.relname::text AS relation, a.attname::text AS column_name,
       (CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END)::text AS type_name,
       (t.typtype = 'e') AS is_enum
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
WHERE n.nspname = $1 AND c.relkind IN {_RELKINDS}
ORDER BY c.relname, a.attnum
"""
_SCHEMA_EXISTS = "SELECT count(*) AS n FROM pg_catalog.pg_namespace WHERE nspname = $1"


def is_database_uri(source: object) -> bool:
    """Whether *source* is a PostgreSQL connection URI (``postgresql://…``)."""
    return (
        isinstance(source, str)
        and source.split("://", 1)[0].lower() in URI_SCHEMES
        and ("://" in source)
    )


def split_uri(uri: str) -> tuple[str, str]:
    """``(URI for the driver, schema name)``: the ``schema`` parameter is ours, not libpq's."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [v for k, v in query if k == "schema"]
    rest = [(k, v) for k, v in query if k != "schema"]
    if len(schemas) > 1:
        raise UsageError(msg("the URI names more than one schema"))
    schema = schemas[0] if schemas else DEFAULT_SCHEMA
    if not schema:
        raise UsageError(msg("the URI's schema parameter is empty"))
    return urlunsplit(parts._replace(query=urlencode(rest))), schema


def display_uri(uri: str) -> str:
    """*uri* without its password, for messages and logs."""
    parts = urlsplit(uri)
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def display_source(source: object) -> str:
    """How to name a dataset source in messages: a path as it is, a URI without password."""
    return display_uri(source) if is_database_uri(source) else str(source)  # type: ignore[arg-type]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# Names a server message may quote as they are: the dataset's tables and columns.
_NAMES = frozenset(t.name for t in TABLES) | {c for t in TABLES for c in t.column_names}


def _scrub(message: str, uri: str) -> str:
    """A driver message cut to its first meaningful line, without the URI's password.

    The server quotes the values it could not read (``invalid input syntax for type
    date: "12/03/1987"``): every quoted text but a table or column name of the dataset
    is replaced by ``…``, so that no value of a row reaches a message.
    """
    password = urlsplit(uri).password
    if password:
        message = message.replace(password, "***")
    message = message.strip()
    # The server's own words follow its severity ("... [PGRES_FATAL_ERROR]: ERROR:  ...").
    server = re.search(r"\b(?:ERROR|FATAL):\s+(.*)", message, flags=re.DOTALL)
    if server:
        message = server.group(1)
    message = re.sub(r"^[A-Z_]+: (\[libpq\] )?", "", message.strip())
    line = message.splitlines()[0].strip() if message else ""

    def hide(match: re.Match[str]) -> str:
        quote, text = match.group(1), match.group(2)
        return match.group(0) if text in _NAMES else f"{quote}…{quote}"

    line = re.sub(r"(\"|')(.*?)\1", hide, line)
    return printable(line) or "unknown error"


def _connect(uri: str) -> Any:
    try:
        import adbc_driver_postgresql.dbapi as driver  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise UsageError(
            msg('reading PostgreSQL needs the ADBC driver: pip install "drugfree-core[postgres]"')
        ) from None
    return driver.connect(uri)


def _query(cursor: Any, sql: str, params: tuple[Any, ...] | None = None) -> pl.DataFrame:
    if params is None:
        cursor.execute(sql)
    else:
        cursor.execute(sql, params)
    return pl.DataFrame(cursor.fetch_arrow())


def _select(
    table: Table, relation: str, schema: str, columns: Mapping[str, tuple[str, bool]]
) -> tuple[str | None, list[Problem]]:
    """The query reading *relation*, or the problems that stop it from being read."""
    label = f"{schema}.{relation}"
    exprs: list[str] = []
    problems: list[Problem] = []
    for name, (type_name, is_enum) in columns.items():
        quoted = _quote(name)
        wanted = table.column(name).dtype if name in table.column_names else None
        if type_name in _TIMESTAMPS and wanted == pl.Date():
            problems.append(
                Problem(
                    table=table.name,
                    location=label,
                    reason=f"column {name!r} has type {type_name}; expected a date "
                    f"(cast it in the view: {quoted}::date AS {quoted})",
                )
            )
        elif type_name in _NATIVE and not is_enum:
            exprs.append(quoted)
        elif type_name == "numeric" and wanted == pl.Int64():
            # A whole number as its integer text, so that 9200.0 is the whole number 9200
            # (as in a Parquet file); anything else (12.5, NaN, a number beyond 64 bits)
            # as its own text, which the typing reports at its row.
            exprs.append(
                f"CASE WHEN {quoted} = trunc({quoted}) AND {quoted} BETWEEN {_INT64_MIN} "
                f"AND {_INT64_MAX} THEN {quoted}::int8::text ELSE {quoted}::text END AS {quoted}"
            )
        else:
            exprs.append(f"{quoted}::text AS {quoted}")
    if problems or not exprs:
        return None, problems
    return f"SELECT {', '.join(exprs)} FROM {_quote(schema)}.{_quote(relation)}", []


def _in_row_order(table: Table, frame: pl.DataFrame) -> pl.DataFrame:
    """*frame* sorted on the table's columns it has, so row numbers depend on content only.

    Sorting here (polars, all cores) rather than with ``ORDER BY`` in the server is several
    times faster on millions of rows; the order is that of ``ORDER BY`` those columns with
    text compared byte by byte (``COLLATE "C"``) and nulls last.
    """
    keys = [c for c in table.column_names if c in frame.columns]
    return frame.sort(keys, nulls_last=True, maintain_order=True) if keys else frame


def stage_postgres(uri: str) -> Staged:
    """Read the dataset's relations of the URI's schema into a staged input (before checks)."""
    driver_uri, schema = split_uri(uri)
    source = display_uri(uri)
    locate = _locator(schema)

    def fatal(location: str, reason: str, table: str = "") -> Staged:
        problem = Problem(table=table, location=location, reason=reason)
        return Staged(source=source, locate=locate, good={}, fatal=(problem,))

    try:
        connection = _connect(driver_uri)
    except UsageError:
        raise
    except Exception as exc:  # the driver's errors share no base class we can import lazily
        return fatal(source, f"cannot connect: {_scrub(str(exc), uri)}")
    try:
        _snapshot(connection)
        with connection.cursor() as cursor:
            if _query(cursor, _SCHEMA_EXISTS, (schema,))["n"][0] == 0:
                return fatal(source, f"no schema named {schema!r} in the database")
            relations = _relations(cursor, schema)
            if not relations:
                names = ", ".join(t.name for t in TABLES)
                return fatal(
                    source,
                    f"schema {schema!r} has no table or view named after a dataset table ({names})",
                )
            frames: dict[str, tuple[str, pl.DataFrame]] = {}
            problems: list[Problem] = []
            for table in TABLES:
                columns = relations.get(table.name)
                if columns is None:
                    continue
                sql, refused = _select(table, table.name, schema, columns)
                problems.extend(refused)
                if sql is None:
                    continue
                try:
                    read = in_one_piece(_in_row_order(table, _query(cursor, sql)))
                    frames[table.name] = (f"{schema}.{table.name}", read)
                except Exception as exc:
                    problems.append(
                        Problem(
                            table=table.name,
                            location=f"{schema}.{table.name}",
                            reason=f"cannot be read: {_scrub(str(exc), uri)}",
                        )
                    )
                    connection.rollback()
        connection.rollback()  # nothing was written; end the snapshot
    except Exception as exc:
        return fatal(source, f"cannot be read: {_scrub(str(exc), uri)}")
    finally:
        connection.close()
    staged = stage_frames(source, frames, locate=locate, fatal=problems)
    # Every relation present was supplied (an unreadable one is a problem, not "none").
    staged = attrs.evolve(staged, supplied=frozenset(relations))
    unread = {t for t in relations if t not in frames}
    if unread:
        # A relation that could not be read is not an empty table: skip the checks needing it.
        staged = _without(staged, unread)
    return staged


_TEXT_TYPES = frozenset({"text", "varchar"})
_SEPARATOR = "\x1f"  # no well-formed id holds it


def _where(picks: Iterable[Pick]) -> tuple[str, tuple[str, ...]]:
    """The ``WHERE`` clause picking the rows of *picks*, and its parameters (one per pick).

    Each list of codes is one text parameter, unnested into a set the server can hash or
    look up by an index. Keys that name no one are not picked here: that there are none
    is checked first (:func:`_names_anyone`).
    """
    clauses = []
    params = []
    for column, values in picks:
        params.append(_SEPARATOR.join(sorted(v for v in values if _ID.fullmatch(v))))
        listed = f"SELECT unnest(string_to_array(${len(params)}, E'\\x1f'))"
        clauses.append(f"{_quote(column)} IN ({listed})")
    return " WHERE " + " OR ".join(clauses), tuple(params)


def _names_anyone(cursor: Any, schema: str, relation: str, keys: Sequence[str]) -> bool:
    """Whether every key of every row of *relation* names someone: none is empty or not an id.

    A row whose key names no one may be the unit's, and the whole read refuses it, so the
    part gives way to the whole read as soon as one exists. Only the key columns travel,
    and polars checks them (:func:`~drugfree_core.dataset.checks.id_expr_ok`, the check
    of the whole read): the same test in the server, one regular expression per row,
    took seconds on millions of rows.
    """
    columns = ", ".join(_quote(key) for key in keys)
    frame = _query(cursor, f"SELECT {columns} FROM {_quote(schema)}.{_quote(relation)}")
    no_one = [(pl.col(key).is_null() | ~id_expr_ok(key)).any() for key in keys]
    return not frame.select(pl.any_horizontal(no_one)).item()


def stage_postgres_for_unit(uri: str, unit_code: str) -> tuple[Staged, UnitScope] | None:
    """What evaluating *unit_code* needs of the schema at *uri*, and the unit's scope.

    The database's twin of :func:`drugfree_core.io.scoped.stage_for_unit`, in one
    snapshot: the small relations are read whole; the key columns of the people's, to
    see that none names no one (:func:`_names_anyone`); then their rows by the same picks
    as ``WHERE`` clauses, which the server's indexes on ``subject_id`` and ``unit_code``
    can serve. None (read the whole schema instead, which says what is wrong) for
    anything unusual: a key that names no one or is not text, a relation that cannot be
    read, no connection.
    """
    driver_uri, schema = split_uri(uri)
    try:
        connection = _connect(driver_uri)
    except Exception:  # the whole read reports it
        return None
    try:
        _snapshot(connection)
        with connection.cursor() as cursor:
            relations = _relations(cursor, schema)
            if not relations:
                return None
            part = _read_part(cursor, schema, relations, unit_code)
        connection.rollback()
    except Exception:  # the whole read reports it, without the password
        return None
    finally:
        connection.close()
    if part is None:
        return None
    frames, scope = part
    staged = stage_frames(display_uri(uri), frames, locate=_locator(schema))
    return attrs.evolve(staged, supplied=frozenset(relations)), scope


def _read_part(
    cursor: Any,
    schema: str,
    relations: Mapping[str, Mapping[str, tuple[str, bool]]],
    unit_code: str,
) -> tuple[dict[str, tuple[str, pl.DataFrame]], UnitScope] | None:
    """The frames of a unit's part (see :func:`stage_postgres_for_unit`), and its scope."""
    frames: dict[str, tuple[str, pl.DataFrame]] = {}

    def read(table: Table, where: str = "", params: tuple[str, ...] = ()) -> pl.DataFrame | None:
        sql, refused = _select(table, table.name, schema, relations[table.name])
        if sql is None or refused:
            return None
        frame = in_one_piece(_in_row_order(table, _query(cursor, sql + where, params or None)))
        frames[table.name] = (f"{schema}.{table.name}", frame)
        return frame

    for name, columns in relations.items():
        keys = PICKED_KEYS.get(name, ())
        if any(columns.get(key, ("", False))[0] not in _TEXT_TYPES for key in keys):
            return None  # a key held as a number or an enum: compared as text, read whole
        if keys and not _names_anyone(cursor, schema, name, keys):
            return None
    whole = [t for t in TABLES if t.name in relations and t.name not in PICKED_KEYS]
    if any(read(table) is None for table in whole):
        return None
    scope = scope_from_tables(unit_code, {name: frame for name, (_, frame) in frames.items()})
    if scope is None:
        return None
    found: dict[str, pl.DataFrame] = {}
    for name, picks in first_picks(scope).items():
        if name in relations:
            frame = read(TABLES_BY_NAME[name], *_where(picks))
            if frame is None:
                return None
            found[name] = frame
    people, named = people_picked(found)
    for name, picks in second_picks(scope, people, named).items():
        if name in relations and read(TABLES_BY_NAME[name], *_where(picks)) is None:
            return None
    return frames, scope


def _locator(schema: str) -> Locator:
    """Where a row of a relation is: ``drugfree.drug_tests:row 12``."""

    def locate(table: str, loc: int) -> str:
        return f"{schema}.{table}:row {loc + 1}"

    return locate


def _snapshot(connection: Any) -> None:
    """Read every relation in one snapshot (see the module docstring)."""
    connection.adbc_connection.set_options(
        **{
            "adbc.connection.transaction.isolation_level": (
                "adbc.connection.transaction.isolation.repeatable_read"
            )
        }
    )


def _relations(cursor: Any, schema: str) -> dict[str, dict[str, tuple[str, bool]]]:
    """Per relation of *schema* named after a table: its columns' types (and if an enum)."""
    relations: dict[str, dict[str, tuple[str, bool]]] = {}
    for relation, column, type_name, is_enum in _query(cursor, _CATALOGUE, (schema,)).iter_rows():
        if relation in TABLES_BY_NAME:
            relations.setdefault(relation, {})[column] = (type_name, bool(is_enum))
    return relations


def _without(staged: Staged, tables: set[str]) -> Staged:
    return attrs.evolve(staged, good={k: v for k, v in staged.good.items() if k not in tables})


def write_postgres(frames: Mapping[str, pl.DataFrame], uri: str) -> list[str]:
    """Create the URI's schema (if needed) and one table per frame in it; return their names.

    Enum columns are written as text. Refuses (a :class:`UsageError`) to overwrite a
    relation that already exists, so pointing it at a case system's schema by mistake
    changes nothing there.
    """
    driver_uri, schema = split_uri(uri)
    source = display_uri(uri)
    try:
        connection = _connect(driver_uri)
    except UsageError:
        raise
    except Exception as exc:
        reason = _scrub(str(exc), uri)
        raise UsageError(
            msg("cannot connect to {source}: {reason}", source=source, reason=reason)
        ) from None
    written: list[str] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(schema)}")
            existing = set(_query(cursor, _CATALOGUE, (schema,))["relation"].to_list())
            clash = sorted(existing & set(frames))
            if clash:
                raise UsageError(
                    msg(
                        "{source}: schema {schema} already has {tables}; write into an empty "
                        "schema",
                        source=source,
                        schema=repr(schema),
                        tables=", ".join(clash),
                    )
                )
            for name, frame in frames.items():
                plain = frame.with_columns(pl.col(pl.Enum).cast(pl.String()))
                cursor.adbc_ingest(name, plain, mode="create", db_schema_name=schema)
                written.append(f"{schema}.{name}")
        connection.commit()
    except UsageError:
        connection.rollback()
        raise
    except Exception as exc:
        connection.rollback()
        reason = _scrub(str(exc), uri)
        raise UsageError(
            msg("cannot write to {source}: {reason}", source=source, reason=reason)
        ) from None
    finally:
        connection.close()
    return written
