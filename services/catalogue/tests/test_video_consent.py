"""Consent for the pupils in a film: who may record which decision, what each does to
who may watch, and every change kept in the audit trail with who and why — read back
through the catalogue's history API, admins only."""
from __future__ import annotations

import pytest

from services.catalogue.tests.conftest import ADMIN, LEAD, STAFF
from shared import tokens

OTHER_LEAD = tokens.Identity(subject="17", name="Omar Lead", grants=(tokens.Grant("network_lead", network_id=2),))


def consent(service_call, identity, video_id: int, status: str, note: str = "Forms checked by the office."):
    return service_call("catalogue", "POST", f"/videos/{video_id}/consent", identity,
                        json={"status": status, "note": note})


def test_pending_to_confirmed_to_withdrawn_each_with_who_and_why(make_video, service_call):
    video = make_video(title="Guided reading", has_pupils=True, consent_status="PENDING", uploaded_by_id=7)
    assert service_call("catalogue", "GET", f"/videos/{video.id}", STAFF).status_code == 404

    confirmed = consent(service_call, ADMIN, video.id, "CONFIRMED", "Signed forms for all 28 pupils, held at Oak.")
    assert confirmed.status_code == 200, confirmed.text
    shown = confirmed.json()
    assert (shown["consent_status"], shown["consent_by_name"]) == ("CONFIRMED", "Ada Admin")
    assert shown["consent_note"] == "Signed forms for all 28 pupils, held at Oak." and shown["consent_at"]
    assert service_call("catalogue", "GET", f"/videos/{video.id}", STAFF).status_code == 200

    withdrawn = consent(service_call, LEAD, video.id, "WITHDRAWN", "A parent asked for it to come down.")
    assert withdrawn.status_code == 200 and withdrawn.json()["watchable"] is False  # not even for its uploader
    assert service_call("catalogue", "GET", f"/videos/{video.id}", STAFF).status_code == 404

    history = service_call("catalogue", "GET", f"/history/video/{video.id}", ADMIN).json()["items"]
    assert [(e["summary"], e["actor_name"]) for e in history] == [
        ("Consent withdrawn", "Nadia Lead"), ("Consent confirmed", "Ada Admin")]
    changes = {c["field"]: (c["before"], c["after"]) for c in history[0]["changes"]}
    assert changes["consent_status"] == ("CONFIRMED", "WITHDRAWN")
    assert changes["consent_note"] == ("Signed forms for all 28 pupils, held at Oak.",
                                       "A parent asked for it to come down.")
    assert service_call("catalogue", "GET", f"/history/video/{video.id}", LEAD).status_code == 403


@pytest.mark.parametrize("who, status, allowed", [
    ("uploader", "CONFIRMED", False), ("uploader", "WITHDRAWN", True), ("uploader", "NOT_NEEDED", False),
    ("other lead", "WITHDRAWN", False), ("staff", "WITHDRAWN", False), ("admin", "NOT_NEEDED", True),
])
def test_who_may_record_which_decision(who, status, allowed, make_video, service_call):
    identity = {"uploader": LEAD, "other lead": OTHER_LEAD, "staff": STAFF, "admin": ADMIN}[who]
    video = make_video(has_pupils=True, consent_status="CONFIRMED", uploaded_by_id=7)
    answer = consent(service_call, identity, video.id, status)
    assert answer.status_code == (200 if allowed else 403), answer.text
    if not allowed:
        after = service_call("catalogue", "GET", f"/videos/{video.id}", ADMIN).json()
        assert after["consent_status"] == "CONFIRMED"
        assert service_call("catalogue", "GET", f"/history/video/{video.id}", ADMIN).json()["items"] == []


def test_a_pending_film_is_not_there_for_those_who_may_not_watch_it_even_to_refuse(make_video, service_call):
    video = make_video(has_pupils=True, consent_status="PENDING", uploaded_by_id=99)
    assert consent(service_call, STAFF, video.id, "WITHDRAWN").status_code == 404


def test_a_public_film_found_to_have_pupils_goes_back_to_the_trust_and_waits(make_video, service_call):
    video = make_video(visibility="PUBLIC", has_pupils=False, consent_status="NOT_NEEDED", uploaded_by_id=7)
    answer = consent(service_call, LEAD, video.id, "PENDING", "A pupil can be seen at 2:10 after all.")
    assert answer.status_code == 200, answer.text
    assert (answer.json()["visibility"], answer.json()["has_pupils"]) == ("TRUST", True)
    assert service_call("catalogue", "GET", "/videos", tokens.ANONYMOUS_IDENTITY).json()["total"] == 0


def test_the_same_decision_again_or_without_a_reason_is_refused(make_video, service_call):
    video = make_video(has_pupils=True, consent_status="PENDING")
    again = consent(service_call, ADMIN, video.id, "PENDING")
    assert again.status_code == 409 and "already" in again.json()["message"]
    blank = consent(service_call, ADMIN, video.id, "CONFIRMED", "  ")
    assert blank.status_code == 422 and blank.json()["fieldErrors"][0]["field"] == ["note"]
    assert service_call("catalogue", "GET", f"/history/video/{video.id}", ADMIN).json()["items"] == []
