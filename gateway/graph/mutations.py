"""Mutations in the contract's shape, `{thing, userErrors}`: what a mutation made or
changed, or why it was refused (then `thing` is null).

What every mutation repeats is done once.  A mutation is the function that carries
it out, declared with its arguments and payload:

    @mutation(BookingPayload, "booking", remember="booking", booking_id=graphene.ID(required=True))
    def cancel_booking(root, info, booking_id):
        return info.context.call("bookings", "POST", f"/bookings/{an_id(booking_id, 'bookingId', 'booking')}/cancel")

What it returns becomes the payload's `booking` (noted as in view, for the fields
below it), and a refusal becomes userErrors: `Refused` for what no service need be
asked about (`an_id` refuses an id that cannot be one of ours), a service's refusal
or absence, or the gateway's own (role grants).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import graphene

from gateway.backends import BackendError, BackendUnavailable
from gateway.graph.errors import user_errors
from gateway.graph.ids import parse_id
from shared.errors import ApiError


class Refused(Exception):
    """A mutation turned down, with the userErrors that say why: one `message` (on
    `field`, a GraphQL argument's name), or several `problems` at once."""

    def __init__(self, message: str | None = None, field: str | None = None, *,
                 problems: list[dict] | None = None):
        super().__init__(message)
        self.problems = problems if problems is not None else [
            {"field": [field] if field else None, "message": message}]


def an_id(value: Any, field: str, what: str, *, optional: bool = False) -> int | None:
    """The id `value` names (None for an `optional` one left out); refused as
    "There is no such `what`." when it cannot be one of ours, so no service is asked."""
    if optional and not value:
        return None
    number = parse_id(value)
    if number is None:
        raise Refused(f"There is no such {what}.", field)
    return number


def refusal(exc: Exception) -> list[dict]:
    """A service's refusal (or absence) as userErrors: a person can act on these."""
    if isinstance(exc, BackendError):
        return user_errors(exc)
    return [{"field": None, "message": str(exc)}]


def answers(key: str, *, remember: str | None = None, refused: Callable[[], Any] = lambda: None):
    """Make `mutate` answer the payload `{key: what it returned, userErrors: []}`, or
    `{key: refused(), userErrors: why}` when it was refused; what it returned is noted
    as in view under `remember`.  Anything else (too many backend calls) is the
    field's error, as for any field."""
    def decorate(mutate: Callable) -> Callable:
        @functools.wraps(mutate)
        def answer(root, info, **arguments):
            try:
                done = mutate(root, info, **arguments)
            except Refused as exc:
                problems = exc.problems
            except (BackendError, BackendUnavailable) as exc:
                problems = refusal(exc)
            except ApiError as exc:  # the gateway's own refusals (gateway/identity)
                problems = exc.field_errors or [{"field": None, "message": exc.message}]
            else:
                if remember and done is not None:
                    info.context.remember(remember, [done])
                return {key: done, "user_errors": []}
            return {key: refused(), "user_errors": problems}
        return answer
    return decorate


def mutation(output: type, key: str | None = None, *, remember: str | None = None,
             refused: Callable[[], Any] = lambda: None, **arguments: Any) -> type[graphene.Mutation]:
    """A GraphQL mutation made from the function that carries it out, named as its
    field (`def cancel_booking(root, info, booking_id)`): `arguments` are its arguments,
    `output` its answer's type, the function's docstring its description.  With a
    payload `key`, it answers as `answers` says; without, what the function returns."""
    def make(carry_out: Callable) -> type[graphene.Mutation]:
        mutate = answers(key, remember=remember, refused=refused)(carry_out) if key else carry_out
        made = type("".join(w.title() for w in carry_out.__name__.split("_")) + "Mutation", (graphene.Mutation,), {
            "__doc__": carry_out.__doc__, "Arguments": type("Arguments", (), arguments), "Output": output,
            "mutate": staticmethod(mutate)})
        made.field_name = carry_out.__name__
        return made
    return make


def mutations(name: str, *made: type[graphene.Mutation]) -> type[graphene.ObjectType]:
    """A part of the Mutation root: these mutations as its fields, in this order."""
    return type(name, (graphene.ObjectType,), {m.field_name: m.Field(required=True) for m in made})
