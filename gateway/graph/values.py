"""Reading what the services answer and writing what they are sent: times and dates
as ISO text, enum members as their values, and addresses on the gateway."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable

from flask import current_app, has_app_context

from shared.settings import get_settings


def moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def enum_value(value):
    """Graphene hands enum inputs over as members; the services want their values."""
    return getattr(value, "value", value)


def public_url(path: str) -> str:
    """An absolute address on the gateway (LL_PUBLIC_URL), for links that leave the
    page: calendar subscriptions, certificates saved for later."""
    settings = current_app.extensions["lighthouse_settings"] if has_app_context() else get_settings()
    return settings.public_url.rstrip("/") + path


def enum_column(name: str):
    """The resolver of a field that is an enum column of one of our rows: the API's
    enum of the same values."""
    return staticmethod(lambda row, info: getattr(row, name).value)


def parsed(read: Callable[[str | None], Any], *fields: str):
    """A class decorator for a type whose `fields` the services send as ISO text: each
    is resolved through `read` (`moment` or `day`)."""
    def decorate(cls: type) -> type:
        for name in fields:
            setattr(cls, f"resolve_{name}", staticmethod(lambda obj, info, _name=name: read(obj[_name])))
        return cls
    return decorate
