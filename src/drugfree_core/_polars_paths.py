"""File names polars can take, and a door for those it cannot.

Polars' readers and writers take a file's name as UTF-8 text. A POSIX name may hold any
bytes; Python keeps those that are not UTF-8 as lone surrogates, and polars refuses such
a name with a ``TypeError`` (it then takes the value for a file object). Such a file is
opened here and polars given the open file instead: the same bytes are read or written.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal


def polars_can_open(path: Path) -> bool:
    """Whether polars can be given *path* itself (its name is UTF-8 text)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@contextlib.contextmanager
def polars_target(path: Path, mode: Literal["rb", "wb"]) -> Iterator[Path | IO[bytes]]:
    """*path* as polars can take it: the path itself, or the file opened here in *mode*.

    The path is preferred: polars then reads a file in parallel and maps it to memory,
    where an open file is read whole first.
    """
    if polars_can_open(path):
        yield path
        return
    with path.open(mode) as file:
        yield file
