"""N+1 guard for the video library's GraphQL lists (see test_graphql_call_counts.py,
which reads VIDEO_CASES and VIDEO_NOT_COUNTED from here for its walk of the schema):
each costs the same calls to the services, and statements on the gateway's database,
for 10 videos as for 100."""
from __future__ import annotations

import pytest

from gateway.tests.graph_counts import CATALOGUE, ENTRY, admin, entries, person, schools, signed_in, slug
from services.catalogue.audit import AuditEntry
from services.catalogue.db import database as catalogue_database
from services.catalogue.tests.test_catalogue_query_counts import courses
from services.catalogue.tests.test_video_query_counts import videos
from tests.support.counting import GraphAsk, GraphRead, assert_constant_graph_costs

VIDEO = "id title phases durationSeconds streamUrl posterUrl captionsUrl myProgressSeconds consentStatus"


def _videos(app, n: int) -> GraphAsk:
    client = admin(app)
    (course,) = courses(1)
    videos(n, course)
    return GraphAsk(client, "query($n: Int) { videos(first: $n) { totalCount edges { node { " + VIDEO
                    + " chapters { title } cues { text } course { title videos { title } } } } } videoSubjects }",
                    lambda data: len(data["videos"]["edges"]), {"n": n})


def _course_videos(app, n: int) -> GraphAsk:
    client = admin(app)
    course = courses(1)[0]
    videos(n, course)
    return GraphAsk(client, "query($slug: String!) { course(slug: $slug) { videos { " + VIDEO
                    + " cues { text } course { title } } } }", lambda data: len(data["course"]["videos"]),
                    {"slug": slug(course)})


def _continue_watching(app, n: int) -> GraphAsk:
    me = person("watcher@trust.test", ("staff", schools(1)[0], None))
    videos(n, person_id=me)
    return GraphAsk(signed_in(app, "watcher@trust.test"), "query($n: Int) { continueWatching(first: $n) { " + VIDEO
                    + " cues { text } course { title } } }", lambda data: len(data["continueWatching"]), {"n": n})


def _histories(app, n: int) -> GraphAsk:
    client = admin(app)
    made = videos(n)
    with catalogue_database().session() as db:
        db.add_all([AuditEntry(actor_name="Ada Admin", action="video.consent_confirmed", object_type="video",
                               object_id=str(v), object_label="Film", changes={"consent_status": [None, "x"]})
                    for v in made])
    return GraphAsk(client, "query($n: Int) { videos(first: $n) { edges { node { history(first: 3) { " + ENTRY
                    + " } } } } }", entries, {"n": n})


def _cpd_with_videos(app, n: int) -> GraphAsk:
    me = person("viewer@trust.test", ("staff", schools(1)[0], None))
    videos(n, person_id=me, watched=True)
    return GraphAsk(signed_in(app, "viewer@trust.test"), """{ me { cpdRecord { hours
        entries { title date minutes kind } } } }""", lambda data: len(data["me"]["cpdRecord"]["entries"]))


VIDEO_CASES = [
    GraphRead(("Query.videos",), "a page of videos with their captions and courses", _videos, (
        f"{CATALOGUE} /videos", f"{CATALOGUE} /videos", f"{CATALOGUE} /courses", f"{CATALOGUE} /videos/by-course",
        f"{CATALOGUE} /videos/subjects"), 1),
    GraphRead(("Course.videos",), "a course's videos", _course_videos, (
        f"{CATALOGUE} /courses/by-slug/fractions-000", f"{CATALOGUE} /videos/by-course", f"{CATALOGUE} /videos"), 1),
    GraphRead(("Video.history",), "each video's history on a page, for an admin", _histories, (
        f"{CATALOGUE} /videos", f"{CATALOGUE} /history/video"), 1),
    GraphRead(("CpdRecord.entries",), "my CPD record with the videos I watched", _cpd_with_videos, (
        "bookings GET /cpd-records", f"{CATALOGUE} /videos/cpd-records"), 1),
]

VIDEO_NOT_COUNTED = {
    "Video.chapters": "a video's chapters, in the same answer as the video: nothing is read per item",
    "Video.cues": "a video's captions, read for every video in view in one call (Query.videos's case asks them)",
}


@pytest.mark.parametrize("case", VIDEO_CASES, ids=lambda c: c.id)
def test_a_video_list_field_costs_the_same_calls_for_10_items_as_for_100(gateway_app, case):
    assert_constant_graph_costs(gateway_app, case)



# "continue watching" is at most 50 long: its own case, at 10 and 50
CONTINUE = GraphRead(("Query.continueWatching",), "the films I have started", _continue_watching, (
    f"{CATALOGUE} /videos/mine", f"{CATALOGUE} /videos"), 1)


def test_continue_watching_costs_the_same_for_10_as_for_50(gateway_app, monkeypatch):
    from tests.support import counting

    monkeypatch.setattr(counting, "SIZES", (10, 50))
    assert_constant_graph_costs(gateway_app, CONTINUE)
