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


class NotCanonical(Exception):
    """A value has no canonical JSON form; the message names its path and type."""


def canonical(value: object, path: str) -> object:
    """A JSON-ready form of *value* that depends only on its content.

    Attrs objects become dicts tagged with their class; frozensets are sorted; functions
    (custom rules) are named by their qualified name, since they compare by identity.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise NotCanonical(f"{path} is {value}, which JSON cannot hold")
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
    hint = "use a tuple" if isinstance(value, list | set) or hasattr(value, "__next__") else ""
    raise NotCanonical(
        f"{path} is a {type(value).__name__}, which has no stable value"
        + (f"; {hint}" if hint else "")
    )


def _key(key: object, path: str) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, enum.Enum):
        return str(key.value)
    raise NotCanonical(f"{path} has a key of type {type(key).__name__}; use strings")


def canonical_json(value: object, path: str) -> str:
    """The canonical JSON text of *value* (sorted keys), or :class:`NotCanonical`."""
    return json.dumps(canonical(value, path), sort_keys=True, ensure_ascii=False)


def stability_problems(value: object, path: str, *, hash_form: object) -> list[str]:
    """Why *value*'s metadata is not stable: dumps differ, deep copies differ, no hash.

    *hash_form* is what must be hashable (the value itself, or a form of it where
    values the model allows to be unhashable, such as mappings, are frozen).
    """
    try:
        first = canonical_json(value, path)
        second = canonical_json(value, path)
    except NotCanonical as exc:
        return [f"unstable metadata: {exc}"]
    problems = []
    if first != second:
        problems.append(f"unstable metadata: {path} reads differently each time it is dumped")
    try:
        copied = copy.deepcopy(value)
    except Exception as exc:  # any failure to copy is the finding itself
        problems.append(f"unstable metadata: {path} cannot be deep-copied ({exc})")
    else:
        if copied != value:
            problems.append(f"unstable metadata: a deep copy of {path} is not equal to it")
        elif canonical_json(copied, path) != first:
            problems.append(f"unstable metadata: a deep copy of {path} dumps differently")
    try:
        hash(hash_form)
    except TypeError as exc:
        problems.append(f"{path} is not hashable ({exc})")
    return problems
