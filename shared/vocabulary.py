"""The words every component uses for the same things, defined once: what a service
stores and answers, the gateway's GraphQL enums and its pages' choices are these.

Each is a `str` enum whose values are what the databases hold and the APIs speak,
in the order people are shown them.  Adding a value is a migration (the columns are
checked text, shared.db.text_enum) and a schema change for the gateway.
"""
from __future__ import annotations

import enum


class Role(str, enum.Enum):
    """What a person may do, granted (with a school or a network, for some) by the gateway."""

    STAFF = "staff"
    SCHOOL_LEADER = "school_leader"
    NETWORK_LEAD = "network_lead"
    SIP = "sip"
    LL_ADMIN = "ll_admin"
    EXTERNAL_BOOKER = "external_booker"
    GOVERNOR = "governor"


# ---------- courses (catalogue; bookings keeps a copy of each session's course) ----------


class Phase(str, enum.Enum):
    EYFS = "EYFS"
    KS1 = "KS1"
    KS2 = "KS2"
    KS3 = "KS3"
    KS4 = "KS4"
    KS5 = "KS5"


class Audience(str, enum.Enum):
    TEACHER = "TEACHER"
    LEARNING_PARTNER = "LEARNING_PARTNER"
    SUPPORT_STAFF = "SUPPORT_STAFF"
    SUBJECT_LEAD = "SUBJECT_LEAD"
    HEADTEACHER = "HEADTEACHER"
    ECT = "ECT"
    GOVERNOR = "GOVERNOR"
    SUPPLY = "SUPPLY"


class Visibility(str, enum.Enum):
    """TRUST: the trust's own people; PUBLIC: anyone, other schools buying places included."""

    TRUST = "TRUST"
    PUBLIC = "PUBLIC"


class DeliveryMode(str, enum.Enum):
    IN_PERSON = "IN_PERSON"
    ONLINE = "ONLINE"
    HYBRID = "HYBRID"


class CourseStatus(str, enum.Enum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    ARCHIVED = "ARCHIVED"


# ---------- the video library (catalogue) ----------


class ConsentStatus(str, enum.Enum):
    """Consent for a film with pupils in it.  PENDING: nobody but its uploader and
    admins may watch it; CONFIRMED: recorded, with who and on what basis; WITHDRAWN:
    hidden everywhere at once; NOT_NEEDED: no pupils in it."""

    PENDING = "PENDING"
    CONFIRMED = "CONFIRMED"
    WITHDRAWN = "WITHDRAWN"
    NOT_NEEDED = "NOT_NEEDED"


# ---------- sessions and bookings (bookings) ----------


class SessionStatus(str, enum.Enum):
    SCHEDULED = "SCHEDULED"
    CANCELLED = "CANCELLED"
    COMPLETED = "COMPLETED"


class BookingStatus(str, enum.Enum):
    PENDING_APPROVAL = "PENDING_APPROVAL"
    HELD = "HELD"
    CONFIRMED = "CONFIRMED"
    WAITLISTED = "WAITLISTED"
    OFFERED = "OFFERED"
    CANCELLED = "CANCELLED"
    DECLINED = "DECLINED"
    ATTENDED = "ATTENDED"
    NO_SHOW = "NO_SHOW"


# ---------- orders: places bought by schools outside the trust (bookings) ----------


class OrderStatus(str, enum.Enum):
    """AWAITING_PAYMENT: a card order holding its places until paid or its hold lapses
    (EXPIRED); INVOICED: places confirmed, the invoice unpaid (less any credit notes);
    PAID: paid, or nothing left to pay; CANCELLED: every place given back, no money
    given back by it; REFUNDED / PARTIALLY_REFUNDED: money given back after it came in —
    all of it, or part while places are kept — by a card refund or, once an invoice's
    payment is recorded, a credit note."""

    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    PAID = "PAID"
    INVOICED = "INVOICED"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    REFUNDED = "REFUNDED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"


class PaymentMethod(str, enum.Enum):
    CARD = "CARD"
    INVOICE = "INVOICE"


# ---------- networks, meetings and the academic calendar (networks) ----------


class MembershipRole(str, enum.Enum):
    LEAD = "LEAD"
    MEMBER = "MEMBER"
    GUEST = "GUEST"


class MeetingStatus(str, enum.Enum):
    PROPOSED = "PROPOSED"
    SCHEDULED = "SCHEDULED"
    HELD = "HELD"
    CANCELLED = "CANCELLED"


class RsvpResponse(str, enum.Enum):
    YES = "YES"
    NO = "NO"
    MAYBE = "MAYBE"


class TermName(str, enum.Enum):
    AUTUMN = "AUTUMN"
    SPRING = "SPRING"
    SUMMER = "SUMMER"


class ClosureKind(str, enum.Enum):
    INSET = "INSET"
    BANK_HOLIDAY = "BANK_HOLIDAY"


# ---------- cascaded CPD: programmes, school sprints and QA notes (catalogue) ----------


class RiskBand(str, enum.Enum):
    """How much central support a school gets (the gateway keeps each school's band;
    the catalogue keeps the band a sprint was planned under, to sort and flag by)."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


class SchoolScope(str, enum.Enum):
    """Which schools a programme is for: all the trust's, those of one phase, or a list
    (the gateway resolves each to the list of school ids the programme keeps)."""

    ALL = "ALL"
    PHASE = "PHASE"
    LIST = "LIST"


class SprintStatus(str, enum.Enum):
    """PLANNED until a session is held; IN_PROGRESS from then; COMPLETE once its leader
    says so (every session held or cancelled, at least one held)."""

    PLANNED = "PLANNED"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETE = "COMPLETE"


class SprintSessionStatus(str, enum.Enum):
    PLANNED = "PLANNED"
    HELD = "HELD"
    CANCELLED = "CANCELLED"


class QaJudgement(str, enum.Enum):
    SECURE = "SECURE"
    DEVELOPING = "DEVELOPING"
    NOT_YET_SECURE = "NOT_YET_SECURE"
