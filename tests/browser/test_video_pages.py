"""The video library in a real browser: the library, a video and the upload form pass
axe and reflow at phone and tablet widths with their Content-Security-Policy on; the
player, its chapters and its transcript (which seeks it and narrows as you type) work
from the keyboard; your place is kept and resumed; an upload shows its progress and
carries on after a dropped connection."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

# The catalogue tests' factories, as fixtures here too (a test naming one redefines the import).
# ruff: noqa: F811
from services.catalogue.db import database
from services.catalogue.tests.conftest import make_video, store, video_files  # noqa: F401
from services.catalogue.videos.models import Video, WatchProgress
from tests.browser.support import WIDTHS, axe_violations, problems_at_widths, sign_in_with_provider

pytestmark = pytest.mark.browser

CAPTIONS = ("WEBVTT\n\n00:00.000 --> 00:01.000\nWe start with the model text.\n\n"
            "00:01.000 --> 00:02.500\nNow find the fronted adverbial.\n\n"
            "00:02.500 --> 00:04.000\nRead it to your partner.\n")


@pytest.fixture
def people(make_school, make_person):
    school = make_school(name="Saltmarsh Primary")
    return {"staff": make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", school)],
                                 school_id=school),
            "lead": make_person("lead@lighthouse.test", "Nadia Lead", roles=[("network_lead", None, 1)])}


@pytest.fixture
def lesson(make_video, video_files, make_course):
    """A four-second WebM (which Chromium plays) with captions and chapters, on a course."""
    course = make_course(title="Grammar in context")
    return make_video(video_files["lesson.webm"].read_bytes(), poster=b"\xff\xd8\xff\xe0jpeg",
                      title="Fronted adverbials in Year 4", content_type="video/webm", duration_seconds=4,
                      captions_vtt=CAPTIONS, transcript="model text", course_id=course["id"],
                      chapters=[{"title": "The model", "starts_at_seconds": 0},
                                {"title": "Talk partners", "starts_at_seconds": 2}])


def test_the_library_pages_reflow_and_pass_axe(page: Page, people, lesson, make_video):
    make_video(title="A film with a very long title about questioning in mathematics across key stage two",
               subject="Mathematics and numeracy", phases=["KS1", "KS2", "KS3"])
    page.goto("/")
    sign_in_with_provider(page, "lead@lighthouse.test")
    problems = []
    for path in ("/library", "/library?q=adverbial", f"/library/{lesson.id}", f"/library/{lesson.id}?find=partner",
                 "/library/new"):
        problems += problems_at_widths(page, path)
    assert problems == []


def test_the_pages_keep_their_content_security_policy(browser, gateway_server, people, lesson):
    context = browser.new_context(base_url=gateway_server.url)
    page = context.new_page()
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/")
    sign_in_with_provider(page, "lead@lighthouse.test")
    for path in ("/library", f"/library/{lesson.id}", "/library/new"):
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(path)
            page.wait_for_load_state("networkidle")
    assert refused == []
    context.close()


def current_time(page: Page) -> float:
    return page.evaluate("() => document.getElementById('video').currentTime")


def test_the_transcript_and_chapters_seek_the_player_from_the_keyboard(page: Page, people, lesson):
    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")
    page.goto(f"/library/{lesson.id}")
    video = page.locator("video#video")
    expect(video).to_have_attribute("controls", "")
    page.wait_for_function("() => document.getElementById('video').readyState >= 1")
    # the player itself takes the focus and the keyboard (the browser's own controls)
    video.focus()
    assert page.evaluate("() => document.activeElement.id") == "video"
    # a transcript line, reached by Tab (from the search box, past its button) and
    # pressed with Enter, seeks without reloading
    page.get_by_role("searchbox", name="Search the transcript").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="0:00 We start with the model text.")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="0:02 Read it to your partner.")).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_function("() => Math.abs(document.getElementById('video').currentTime - 2.5) < 0.3")
    assert "?t=" not in page.url
    chapter = page.get_by_role("navigation", name="Chapters").get_by_role("link", name="0:02 Talk partners")
    chapter.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => Math.abs(document.getElementById('video').currentTime - 2) < 0.3")
    # the search narrows the transcript as you type, and says how many lines match
    page.get_by_role("searchbox", name="Search the transcript").fill("ADVERBIAL")
    expect(page.locator("#transcript-count")).to_have_text("1 of 3 lines match “ADVERBIAL”.")
    expect(page.get_by_role("link", name="0:01 Now find the fronted adverbial.")).to_be_visible()
    expect(page.get_by_role("link", name="0:00 We start with the model text.")).to_be_hidden()
    # the captions track is there for the player to show
    assert page.evaluate("() => document.querySelector('video track').track.kind") == "captions"
    assert axe_violations(page) == []


def test_your_place_is_kept_and_the_player_starts_there(page: Page, people, lesson):
    page.goto("/")
    sign_in_with_provider(page, "teacher@lighthouse.test")
    page.goto(f"/library/{lesson.id}")
    page.wait_for_function("() => document.getElementById('video').readyState >= 1")
    page.evaluate("() => { const v = document.getElementById('video'); v.muted = true; v.currentTime = 2; "
                  "return v.play().then(() => v.pause()); }")
    deadline = time.monotonic() + 10
    row = None
    while time.monotonic() < deadline and (row is None or row.position_seconds < 2):
        with database().session() as db:
            row = db.exec(select(WatchProgress).where(WatchProgress.video_id == lesson.id)).first()
        time.sleep(0.2)
    assert row is not None and row.person_id == people["staff"] and row.position_seconds == 2
    page.reload()
    expect(page.locator("#progress-note")).to_contain_text("You stopped at 0:02; it starts there.")
    page.wait_for_function("() => document.getElementById('video').currentTime >= 1.9")


def test_an_upload_shows_its_progress_and_carries_on_after_a_dropped_connection(page: Page, people, video_files,
                                                                                  store):
    data = video_files["lesson.webm"].read_bytes()
    page.goto("/")
    sign_in_with_provider(page, "lead@lighthouse.test")
    page.goto("/library/new")
    expect(page.locator("#upload-needs-script")).to_be_hidden()
    # small chunks, so that the connection can drop halfway through the file
    page.evaluate("() => { document.getElementById('video-form').dataset.chunkBytes = '16384'; }")
    patches = []

    def drop_the_second_chunk(route):
        patches.append(route.request.headers.get("upload-offset"))
        if len(patches) == 2:
            route.abort("connectionreset")
        else:
            route.continue_()
    page.route("**/uploads/videos/*", lambda route: drop_the_second_chunk(route)
               if route.request.method == "PATCH" else route.continue_())
    page.set_input_files("#uploadFile", str(video_files["lesson.webm"]))
    page.get_by_label("Title").fill("Shared reading in Year 2")
    page.get_by_label("Subject").fill("English")
    page.get_by_label("KS1").check()
    page.get_by_label("No").check()
    page.get_by_role("button", name="Save video").click()
    expect(page.locator("#upload-status")).to_contain_text("The connection dropped at")
    expect(page.locator("#upload-bar")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared reading in Year 2", timeout=30_000)
    expect(page.get_by_text("Video saved.")).to_be_visible()
    # the second chunk was sent again from where the server said it had got to
    assert patches[:3] == ["0", "16384", "16384"], patches
    with database().session() as db:
        video = db.exec(select(Video).where(Video.title == "Shared reading in Year 2")).one()
    assert video.content_type == "video/webm" and video.duration_seconds == 4
    assert b"".join(store.read(video.storage_key, 0, len(data) - 1)) == data
