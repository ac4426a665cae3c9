"""Per-request state shared by every resolver of one GraphQL operation: the one way a
resolver reaches a service (so that every call is counted and capped), what the
answer holds so far, and the request's batch loaders."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from graphql import GraphQLError
from sqlmodel import Session

from gateway.backends import BackendError, BackendUnavailable, Backends, Reply
from gateway.graph.errors import as_graphql_error
from gateway.graph.loaders import Loader, known, loader
from gateway.identity.models import Person
from shared import tokens


class TooManyBackendCalls(GraphQLError):
    def __init__(self, cap: int):
        super().__init__(f"This request needs more than {cap} calls to the services behind the API, the most one "
                         "request may make; ask for less in one request, or split it into several.",
                         extensions={"code": "TOO_MANY_CALLS", "limit": cap})


@dataclass
class GraphContext:
    db: Session
    backends: Backends
    identity: tokens.Identity
    person: Person | None = None
    request_id: str | None = None
    # every backend round trip this operation made: (service, method, path)
    backend_calls: list = field(default_factory=list)
    # Changes are only checked, never saved (see Backends.fetch): a form with problems
    # of its own still learns what the services think of the rest.
    check_only: bool = False
    # The cost limit bounds what a query asks for; this bounds what answering it may
    # cost the services, whatever the estimate missed (LL_GRAPHQL_MAX_BACKEND_CALLS).
    max_backend_calls: int = 50
    _in_view: dict[str, dict] = field(default_factory=dict)
    _loaders: dict[tuple, Loader] = field(default_factory=dict)

    def call(self, service: str, method: str, path: str, **kwargs: Any) -> Any:
        """The service's JSON answer; a refusal raised as BackendError."""
        self._spend_one()
        return self.backends.call(service, method, path, identity=self.identity,
                                  request_id=self.request_id, counter=self.backend_calls,
                                  check_only=self.check_only and method != "GET", **kwargs)

    def fetch(self, service: str, method: str, path: str, **kwargs: Any) -> Reply:
        """The service's answer as it came (for one whose body may be empty)."""
        self._spend_one()
        return self.backends.fetch(service, method, path, identity=self.identity,
                                   request_id=self.request_id, counter=self.backend_calls,
                                   check_only=self.check_only and method != "GET", **kwargs)

    def read(self, service: str, method: str, path: str, **kwargs: Any) -> Any:
        """The service's JSON answer for a field; a refusal, or the service being away,
        raised as that field's GraphQL error."""
        try:
            return self.call(service, method, path, **kwargs)
        except (BackendUnavailable, BackendError) as exc:
            raise as_graphql_error(exc) from exc

    def one(self, service: str, path: str, *, remember: str | None = None) -> Any | None:
        """The object at `path` (noted as in view under `remember`), or None where the
        service says there is none, or none this caller may see; the service being away
        is the field's GraphQL error."""
        try:
            found = self.call(service, "GET", path)
        except BackendError:
            return None
        except BackendUnavailable as exc:
            raise as_graphql_error(exc) from exc
        return self.remember(remember, [found])[0] if remember else found

    @contextmanager
    def only_checking(self) -> Iterator[None]:
        """The services check what is sent inside and save none of it."""
        checking, self.check_only = self.check_only, True
        try:
            yield
        finally:
            self.check_only = checking

    def remember(self, kind: str, items: list) -> list:
        """Note objects the answer holds (a service's dicts, or rows of ours), so that
        fields below them can be read for all of them at once, and objects with a
        loader of their kind are not read again."""
        by_id = {item["id"] if isinstance(item, dict) else item.id: item for item in items}
        self._in_view.setdefault(kind, {}).update(by_id)
        if known(kind):
            self.loader(kind).prime(by_id)
        return items

    def in_view(self, kind: str) -> Iterable:
        """Every object of `kind` the answer holds so far."""
        return self._in_view.get(kind, {}).values()

    def loader(self, kind: str, **params: Any) -> Loader:
        """This request's loader of `kind` (one per set of `params`)."""
        key = (kind, *sorted(params.items()))
        if key not in self._loaders:
            self._loaders[key] = loader(self, kind, params)
        return self._loaders[key]

    def _spend_one(self) -> None:
        if len(self.backend_calls) >= self.max_backend_calls:
            raise TooManyBackendCalls(self.max_backend_calls)
