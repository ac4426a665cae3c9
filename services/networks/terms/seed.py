"""The academic calendar as best known: a typical English local authority's term dates
for 2025-26 to 2027-28, two INSET days to open the autumn term and one the spring, and
England's bank holidays (moved ones included) from the `holidays` package."""
from __future__ import annotations

from datetime import date, timedelta

import holidays
from sqlmodel import Session, select

from services.networks.terms.models import Term
from services.networks.terms.service import TermData, save_academic_year
from shared.tokens import Grant, Identity
from shared.vocabulary import ClosureKind, Role, TermName

D = date
YEARS = {
    "2025-26": [(D(2025, 9, 1), D(2025, 12, 19), D(2025, 10, 27), D(2025, 10, 31)),
                (D(2026, 1, 5), D(2026, 3, 27), D(2026, 2, 16), D(2026, 2, 20)),
                (D(2026, 4, 13), D(2026, 7, 22), D(2026, 5, 25), D(2026, 5, 29))],
    "2026-27": [(D(2026, 9, 1), D(2026, 12, 18), D(2026, 10, 26), D(2026, 10, 30)),
                (D(2027, 1, 4), D(2027, 3, 25), D(2027, 2, 15), D(2027, 2, 19)),
                (D(2027, 4, 12), D(2027, 7, 21), D(2027, 5, 31), D(2027, 6, 4))],
    "2027-28": [(D(2027, 9, 1), D(2027, 12, 17), D(2027, 10, 25), D(2027, 10, 29)),
                (D(2028, 1, 4), D(2028, 3, 31), D(2028, 2, 14), D(2028, 2, 18)),
                (D(2028, 4, 18), D(2028, 7, 21), D(2028, 5, 29), D(2028, 6, 2))],
}
SYSTEM = Identity(subject="service:seed", grants=(Grant(Role.LL_ADMIN),))


def _weekdays_from(day: date, count: int) -> list[date]:
    out = []
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def terms_for(label: str) -> list[TermData]:
    first = int(label[:4])
    bank = holidays.country_holidays("GB", subdiv="ENG", years=[first, first + 1])
    terms = []
    for name, (starts, ends, ht_starts, ht_ends), inset in zip(TermName, YEARS[label], (2, 1, 0)):
        closures = [(d, ClosureKind.INSET, "INSET day") for d in _weekdays_from(starts, inset)]
        closures += [(d, ClosureKind.BANK_HOLIDAY, name_) for d, name_ in sorted(bank.items())
                     if starts <= d <= ends and not ht_starts <= d <= ht_ends and d.weekday() < 5]
        terms.append(TermData(name, starts, ends, ht_starts, ht_ends, closures))
    return terms


def seed_calendar(db: Session) -> int:
    """Add the years not yet there; returns how many were added."""
    added = 0
    for label in YEARS:
        if db.exec(select(Term.id).where(Term.academic_year == label)).first() is None:
            save_academic_year(db, SYSTEM, label, terms_for(label))
            added += 1
    return added
