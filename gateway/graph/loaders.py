"""One batch loader per kind of object, for each GraphQL request.

A feature registers how its objects are read (`@loads("course")`: one call for many
ids); a resolver asks its request's loader for one (`ctx.loader("course").load(id)`),
naming the others in view that will be asked for next (`among=`), and the loader reads
that one and every other not yet read at once, in one call per 100.  So a field costs
one round trip however long the list it hangs off, and the features share objects by
kind without importing one another.  A kind is registered by the feature whose service
(or table) holds its objects: `@loads("person")` is in gateway/people/graph.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping


@dataclass(frozen=True)
class Kind:
    # fetch(ctx, keys, **params) -> {key: value}; for a whole kind, fetch(ctx, **params)
    fetch: Callable[..., Mapping]
    batch: int | None
    missing: Callable[[], Any]
    whole: bool


_KINDS: dict[str, Kind] = {}


def loads(name: str, *, batch: int | None = 100, missing: Callable[[], Any] = lambda: None, whole: bool = False):
    """Register a function as how objects of the kind `name` are read: given keys (at
    most `batch` at a time; all at once for None), their objects by key.  A key it
    does not answer is `missing()` (None, or a fresh [] for a list per key).  A `whole`
    kind is read all at once, in its order, however few are asked for (the trust's
    schools, its networks)."""
    def register(fetch: Callable[..., Mapping]) -> Callable[..., Mapping]:
        if name in _KINDS:
            raise ValueError(f"{name!r} already has a loader")
        _KINDS[name] = Kind(fetch, batch, missing, whole)
        return fetch
    return register


def known(name: str) -> bool:
    return name in _KINDS


class Loader:
    """The objects of one kind that one request has read, by key."""

    def __init__(self, kind: Kind, ctx, params: Mapping[str, Any]):
        self._kind, self._ctx, self._params = kind, ctx, dict(params)
        self._loaded: dict = {}
        self._expected: set = set()
        self._complete = False

    def prime(self, values: Mapping) -> None:
        """Objects another call brought already: they are not read again."""
        self._loaded.update(values)
        self._expected.difference_update(values)

    def expect(self, keys: Iterable) -> None:
        """Keys that will be asked for: read with the next one that is not yet read."""
        self._expected.update(k for k in keys if k not in self._loaded)

    def load(self, key, among: Iterable = ()):
        """The object for `key`, read now with the others `among` and expected if it
        has not been read yet.  `among` is only gone through then."""
        if key not in self._loaded:
            if self._kind.whole:
                self._read_all()
            else:
                self.expect(among)
                self._read(self._expected | {key})
        return self._loaded.get(key) if self._kind.whole else self._loaded[key]

    def load_many(self, keys: Iterable) -> list:
        keys = list(keys)
        self.expect(keys)
        return [self.load(k) for k in keys]

    def keys(self) -> set:
        """Every key read or expected so far."""
        return set(self._loaded) | self._expected

    def everything(self) -> list:
        """Every object of a whole kind, in the order the reading gave them."""
        self._read_all()
        return [v for v in self._loaded.values() if v is not None]

    def _read(self, keys: set) -> None:
        wanted = sorted(keys)
        self._expected.clear()
        size = self._kind.batch or len(wanted) or 1
        for i in range(0, len(wanted), size):
            chunk = wanted[i:i + size]
            found = self._kind.fetch(self._ctx, chunk, **self._params)
            self._loaded.update({k: found[k] if k in found else self._kind.missing() for k in chunk})

    def _read_all(self) -> None:
        if not self._complete:
            self._loaded = {**self._kind.fetch(self._ctx, **self._params), **self._loaded}
            self._complete = True


def loader(ctx, name: str, params: Mapping[str, Any]) -> Loader:
    if name not in _KINDS:
        raise LookupError(f"no feature reads {name!r}: register it with @loads({name!r})")
    return Loader(_KINDS[name], ctx, params)


def ids_param(ids: Iterable[int]) -> str:
    """Ids as the services' batch reads take them: `?ids=1,2,3`."""
    return ",".join(map(str, ids))


def grouped(pairs: Iterable[tuple]) -> dict[Any, list]:
    """(key, object) pairs as the objects of each key, for a loader of lists."""
    groups: dict[Any, list] = {}
    for key, value in pairs:
        groups.setdefault(key, []).append(value)
    return groups


def loaded(kind: str, key: str, *, among: str | None = None):
    """The resolver of a field that is the object of `kind` its object names by `key`
    (a service's dict item, or a row's attribute; none names nothing), read together
    with those of every `among` object in view."""
    def resolve(obj, info):
        ctx = info.context
        value = _get(obj, key)
        if value is None:
            return None
        others = (v for o in ctx.in_view(among) if (v := _get(o, key)) is not None) if among else ()
        return ctx.loader(kind).load(value, among=others)
    return staticmethod(resolve)


def _get(obj, key: str):
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key)
