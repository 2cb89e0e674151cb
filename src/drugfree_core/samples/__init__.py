"""The bundled sample dataset: one small synthetic province (no real people)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def demo_path() -> Path:
    """Path of the bundled sample province, a dataset JSON document."""
    return Path(str(files("drugfree_core.samples") / "demo_province.json"))
