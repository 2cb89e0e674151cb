"""Who may see what: bearer tokens, their scope of provinces and their permissions.

Tokens are configured in a TOML file that holds only their SHA-256 hashes::

    [[tokens]]
    id = "hai-phong-analyst"          # names the token in the audit log
    hash = "sha256:3f1c…"             # drugfree token new prints this line
    scope = ["31"]                    # province codes, or "national"
    permissions = ["aggregates", "explain"]

A token is 32 random bytes (``secrets.token_urlsafe``), so a plain SHA-256 is enough to
store it: there is no password to guess, and a leaked file gives no token. Comparison
is constant-time.

Permissions: ``aggregates`` (evaluations and reports), ``explain`` (one unit's
explanation) and ``cases`` (subject ids, in explanations, evaluations and case lists).

A scope is checked on the map in force on the requested date: a province token
covers, on a date before 1 July 2025, the provinces it absorbed (a Hải Phòng token
covers Hải Dương's communes on 30 June 2025), and after it the successor of the
province it names. :class:`ScopeGuard` does this with the lineage of
:class:`~drugfree_core.plugins.territory.TerritoryIndex`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from drugfree_core.errors import DrugfreeError, UsageError
from drugfree_core.i18n import Text, msg, msgn, os_reason
from drugfree_core.model._checks import is_identifier
from drugfree_core.plugins.territory import TerritoryIndex
from drugfree_core.service.toml_reasons import toml_problem

AGGREGATES = "aggregates"
EXPLAIN = "explain"
CASES = "cases"
#: Every permission a token can hold.
PERMISSIONS = (AGGREGATES, EXPLAIN, CASES)
#: The scope word for the whole country.
NATIONAL = "national"
_HASH_PREFIX = "sha256:"
_TOKEN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class AccessError(DrugfreeError):
    """A request without a valid token (401) or outside its token's scope (403)."""

    def __init__(self, status: int, message: Text) -> None:
        super().__init__(message)
        self.status = status


@attrs.frozen(kw_only=True)
class Grant:
    """What one token may do: its id, provinces (none when national) and permissions."""

    id: str
    national: bool
    provinces: tuple[str, ...] = ()
    permissions: frozenset[str] = frozenset()

    def scope_text(self) -> str:
        """``national`` or the province codes, for the audit log."""
        return NATIONAL if self.national else ",".join(self.provinces)

    def require(self, permission: str) -> None:
        """Raise a 403 :class:`AccessError` unless the token holds *permission*."""
        if permission not in self.permissions:
            raise AccessError(
                403,
                msg(
                    "token {token} lacks the {permission} permission",
                    token=repr(self.id),
                    permission=repr(permission),
                ),
            )


def token_hash(token: str) -> str:
    """The line stored for *token* in the tokens file: ``sha256:<hex>``."""
    return _HASH_PREFIX + hashlib.sha256(token.encode()).hexdigest()


def _grant(entry: object, where: str) -> tuple[str, Grant]:
    if not isinstance(entry, dict):
        raise UsageError(
            msg("{where}: expected a table with id, hash, scope and permissions", where=where)
        )
    unknown = set(entry) - {"id", "hash", "scope", "permissions"}
    if unknown:
        raise UsageError(
            msgn(
                "{where}: unknown key {keys}",
                "{where}: unknown keys {keys}",
                len(unknown),
                where=where,
                keys=", ".join(sorted(unknown)),
            )
        )
    token_id, stored, scope = entry.get("id"), entry.get("hash"), entry.get("scope")
    permissions = entry.get("permissions", [])
    if not isinstance(token_id, str) or not token_id:
        raise UsageError(msg("{where}: id must be a non-empty string", where=where))
    if not isinstance(stored, str) or not stored.startswith(_HASH_PREFIX) or len(stored) != 71:
        raise UsageError(
            msg(
                "{where} ({token}): hash must be 'sha256:' and 64 hex digits",
                where=where,
                token=token_id,
            )
        )
    if not isinstance(permissions, list) or not all(p in PERMISSIONS for p in permissions):
        raise UsageError(
            msg(
                "{where} ({token}): permissions must be a list of {permissions}",
                where=where,
                token=token_id,
                permissions=", ".join(PERMISSIONS),
            )
        )
    if scope == NATIONAL:
        grant = Grant(id=token_id, national=True, permissions=frozenset(permissions))
    elif isinstance(scope, list) and scope and all(isinstance(p, str) and p for p in scope):
        grant = Grant(
            id=token_id,
            national=False,
            provinces=tuple(scope),
            permissions=frozenset(permissions),
        )
    else:
        raise UsageError(
            msg(
                '{where} ({token}): scope must be "national" or a list of province codes',
                where=where,
                token=token_id,
            )
        )
    return stored, grant


class TokenStore:
    """The configured tokens, looked up by the hash of a presented bearer token."""

    def __init__(self, grants: Iterable[tuple[str, Grant]]) -> None:
        self._by_hash: dict[str, Grant] = {}
        ids: set[str] = set()
        for stored, grant in grants:
            if grant.id in ids:
                raise UsageError(
                    msg("token id {token} appears more than once", token=repr(grant.id))
                )
            ids.add(grant.id)
            self._by_hash[stored] = grant

    @classmethod
    def from_file(cls, path: str | Path) -> TokenStore:
        """Read a tokens file (see the module docstring); raise a clear UsageError if bad."""
        file = Path(path)
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise UsageError(
                msg(
                    "cannot read the tokens file {file}: {reason}",
                    file=str(file),
                    reason=os_reason(exc),
                )
            ) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(toml_problem(str(file), exc)) from None
        entries = data.get("tokens", [])
        if not isinstance(entries, list):
            raise UsageError(
                msg("{file}: 'tokens' must be an array of tables ([[tokens]])", file=str(file))
            )
        return cls(_grant(e, f"{file}: tokens[{i}]") for i, e in enumerate(entries))

    def __len__(self) -> int:
        return len(self._by_hash)

    def authenticate(self, authorization: str | None) -> Grant:
        """The grant of the ``Authorization: Bearer <token>`` header; 401 if none matches."""
        if not authorization:
            raise AccessError(401, msg("a bearer token is required (Authorization: Bearer …)"))
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AccessError(401, msg("the Authorization header must be 'Bearer <token>'"))
        presented = token_hash(token.strip())
        found = None
        for stored, grant in self._by_hash.items():
            # Every entry is compared, in constant time, so timing tells nothing.
            if hmac.compare_digest(stored, presented):
                found = grant
        if found is None:
            raise AccessError(401, msg("unknown token"))
        return found


def mint_token(
    token_id: str, scope: str | Iterable[str], permissions: Iterable[str]
) -> tuple[str, str]:
    """A new token and the TOML entry to add to the tokens file (which holds its hash only).

    *scope* is ``"national"`` or province codes. The token is shown once, to its holder.
    """
    if not isinstance(token_id, str) or not _TOKEN_ID.fullmatch(token_id):
        raise UsageError(
            msg(
                "a token id is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter "
                "or digit (it names the token in the audit log)"
            )
        )
    if isinstance(permissions, str | bytes) or not isinstance(permissions, Iterable):
        raise UsageError(
            msg("permissions must be a list of {permissions}", permissions=", ".join(PERMISSIONS))
        )
    if not isinstance(scope, str) and (
        isinstance(scope, bytes | Mapping) or not isinstance(scope, Iterable)
    ):
        raise UsageError(msg('the scope must be "national" or a list of province codes'))
    permissions = list(permissions)
    if not all(isinstance(p, str) for p in permissions):
        raise UsageError(
            msg("permissions must be a list of {permissions}", permissions=", ".join(PERMISSIONS))
        )
    permissions = list(dict.fromkeys(permissions))
    bad = [p for p in permissions if p not in PERMISSIONS]
    if bad:
        raise UsageError(
            msgn(
                "unknown permission {names}; use {permissions}",
                "unknown permissions {names}; use {permissions}",
                len(bad),
                names=", ".join(bad),
                permissions=", ".join(PERMISSIONS),
            )
        )
    if not permissions:
        raise UsageError(
            msg("give at least one permission ({permissions})", permissions=", ".join(PERMISSIONS))
        )
    token = "dfc_" + secrets.token_urlsafe(32)
    if isinstance(scope, str) and scope == NATIONAL:
        scope_text = f'"{NATIONAL}"'
    else:
        codes = [scope] if isinstance(scope, str) else list(scope)
        if not codes or not all(codes):
            raise UsageError(msg('give "national" or at least one province code as the scope'))
        if not all(isinstance(c, str) and is_identifier(c) for c in codes):
            raise UsageError(
                msg("a province code is 1 to 64 letters, digits, '.', '_', ':' or '-' (e.g. 31)")
            )
        scope_text = "[" + ", ".join(f'"{c}"' for c in codes) + "]"
    entry = (
        "[[tokens]]\n"
        f'id = "{token_id}"\n'
        f'hash = "{token_hash(token)}"\n'
        f"scope = {scope_text}\n"
        "permissions = [" + ", ".join(f'"{p}"' for p in permissions) + "]\n"
    )
    _grant(tomllib.loads(entry)["tokens"][0], "the new entry")  # the entry reads back
    return token, entry


class ScopeGuard:
    """Decides whether a grant covers a unit or a province on a date, on the map then."""

    def __init__(self, index: TerritoryIndex) -> None:
        self.index = index

    def provinces_on(self, grant: Grant, on: dt.date) -> frozenset[str] | None:
        """The province codes *grant* covers on *on* (None: the whole country)."""
        if grant.national:
            return None
        found: set[str] = set()
        for province in grant.provinces:
            found |= self.index.in_force_on(province, on)
        return frozenset(found)

    def knows(self, code: str) -> bool:
        """Whether *code* is a unit of the map (of any date): a code, not text typed at random.

        Only such a code is ever repeated in an answer or kept in the audit log; anything
        else is what a caller typed, a name or an identity number it may be.
        """
        return code in self.index

    def province_of(self, unit_code: str, on: dt.date) -> str:
        """The province of *unit_code* on *on* (a UsageError when the map cannot say).

        A code the map does not know is refused without being repeated (see :meth:`knows`).
        """
        if not self.knows(unit_code):
            raise UsageError(msg("the unit code asked for is not in the administrative map"))
        return self.index.province_of(unit_code, on)

    def check_unit(self, grant: Grant, unit_code: str, on: dt.date) -> str:
        """The unit's province on *on*; a 403 :class:`AccessError` if *grant* does not cover it.

        A code the map does not know is a UsageError that does not repeat it.
        """
        province = self.province_of(unit_code, on)
        allowed = self.provinces_on(grant, on)
        if allowed is not None and province not in allowed:
            raise AccessError(
                403,
                msg(
                    "token {token} does not cover unit {unit} (province {province})",
                    token=repr(grant.id),
                    unit=unit_code,
                    province=province,
                ),
            )
        return province

    def scope(self, grant: Grant, province: str | None, on: dt.date) -> frozenset[str] | None:
        """The provinces a request covers: *province* (checked) or all the grant's.

        None stands for the whole country (a national grant asking for no province). A
        code the map does not know is a UsageError that does not repeat it.
        """
        allowed = self.provinces_on(grant, on)
        if province is None:
            return allowed
        if not self.knows(province):
            raise UsageError(msg("the province code asked for is not in the administrative map"))
        wanted = self.index.in_force_on(province, on)
        if not wanted:
            raise UsageError(
                msg(
                    "province {province} has no unit in force on {date}", province=province, date=on
                )
            )
        if allowed is not None and not wanted <= allowed:
            raise AccessError(
                403,
                msg(
                    "token {token} does not cover province {province}",
                    token=repr(grant.id),
                    province=province,
                ),
            )
        return wanted
