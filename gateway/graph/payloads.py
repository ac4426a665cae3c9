"""Mutation payloads in the contract's shape, `{thing, userErrors}`: what a mutation
made or changed, or why it was refused (then `thing` is null)."""
from __future__ import annotations

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.errors import user_errors


def refusal(exc: Exception) -> list[dict]:
    """A service's refusal (or absence) as userErrors: a person can act on these."""
    if isinstance(exc, BackendError):
        return user_errors(exc)
    return [{"field": None, "message": str(exc)}]


def refused(key: str, message: str, field: str | None = None) -> dict:
    """The payload of a mutation turned down before any service was asked."""
    return {key: None, "user_errors": [{"field": [field] if field else None, "message": message}]}


def no_such(key: str, field: str, what: str) -> dict:
    """The payload for an id that cannot be one of ours (so no service is asked)."""
    return refused(key, f"There is no such {what}.", field)


def called(ctx, key: str, service: str, method: str, path: str, *, kind: str | None = None, **kwargs) -> dict:
    """The payload of a mutation that is one call to a service: what the service
    answered (remembered under `kind` for the fields below it), or its refusal."""
    try:
        answer = ctx.call(service, method, path, **kwargs)
    except (BackendError, BackendUnavailable) as exc:
        return {key: None, "user_errors": refusal(exc)}
    return {key: ctx.remember(kind, [answer])[0] if kind else answer, "user_errors": []}
