"""The audit trail (pretix's `LoggedModel.log_action`): every state change a person
makes leaves one entry — who, when, which object (and the object it hangs off), what
changed, before → after — written in the same transaction as the change, so a change
that is refused, rolled back or only checked (X-LL-Check-Only) leaves none.

Each component keeps its own `audit_entry` table (`audit_model`, on its own base) and
answers an object's history to admins only (`history_api`), newest first, with the
entries of what hangs off it: a session's page shows its bookings' history too.
What a scheduled job decides by itself (an offer lapsing) is written as the system's.

`log_action` writes an entry with one prebuilt INSERT; where a round trip more would
be paid under a lock (a booking), `with_entry` lets the row's own INSERT write its
entry too (PostgreSQL).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any

import sqlalchemy as sa
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import Session, SQLModel
from sqlmodel import Field as Column

from shared.clock import as_utc, utcnow
from shared.db import request_session, utc_column
from shared.errors import Forbidden, NotFound
from shared.tokens import Identity
from shared.web import SECURITY, current_identity

SYSTEM = "System"
# An object, by its kind and id: ("booking", 12), ("academic_year", "2026-27").
Ref = tuple[str, Any]
Changes = dict[str, list]


def audit_model(base: type[SQLModel]):
    """An `audit_entry` table on a component's own base (its own database)."""

    class AuditEntry(base, table=True):  # type: ignore[misc, valid-type]
        __tablename__ = "audit_entry"
        __table_args__ = (
            # An object's history, and the history of what hangs off it, newest first.
            sa.Index("ix_audit_entry_object", "object_type", "object_id", "id"),
            sa.Index("ix_audit_entry_parent", "parent_type", "parent_id", "id"),
        )

        id: int | None = Column(default=None, primary_key=True)
        at: datetime = Column(default_factory=utcnow, sa_column=utc_column())
        # The person as the gateway vouched for them (their id there, their name then);
        # no id for the system or a service acting by itself.
        actor_id: int | None = None
        actor_name: str = Column(sa_column=sa.Column(sa.String(160), nullable=False))
        action: str = Column(sa_column=sa.Column(sa.String(60), nullable=False))  # booking.cancelled
        # Text, not a number: an academic year is known by its label (2026-27).
        object_type: str = Column(sa_column=sa.Column(sa.String(40), nullable=False))
        object_id: str = Column(sa_column=sa.Column(sa.String(40), nullable=False))
        # What the object was called then (the attendee of a booking, a meeting's title),
        # so its history reads the same once it has changed or gone.
        object_label: str | None = Column(default=None, sa_column=sa.Column(sa.String(200)))
        parent_type: str | None = Column(default=None, sa_column=sa.Column(sa.String(40)))
        parent_id: str | None = Column(default=None, sa_column=sa.Column(sa.String(40)))
        # {field: [before, after]}, for the fields that changed only
        changes: dict = Column(default_factory=dict, sa_column=sa.Column(sa.JSON, nullable=False))

    return AuditEntry


# ---------- what changed ----------


def plain(value: Any) -> Any:
    """A value as an entry keeps it (JSON): times as ISO text in UTC, dates as ISO
    text, enum members as their values; lists and dicts item by item."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The fields of an object (a row, or a dict) as they stand now, plain."""
    get = obj.get if isinstance(obj, Mapping) else lambda name: getattr(obj, name)
    return {name: plain(get(name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> Changes:
    """{field: [before, after]} for the fields whose value differs, in the order the
    fields were given (a field missing on one side counts as None there)."""
    names = list(dict.fromkeys([*before, *after]))
    return {name: [before.get(name), after.get(name)] for name in names
            if plain(before.get(name)) != plain(after.get(name))}


def created(values: Mapping[str, Any]) -> Changes:
    """What an object was made with: each field that holds something, from nothing."""
    return diff({}, {k: v for k, v in values.items() if v not in (None, "", [], {})})


def removed(values: Mapping[str, Any]) -> Changes:
    """What an object held when it went."""
    return diff({k: v for k, v in values.items() if v not in (None, "", [], {})}, {})


# ---------- writing an entry ----------


def _actor(identity: Identity | None) -> dict:
    if identity is None:
        return {"actor_id": None, "actor_name": SYSTEM}
    return {"actor_id": identity.person_id, "actor_name": (identity.name or identity.subject)[:160]}


def log_action(db: Session, model, identity: Identity | None, action: str, obj: Ref, changes: Changes, *,
               parent: Ref | None = None, label: str | None = None) -> bool:
    """Write that `identity` (None: the system) did `action` to `obj`, changing
    `changes` ({field: [before, after]}), in `db`'s transaction — it commits or rolls
    back with the change it records.  Nothing is written when nothing changed.
    Returns whether an entry was written."""
    if not changes:
        return False
    # A plain INSERT, built once per table, on the connection of the caller's
    # transaction: nothing reads the row back, so the ORM's bookkeeping would buy nothing.
    db.connection().execute(_insert_into(model.__table__), {
        "at": utcnow(), **_actor(identity), "action": action, "object_type": obj[0], "object_id": str(obj[1]),
        "object_label": label[:200] if label else None,
        "parent_type": parent[0] if parent else None, "parent_id": str(parent[1]) if parent else None,
        "changes": _plain_changes(changes)})
    return True


def _plain_changes(changes: Changes) -> dict:
    return {name: [plain(b), plain(a)] for name, (b, a) in changes.items()}


@lru_cache(maxsize=None)
def _insert_into(table: sa.Table) -> sa.Insert:
    return table.insert()


def with_entry(insert: sa.Insert, model, action: str, object_type: str, *, created_from: tuple[str, ...], at: str,
               label: str, parent_type: str, parent_id: str) -> sa.Select:
    """PostgreSQL: `insert` (one row, with RETURNING) and the audit entry of the row it
    makes, in one statement — for a path where one round trip more would be paid while
    a lock is held (the booking rush).  The entry says the row was made with what its
    columns `created_from` (text or numbers) hold, as `created` would; it is the row's
    `object_type` by its id, named by its column `label`, hung off `parent_type` by
    its column `parent_id`, at its column `at`.  Who did it comes as parameters
    (`entry_params`).  A row the insert does not make (ON CONFLICT DO NOTHING) has no
    entry.  Selects the row inserted."""
    made = insert.cte("made")
    # {column: [null, value]} for each column that holds something; the rest left out
    changes = sa.func.jsonb_strip_nulls(sa.func.jsonb_build_object(*[
        part for name in created_from for part in (
            sa.literal(name), sa.case((made.c[name].is_(None), None),
                                      else_=sa.func.jsonb_build_array(None, made.c[name])))]))
    entry = model.__table__.insert().from_select(
        ["at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_label", "parent_type",
         "parent_id", "changes"],
        sa.select(made.c[at], sa.bindparam("audit_actor_id", type_=sa.Integer),
                  sa.bindparam("audit_actor_name", type_=sa.String), sa.literal(action), sa.literal(object_type),
                  sa.cast(made.c.id, sa.String), sa.func.left(made.c[label], 200), sa.literal(parent_type),
                  sa.cast(made.c[parent_id], sa.String), sa.cast(changes, sa.JSON)),
    ).cte("entry")
    return sa.select(*made.c).add_cte(entry)


def entry_params(identity: Identity | None) -> dict:
    """The parameters of a `with_entry` statement: who did it."""
    actor = _actor(identity)
    return {"audit_actor_id": actor["actor_id"], "audit_actor_name": actor["actor_name"]}


# ---------- reading an object's history ----------

MAX_ENTRIES = 100


def history(db: Session, model, identity: Identity, object_type: str, object_ids: list[str],
            first: int = 50) -> list[dict]:
    """Admins only: for each object, the newest `first` entries about it or about what
    hangs off it (its parent named it), newest first; each entry says which of the
    objects it is for (`for_id`).  One query however many objects."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can read the history of changes.")
    if not object_ids or first <= 0:
        return []
    t = model.__table__
    own = sa.and_(t.c.object_type == object_type, t.c.object_id.in_(object_ids))
    for_id = sa.case((own, t.c.object_id), else_=t.c.parent_id).label("for_id")
    ranked = (sa.select(t, for_id, sa.func.row_number().over(partition_by=for_id, order_by=t.c.id.desc()).label("n"))
              .where(sa.or_(own, sa.and_(t.c.parent_type == object_type, t.c.parent_id.in_(object_ids))))
              .subquery())
    rows = db.execute(sa.select(ranked).where(ranked.c.n <= first)
                      .order_by(ranked.c.for_id, ranked.c.id.desc())).mappings().all()
    return [dict(row) for row in rows]


def summary(entry: Mapping[str, Any], phrases: Mapping[str, str]) -> str:
    """An entry in words, by its action's phrase (`{label}`: what the object was called)."""
    phrase = phrases.get(entry["action"])
    if phrase is None:
        return entry["action"]
    return phrase.format(label=entry.get("object_label") or f"{entry['object_type']} {entry['object_id']}")


class AuditChange(BaseModel):
    field: str
    before: Any = None
    after: Any = None


class AuditEntryOut(BaseModel):
    for_id: str = Field(description="Which of the objects asked about this entry belongs to (itself, or what it "
                                    "hangs off).")
    id: int
    at: datetime
    actor_id: int | None = Field(description="The person who acted; null for the system.")
    actor_name: str
    action: str = Field(description="What was done, as a dotted verb: booking.cancelled.")
    summary: str
    object_type: str
    object_id: str
    object_label: str | None
    parent_type: str | None
    parent_id: str | None
    changes: list[AuditChange] = Field(description="The fields that changed, before → after.")


class AuditHistory(BaseModel):
    items: list[AuditEntryOut]


class HistoryPath(BaseModel):
    object_type: Annotated[str, StringConstraints(max_length=40)]


class ObjectPath(HistoryPath):
    # any text: an id that names nothing simply has no history
    object_id: Annotated[str, StringConstraints(min_length=1, max_length=40)]


class FirstQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first: int = Field(50, ge=0, le=MAX_ENTRIES, description="The newest entries of each object, at most 100.")


class HistoryQuery(FirstQuery):
    ids: Annotated[str, StringConstraints(max_length=4100, pattern=r"^[0-9A-Za-z-]{1,40}(,[0-9A-Za-z-]{1,40}){0,99}$")] \
        = Field(description="The objects, comma-separated (up to 100): a batch read.")


def history_api(model, object_types: Iterable[str], phrases: Mapping[str, str]) -> APIBlueprint:
    """GET /history/<object_type>/<id> and its batch read GET /history/<object_type>?ids=…,
    for the kinds of object a component keeps the history of.  Admins only (403 for
    anyone else, whatever the object: it tells them nothing about it); a kind it keeps
    no history of is a 404; an object with no entries has an empty history."""
    kinds = frozenset(object_types)
    bp = APIBlueprint("history", __name__, abp_tags=[Tag(name="history")], abp_security=SECURITY)

    def answer(object_type: str, ids: list[str], first: int) -> dict:
        if object_type not in kinds:
            raise NotFound(f"No history is kept of {object_type[:40]!r}; ask of one of {', '.join(sorted(kinds))}.")
        rows = history(request_session(), model, current_identity(), object_type, ids, first)
        return AuditHistory(items=[{
            **row, "summary": summary(row, phrases),
            "changes": [{"field": name, "before": b, "after": a} for name, (b, a) in row["changes"].items()],
        } for row in rows]).model_dump(mode="json")

    @bp.get("/history/<object_type>", responses={200: AuditHistory})
    def object_histories(path: HistoryPath, query: HistoryQuery):
        """Admins: the history of each of these objects (and of what hangs off them), the
        newest `first` entries of each, newest first."""
        return answer(path.object_type, list(dict.fromkeys(query.ids.split(","))), query.first)

    @bp.get("/history/<object_type>/<object_id>", responses={200: AuditHistory})
    def object_history(path: ObjectPath, query: FirstQuery):
        """Admins: one object's history (and that of what hangs off it), newest first."""
        return answer(path.object_type, [path.object_id], query.first)

    return bp
