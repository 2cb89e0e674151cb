"""JSON Schemas of attrs classes, as the one cattrs converter writes their instances.

The HTTP service's bodies are the library's own attrs types (``UnitResult``,
``Problem``...) and a few envelopes (:mod:`drugfree_core.service.models`), turned into
JSON by ``drugfree_core.engine.serialize.converter``. Rather than keep a second,
hand-written description of the same shapes (pydantic models that could drift), the
OpenAPI document's component schemas are derived here from the same classes, following
the converter's rules: fields in declaration order, a field with a default may be left
out (the converter omits values equal to their default), dates are ISO strings, enums
their values, tuples arrays, nested attrs classes references. ``tests/test_service.py``
validates real responses against these schemas, so the two cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import types
import typing
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from drugfree_core.i18n import Message

#: Where a reference points in an OpenAPI document.
OPENAPI_REFS = "#/components/schemas/"


def _description(cls: type) -> str:
    doc = inspect.getdoc(cls) or ""
    return doc.split("\n\n", 1)[0].replace("\n", " ")


class SchemaBuilder:
    """Collects the schemas of attrs classes and of every class they refer to."""

    def __init__(self, refs: str = OPENAPI_REFS) -> None:
        self.refs = refs
        self.schemas: dict[str, dict[str, Any]] = {}

    def add(self, cls: type) -> dict[str, Any]:
        """Add *cls* (and what it refers to); return a reference to it."""
        name = cls.__name__
        if name not in self.schemas:
            self.schemas[name] = {}  # placeholder first: classes may refer to themselves
            self.schemas[name] = self._class_schema(cls)
        return {"$ref": self.refs + name}

    def _class_schema(self, cls: type) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            if not field.init:
                continue  # caches, not data
            name = field.alias or field.name
            properties[name] = self.type_schema(hints[field.name])
            if field.default is attrs.NOTHING:
                required.append(name)
        schema: dict[str, Any] = {
            "type": "object",
            "title": cls.__name__,
            "properties": properties,
            "additionalProperties": False,
        }
        description = _description(cls)
        if description:
            schema["description"] = description
        if required:
            schema["required"] = required
        return schema

    def type_schema(self, tp: Any) -> dict[str, Any]:
        """The schema of a value of type *tp*."""
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if tp is typing.Any:
            return {}
        if tp is type(None):
            return {"type": "null"}
        if origin in (typing.Union, types.UnionType):
            options = [self.type_schema(a) for a in args]
            return {"anyOf": options}
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin in (tuple, list):
            if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
                return {"type": "array", "prefixItems": [self.type_schema(a) for a in args]}
            return {"type": "array", "items": self.type_schema(args[0]) if args else {}}
        if origin in (dict, Mapping):
            value = self.type_schema(args[1]) if args else {}
            return {"type": "object", "additionalProperties": value}
        if isinstance(tp, type):
            if issubclass(tp, Message):
                # A reason or note: written out in the request's language.
                return {"type": "string"}
            if attrs.has(tp):
                return self.add(tp)
            if issubclass(tp, enum.Enum):
                return {"enum": [m.value for m in tp], "title": tp.__name__}
            if issubclass(tp, bool):
                return {"type": "boolean"}
            if issubclass(tp, int):
                return {"type": "integer"}
            if issubclass(tp, float):
                return {"type": "number"}
            if issubclass(tp, str):
                return {"type": "string"}
            if issubclass(tp, dt.datetime):
                return {"type": "string", "format": "date-time"}
            if issubclass(tp, dt.date):
                return {"type": "string", "format": "date"}
        raise TypeError(f"no JSON Schema for {tp!r}")  # internal: the service's types only


def schemas_for(classes: Iterable[type], refs: str = OPENAPI_REFS) -> dict[str, dict[str, Any]]:
    """The schemas of *classes* and of every attrs class they refer to, by class name."""
    builder = SchemaBuilder(refs)
    for cls in classes:
        builder.add(cls)
    return builder.schemas
