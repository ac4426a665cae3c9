"""The video library through the gateway's GraphQL API: who sees which film (nothing of
a film one may not watch, not even a count), saving with userErrors on their fields,
consent with its history, progress and the minutes it adds to a CPD record."""
from __future__ import annotations

import pytest

# The catalogue tests' video factory, as fixtures here too (until it moves to tests/support/fixtures.py):
# each test that asks for `make_video` redefines the imported name, as pytest means it to.
# ruff: noqa: F811
from services.catalogue.tests.conftest import make_video, store  # noqa: F401
from services.catalogue.tests.test_watch_progress import rewind
from tests.support.fixtures import gql, sign_in

VIDEOS = """query($search: String, $courseId: ID) { videos(search: $search, courseId: $courseId) {
  totalCount edges { node { id title consentStatus streamUrl posterUrl captionsUrl myProgressSeconds } } } }"""
ONE = """query($id: ID!) { video(id: $id) { id title watchable streamUrl consentStatus consentByName consentNote
  chapters { title startsAtSeconds } cues { startSeconds text } course { title } } }"""
SAVE = """mutation($input: VideoInput!) { saveVideo(input: $input) {
  video { id title consentStatus sourceUrl visibility } userErrors { field message } } }"""
CONSENT = """mutation($id: ID!, $status: ConsentStatus!, $note: String!) {
  recordConsent(videoId: $id, status: $status, note: $note) { video { id consentStatus consentByName }
  userErrors { field message } } }"""
PROGRESS = """mutation($id: ID!, $at: Int!) { recordWatchProgress(videoId: $id, positionSeconds: $at) {
  video { myProgressSeconds myMinutesCounted } userErrors { field message } } }"""


@pytest.fixture
def people(make_school, make_person):
    school = make_school()
    return {"staff": make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", school)],
                                 school_id=school),
            "lead": make_person("lead@lighthouse.test", "Nadia Lead", roles=[("network_lead", None, 1)]),
            "admin": make_person("ll.admin@lighthouse.test", "Ada Admin", roles=[("ll_admin",)])}


@pytest.fixture
def films(make_video, people, make_course):
    course = make_course(title="Reading for pleasure")
    made = {
        "open": make_video(title="Reading aloud", course_id=course["id"],
                           captions_vtt="WEBVTT\n\n00:01.000 --> 00:02.000\nChoose a book.\n",
                           chapters=[{"title": "Start", "starts_at_seconds": 0}]),
        "public": make_video(title="Public storytelling", visibility="PUBLIC", course_id=course["id"]),
        "pending": make_video(title="Pending reading", has_pupils=True, consent_status="PENDING",
                              uploaded_by_id=people["lead"], course_id=course["id"]),
        "withdrawn": make_video(title="Withdrawn reading", has_pupils=True, consent_status="WITHDRAWN",
                                course_id=course["id"]),
    }
    return {k: str(v.id) for k, v in made.items()} | {"course": course}


def _titles(result) -> list[str]:
    assert "errors" not in result, result
    return sorted(e["node"]["title"] for e in result["data"]["videos"]["edges"])


def test_each_person_gets_only_the_films_they_may_watch(client, anon_client, films, people):
    assert _titles(gql(anon_client, VIDEOS)) == ["Public storytelling"]
    assert gql(anon_client, VIDEOS)["data"]["videos"]["totalCount"] == 1
    assert gql(anon_client, ONE, {"id": films["open"]})["data"]["video"] is None
    sign_in(client, "teacher@lighthouse.test")
    assert _titles(gql(client, VIDEOS)) == ["Public storytelling", "Reading aloud"]
    assert gql(client, VIDEOS, {"search": "reading"})["data"]["videos"]["totalCount"] == 1
    for hidden in ("pending", "withdrawn"):
        assert gql(client, ONE, {"id": films[hidden]}) == {"data": {"video": None}}
    shown = gql(client, ONE, {"id": films["open"]})["data"]["video"]
    assert shown["streamUrl"].startswith(f"/media/videos/{films['open']}/stream?")
    assert shown["cues"] == [{"startSeconds": 1.0, "text": "Choose a book."}]
    assert shown["course"] == {"title": "Reading for pleasure"} and shown["consentByName"] is None
    course = gql(client, "query($slug: String!) { course(slug: $slug) { videos { title captionsUrl } } }",
                 {"slug": films["course"]["slug"]})
    assert course["data"]["course"]["videos"] == [
        {"title": "Public storytelling", "captionsUrl": None},
        {"title": "Reading aloud", "captionsUrl": f"/library/{films['open']}/captions.vtt"}]


def test_videos_by_id_are_those_of_them_one_may_watch(client, films, people):
    # beyond the contract: a form that has chosen clips reads them again by id, in one page
    by_id = "query($ids: [ID!]) { videos(ids: $ids) { totalCount edges { node { title } } } }"
    sign_in(client, "teacher@lighthouse.test")
    asked = [films["pending"], films["open"], films["withdrawn"], films["public"]]
    assert _titles(gql(client, by_id, {"ids": asked})) == ["Public storytelling", "Reading aloud"]
    for nothing in ([], ["not-an-id", films["open"]]):
        assert gql(client, by_id, {"ids": nothing})["data"]["videos"] == {"totalCount": 0, "edges": []}

def test_its_uploader_sees_a_film_waiting_for_consent_and_an_admin_sees_withdrawn_ones_by_asking(
        client, films, people):
    sign_in(client, "lead@lighthouse.test")
    assert "Pending reading" in _titles(gql(client, VIDEOS))
    client = client.application.test_client()
    sign_in(client, "ll.admin@lighthouse.test")
    withdrawn = gql(client, "{ videos(consentStatus: WITHDRAWN) { edges { node { title watchable streamUrl } } } }")
    assert withdrawn["data"]["videos"]["edges"] == [
        {"node": {"title": "Withdrawn reading", "watchable": False, "streamUrl": None}}]
    assert "Withdrawn reading" not in _titles(gql(client, VIDEOS))


def test_a_network_lead_adds_a_linked_video_and_mistakes_come_back_on_their_fields(client, people):
    sign_in(client, "lead@lighthouse.test")
    base = {"title": "Modelled writing", "description": "Shared writing in Year 4.", "subject": "English",
            "phases": ["KS2"], "visibility": "TRUST", "hasPupils": False}
    refused = gql(client, SAVE, {"input": {**base, "sourceUrl": "https://evil.example/v", "captionsVtt": "hello",
                                           "chapters": [{"title": "A", "startsAtSeconds": 1},
                                                        {"title": "B", "startsAtSeconds": 1}]}})
    answer = refused["data"]["saveVideo"]
    assert answer["video"] is None
    assert {tuple(e["field"]) for e in answer["userErrors"]} == {("sourceUrl",)}  # the link is checked first
    refused = gql(client, SAVE, {"input": {**base, "sourceUrl": "https://vimeo.com/5", "captionsVtt": "hello",
                                           "chapters": [{"title": "A", "startsAtSeconds": 1},
                                                        {"title": "B", "startsAtSeconds": 1}]}})
    fields = {tuple(e["field"]): e["message"] for e in refused["data"]["saveVideo"]["userErrors"]}
    assert set(fields) == {("captionsVtt",), ("chapters", "1", "startsAtSeconds")}
    assert "WEBVTT" in fields[("captionsVtt",)]
    made = gql(client, SAVE, {"input": {**base, "sourceUrl": "https://vimeo.com/5"}})["data"]["saveVideo"]
    assert made["userErrors"] == [] and made["video"]["consentStatus"] == "NOT_NEEDED"
    assert made["video"]["sourceUrl"] == "https://vimeo.com/5"
    public = gql(client, SAVE, {"input": {**base, "id": made["video"]["id"], "visibility": "PUBLIC"}})
    assert public["data"]["saveVideo"]["userErrors"][0]["field"] == ["visibility"]


def test_staff_cannot_add_videos_and_no_service_is_needed_to_say_so_for_a_bad_id(client, people):
    sign_in(client, "teacher@lighthouse.test")
    answer = gql(client, SAVE, {"input": {"title": "Mine", "description": "", "subject": "English",
                                          "phases": ["KS1"], "visibility": "TRUST",
                                          "sourceUrl": "https://vimeo.com/1"}})["data"]["saveVideo"]
    assert answer["video"] is None and "network leads" in answer["userErrors"][0]["message"]
    bad = gql(client, CONSENT, {"id": "x1", "status": "WITHDRAWN", "note": "no"})["data"]["recordConsent"]
    assert bad["userErrors"] == [{"field": ["videoId"], "message": "There is no such video."}]


def test_consent_confirmed_by_an_admin_opens_a_film_to_staff_and_is_in_its_history(client, films, people):
    sign_in(client, "ll.admin@lighthouse.test")
    done = gql(client, CONSENT, {"id": films["pending"], "status": "CONFIRMED",
                                 "note": "Forms for every pupil, held by the school office."})["data"]["recordConsent"]
    assert done["userErrors"] == [] and done["video"]["consentByName"] == "Ada Admin"
    history = gql(client, "query($id: ID!) { video(id: $id) { history { actorName summary } } }",
                  {"id": films["pending"]})["data"]["video"]["history"]
    assert history == [{"actorName": "Ada Admin", "summary": "Consent confirmed"}]
    client = client.application.test_client()
    sign_in(client, "teacher@lighthouse.test")
    assert gql(client, ONE, {"id": films["pending"]})["data"]["video"]["watchable"] is True
    assert gql(client, "query($id: ID!) { video(id: $id) { history { summary } } }",
               {"id": films["pending"]})["data"]["video"]["history"] is None


def test_progress_is_kept_and_a_watched_film_joins_the_cpd_record(client, films, people, make_video):
    film = make_video(title="Questioning in maths", duration_seconds=1200)
    sign_in(client, "teacher@lighthouse.test")
    assert gql(client, PROGRESS, {"id": str(film.id), "at": 0})["data"]["recordWatchProgress"]["userErrors"] == []
    rewind(film.id, 1200, person_id=people["staff"])
    kept = gql(client, PROGRESS, {"id": str(film.id), "at": 1100})["data"]["recordWatchProgress"]["video"]
    assert kept == {"myProgressSeconds": 1100, "myMinutesCounted": True}
    record = gql(client, "{ me { cpdRecord { hours entries { title minutes kind certificateUrl } } } }")
    assert record["data"]["me"]["cpdRecord"] == {"hours": 0.33, "entries": [
        {"title": "Questioning in maths", "minutes": 20, "kind": "Video watched", "certificateUrl": None}]}
    watching = gql(client, "{ continueWatching { title myProgressSeconds } }")
    assert watching["data"]["continueWatching"] == [{"title": "Questioning in maths", "myProgressSeconds": 1100}]
    visitor = gql(client.application.test_client(), PROGRESS, {"id": str(film.id), "at": 5})
    assert "Sign in" in visitor["data"]["recordWatchProgress"]["userErrors"][0]["message"]


WHO = {  # email: what each may watch of `films`, by the rules
    None: {"public"},
    "buyer@external.test": {"public"},
    "teacher@lighthouse.test": {"open", "public"},
    "lead@lighthouse.test": {"open", "public", "pending"},  # the pending film is theirs
    "other.lead@lighthouse.test": {"open", "public"},
    "ll.admin@lighthouse.test": {"open", "public", "pending"},
}


@pytest.mark.parametrize("email", list(WHO), ids=lambda e: e or "visitor")
def test_every_way_in_through_the_api_gives_nothing_of_a_film_one_may_not_watch(client, anon_client, films, people,
                                                                                make_person, email):
    make_person("other.lead@lighthouse.test", "Omar Lead", roles=[("network_lead", None, 2)])
    make_person("buyer@external.test", "Bella Buyer", roles=[("external_booker",)])
    if email:
        sign_in(client, email)
    who = client if email else anon_client
    allowed = {films[k] for k in WHO[email]}
    listed = gql(who, "{ videos(first: 100) { totalCount edges { node { id } } } videoSubjects }")["data"]
    assert {e["node"]["id"] for e in listed["videos"]["edges"]} == allowed
    assert listed["videos"]["totalCount"] == len(allowed)
    found = gql(who, '{ videos(search: "reading") { totalCount edges { node { id } } } }')["data"]["videos"]
    assert {e["node"]["id"] for e in found["edges"]} <= allowed and found["totalCount"] == len(found["edges"])
    course = gql(who, "query($slug: String!) { course(slug: $slug) { videos { id } } }",
                 {"slug": films["course"]["slug"]})["data"]["course"]
    assert course is None or {v["id"] for v in course["videos"]} == allowed
    for name in ("open", "public", "pending", "withdrawn"):
        one = gql(who, ONE, {"id": films[name]})["data"]["video"]
        if films[name] in allowed:
            assert one["watchable"] and one["streamUrl"]
        elif email == "ll.admin@lighthouse.test":  # a withdrawn film's record, never its film
            assert one["watchable"] is False and one["streamUrl"] is None
        else:
            assert one is None, name
            moved = gql(who, PROGRESS, {"id": films[name], "at": 1})["data"]["recordWatchProgress"]
            assert moved["video"] is None and moved["userErrors"]
            consent = gql(who, CONSENT, {"id": films[name], "status": "WITHDRAWN", "note": "Trying."})
            assert consent["data"]["recordConsent"]["video"] is None


def test_nothing_changes_when_a_change_is_refused(client, films, people, make_person):
    make_person("other.lead@lighthouse.test", "Omar Lead", roles=[("network_lead", None, 2)])
    sign_in(client, "other.lead@lighthouse.test")
    taken = gql(client, SAVE, {"input": {"id": films["open"], "title": "Taken over", "description": "",
                                         "subject": "English", "phases": ["KS2"], "visibility": "TRUST"}})
    assert "added this video" in taken["data"]["saveVideo"]["userErrors"][0]["message"]
    confirm = gql(client, CONSENT, {"id": films["open"], "status": "PENDING", "note": "Not mine to say."})
    assert confirm["data"]["recordConsent"]["userErrors"]
    shown = gql(client, ONE, {"id": films["open"]})["data"]["video"]
    assert shown["title"] == "Reading aloud" and shown["consentStatus"] == "NOT_NEEDED"
