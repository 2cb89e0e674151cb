"""Whether rule metadata is stable: the same canonical JSON every time, copyable, hashable.

Schemes and roadmaps are frozen attrs objects that the library compares, hashes and
caches. A field that holds a generator, a list or some other object without a stable
value makes two reads of "the same" scheme differ; these helpers find such fields and
name them by path (``scheme.criteria[1].sources``).
"""

from __future__ import annotations

import copy
import datetime as dt
import enum
import json
import math
from collections.abc import Mapping
from fractions import Fraction

import attrs

from drugfree_core.i18n import Message, Text, msg


class NotCanonical(Exception):
    """A value has no canonical JSON form; the message names its path and type."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def canonical(value: object, path: str) -> object:
    """A JSON-ready form of *value* that depends only on its content.

    Attrs objects become dicts tagged with their class; frozensets are sorted; functions
    (custom rules) are named by their qualified name, since they compare by identity.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotCanonical(
                msg("{path} is {value}, which JSON cannot hold", path=path, value=str(value))
            )
        return value
    if isinstance(value, Fraction):
        return {"fraction": f"{value.numerator}/{value.denominator}"}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return {"enum": f"{type(value).__name__}.{value.name}"}
    if attrs.has(type(value)):
        out: dict[str, object] = {"type": type(value).__qualname__}
        for field in attrs.fields(type(value)):  # type: ignore[arg-type]  # has() checked it
            out[field.name] = canonical(getattr(value, field.name), f"{path}.{field.name}")
        return out
    if isinstance(value, tuple):
        return [canonical(item, f"{path}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, frozenset):
        items = [canonical(item, f"{path}{{}}") for item in value]
        return sorted(items, key=lambda x: json.dumps(x, sort_keys=True))
    if isinstance(value, Mapping):
        return {
            _key(k, path): canonical(v, f"{path}[{k!r}]")
            for k, v in sorted(value.items(), key=lambda kv: _key(kv[0], path))
        }
    if callable(value) and not isinstance(value, type):
        return {"callable": getattr(value, "__qualname__", type(value).__qualname__)}
    kind = type(value).__name__
    if isinstance(value, list | set) or hasattr(value, "__next__"):
        raise NotCanonical(
            msg("{path} is a {kind}, which has no stable value; use a tuple", path=path, kind=kind)
        )
    raise NotCanonical(msg("{path} is a {kind}, which has no stable value", path=path, kind=kind))


def _key(key: object, path: str) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, enum.Enum):
        return str(key.value)
    raise NotCanonical(
        msg("{path} has a key of type {kind}; use strings", path=path, kind=type(key).__name__)
    )


def canonical_json(value: object, path: str) -> str:
    """The canonical JSON text of *value* (sorted keys), or :class:`NotCanonical`."""
    return json.dumps(canonical(value, path), sort_keys=True, ensure_ascii=False)


def stability_problems(value: object, path: str, *, hash_form: object) -> list[Text]:
    """Why *value*'s metadata is not stable: dumps differ, deep copies differ, no hash.

    *hash_form* is what must be hashable (the value itself, or a form of it where
    values the model allows to be unhashable, such as mappings, are frozen).
    """
    try:
        first = canonical_json(value, path)
        second = canonical_json(value, path)
    except NotCanonical as exc:
        return [msg("unstable metadata: {problem}", problem=exc.message)]
    problems: list[Text] = []
    if first != second:
        problems.append(
            msg("unstable metadata: {path} reads differently each time it is dumped", path=path)
        )
    try:
        copied = copy.deepcopy(value)
    except Exception as exc:  # any failure to copy is the finding itself
        problems.append(
            msg(
                "unstable metadata: {path} cannot be deep-copied ({error})",
                path=path,
                error=str(exc),
            )
        )
    else:
        if copied != value:
            problems.append(
                msg("unstable metadata: a deep copy of {path} is not equal to it", path=path)
            )
        elif canonical_json(copied, path) != first:
            problems.append(
                msg("unstable metadata: a deep copy of {path} dumps differently", path=path)
            )
    try:
        hash(hash_form)
    except TypeError as exc:
        problems.append(msg("{path} is not hashable ({error})", path=path, error=str(exc)))
    return problems
