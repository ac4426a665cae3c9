"""Who may watch which film, checked by the catalogue itself: the one rule in its two
forms agrees on every combination, and every way in — lists, search, a course's
videos, subjects, one video, its captions, its progress, its signed playback URL —
gives a person nothing of a film they may not watch, not even a count."""
from __future__ import annotations

import itertools

import pytest
from sqlmodel import select

from services.catalogue.db import database
from services.catalogue.tests.conftest import ADMIN, LEAD, STAFF, VISITOR
from services.catalogue.videos import access
from services.catalogue.videos.models import Video
from shared import tokens
from shared.vocabulary import ConsentStatus

OTHER_LEAD = tokens.Identity(subject="17", name="Omar Lead", grants=(tokens.Grant("network_lead", network_id=2),))
EXTERNAL = tokens.Identity(subject="18", name="Bella Buyer", grants=(tokens.Grant("external_booker"),))
GOVERNOR = tokens.Identity(subject="19", name="Gil Governor", grants=(tokens.Grant("governor", school_id=1),))
EVERYONE = {"admin": ADMIN, "uploader": LEAD, "other lead": OTHER_LEAD, "staff": STAFF, "governor": GOVERNOR,
            "external": EXTERNAL, "visitor": VISITOR}

# Every film the database allows: (visibility, consent) with pupils only when consent is
# needed, and never PUBLIC then.
KINDS = [(vis, consent) for vis, consent in itertools.product(("TRUST", "PUBLIC"), ConsentStatus)
         if not (vis == "PUBLIC" and consent != ConsentStatus.NOT_NEEDED)]


@pytest.fixture
def every_kind(make_video):
    return {kind: make_video(title=f"{kind[0]} {kind[1].value}", visibility=kind[0], consent_status=kind[1],
                             has_pupils=kind[1] != ConsentStatus.NOT_NEEDED, uploaded_by_id=7,
                             captions_vtt="WEBVTT\n\n00:01.000 --> 00:02.000\nMia reads.\n",
                             transcript="Mia reads.").id for kind in KINDS}


def test_the_rule_in_python_and_in_sql_agree_on_every_combination(every_kind):
    with database().session() as db:
        videos = db.exec(select(Video)).all()
        for name, identity in EVERYONE.items():
            by_python = {v.id for v in videos if access.refusal_to_watch(v, identity) is None}
            by_sql = set(db.exec(select(Video.id).where(access.watchable_by(identity))).all())
            assert by_python == by_sql, name


def _expected(name: str) -> set[tuple]:
    """What each person may watch, written out by hand from the issue."""
    confirmed_or_none = {k for k in KINDS if k[1] in (ConsentStatus.CONFIRMED, ConsentStatus.NOT_NEEDED)}
    public = {("PUBLIC", ConsentStatus.NOT_NEEDED)}
    return {
        "admin": {k for k in KINDS if k[1] != ConsentStatus.WITHDRAWN},
        "uploader": {k for k in KINDS if k[1] != ConsentStatus.WITHDRAWN},
        "other lead": confirmed_or_none, "staff": confirmed_or_none, "governor": confirmed_or_none,
        "external": public, "visitor": public,
    }[name]


@pytest.mark.parametrize("name", list(EVERYONE))
def test_each_person_sees_exactly_what_the_issue_says_in_every_list(name, every_kind, service_call, make_course):
    identity = EVERYONE[name]
    course = make_course(title="Reading in KS2", visibility="PUBLIC")
    with database().session() as db:
        for video in db.exec(select(Video)).all():
            video.course_id = course["id"]
    allowed = {every_kind[k] for k in _expected(name)}
    listed = service_call("catalogue", "GET", "/videos", identity, params={"first": 100}).json()
    assert "items" in listed, listed
    assert {v["id"] for v in listed["items"]} == allowed and listed["total"] == len(allowed), name
    found = service_call("catalogue", "GET", "/videos", identity, params={"search": "trust"}).json()
    assert {v["id"] for v in found["items"]} <= allowed and found["total"] == len(found["items"])
    by_course = service_call("catalogue", "GET", "/videos/by-course", identity, params={"course_ids": course["id"]})
    assert {v["id"] for v in by_course.json()["items"]} == allowed
    ids = ",".join(map(str, every_kind.values()))
    batch = service_call("catalogue", "GET", "/videos", identity, params={"ids": ids})
    assert {v["id"] for v in batch.json()["items"]} == allowed and batch.json()["total"] == len(allowed)
    for kind, video_id in every_kind.items():
        one = service_call("catalogue", "GET", f"/videos/{video_id}", identity)
        if video_id in allowed:
            assert one.status_code == 200 and one.json()["watchable"] and one.json()["stream_url"], (name, kind)
        elif name == "admin":  # a withdrawn film's record, to manage it: never its film, nor its words
            shown = one.json()
            assert one.status_code == 200 and not shown["watchable"] and shown["stream_url"] is None
            assert shown["transcript"] is None and shown["cues"] is None and shown["captions_vtt"] is None
        else:
            assert one.status_code == 404 and "not open to you" in one.json()["message"], (name, kind)


def test_an_admin_finds_withdrawn_films_only_by_asking_for_them(every_kind, service_call):
    withdrawn = service_call("catalogue", "GET", "/videos", ADMIN, params={"consent_status": "WITHDRAWN"}).json()
    assert [v["title"] for v in withdrawn["items"]] == ["TRUST WITHDRAWN"]
    # the same question from anyone else is their ordinary list
    mine = service_call("catalogue", "GET", "/videos", STAFF, params={"consent_status": "WITHDRAWN"}).json()
    assert "TRUST WITHDRAWN" not in {v["title"] for v in mine["items"]}


def test_subjects_come_only_from_films_one_may_watch(make_video, service_call):
    make_video(title="Pending film", subject="Secret subject", has_pupils=True, consent_status="PENDING")
    make_video(title="Open film", subject="Maths", has_pupils=False, consent_status="NOT_NEEDED")
    assert service_call("catalogue", "GET", "/videos/subjects", STAFF).json() == {"subjects": ["Maths"]}
    assert service_call("catalogue", "GET", "/videos/subjects", LEAD).json() == {
        "subjects": ["Maths", "Secret subject"]}


def test_withdrawal_hides_a_film_everywhere_at_once_playback_urls_already_handed_out_included(
        make_video, service_call, stack):
    video = make_video(b"0123456789" * 100, poster=b"jpeg", title="Shared writing in Year 2", has_pupils=True,
                       consent_status="CONFIRMED", captions_vtt="WEBVTT\n\n00:00.000 --> 00:02.000\nWe edit.\n")
    seen = service_call("catalogue", "GET", f"/videos/{video.id}", STAFF).json()
    stream = seen["stream_url"]
    assert service_call("catalogue", "GET", stream, STAFF, headers={"Range": "bytes=0-9"}).status_code == 206
    assert service_call("catalogue", "GET", f"/videos/{video.id}/captions", STAFF).status_code == 200

    withdrawn = service_call("catalogue", "POST", f"/videos/{video.id}/consent", ADMIN,
                             json={"status": "WITHDRAWN", "note": "A parent withdrew consent by email."})
    assert withdrawn.status_code == 200, withdrawn.text

    played = service_call("catalogue", "GET", stream, STAFF, headers={"Range": "bytes=0-9"})
    assert played.status_code == 403 and "withdrawn" in played.json()["message"]
    assert service_call("catalogue", "GET", seen["poster_url"], STAFF).status_code == 403
    for identity in (STAFF, LEAD, ADMIN):
        assert service_call("catalogue", "GET", "/videos", identity).json()["total"] == 0
        assert service_call("catalogue", "GET", "/videos", identity, params={"search": "shared"}).json()["total"] == 0
        assert service_call("catalogue", "GET", "/videos/subjects", identity).json()["subjects"] == []
        assert service_call("catalogue", "GET", f"/videos/{video.id}/captions", identity).status_code == 404
        moved = service_call("catalogue", "PUT", f"/videos/{video.id}/progress", identity,
                             json={"position_seconds": 5})
        assert moved.status_code == 404
    assert service_call("catalogue", "GET", f"/videos/{video.id}", STAFF).status_code == 404


def test_consent_details_are_for_admins_and_the_uploader(make_video, service_call):
    video = make_video(has_pupils=True, consent_status="PENDING", uploaded_by_id=7)
    confirmed = service_call("catalogue", "POST", f"/videos/{video.id}/consent", ADMIN,
                             json={"status": "CONFIRMED", "note": "Forms held by Oak Primary's office."})
    assert confirmed.json()["consent_by_name"] == "Ada Admin"
    assert service_call("catalogue", "GET", f"/videos/{video.id}", LEAD).json()["consent_note"] == \
        "Forms held by Oak Primary's office."
    other = service_call("catalogue", "GET", f"/videos/{video.id}", STAFF).json()
    assert other["consent_status"] == "CONFIRMED" and other["consent_by_name"] is None and other["consent_note"] is None
