"""Reading the copies for the decisions the catalogue makes by itself."""
from __future__ import annotations

from sqlmodel import Session, select

from services.catalogue.copies.models import SchoolBand
from shared.vocabulary import RiskBand

# Riskiest first: a sprint shared by schools is supported as its riskiest school needs.
RISK_ORDER = (RiskBand.HIGH, RiskBand.MEDIUM, RiskBand.LOW)


def riskiest_band(db: Session, school_ids: list[int]) -> RiskBand | None:
    """The highest band among these schools' as the copy has them; None when it has
    none of theirs (the gateway has not delivered them yet)."""
    bands = set(db.exec(select(SchoolBand.band).where(SchoolBand.school_id.in_(school_ids))).all()) \
        if school_ids else set()
    return next((b for b in RISK_ORDER if b in bands), None)
