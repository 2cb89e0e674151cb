"""Which language a text is shown in: one rule, for the command line, the API and services.

The language is, in this order: the one asked for explicitly (``--lang``, a ``lang=``
argument); else the one a front set for the current context (:func:`use_lang`, a
:mod:`contextvars` variable, so each thread, task or request has its own); else the
``DRUGFREE_LANG`` environment variable; else the process locale (``LANG=vi_VN.UTF-8``
means Vietnamese); else English.
"""

from __future__ import annotations

import contextvars
import locale
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Literal, get_args

Lang = Literal["vi", "en"]

#: The languages every user-visible text exists in; the first is the project's own.
LANGS: tuple[Lang, ...] = get_args(Lang)

#: The environment variable that sets the default language.
LANG_ENV = "DRUGFREE_LANG"

_current: contextvars.ContextVar[Lang | None] = contextvars.ContextVar(
    "drugfree_lang", default=None
)


#: Each language by its own code.
_EXACT: dict[str, Lang] = {lang: lang for lang in LANGS}


class LanguageError(ValueError):
    """A language that is not one of :data:`~drugfree_core.i18n.LANGS` was asked for."""


def parse_lang(value: str) -> Lang | None:
    """The supported language a language or locale name means, or ``None``.

    ``"vi"``, ``"VI"``, ``"vi_VN"``, ``"vi-VN"`` and ``"vi_VN.UTF-8"`` all mean
    Vietnamese; ``"en_GB.utf8"`` means English; ``"C"``, ``"POSIX"``, ``""`` and
    languages the library does not speak give ``None``.
    """
    # The usual case, a language code as it stands ("vi"), without taking it apart: a
    # report renders tens of thousands of texts, each naming its language.
    exact = _EXACT.get(value) if type(value) is str else None
    if exact is not None:
        return exact
    base = value.strip().split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    code = base.split("_", 1)[0].lower()
    return next((lang for lang in LANGS if lang == code), None)


def check_lang(value: str) -> Lang:
    """*value* as a supported language, or :class:`LanguageError` saying which exist."""
    lang = parse_lang(value)
    if lang is None:
        raise LanguageError(f"unsupported language {value!r}: use one of {', '.join(LANGS)}")
    return lang


def locale_lang(environ: Mapping[str, str] | None = None) -> Lang | None:
    """The language of the process locale, as gettext reads it, or ``None``.

    ``LC_ALL``, then ``LC_MESSAGES``, then ``LANG`` name the locale (the first one set);
    in a locale other than ``C``/``POSIX``, ``LANGUAGE`` (a ``:``-separated list of
    preferences) comes first. Without any of them (Windows), Python's own locale is asked.
    """
    env = os.environ if environ is None else environ
    name = next((env[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(v)), None)
    if name is None and environ is None:
        try:
            name = locale.getlocale()[0]
        except ValueError:  # an unparsable locale setting means no preference
            name = None
    if not name or name.split(".", 1)[0] in ("C", "POSIX"):
        return None
    for preferred in env.get("LANGUAGE", "").split(":"):
        if preferred and (lang := parse_lang(preferred)) is not None:
            return lang
    return parse_lang(name)


def default_lang(environ: Mapping[str, str] | None = None) -> Lang:
    """The language when nobody asked for one: ``DRUGFREE_LANG``, the locale, English.

    A ``DRUGFREE_LANG`` the library does not speak is an error (a typo should not
    silently give English); an unsupported process locale gives English.
    """
    env = os.environ if environ is None else environ
    chosen = env.get(LANG_ENV, "").strip()
    if chosen:
        try:
            return check_lang(chosen)
        except LanguageError as exc:
            raise LanguageError(f"{LANG_ENV}={chosen}: {exc}") from None
    return locale_lang(environ) or "en"


def current_lang() -> Lang:
    """The language of the current context: the one a front set, else :func:`default_lang`."""
    return _current.get() or default_lang()


def chosen_lang() -> Lang | None:
    """The language a front or :func:`use_lang` set for the current context, else ``None``.

    Unlike :func:`current_lang`, the environment and the locale are not consulted: an
    error's ``str()`` is English unless someone chose a language for the code that
    reads it.
    """
    return _current.get()


def resolve_lang(lang: str | None = None) -> Lang:
    """*lang* checked when given, else :func:`current_lang` (what ``lang=None`` means)."""
    return current_lang() if lang is None else check_lang(lang)


def set_lang(lang: str | None) -> contextvars.Token[Lang | None]:
    """Make *lang* the current context's language (``None``: back to the default).

    Returns the token :func:`reset_lang` takes to undo it; prefer :func:`use_lang`.
    """
    return _current.set(None if lang is None else check_lang(lang))


def reset_lang(token: contextvars.Token[Lang | None]) -> None:
    """Undo the :func:`set_lang` that returned *token*."""
    _current.reset(token)


@contextmanager
def use_lang(lang: str | None) -> Iterator[Lang]:
    """Within the block, texts are rendered in *lang* unless a call asks for another.

    ``None`` leaves the current language as it is. Yields the language in force.
    """
    if lang is None:
        yield current_lang()
        return
    token = set_lang(lang)
    try:
        yield current_lang()
    finally:
        reset_lang(token)
