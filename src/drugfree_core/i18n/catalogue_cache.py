"""The compiled catalogues a source tree keeps between processes.

A wheel carries its catalogues compiled. A source tree or an editable install has only
the ``.po`` files, and Babel takes 30–40 ms to read one: every Vietnamese command, and
the first explanation of a process, waited for it. So the compiled copy is kept in
``catalogues/`` of the cache folder (:func:`~drugfree_core._env.cache_dir`), named by the
hash of the ``.po`` text: an edited ``.po`` is compiled anew, and what is shown is always
what the ``.po`` says.

A copy is trusted no further than need be. It must be a regular file of the user's that
no one else may write (else whoever can write there would choose the words shown), and
it must read back whole (a copy cut short by a crash is compiled again). A folder that
cannot be written only means compiling each time, as without a cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from drugfree_core._env import cache_dir

_T = TypeVar("_T")

#: Changed whenever this code compiles a ``.po`` differently (a new Babel that writes other
#: bytes for the same entries reads back the same catalogue, so it needs no change).
_FORMAT = b"drugfree compiled catalogue 2\n"
#: A copy not written for this long goes when another copy of its language is written:
#: two checkouts of different ``.po`` files may share the folder.
_UNUSED_FOR = 7 * 24 * 3600.0
#: A temporary file left by a process that died while writing goes after this long.
_LEFT_FOR = 3600.0
#: The name :func:`tempfile.mkstemp` gives a temporary file here.
_TEMPORARY = re.compile(r"\.[a-z0-9_]{8}\.part")


def compiled_catalogue(stem: str, lang: str, po_text: bytes, read: Callable[[bytes], _T]) -> _T:
    """*read* of the ``.mo`` bytes of the ``.po`` text *po_text*: kept, or compiled and kept.

    *stem* and *lang* name the copy (``<stem>-<lang>-<hash>.mo``). *read* raises
    ``ValueError`` (or ``struct.error``, ``UnicodeDecodeError``) for bytes that are not
    a whole catalogue: a copy it refuses is compiled again and replaced.
    """
    folder = cache_dir()
    digest = hashlib.sha256(_FORMAT + po_text).hexdigest()[:32]
    path = None if folder is None else folder / "catalogues" / f"{stem}-{lang}-{digest}.mo"
    if path is not None and (kept := _read_own(path)) is not None:
        # A copy that does not read back whole is compiled again below, and replaced.
        with contextlib.suppress(ValueError, struct.error, UnicodeDecodeError):
            return read(kept)
    from drugfree_core.i18n.po_compile import compile_po

    data = compile_po(po_text, lang)
    if path is not None:
        _keep(path, data, re.compile(rf"{re.escape(stem)}-{re.escape(lang)}-[0-9a-f]{{32}}\.mo"))
    return read(data)


def _read_own(path: Path) -> bytes | None:
    """The bytes of *path* if it is a regular file no one else may have written, else None.

    Opened without following a link and without waiting on a pipe, then checked.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, flags | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    with os.fdopen(handle, "rb") as kept:
        try:
            return kept.read() if _trusted(os.fstat(handle)) else None
        except OSError:
            return None


def _trusted(found: os.stat_result) -> bool:
    if not stat.S_ISREG(found.st_mode):
        return False
    if not hasattr(os, "geteuid"):  # no owners to tell apart (Windows)
        return True
    return found.st_uid == os.geteuid() and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _keep(path: Path, data: bytes, copies: re.Pattern[str]) -> None:
    """Write *data* to *path* whole or not at all; drop stale *copies* and leftovers."""
    import tempfile  # only when a copy is written: its imports cost a few milliseconds

    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Written aside, on disk, then renamed: a process reading it at the same time, or
        # after a crash, finds the old state or the new, never half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:
        return  # a read-only or full folder: compiled each time
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            if entry.name == path.name:
                continue
            if copies.fullmatch(entry.name):
                limit = _UNUSED_FOR
            elif _TEMPORARY.fullmatch(entry.name):
                limit = _LEFT_FOR
            else:
                continue
            with contextlib.suppress(OSError):
                if now - entry.stat(follow_symlinks=False).st_mtime > limit:
                    os.unlink(entry.path)
