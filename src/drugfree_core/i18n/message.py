"""Messages that are not yet in a language: a text id and its values, rendered when shown.

A reason stored in an evaluation result, or an error raised while loading data, is made
deep in the library, long before anyone knows who will read it. It is therefore kept as
a :class:`Message`: the English text that is its id in the translation catalogue, the
plural form when it has one, and its parameters as values (a count, a date, a share,
another message). :meth:`Message.render` puts it in a language at the moment it is
shown, formatting each value as that language writes it (:mod:`.formatting`);
``str(message)`` renders it in the current language (:func:`.current_lang`).

The functions here are the translation function in its forms, and the keywords
``pybabel extract`` looks for (``pyproject.toml``, ``[tool.babel.extract_messages]``):

* :func:`msg`, :func:`msgn`, :func:`pmsg`: a :class:`Message` to render later;
* :func:`gettext`, :func:`ngettext`, :func:`pgettext`: the text in a language now;
* :func:`~drugfree_core.i18n.N_` (in :mod:`.catalog`): marks a text (a table's entry) for the
  catalogue without translating it.

Parameters are written ``{name}`` in the text (``str.format`` fields). A plural message
gets its count as ``{n}``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Union

import attrs

from drugfree_core.i18n.catalog import translate
from drugfree_core.i18n.formatting import (
    format_count,
    format_date,
    format_datetime,
    format_number,
    format_percent,
)
from drugfree_core.i18n.language import Lang, resolve_lang

#: What a message's parameter may be; each is formatted for the reader's language:
#: ``int`` as a count, ``float``/``Decimal`` as a number (up to 2 decimals),
#: ``Fraction`` as a percentage, dates as dates, a :class:`Message` rendered in turn,
#: ``str`` as it is (names, codes, ids). ``bool`` and ``None`` are refused: say them
#: in words.
Param = Union[str, int, float, decimal.Decimal, Fraction, dt.date, "Message"]

_PARAM_TYPES = (str, int, float, decimal.Decimal, Fraction, dt.date)


def _check_params(params: Mapping[str, object]) -> tuple[tuple[str, Param], ...]:
    for name, value in params.items():
        if isinstance(value, bool) or not isinstance(value, (*_PARAM_TYPES, Message)):
            raise TypeError(  # internal: the code building the message, where it is written
                f"message parameter {name}={value!r}: give a str, number, date or Message"
            )
    return tuple(sorted(params.items()))  # type: ignore[arg-type]


@attrs.frozen
class Message:
    """A user-visible text to be rendered in the reader's language when it is shown.

    Build one with :func:`msg`, :func:`msgn` or :func:`pmsg` rather than directly.
    Messages are immutable, hashable and comparable (two messages are equal when text
    and values are), and survive JSON (:meth:`to_dict`, :meth:`from_dict`).
    """

    #: The English text, which is the message's id in the catalogue.
    msgid: str
    #: The English plural, for a message that depends on a count.
    plural: str | None = None
    #: The count that chooses between singular and plural forms.
    n: int | None = None
    #: A disambiguating context (``msgctxt``), when one English text has two meanings.
    context: str | None = None
    #: The values of the text's ``{fields}``, by name.
    params: tuple[tuple[str, Param], ...] = ()
    #: Texts of the data written in other languages by their author, by language
    #: (:func:`bilingual`): they are shown instead of the catalogue's.
    own: tuple[tuple[str, str], ...] = ()

    def render(self, lang: str | None = None) -> str:
        """The message in *lang* (default: :func:`.current_lang`), values formatted."""
        code = resolve_lang(lang)
        if self.own:
            own = dict(self.own).get(code)
            if own is not None:
                return own
        template = translate(code, self.msgid, plural=self.plural, n=self.n, context=self.context)
        if not self.params and self.plural is None:
            return template
        values = {name: render_param(value, code) for name, value in self.params}
        if self.n is not None:
            values.setdefault("n", format_count(self.n, code))
        return template.format_map(values)

    def __str__(self) -> str:
        return self.render()

    def with_params(self, **params: Param) -> Message:
        """A copy with more (or replaced) parameter values."""
        merged = dict(self.params) | params
        return attrs.evolve(self, params=_check_params(merged))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form of the message (language-independent)."""
        out: dict[str, Any] = {"msgid": self.msgid}
        if self.plural is not None:
            out["plural"] = self.plural
            out["n"] = self.n
        if self.context is not None:
            out["context"] = self.context
        if self.params:
            out["params"] = {name: _encode(value) for name, value in self.params}
        if self.own:
            out["own"] = dict(self.own)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        """The message :meth:`to_dict` gave."""
        params = {name: _decode(value) for name, value in data.get("params", {}).items()}
        return cls(
            msgid=data["msgid"],
            plural=data.get("plural"),
            n=data.get("n"),
            context=data.get("context"),
            params=_check_params(params),
            own=tuple(sorted(data.get("own", {}).items())),
        )

    def encode(self) -> str:
        """The message as one compact JSON string (to keep it in a table column)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def decode(cls, text: str) -> Message:
        """The message :meth:`encode` gave."""
        return cls.from_dict(json.loads(text))


def _encode(value: Param) -> Any:
    if isinstance(value, Message):
        return {"message": value.to_dict()}
    if isinstance(value, Fraction):
        return {"fraction": f"{value.numerator}/{value.denominator}"}
    if isinstance(value, decimal.Decimal):
        return {"decimal": str(value)}
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    return value


def _decode(value: Any) -> Param:
    if not isinstance(value, dict):
        return value  # type: ignore[no-any-return]
    ((kind, raw),) = value.items()
    if kind == "message":
        return Message.from_dict(raw)
    if kind == "fraction":
        return Fraction(raw)
    if kind == "decimal":
        return decimal.Decimal(raw)
    if kind == "datetime":
        return dt.datetime.fromisoformat(raw)
    return dt.date.fromisoformat(raw)


def render_param(value: Param, lang: Lang) -> str:
    """One parameter value as *lang* writes it (see :data:`~drugfree_core.i18n.Param`)."""
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return format_count(value, lang)
    if isinstance(value, Fraction):
        return format_percent(value, lang, 0, max_digits=4)
    if isinstance(value, float | decimal.Decimal):
        return format_number(value, lang, 0, max_digits=2)
    if isinstance(value, dt.datetime):
        return format_datetime(value, lang)
    return format_date(value, lang)


Text = str | Message
"""A text that is either already in words (data: a name, a criterion's title) or a
:class:`Message` still to be rendered."""


def render(text: Text, lang: str | None = None) -> str:
    """*text* in *lang*: a message rendered, a plain string as it is."""
    return text.render(lang) if isinstance(text, Message) else text


def localize(text: str, lang: str | None = None) -> str:
    """A text of the rule data (a citation, a note) in *lang*, when the catalogue has it.

    The built-in rules write their citations and notes in English and mark them for the
    catalogue (:func:`N_`), which holds their Vietnamese; a text nobody translated (a
    plugin's own) is shown as it is written. A text is looked up whole, so the rule data
    keep addresses out of it: a citation's or a note's URLs go in ``sources``
    (:class:`~drugfree_core.rules.DatedValue`, :class:`~drugfree_core.rules.Criterion`).
    """
    code = resolve_lang(lang)
    return translate(code, text, data=True) if text else text


def exception_text(exc: BaseException) -> Text:
    """The text *exc* was raised with: its :class:`Message` (to render later) or ``str(exc)``.

    Keeping the message lets a note made from an error be shown in whichever language
    its reader chooses, later.
    """
    if len(exc.args) == 1 and isinstance(exc.args[0], Message):
        return exc.args[0]
    return str(exc)


# ------------------------------------------------------------------ constructors


def msg(msgid: str, /, **params: Param) -> Message:
    """A message to render later: ``msg("{n} units in force", n=3)``."""
    return Message(msgid=msgid, params=_check_params(params))


def msgn(singular: str, plural: str, n: int, /, **params: Param) -> Message:
    """A message whose words depend on the count *n* (given to the text as ``{n}``)."""
    return Message(msgid=singular, plural=plural, n=n, params=_check_params(params))


def pmsg(context: str, msgid: str, /, **params: Param) -> Message:
    """A message with a context, for an English text that is translated two ways."""
    return Message(msgid=msgid, context=context, params=_check_params(params))


def gettext(msgid: str, lang: str | None = None, /, **params: Param) -> str:
    """*msgid* in *lang* (default: the current language), values formatted."""
    return msg(msgid, **params).render(lang)


def ngettext(
    singular: str, plural: str, n: int, lang: str | None = None, /, **params: Param
) -> str:
    """The singular or plural text for *n*, in *lang*, with ``{n}`` and values filled in."""
    return msgn(singular, plural, n, **params).render(lang)


def pgettext(context: str, msgid: str, lang: str | None = None, /, **params: Param) -> str:
    """*msgid* in its *context*, in *lang*."""
    return pmsg(context, msgid, **params).render(lang)


def bilingual(en: str, vi: str) -> Message:
    """A text of the data that its author wrote in both languages (a rule's reason).

    It is shown as written in each language, never looked up in the catalogue; an empty
    Vietnamese text falls back to the English.
    """
    return Message(msgid=en, own=(("vi", vi),) if vi else ())
