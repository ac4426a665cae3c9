"""Adding and changing videos through the catalogue's API: from a finished upload or an
allowed link, captions made into a transcript that search reads, chapters in order;
who may add and change what; every bad input a 4xx with a sentence on its field that
changes nothing (the upload is still there to use)."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from services.catalogue.audit import AuditEntry
from services.catalogue.db import database
from services.catalogue.tests.conftest import ADMIN, LEAD, STAFF
from services.catalogue.videos.models import Video, VideoUpload
from shared import tokens

OTHER_LEAD = tokens.Identity(subject="17", name="Omar Lead", grants=(tokens.Grant("network_lead", network_id=2),))
CAPTIONS = """WEBVTT

1
00:00.000 --> 00:01.500
<v Ms Khan>Today we are <i>editing</i> our persuasive letters.

00:01.500 --> 00:03.000
Read your sentence aloud &amp; listen for the pause.
"""


def body(**overrides) -> dict:
    data = {"title": "Editing persuasive letters in Year 5", "description": "A class edits in pairs.",
            "subject": "English", "phases": ["KS2"], "visibility": "TRUST"}
    data.update(overrides)
    return data


def counts() -> tuple[int, int, int]:
    with database().session() as db:
        return tuple(db.exec(select(func.count()).select_from(model)).one()
                     for model in (Video, AuditEntry, VideoUpload))


def refused(response, status: int, field: list, *words: str) -> dict:
    assert response.status_code == status, response.text
    problems = {tuple(map(str, e["field"])): e["message"] for e in response.json()["fieldErrors"]}
    message = problems.get(tuple(map(str, field)))
    assert message and message.endswith((".", "?")), (field, problems)
    for word in words:
        assert word in message, message
    return problems


@pytest.fixture
def uploaded(tus, video_files):
    """A finished upload of a four-second film, by LEAD: its id."""
    upload_id, last = tus(LEAD).upload(video_files["lesson.mp4"].read_bytes(), chunk=1 << 20)
    assert last.status_code == 204, last.text
    return upload_id


def test_a_network_lead_adds_an_uploaded_film_with_captions_and_chapters(uploaded, service_call, make_course):
    course = make_course(title="Writing that persuades")
    made = service_call("catalogue", "POST", "/videos", LEAD, json=body(
        upload_id=uploaded, course_id=course["id"], captions_vtt=CAPTIONS,
        chapters=[{"title": "Reading aloud", "starts_at_seconds": 2}, {"title": "Setting up", "starts_at_seconds": 0}]))
    assert made.status_code == 201, made.text
    video = made.json()
    assert video["source"] == "UPLOAD" and video["duration_seconds"] == 4 and video["content_type"] == "video/mp4"
    assert video["consent_status"] == "PENDING" and video["has_pupils"] and video["watchable"]  # the uploader may
    assert video["stream_url"].startswith(f"/media/videos/{video['id']}/stream?") and video["poster_url"]
    assert video["chapters"] == [{"title": "Setting up", "starts_at_seconds": 0},
                                 {"title": "Reading aloud", "starts_at_seconds": 2}]
    assert video["transcript"] == ("Today we are editing our persuasive letters.\n"
                                   "Read your sentence aloud & listen for the pause.")
    assert [c["start_seconds"] for c in video["cues"]] == [0.0, 1.5] and video["may_edit"]
    assert video["course_id"] == course["id"] and video["uploaded_by_name"] == "Nadia Lead"
    captions = service_call("catalogue", "GET", f"/videos/{video['id']}/captions", LEAD)
    assert captions.headers["content-type"].startswith("text/vtt") and captions.text.startswith("WEBVTT")
    # the transcript is searched; staff see it once consent is confirmed
    service_call("catalogue", "POST", f"/videos/{video['id']}/consent", ADMIN,
                 json={"status": "CONFIRMED", "note": "Consent forms held by the school office."})
    found = service_call("catalogue", "GET", "/videos", STAFF, params={"search": "pause"}).json()
    assert [v["id"] for v in found["items"]] == [video["id"]]
    with database().session() as db:
        entry = db.exec(select(AuditEntry).where(AuditEntry.action == "video.added")).one()
    assert entry.actor_name == "Nadia Lead" and entry.changes["captions"] == [None, "2 captions"]


def test_a_link_to_an_allowed_host_is_normalised_and_a_film_without_pupils_needs_no_consent(service_call):
    made = service_call("catalogue", "POST", "/videos", ADMIN, json=body(
        source_url=" https://WWW.YouTube.com/watch?v=abc123#t=4 ", has_pupils=False, visibility="PUBLIC"))
    assert made.status_code == 201, made.text
    video = made.json()
    assert video["source_url"] == "https://www.youtube.com/watch?v=abc123" and video["stream_url"] is None
    assert video["consent_status"] == "NOT_NEEDED" and video["visibility"] == "PUBLIC"
    assert service_call("catalogue", "GET", "/videos", tokens.ANONYMOUS_IDENTITY).json()["total"] == 1


@pytest.mark.parametrize("identity", [STAFF, tokens.ANONYMOUS_IDENTITY,
                                      tokens.Identity(subject="30", name="Sid", grants=(tokens.Grant("sip"),))])
def test_only_admins_and_network_leads_add_videos(identity, service_call):
    before = counts()
    made = service_call("catalogue", "POST", "/videos", identity, json=body(source_url="https://vimeo.com/1"))
    assert made.status_code == 403 and "network leads" in made.json()["message"]
    assert counts() == before


def test_a_lead_changes_their_own_videos_only(make_video, service_call):
    own = make_video(title="Mine", uploaded_by_id=7)
    theirs = make_video(title="Not mine", uploaded_by_id=99)
    changed = service_call("catalogue", "PUT", f"/videos/{own.id}", LEAD, json=body(title="Mine, retitled"))
    assert changed.status_code == 200 and changed.json()["title"] == "Mine, retitled", changed.text
    refusal = service_call("catalogue", "PUT", f"/videos/{theirs.id}", LEAD, json=body(title="Taken over"))
    assert refusal.status_code == 403 and "added this video" in refusal.json()["message"]
    assert service_call("catalogue", "PUT", f"/videos/{theirs.id}", STAFF, json=body()).status_code == 403
    assert service_call("catalogue", "PUT", f"/videos/{theirs.id}", ADMIN, json=body(title="Fixed")).status_code == 200


BAD = [
    ("not WebVTT", {"captions_vtt": "1\n00:00:01,000 --> 00:00:02,000\nHello\n"}, 422, ["captions_vtt"],
     ("first line must be WEBVTT",)),
    ("a caption time in the wrong form", {"captions_vtt": "WEBVTT\n\n00:01,000 --> 00:02.000\nHi\n"}, 422,
     ["captions_vtt"], ("Line 3", "00:01:02.500")),
    ("a caption that ends before it starts", {"captions_vtt": "WEBVTT\n\n00:03.000 --> 00:02.000\nHi\n"}, 422,
     ["captions_vtt"], ("ends",)),
    ("captions past the end", {"captions_vtt": "WEBVTT\n\n00:09.000 --> 00:10.000\nHi\n"}, 422, ["captions_vtt"],
     ("after the video ends at 0:04",)),
    ("a chapter past the end", {"chapters": [{"title": "Intro", "starts_at_seconds": 0},
                                             {"title": "Plenary", "starts_at_seconds": 30}]}, 422,
     ["chapters", 1, "starts_at_seconds"], ("Chapter 2 starts at 0:30, after the video ends at 0:04",)),
    ("two chapters at once", {"chapters": [{"title": "A", "starts_at_seconds": 1},
                                           {"title": "B", "starts_at_seconds": 1}]}, 422,
     ["chapters", 1, "starts_at_seconds"], ("same time",)),
    ("a public film with pupils, by an admin", {"visibility": "PUBLIC"}, 422, ["visibility"], ("stays within",)),
    ("no such course", {"course_id": 999}, 422, ["course_id"], ("no such course",)),
    ("a blank title", {"title": "  "}, 422, ["title"], ()),
    ("a phase twice", {"phases": ["KS2", "KS2"]}, 422, ["phases"], ("once",)),
]


@pytest.mark.parametrize("what, change, status, field, words", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_on_its_field_and_the_upload_is_kept(what, change, status, field, words, uploaded,
                                                                  service_call):
    before = counts()
    answer = service_call("catalogue", "POST", "/videos", ADMIN if "admin" in what else LEAD,
                          json=body(upload_id=uploaded, **change))
    refused(answer, status, field, *words)
    assert counts() == before  # no video, no audit entry, and the upload is still there to use
    assert service_call("catalogue", "POST", "/videos", LEAD, json=body(upload_id=uploaded)).status_code == 201


def test_links_to_hosts_not_allowed_and_naming_two_films_are_refused(service_call, uploaded):
    before = counts()
    refused(service_call("catalogue", "POST", "/videos", LEAD, json=body(source_url="https://evil.example/v.mp4")),
            422, ["source_url"], "can only be linked from", "evil.example")
    refused(service_call("catalogue", "POST", "/videos", LEAD, json=body(source_url="javascript:alert(1)")),
            422, ["source_url"], "https://")
    refused(service_call("catalogue", "POST", "/videos", LEAD, json=body()), 422, ["source_url"], "Upload")
    refused(service_call("catalogue", "POST", "/videos", LEAD, json=body(
        source_url="https://vimeo.com/1", upload_id=uploaded)), 422, ["upload_id"], "not both")
    refused(service_call("catalogue", "POST", "/videos", LEAD, json=body(source_url="https://vimeo.com/2",
                                                                         visibility="PUBLIC", has_pupils=False)),
            422, ["visibility"], "Only a Lighthouse Learning admin")
    assert counts() == before


def test_someone_elses_upload_is_not_theirs_to_save(uploaded, service_call):
    answer = service_call("catalogue", "POST", "/videos", OTHER_LEAD, json=body(upload_id=uploaded))
    assert answer.status_code == 404, answer.text


def test_a_saved_video_keeps_its_film_and_its_pupils_change_only_with_consent(make_video, service_call):
    video = make_video(uploaded_by_id=7, has_pupils=True, consent_status="PENDING")
    before = counts()
    refused(service_call("catalogue", "PUT", f"/videos/{video.id}", LEAD, json=body(upload_id="abc")),
            422, ["upload_id"], "new video")
    refused(service_call("catalogue", "PUT", f"/videos/{video.id}", LEAD, json=body(has_pupils=False)),
            422, ["has_pupils"], "consent record")
    assert counts() == before
    kept = service_call("catalogue", "PUT", f"/videos/{video.id}", LEAD, json=body(title="Retitled"))
    assert kept.status_code == 200 and kept.json()["consent_status"] == "PENDING"


def test_search_filters_and_paging(make_video, service_call, make_course):
    course = make_course(title="Phonics first")
    make_video(title="Phonics in Reception", subject="English", phases=["EYFS"], course_id=course["id"],
               transcript="Segmenting and blending CVC words.")
    make_video(title="Bar models for fractions", subject="Maths", phases=["KS2", "KS3"])
    make_video(title="Maths talk in Year 1", subject="Maths", phases=["KS1"])

    def titles(**params):
        answer = service_call("catalogue", "GET", "/videos", STAFF, params=params)
        assert answer.status_code == 200, answer.text
        return [v["title"] for v in answer.json()["items"]]

    assert titles(search="blend") == ["Phonics in Reception"]  # the transcript is searched, by prefix
    assert titles(subject="maths") == ["Maths talk in Year 1", "Bar models for fractions"]  # newest first
    assert titles(phase="KS3") == ["Bar models for fractions"]
    assert titles(course_id=course["id"]) == ["Phonics in Reception"]
    first = service_call("catalogue", "GET", "/videos", STAFF, params={"first": 2}).json()
    assert first["has_next"] and first["total"] == 3
    rest = service_call("catalogue", "GET", "/videos", STAFF, params={"first": 2, "after": first["end_cursor"]}).json()
    assert [v["title"] for v in rest["items"]] == ["Phonics in Reception"] and not rest["has_next"]
    assert service_call("catalogue", "GET", "/videos", STAFF, params={"phase": "KS9"}).status_code == 422


def test_a_change_that_leaves_captions_and_chapters_out_keeps_them(make_video, service_call):
    video = make_video(uploaded_by_id=7, duration_seconds=60, captions_vtt=CAPTIONS, transcript="words",
                       chapters=[{"title": "Start", "starts_at_seconds": 0}])
    kept = service_call("catalogue", "PUT", f"/videos/{video.id}", LEAD, json=body(title="Only the title"))
    assert kept.json()["has_captions"] and kept.json()["chapters"] == [{"title": "Start", "starts_at_seconds": 0}]
    cleared = service_call("catalogue", "PUT", f"/videos/{video.id}", LEAD, json=body(captions_vtt="", chapters=[]))
    assert not cleared.json()["has_captions"] and cleared.json()["chapters"] == [] and not cleared.json()["transcript"]
