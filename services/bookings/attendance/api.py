"""HTTP for what follows a session: the register, certificates, feedback, CPD records."""
from __future__ import annotations

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from services.bookings.attendance import service
from services.bookings.attendance.schemas import (
    AttendanceBySchool,
    AttendanceIn,
    BySchoolQuery,
    CourseFeedback,
    CoursesFeedback,
    CoursesFeedbackQuery,
    CpdRecordOut,
    CpdRecords,
    FeedbackIn,
    HoursOut,
    HoursQuery,
    RecordQuery,
    RecordsQuery,
)
from services.bookings.bookings.api import booking_out
from services.bookings.bookings.schemas import BookingIdPath, BookingOut
from services.bookings.periods import parse_bounds
from services.bookings.sessions.api import sessions_out
from services.bookings.sessions.schemas import CourseIdPath, SessionIdPath, SessionOut
from shared.db import begin_write, request_session
from shared.web import SECURITY, current_identity

bp = APIBlueprint("attendance", __name__, abp_tags=[Tag(name="attendance")], abp_security=SECURITY)


@bp.post("/sessions/<int:session_id>/attendance", responses={200: SessionOut})
def take_register(path: SessionIdPath, body: AttendanceIn):
    """Admins: the listed bookings attended, the other places did not show."""
    db = request_session()
    begin_write(db)
    session = service.take_register(db, current_identity(), path.session_id, body.attended_booking_ids)
    return sessions_out(db, [session])[0]


@bp.get("/bookings/<int:booking_id>/certificate")
def certificate(path: BookingIdPath):
    """The PDF certificate of attendance of an attended booking."""
    db = request_session()
    name, pdf = service.certificate(db, current_identity(), path.booking_id)
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.post("/bookings/<int:booking_id>/feedback", responses={200: BookingOut})
def leave_feedback(path: BookingIdPath, body: FeedbackIn):
    """The attendee's rating (1–5) and comment, after the register marks them attended."""
    db = request_session()
    begin_write(db)
    booking = service.leave_feedback(db, current_identity(), path.booking_id, body.rating, body.comment)
    return booking_out(db, booking)


@bp.get("/courses/<int:course_id>/feedback", responses={200: CourseFeedback})
def course_feedback(path: CourseIdPath):
    """Admins: the average rating of a course and its latest comments."""
    db = request_session()
    return CourseFeedback(**service.course_feedback(db, current_identity(), path.course_id)).model_dump(mode="json")


@bp.get("/courses/feedback", responses={200: CoursesFeedback})
def courses_feedback(query: CoursesFeedbackQuery):
    """Admins: the feedback of several courses at once (a batch read of the above)."""
    ids = [int(i) for i in query.course_ids.split(",")]
    found = service.courses_feedback(request_session(), current_identity(), ids)
    return CoursesFeedback(items=found).model_dump(mode="json")


@bp.get("/cpd-record", responses={200: CpdRecordOut})
def cpd_record(query: RecordQuery):
    """A person's attended CPD in one academic year, with minutes per session."""
    db = request_session()
    record = service.cpd_record(db, current_identity(), query.person_id, query.academic_year)
    return CpdRecordOut(**record).model_dump(mode="json")


@bp.get("/cpd-records", responses={200: CpdRecords})
def cpd_records(query: RecordsQuery):
    """Several people's records at once, each as /cpd-record answers it (a batch read)."""
    ids = [int(i) for i in query.person_ids.split(",")]
    found = service.cpd_records(request_session(), current_identity(), ids, query.academic_year)
    return CpdRecords(items=found).model_dump(mode="json")


@bp.get("/cpd-hours", responses={200: HoursOut})
def cpd_hours(query: HoursQuery):
    """Attended CPD per period (terms, years) for one person or a school's staff, in
    one answer: for their own record, and for a school's leaders."""
    found = service.cpd_hours(request_session(), current_identity(), parse_bounds(query.bounds), person_id=query.person_id,
                              school_id=query.school_id)
    return HoursOut(items=found).model_dump(mode="json")


@bp.get("/attendance/by-school", responses={200: AttendanceBySchool})
def attendance_by_school(query: BySchoolQuery):
    """Who from each school attended these sessions: for following a cascaded
    programme school by school (admins every school, SIPs and leaders their own)."""
    ids = [int(i) for i in query.session_ids.split(",")]
    found = service.attendance_by_school(request_session(), current_identity(), ids)
    return AttendanceBySchool(items=found).model_dump(mode="json")
