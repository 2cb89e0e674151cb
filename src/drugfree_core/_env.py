"""Switches read from the environment: one reading of "on" for every ``DRUGFREE_*`` flag."""

from __future__ import annotations

#: The values that turn a switch on, whatever their case and surrounding spaces.
ON_VALUES = frozenset({"1", "true", "yes", "on"})


def switched_on(value: str | None) -> bool:
    """Whether an environment variable's *value* turns its switch on (unset is off)."""
    return (value or "").strip().lower() in ON_VALUES
