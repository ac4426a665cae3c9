"""The video library's pages, server-rendered: the library with its search and filters,
a video with its player, captions, chapters and a transcript that seeks and can be
searched without JavaScript, consent recorded from the page, the form that adds a
video (every problem beside its field), videos on their course's page and "continue
watching" on My CPD."""
from __future__ import annotations

import re

import pytest

# The catalogue tests' video factory, as fixtures here too (until it moves to tests/support/fixtures.py):
# each test that asks for `make_video` redefines the imported name, as pytest means it to.
# ruff: noqa: F811
from services.catalogue.tests.conftest import make_video, store  # noqa: F401
from services.catalogue.tests.test_watch_progress import rewind
from tests.support.fixtures import csrf_token, gql, sign_in

CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:02.000\nFirst we read it aloud.\n\n00:02.000 --> 00:04.000\nThen we edit.\n"


@pytest.fixture
def people(make_school, make_person):
    school = make_school()
    return {"staff": make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", school)],
                                 school_id=school),
            "lead": make_person("lead@lighthouse.test", "Nadia Lead", roles=[("network_lead", None, 1)]),
            "admin": make_person("ll.admin@lighthouse.test", "Ada Admin", roles=[("ll_admin",)])}


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def test_the_library_searches_and_filters(client, people, make_video, make_course):
    course = make_course(title="Editing together")
    make_video(title="Editing in Year 5", subject="English", phases=["KS2"], course_id=course["id"],
               poster=b"jpeg", transcript="read it aloud")
    make_video(title="Counting in Reception", subject="Maths", phases=["EYFS"])
    make_video(title="Waiting for consent", has_pupils=True, consent_status="PENDING")
    sign_in(client, "teacher@lighthouse.test")
    page = client.get("/library")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "2 videos" in text(page) and "Waiting for consent" not in html
    assert re.search(r'<img class="ll-video-card__poster" src="/media/videos/\d+/poster\?[^"]+" alt=""', html)
    assert "Add a video" not in html  # staff do not add videos
    assert "1 video matching “aloud”" in text(client.get("/library?q=aloud"))
    assert "Counting in Reception" in text(client.get("/library?phase=EYFS"))
    assert "Editing in Year 5" not in text(client.get("/library?phase=EYFS"))
    assert "Editing in Year 5" in text(client.get(f"/library?course={course['id']}"))
    assert 'id="consent"' not in html  # the consent filter is for admins


def test_a_video_page_plays_with_captions_chapters_and_a_transcript_that_seeks(client, people, make_video):
    video = make_video(title="Editing in Year 5", duration_seconds=4, captions_vtt=CAPTIONS,
                       chapters=[{"title": "Reading aloud", "starts_at_seconds": 0},
                                 {"title": "Editing", "starts_at_seconds": 2}])
    sign_in(client, "teacher@lighthouse.test")
    html = client.get(f"/library/{video.id}").get_data(as_text=True)
    assert re.search(rf'<video class="ll-video" id="video" controls[^>]*src="/media/videos/{video.id}/stream\?', html)
    assert f'<track kind="captions" src="/library/{video.id}/captions.vtt" srclang="en"' in html
    assert 'href="?t=2#player" data-seek="2"><span class="ll-time">0:02</span> Editing</a>' in html
    assert 'data-seek="2.0" data-end="4.0"><span class="ll-time">0:02</span> Then we edit.</a>' in html
    assert "library-player.js" in html
    found = client.get(f"/library/{video.id}?find=EDIT")
    assert "1 of 2 lines match “EDIT”." in text(found) and "First we read it aloud" not in text(found)
    started = client.get(f"/library/{video.id}?t=2").get_data(as_text=True)
    assert '/stream?' in started and re.search(r'src="/media/videos/\d+/stream\?[^"#]+#t=2"', started)
    track = client.get(f"/library/{video.id}/captions.vtt")
    assert track.status_code == 200 and track.mimetype == "text/vtt" and track.get_data(as_text=True) == CAPTIONS


def test_a_film_one_may_not_watch_is_not_found_nor_its_captions(client, anon_client, people, make_video):
    video = make_video(has_pupils=True, consent_status="PENDING", captions_vtt=CAPTIONS)
    sign_in(client, "teacher@lighthouse.test")
    assert client.get(f"/library/{video.id}").status_code == 404
    assert client.get(f"/library/{video.id}/captions.vtt").status_code == 404
    assert anon_client.get(f"/library/{video.id}").status_code == 404
    assert client.get(f"/library/{video.id}/edit").status_code == 404


def test_an_admin_records_consent_from_the_page_and_reads_its_history(client, people, make_video):
    video = make_video(title="Guided reading", has_pupils=True, consent_status="PENDING")
    sign_in(client, "ll.admin@lighthouse.test")
    page = client.get(f"/library/{video.id}")
    assert "Waiting for consent" in text(page) and 'name="status" value="CONFIRMED"' in page.get_data(as_text=True)
    missing = client.post(f"/library/{video.id}", data={"csrf_token": csrf_token(client), "note": "Forms held."})
    assert missing.status_code == 422 and "Choose what is now known" in text(missing)
    done = client.post(f"/library/{video.id}", data={"csrf_token": csrf_token(client), "status": "CONFIRMED",
                                                     "note": "Forms for all pupils, held at Oak."})
    assert done.status_code == 302
    shown = client.get(done.headers["Location"])
    assert "Consent recorded: trust staff can now watch this video." in text(shown)
    assert "Consent confirmed" in text(shown) and "History (1 change)" in text(shown)


def test_staff_see_no_consent_form(client, people, make_video):
    video = make_video(title="Open film")
    sign_in(client, "teacher@lighthouse.test")
    assert 'name="status"' not in client.get(f"/library/{video.id}").get_data(as_text=True)
    refused = client.post(f"/library/{video.id}", data={"csrf_token": csrf_token(client), "status": "WITHDRAWN",
                                                        "note": "Because I can."})
    assert refused.status_code == 422 and "Only the person who added this video" in text(refused)


def test_the_form_adds_a_linked_video_and_says_each_problem_beside_its_field(client, people, make_course):
    course = make_course(title="Writing that persuades")
    sign_in(client, "teacher@lighthouse.test")
    assert client.get("/library/new").status_code == 403
    sign_in(client, "lead@lighthouse.test")
    form = client.get("/library/new").get_data(as_text=True)
    assert 'id="uploadFile"' in form and "library-upload.js" in form and 'id="visibility"' not in form
    bad = client.post("/library/new", data={
        "csrf_token": csrf_token(client), "sourceUrl": "https://vimeo.com/42", "title": "Persuasive writing",
        "subject": "English", "phases": ["KS2"], "courseId": str(course["id"]),
        "captionsVtt": "hello", "chapters": "0:00 Start\nsoon Plenary"})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    for field in ("hasPupils", "captionsVtt", "chapters"):
        assert f'href="#{field}"' in page and f'id="{field}-error"' in page, field
    assert "Line 2: write each chapter" in page and "first line must be WEBVTT" in page
    assert 'value="https://vimeo.com/42"' in page and "Persuasive writing" in page  # kept as typed
    good = client.post("/library/new", data={
        "csrf_token": csrf_token(client), "sourceUrl": "https://vimeo.com/42", "title": "Persuasive writing",
        "subject": "English", "phases": ["KS2"], "courseId": str(course["id"]), "hasPupils": "no",
        "captionsVtt": CAPTIONS, "chapters": "0:00 Start\n1:30 Plenary"})
    assert good.status_code == 302, text(good)
    shown = client.get(good.headers["Location"])
    assert "Video saved." in text(shown) and "This video plays on vimeo.com" in text(shown)
    assert "Change this video" in text(shown)


def test_a_captions_file_is_read_and_an_edit_keeps_the_film(client, people, make_video):
    from io import BytesIO

    video = make_video(title="Old title", uploaded_by_id=people["lead"], duration_seconds=4)
    sign_in(client, "lead@lighthouse.test")
    edit = client.get(f"/library/{video.id}/edit").get_data(as_text=True)
    assert 'value="Old title"' in edit and 'id="uploadFile"' not in edit and 'name="hasPupils"' not in edit
    saved = client.post(f"/library/{video.id}/edit", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client), "title": "New title", "subject": "English", "phases": ["KS2"],
        "captionsFile": (BytesIO(CAPTIONS.encode()), "captions.vtt"), "chapters": ""})
    assert saved.status_code == 302, text(saved)
    assert "Then we edit." in text(client.get(f"/library/{video.id}"))
    wrong = client.post(f"/library/{video.id}/edit", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client), "title": "New title", "subject": "English", "phases": ["KS2"],
        "captionsFile": (BytesIO(b"\xff\xfe\x00junk"), "captions.vtt")})
    assert wrong.status_code == 422 and "not text we can read" in text(wrong)


def test_a_course_page_shows_its_videos_and_my_cpd_what_i_am_watching(client, people, make_video, make_course):
    course = make_course(title="Reading for pleasure")
    film = make_video(title="Book talk", course_id=course["id"], duration_seconds=600)
    sign_in(client, "teacher@lighthouse.test")
    report = "mutation($id: ID!, $at: Int!) { recordWatchProgress(videoId: $id, positionSeconds: $at) { __typename } }"
    gql(client, report, {"id": str(film.id), "at": 0})
    rewind(film.id, 120, person_id=people["staff"])
    gql(client, report, {"id": str(film.id), "at": 95})
    course_page = text(client.get(f"/courses/{course['slug']}"))
    assert "Videos Book talk 10:00 · you are at 1:35" in course_page
    my_cpd = text(client.get("/my-cpd"))
    assert "Continue watching Book talk — you stopped at 1:35 of 10:00" in my_cpd
