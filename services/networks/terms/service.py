"""England's school year: three terms with half terms, INSET days and bank holidays.
Meetings are planned inside it; admins correct it when a local authority's dates move."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, select

from services.networks.audit import log_action
from services.networks.facts import FACTS, SCHOOL_DAYS_KEPT_BY
from services.networks.terms.models import Closure, Term
from shared.audit import diff, plain, snapshot
from shared.errors import Forbidden, Invalid, NotFound, field_error
from shared.tokens import Identity
from shared.vocabulary import ClosureKind, TermName

LABEL = re.compile(r"^(\d{4})-(\d{2})$")
ORDER = [TermName.AUTUMN, TermName.SPRING, TermName.SUMMER]
TERM_FIELDS = ("starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on")


@dataclass
class TermData:
    name: TermName
    starts_on: date
    ends_on: date
    half_term_starts_on: date
    half_term_ends_on: date
    closures: list[tuple[date, ClosureKind, str | None]] = field(default_factory=list)


def check_label(label: str) -> int:
    match = LABEL.match(label or "")
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise Invalid("Give the academic year as, for example, 2026-27.", [field_error("label", "Use the form 2026-27.")])
    return int(match[1])


def academic_year(db: Session, label: str) -> list[tuple[Term, list[Closure]]]:
    check_label(label)
    terms = db.exec(select(Term).where(Term.academic_year == label)).all()
    if not terms:
        raise NotFound("There is no calendar for that year yet.")
    terms = sorted(terms, key=lambda t: ORDER.index(t.name))
    closures = db.exec(select(Closure).where(Closure.term_id.in_([t.id for t in terms])).order_by(Closure.on_date)).all()
    return [(t, [c for c in closures if c.term_id == t.id]) for t in terms]


def _problems(first_year: int, terms: list[TermData]) -> list[dict]:
    problems = []
    if [t.name for t in terms] != ORDER:
        return [field_error("terms", "Give the autumn, spring and summer terms, in that order.")]
    earliest, latest = date(first_year, 8, 1), date(first_year + 1, 8, 31)
    for i, t in enumerate(terms):
        where = ["terms", str(i)]
        name = t.name.value.capitalize()
        if not (earliest <= t.starts_on < t.ends_on <= latest):
            problems.append(field_error(where + ["startsOn"], f"{name} term must start before it ends, between "
                                                              f"{earliest:%-d %B %Y} and {latest:%-d %B %Y}."))
        if not (t.starts_on <= t.half_term_starts_on <= t.half_term_ends_on <= t.ends_on):
            problems.append(field_error(where + ["halfTermStartsOn"], f"{name} half term must fall inside the term."))
        if i and t.starts_on <= terms[i - 1].ends_on:
            problems.append(field_error(where + ["startsOn"], f"{name} term must start after the "
                                                              f"{terms[i - 1].name.value.lower()} term ends."))
        for day, _, _ in t.closures:
            if not (t.starts_on <= day <= t.ends_on) or t.half_term_starts_on <= day <= t.half_term_ends_on:
                problems.append(field_error(where + ["closures"], f"{day:%-d %B %Y} is not a term-time day of the "
                                                                  f"{name.lower()} term."))
    return problems


def save_academic_year(db: Session, identity: Identity, label: str, terms: list[TermData]) -> None:
    """Replace a year's terms and closures whole (admins); its school days go to the
    services keeping a copy once the change commits."""
    if not identity.is_admin:
        raise Forbidden("Only Lighthouse Learning admins can change the academic calendar.")
    problems = _problems(check_label(label), terms)
    if problems:
        raise Invalid("The calendar was not saved; see the field errors.", problems)
    before = {}
    for old in db.exec(select(Term).where(Term.academic_year == label)).all():
        closures = db.exec(select(Closure).where(Closure.term_id == old.id)).all()
        before |= _term_state(old, [(c.on_date, c.kind, c.note) for c in closures])
        for c in closures:
            db.delete(c)
        db.delete(old)
    db.flush()
    after = {}
    for t in terms:
        row = Term(academic_year=label, name=t.name, starts_on=t.starts_on, ends_on=t.ends_on,
                   half_term_starts_on=t.half_term_starts_on, half_term_ends_on=t.half_term_ends_on)
        db.add(row)
        db.flush()
        closures = list(dict((c[0], c) for c in t.closures).values())
        for day, kind, note in closures:
            db.add(Closure(term_id=row.id, on_date=day, kind=kind, note=note))
        after |= _term_state(t, closures)
    db.flush()
    log_action(db, identity, "academic_year.corrected" if before else "academic_year.created", ("academic_year", label),
               diff(before, after), label=label)
    publish_school_days(db, label)


def _term_state(term: Term | TermData, closures: list[tuple[date, ClosureKind, str | None]]) -> dict:
    """A term as the calendar's audit entries record it: "autumn.starts_on", …, and its
    closures as "2026-12-25 Christmas Day"."""
    name = plain(term.name).lower()
    return {**{f"{name}.{k}": v for k, v in snapshot(term, TERM_FIELDS).items()},
            f"{name}.closures": [f"{plain(day)} {note or plain(kind)}" for day, kind, note in sorted(closures)]}


def publish_school_days(db: Session, label: str) -> None:
    """The year's school days as they now stand, to every service keeping a copy
    (bookings, the catalogue), in the saving transaction."""
    terms = db.exec(select(Term).where(Term.academic_year == label)).all()
    days = school_days(db, min(t.starts_on for t in terms), max(t.ends_on for t in terms)) if terms else []
    for keeper in SCHOOL_DAYS_KEPT_BY:
        FACTS.publish(db, keeper, f"/copies/school-days/{label}", {"school_days": [d.isoformat() for d in days]})


def republish_school_days(db: Session) -> int:
    """Every year's school days again (the reconciliation)."""
    labels = db.exec(select(Term.academic_year).distinct().order_by(Term.academic_year)).all()
    for label in labels:
        publish_school_days(db, label)
    return len(labels)


def _terms_around(db: Session, start: date, end: date) -> list[tuple[Term, set[date]]]:
    terms = db.exec(select(Term).where(Term.starts_on <= end, Term.ends_on >= start)).all()
    closures = db.exec(select(Closure).where(Closure.term_id.in_([t.id for t in terms]))).all() if terms else []
    return [(t, {c.on_date for c in closures if c.term_id == t.id}) for t in terms]


def school_days(db: Session, start: date, end: date) -> list[date]:
    """Days schools are open between two dates: weekdays in term, outside half term, not
    closed.  Days of a year with no calendar yet are left out."""
    days = []
    for term, closed in _terms_around(db, start, end):
        day = max(start, term.starts_on)
        while day <= min(end, term.ends_on):
            if day.weekday() < 5 and not term.half_term_starts_on <= day <= term.half_term_ends_on \
                    and day not in closed:
                days.append(day)
            day += timedelta(days=1)
    return sorted(days)


def term_on(db: Session, day: date) -> tuple[str | None, bool]:
    """The term a day is in (None outside term) and whether schools are open; for a
    year with no calendar yet, weekdays count as open."""
    from shared.clock import academic_year_of

    terms = db.exec(select(Term).where(Term.academic_year == academic_year_of(day))).all()
    if not terms:
        return None, day.weekday() < 5
    for term in terms:
        if term.starts_on <= day <= term.ends_on:
            closed = db.exec(select(Closure).where(Closure.term_id == term.id, Closure.on_date == day)).first()
            open_ = day.weekday() < 5 and not term.half_term_starts_on <= day <= term.half_term_ends_on \
                and closed is None
            return term.name.value, open_
    return None, False


def calendar_days(db: Session, days: list[date]) -> list[tuple[date, str | None, bool]]:
    """What the calendar says of each day, as `term_on` does of one (a weekday of a
    year with no calendar yet counts as open): for checking a sprint's dates at once.
    Two queries however many days."""
    from shared.clock import academic_year_of

    terms = db.exec(select(Term).where(Term.academic_year.in_(sorted({academic_year_of(d) for d in days})))).all()
    closed = set(db.exec(select(Closure.term_id, Closure.on_date).where(
        Closure.term_id.in_([t.id for t in terms]), Closure.on_date.in_(days))).all()) if terms else set()
    known_years = {t.academic_year for t in terms}
    answers = []
    for day in days:
        if academic_year_of(day) not in known_years:
            answers.append((day, None, day.weekday() < 5))
            continue
        term = next((t for t in terms if t.starts_on <= day <= t.ends_on), None)
        if term is None:
            answers.append((day, None, False))
            continue
        open_ = day.weekday() < 5 and not term.half_term_starts_on <= day <= term.half_term_ends_on \
            and (term.id, day) not in closed
        answers.append((day, term.name.value, open_))
    return answers
