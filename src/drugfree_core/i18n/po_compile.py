"""Compiling a translation catalogue: the text of a ``.po`` into the bytes of a ``.mo``.

Used by the library for a source tree's catalogue (:mod:`.catalog`) and by the package
build, which loads this file on its own (``hatch_build.py``): it imports nothing of the
package.
"""

from __future__ import annotations

import io

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def compile_po(po_text: bytes, lang: str) -> bytes:
    """The ``.mo`` bytes of the ``.po`` text *po_text*, its translated entries only.

    An entry that is fuzzy or has an empty form is left out, so it reads as missing (the
    English shows, singular or plural as the count asks, and the lookup log counts it).
    Babel alone would write an untranslated plural entry as its English singular.
    """
    catalog = read_po(io.BytesIO(po_text), locale=lang)
    for message in list(catalog):
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.id and not all(forms):
            catalog.delete(message.id, context=message.context)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()
