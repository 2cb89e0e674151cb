"""The cyclic garbage collector paused while a step makes many objects that hold no cycle.

CPython runs a collection every 700 new containers, and now and then one that walks every
live container. A step that makes hundreds of thousands of dicts and lists (a decoded
document, an evaluation written as JSON) would have those walks over and over, for
nothing: its objects hold no cycles, and reference counting frees them as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause cyclic collection for the block; it resumes after, if it was running before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
