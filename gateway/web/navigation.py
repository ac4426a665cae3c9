"""The header's links: what each person can reach from every page, by the roles they
hold.  Admin-only pages that belong to a place (a new course, on Courses) are linked
from there and from the admin's home, so the header stays on one line at desktop width."""
from __future__ import annotations

from flask import g, request, url_for

from gateway.web.filters import current_academic_year


def main_navigation() -> list[dict]:
    identity = g.get("identity")
    signed_in = g.get("person") is not None
    admin = bool(identity and identity.is_admin)
    leader = bool(identity and identity.has_role("school_leader"))
    links = [
        ("Home", url_for("home.home"), ("home.home",)),
        ("Courses", url_for("catalogue.catalogue"), ("catalogue.catalogue", "catalogue.course_page", "catalogue.new_course",
                                                      "catalogue.edit_course")),
        ("Sessions", url_for("sessions.sessions_list"), ("sessions.sessions_list", "sessions.session_page")),
        ("Networks", url_for("networks.networks_list"), ("networks.networks_list", "networks.network_page")),
        ("Videos", url_for("videos.library"), ("videos.library", "videos.video_page", "videos.new_video",
                                               "videos.edit_video")),
    ]
    if signed_in:
        links.append(("My CPD", url_for("bookings.my_cpd"), ("bookings.my_cpd",)))
    if identity and identity.organisation_id is not None and identity.has_role("external_booker"):
        links.append(("Your orders", url_for("orders.your_orders"), ("orders.your_orders", "orders.order_page")))
    if leader or admin:
        links.append(("Approvals", url_for("bookings.approvals"), ("bookings.approvals",)))
    if leader and not admin:
        links.append(("My school", url_for("bookings.school_bookings"), ("bookings.school_bookings",)))
    if not admin and (leader or bool(identity and identity.has_role("sip"))):
        # the cascaded CPD programmes: a SIP's coverage maps, a leader's sprints (admins'
        # header is full: they reach them from their home's tasks)
        links.append(("Cascade", url_for("cascade.programmes"), (
            "cascade.programmes", "cascade.programme_page", "cascade.sprint_page", "cascade.qa_note_page",
            "cascade.new_programme", "cascade.edit_programme")))
    if admin:
        links.append(("Calendar", url_for("networks.academic_year_page", label=current_academic_year()),
                      ("networks.academic_year_page",)))
        links.append(("People", url_for("people.people"), ("people.people",)))
    return [{"text": text, "href": href, "current": request.endpoint in endpoints} for text, href, endpoints in links]
