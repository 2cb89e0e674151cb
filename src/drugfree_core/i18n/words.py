"""Small phrases every output needs: durations, yes and no, lists."""

from __future__ import annotations

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
