"""Small phrases every output needs: durations, yes and no, lists, the system's refusals."""

from __future__ import annotations

import errno
from collections.abc import Iterable

from drugfree_core.i18n.message import Text, msg, msgn, render


def format_duration(years: int = 0, months: int = 0, days: int = 0, lang: str | None = None) -> str:
    """A length of time in words: ``1 year 6 months`` (en), ``1 năm 6 tháng`` (vi)."""
    parts = []
    if years:
        parts.append(msgn("{n} year", "{n} years", years).render(lang))
    if months:
        parts.append(msgn("{n} month", "{n} months", months).render(lang))
    if days or not parts:
        parts.append(msgn("{n} day", "{n} days", days).render(lang))
    return " ".join(parts)


def yes_no(value: bool, lang: str | None = None) -> str:
    """``yes``/``no`` in words (``có``/``không``)."""
    return (msg("yes") if value else msg("no")).render(lang)


def join_texts(items: Iterable[Text], lang: str | None = None, sep: str = ", ") -> str:
    """Texts rendered in *lang* and joined (for lists of names, criteria or reasons)."""
    return sep.join(render(item, lang) for item in items)


#: What the system says when it refuses a file, in the catalogue's words: its own text
#: (``strerror``) is in the system's language, English on the servers this runs on.
_OS_REASONS = {
    errno.ENOENT: msg("no such file or folder"),
    errno.EACCES: msg("permission denied"),
    errno.EPERM: msg("permission denied"),
    errno.ENOSPC: msg("no space left on the device"),
    errno.EROFS: msg("the file system is read-only"),
    errno.EISDIR: msg("it is a folder, not a file"),
    errno.ENOTDIR: msg("a part of the path is not a folder"),
    errno.EEXIST: msg("it already exists"),
    errno.ENAMETOOLONG: msg("the file name exceeds the system's limit"),
}


#: The same by the error's kind, for errors raised without a number (polars' writers).
_OS_KINDS: tuple[tuple[type[OSError], int], ...] = (
    (FileNotFoundError, errno.ENOENT),
    (PermissionError, errno.EACCES),
    (IsADirectoryError, errno.EISDIR),
    (NotADirectoryError, errno.ENOTDIR),
    (FileExistsError, errno.EEXIST),
)
#: The English of each reason (a refused file's reason is kept in English in a problem, and
#: read back into the reader's language where it is shown: see dataset.reasons).
OS_REASON_TEXTS: tuple[str, ...] = tuple(dict.fromkeys(m.msgid for m in _OS_REASONS.values()))


def os_reason(exc: OSError) -> Text:
    """Why the system refused a file, in the reader's language for the usual reasons.

    Other reasons keep the system's own text (or the error's kind when it gave none).
    """
    number = exc.errno
    if number is None:
        number = next((n for kind, n in _OS_KINDS if isinstance(exc, kind)), None)
    known = _OS_REASONS.get(number) if number is not None else None
    return known if known is not None else exc.strerror or type(exc).__name__
