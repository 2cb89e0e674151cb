"""The translation catalogues: where they are, how they load, and what was looked up.

The Vietnamese text of every message lives in ``locale/vi/LC_MESSAGES/drugfree.po``
next to this package's sources. A wheel carries it compiled (``drugfree.mo``, built by
the package build, see ``hatch_build.py``); a source tree or an editable install has only
the ``.po``, which is then compiled once per content and kept
(:mod:`~drugfree_core.i18n.catalogue_cache`). A ``.mo`` older than its ``.po`` (someone
edited the translation and did not rebuild) is ignored the same way, so what is shown is
always what the ``.po`` says. English is the messages' own text: it needs no catalogue.
"""

from __future__ import annotations

import contextvars
import functools
import gettext
import struct
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import attrs

from drugfree_core.i18n.language import Lang

#: The gettext domain: ``<lang>/LC_MESSAGES/drugfree.po``.
DOMAIN = "drugfree"

#: Where the catalogues live (inside the installed package).
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@attrs.frozen
class Catalogue:
    """One language's translations: ``(context, msgid)`` → its forms, and the plural rule."""

    lang: str
    #: The translated forms of each message: one, or one per plural form.
    entries: dict[tuple[str | None, str], tuple[str, ...]]
    #: Which plural form a count takes.
    plural: Callable[[int], int]

    def lookup(self, msgid: str, context: str | None = None, n: int | None = None) -> str | None:
        """The translation of *msgid* (for count *n* when plural), or ``None``."""
        forms = self.entries.get((context, msgid))
        if not forms:
            return None
        index = 0 if n is None else self.plural(n)
        return forms[min(index, len(forms) - 1)]


def catalogue_paths(lang: str) -> tuple[Path, Path]:
    """The ``.po`` source and the compiled ``.mo`` of *lang*'s catalogue."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    return folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"


#: The first four bytes of a ``.mo`` file, read little-endian: which order the file uses.
_MO_MAGIC = {0x950412DE: "<", 0xDE120495: ">"}


def _from_mo(lang: str, data: bytes) -> Catalogue:
    """A catalogue from the bytes of a compiled ``.mo`` file (UTF-8, as the build writes).

    The format (GNU gettext): a header giving the number of messages and where their
    two tables are, then per message the length and offset of its msgid and of its
    translation. A context precedes the msgid, joined by the byte 4 (EOT); plural forms
    are joined by NUL. Read here directly, without importing Babel's catalogue machinery:
    the first Vietnamese text of a process waits for it. ``ValueError`` when *data* is
    not a whole catalogue (a string past its end: a file cut short).
    """
    order = _MO_MAGIC.get(struct.unpack("<I", data[:4])[0]) if len(data) >= 4 else None
    if order is None:
        raise ValueError(f"not a compiled catalogue (.mo) for {lang}")  # internal: see catalogue()
    count, ids_at, texts_at = struct.unpack_from(f"{order}3I", data, 8)
    entries: dict[tuple[str | None, str], tuple[str, ...]] = {}
    plural_expr = "0"
    for i in range(count):
        id_length, id_offset = struct.unpack_from(f"{order}2I", data, ids_at + 8 * i)
        text_length, text_offset = struct.unpack_from(f"{order}2I", data, texts_at + 8 * i)
        if max(id_offset + id_length, text_offset + text_length) > len(data):
            raise ValueError(  # internal: see catalogue()
                f"the compiled catalogue (.mo) for {lang} is cut short"
            )
        key = data[id_offset : id_offset + id_length].decode("utf-8")
        text = data[text_offset : text_offset + text_length].decode("utf-8")
        if not key:  # the header: the plural rule is all this module needs of it
            for line in text.splitlines():
                name, _, value = line.partition(":")
                if name.strip().lower() == "plural-forms":
                    plural_expr = value.split("plural=", 1)[-1].strip().rstrip(";")
            continue
        context, _, msgid = key.rpartition("\x04")
        forms = tuple(text.split("\x00"))
        if all(forms):
            entries[(context or None, msgid.split("\x00")[0])] = forms
    return Catalogue(lang=lang, entries=entries, plural=gettext.c2py(plural_expr))


def read_catalogue(lang: str) -> Catalogue | None:
    """*lang*'s catalogue from its ``.mo`` when up to date, else from its ``.po``.

    Fuzzy and empty entries are left out: they are not translations yet. ``None`` when
    the language has no catalogue at all.
    """
    po, mo = catalogue_paths(lang)
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        return _from_mo(lang, mo.read_bytes())
    if po.is_file():
        # Only a source tree gets here: a wheel has no .po (and does not pay the imports).
        from drugfree_core.i18n.catalogue_cache import compiled_catalogue

        return compiled_catalogue(DOMAIN, lang, po.read_bytes(), functools.partial(_from_mo, lang))
    return None


@cache
def catalogue(lang: Lang) -> Catalogue | None:
    """The loaded catalogue of *lang* (once per process); ``None`` for English."""
    if lang == "en":
        return None
    try:
        found = read_catalogue(lang)
    except (ValueError, UnicodeDecodeError) as exc:
        # A damaged file of the install, not the user's doing: said in English, as
        # there is no catalogue to say it with, and never a traceback.
        warnings.warn(
            f"the {lang} translation catalogue in {LOCALE_DIR} is damaged ({exc}): texts "
            "stay in English (a broken install; reinstall drugfree-core)",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    if found is None:
        warnings.warn(
            f"no {lang} translation catalogue in {LOCALE_DIR}: texts stay in English "
            "(a broken install; reinstall drugfree-core)",
            RuntimeWarning,
            stacklevel=2,
        )
    return found


def compile_catalogue(po: Path) -> bytes:
    """The ``.mo`` bytes of the catalogue *po* (what the package build ships)."""
    from drugfree_core.i18n.po_compile import compile_po

    return compile_po(po.read_bytes(), po.parent.parent.name)


# ----------------------------------------------------------------- test support


@attrs.define
class LookupLog:
    """Every message looked up while :func:`record_lookups` was active.

    ``translated`` and ``missing`` hold ``(lang, context, msgid)``: a message of a
    language other than English is *missing* when its catalogue had no translation and
    it was shown in English. ``data_missing`` lists texts of the rule data that
    :func:`drugfree_core.i18n.localize` found no translation for.
    """

    translated: set[tuple[str, str | None, str]] = attrs.field(factory=set)
    missing: set[tuple[str, str | None, str]] = attrs.field(factory=set)
    #: Texts of the rule data (citations, notes) shown untranslated: ``(lang, text)``.
    data_missing: set[tuple[str, str]] = attrs.field(factory=set)


_log: contextvars.ContextVar[LookupLog | None] = contextvars.ContextVar(
    "drugfree_lookup_log", default=None
)


@contextmanager
def record_lookups() -> Iterator[LookupLog]:
    """Record which messages were translated and which were not, within the block.

    For tests: render outputs in Vietnamese inside the block, then assert that
    ``log.missing`` is empty.
    """
    log = LookupLog()
    token = _log.set(log)
    try:
        yield log
    finally:
        _log.reset(token)


def lookups_recorded() -> bool:
    """Whether a :func:`record_lookups` block is active.

    A rendered text kept aside for reuse must then be rendered anew, so that its words
    are looked up and recorded.
    """
    return _log.get() is not None


def N_(msgid: str) -> str:
    """Mark *msgid* for the catalogue and return it unchanged (translate it when shown)."""
    return msgid


def translate(
    lang: Lang,
    msgid: str,
    *,
    plural: str | None = None,
    n: int | None = None,
    context: str | None = None,
    data: bool = False,
) -> str:
    """The one lookup every text goes through: *msgid* in *lang*, English when missing.

    English (and any message without a translation) is *msgid*, or *plural* when *n* is
    not 1. *data* marks a text of the rule data rather than a message of the library
    (it is recorded apart: data may be in one language on purpose).
    """
    english = plural if plural is not None and n != 1 else msgid
    if lang == "en":
        return english
    found = None
    cat = catalogue(lang)
    if cat is not None:
        found = cat.lookup(msgid, context, n if plural is not None else None)
    log = _log.get()
    if log is not None and data:
        if found is None:
            log.data_missing.add((lang, msgid))
    elif log is not None:
        (log.missing if found is None else log.translated).add((lang, context, msgid))
    return english if found is None else found
