"""Forms on the pages: every problem with what was typed, each filed under its field,
found in one go — what the page could not even read and what the services refuse —
and, once a change is made, back to the page saying so.

The templates show them with the macros in templates/macros/forms.html: a summary at
the top linking to each field, and each message beside its field (the GOV.UK error
summary and error message patterns).
"""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

from flask import redirect, request, url_for

from gateway.graph.view import execute_here


def first_part(path: Sequence) -> str | None:
    """A problem's field path as the form names it: `["agenda", 0, "title"]` → "agenda"."""
    return str(path[0]) if path else None


class FormErrors:
    """One message per field (the first said), in the order the fields stand on the
    form, and messages about the form as a whole.  Problems for a field the form does
    not show are about the form as a whole."""

    def __init__(self, fields: Iterable[str], *, name_of: Callable[[Sequence], str | None] = first_part):
        self.fields = list(fields)
        self._name_of = name_of
        self._by_field: dict[str, str] = {}
        self._general: list[str] = []

    def add(self, field: str | None, message: str) -> None:
        if field in self.fields:
            self._by_field.setdefault(field, message)
        elif message not in self._general:
            self._general.append(message)

    def add_problems(self, problems: Iterable[dict]) -> None:
        """userErrors (or a request's own errors) as the GraphQL API answers them."""
        for problem in problems:
            self.add(self._name_of(problem.get("field") or []), problem["message"])

    def get(self, field: str) -> str | None:
        return self._by_field.get(field)

    def __contains__(self, field: str) -> bool:
        return field in self._by_field

    def __bool__(self) -> bool:
        return bool(self._by_field or self._general)

    def summary(self) -> list[tuple[str | None, str]]:
        """(field or None, message) for the error summary, in the form's order."""
        return [(f, self._by_field[f]) for f in self.fields if f in self._by_field] + [
            (None, m) for m in self._general]


def problems_of(result: dict) -> tuple[dict, list[dict]]:
    """A mutation's payload, and what went wrong: its userErrors, or the request's
    own errors (nothing ran then)."""
    payload = next(iter((result.get("data") or {}).values()), None) or {}
    return payload, payload.get("userErrors") or result.get("errors") or []


def submit(mutation: str, variables: dict, errors: FormErrors) -> dict | None:
    """Run a form's mutation (or a button's) and file its problems in `errors`; the
    payload when it was carried out, None when it was not.

    When the page has found problems of its own already (a number that is not a
    number), the fields it could not read were sent with stand-in values and the
    services are only asked to check: nothing is saved, so what they say about the
    rest is shown at the same time instead of after the next try.  What they say about
    a stand-in never shows, since the page's own message for that field came first."""
    check = bool(errors)
    payload, problems = problems_of(execute_here(mutation, variables, check_only=check))
    errors.add_problems(problems)
    return None if check or problems else payload


def said() -> str | None:
    """What the change just made on this page did, shown once: on the GET its redirect
    makes, not on a new try (whose own outcome shows instead)."""
    return request.args.get("message") if request.method == "GET" else None


def done(message: str):
    """After a change: this page again by GET (post/redirect/get, so a reload does not
    post again), saying what was done."""
    return redirect(url_for(request.endpoint, **request.view_args, message=message))
