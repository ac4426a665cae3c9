"""How the features make one schema without importing one another.

A feature refers to another's type by its GraphQL name — `ref("Course")` for a type
marked `@named` — and adds fields to it with an `Extension` (`Course.sessions` is the
sessions feature's: the bookings service stores sessions).  gateway/schema.py lists
every feature's query, mutation and extension parts, and `schema()` joins them.
"""
from __future__ import annotations

from typing import Callable, ClassVar, Sequence

import graphene
from graphene.types.utils import yank_fields_from_attrs

_NAMED: dict[str, type] = {}


def named(cls: type) -> type:
    """Let other features refer to this type by its GraphQL name (`ref`)."""
    _NAMED[cls._meta.name] = cls
    return cls


def ref(name: str) -> Callable[[], type]:
    """The type named `name`, for a field's type: looked up when the schema is made."""
    def named_type() -> type:
        try:
            return _NAMED[name]
        except KeyError:
            raise LookupError(f"no feature has a type named {name!r} (@named)") from None
    return named_type


class Extension:
    """Fields one feature adds to another's type (`extends`, by its GraphQL name),
    written as on that type: the fields, then their `resolve_<field>` static methods.
    They stand after the type's own fields, in the order the extensions are listed."""

    extends: ClassVar[str]


def _extend(extension: type[Extension]) -> None:
    target = ref(extension.extends)()
    for name, field in yank_fields_from_attrs(vars(extension), _as=graphene.Field).items():
        if name in target._meta.fields:
            raise ValueError(f"{extension.extends}.{name} is defined twice")
        target._meta.fields[name] = field
        resolver = vars(extension).get(f"resolve_{name}")
        if resolver is not None:
            setattr(target, f"resolve_{name}", resolver)


def merged(name: str, parts: Sequence[type[graphene.ObjectType]]) -> type[graphene.ObjectType]:
    """One object type with the fields of `parts`, in their order."""
    # graphene collects fields from the last base class to the first
    return type(name, tuple(reversed(parts)), {})


def schema(*, query: Sequence[type[graphene.ObjectType]], mutation: Sequence[type[graphene.ObjectType]],
           extensions: Sequence[type[Extension]]) -> graphene.Schema:
    """One schema from the features' parts: the root fields in the order of their parts."""
    for extension in extensions:
        _extend(extension)
    return graphene.Schema(query=merged("Query", query), mutation=merged("Mutation", mutation))
