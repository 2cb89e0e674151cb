"""The cyclic garbage collector paused while a step makes many objects that hold no cycle.

CPython runs a collection every 700 new containers, and now and then one that walks every
live container. A step that makes hundreds of thousands of dicts and lists (a decoded
document, an evaluation written as JSON) would have those walks over and over, for
nothing: its objects hold no cycles, and reference counting frees them as usual.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# The collector is one per process: pauses nest and overlap (threads of a server), and it
# resumes when the last one ends, if it ran before the first began. Each pause deciding
# alone could leave it off for good (a second pause reading "off" from the first).
_lock = threading.Lock()
_open = 0
_resume = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause cyclic collection for the block; it resumes after, if it was running before."""
    global _open, _resume
    with _lock:
        if _open == 0:
            _resume = gc.isenabled()
            gc.disable()
        _open += 1
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if _open == 0 and _resume:
                gc.enable()
