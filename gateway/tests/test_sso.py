"""Signing in through a real OpenID Connect provider, sessions and their end."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import time_machine

from tests.support.fixtures import gql, oidc_authorize, sign_in

ME = "{ me { name email roles { role schoolId networkId } } }"


def test_first_sign_in_of_a_known_email_finds_the_person(client, make_school, make_person):
    school = make_school()
    make_person("teacher@lighthouse.test", "Tara Teacher", roles=[("staff", school)], school_id=school)
    sign_in(client, "teacher@lighthouse.test")
    me = gql(client, ME)["data"]["me"]
    assert me == {"name": "Tara Teacher", "email": "teacher@lighthouse.test",
                  "roles": [{"role": "STAFF", "schoolId": str(school), "networkId": None}]}
    home = client.get("/").get_data(as_text=True)
    assert "Welcome, Tara Teacher" in home and "Staff" in home


def test_unknown_email_gets_an_account_with_no_roles(client):
    sign_in(client, "New.Person@Example.test")
    me = gql(client, ME)["data"]["me"]
    assert me["email"] == "new.person@example.test"
    assert me["roles"] == []
    assert "You have no roles yet" in client.get("/").get_data(as_text=True)


def test_the_authorization_request_uses_pkce_state_and_nonce(client):
    start = client.get("/auth/login/default")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid email profile"]


def test_a_forged_state_is_refused_and_nobody_is_signed_in(client):
    start = client.get("/auth/login/default")
    back = urlsplit(oidc_authorize(start.headers["Location"], "teacher@lighthouse.test").headers["location"])
    params = parse_qs(back.query)
    forged = client.get(f"{back.path}?code={params['code'][0]}&state=forged")
    assert forged.status_code == 400
    assert "could not complete your sign-in" in forged.get_data(as_text=True)
    assert gql(client, ME)["data"]["me"] is None


def test_denying_at_the_provider_says_so(client):
    start = client.get("/auth/login/default")
    back = urlsplit(oidc_authorize(start.headers["Location"], "teacher@lighthouse.test", action="deny")
                    .headers["location"])
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 400
    assert "Sign-in was cancelled" in response.get_data(as_text=True)


def test_sign_out_ends_the_session_even_for_a_copied_cookie(gateway_app, client):
    sign_in(client, "teacher@lighthouse.test")
    cookie = client.get_cookie("ll_session")
    thief = gateway_app.test_client()
    thief.set_cookie("ll_session", cookie.value)
    assert gql(thief, ME)["data"]["me"]["email"] == "teacher@lighthouse.test"

    token = client.get("/").get_data(as_text=True).split('name="csrf-token" content="')[1].split('"')[0]
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    assert gql(client, ME)["data"]["me"] is None
    assert gql(thief, ME)["data"]["me"] is None


def test_sign_out_without_the_csrf_token_is_refused(client):
    sign_in(client, "teacher@lighthouse.test")
    refused = client.post("/sign-out")
    assert refused.status_code == 400
    assert gql(client, ME)["data"]["me"]["email"] == "teacher@lighthouse.test"


def test_sessions_end_after_30_idle_minutes_and_12_hours_in_all(client):
    with time_machine.travel("2026-11-23 08:00:00+00:00", tick=True) as clock:
        sign_in(client, "teacher@lighthouse.test")
        # active all day, never idle for 30 minutes
        for _ in range(24):  # 11 h 36 min
            clock.shift(timedelta(minutes=29))
            assert gql(client, ME)["data"]["me"] is not None
        clock.shift(timedelta(minutes=29))  # 12 h 5 min after signing in
        assert gql(client, ME)["data"]["me"] is None

    with time_machine.travel("2026-11-24 08:00:00+00:00", tick=True) as clock:
        sign_in(client, "teacher@lighthouse.test")
        clock.shift(timedelta(minutes=31))
        assert gql(client, ME)["data"]["me"] is None


def test_session_cookie_flags(client):
    sign_in(client, "teacher@lighthouse.test")
    cookie = client.get_cookie("ll_session")
    assert cookie.http_only and cookie.same_site == "Lax"


def _sign_in_with_next(client, target: str):
    start = client.get("/auth/login/default", query_string={"next": target})
    back = urlsplit(oidc_authorize(start.headers["Location"], "teacher@lighthouse.test").headers["location"])
    return client.get(f"{back.path}?{back.query}")


@pytest.mark.parametrize(("target", "location"), [
    ("/courses?q=maths", "/courses?q=maths"),
    ("/sessions/12#book", "/sessions/12#book"),
    ("/courses?q=café au lait", "/courses?q=caf%C3%A9%20au%20lait"),
    ("/my-cpd/%2F%2Fnot-a-host", "/my-cpd/%2F%2Fnot-a-host"),
])
def test_next_brings_you_back_to_the_page_you_were_on(client, target, location):
    done = _sign_in_with_next(client, target)
    assert done.status_code == 302 and done.headers["Location"] == location
    assert gql(client, ME)["data"]["me"]["email"] == "teacher@lighthouse.test"


# Each of these has led somewhere else, or to an error, after some sign-in somewhere.
HOSTILE_NEXT = [
    "//evil.example", "///evil.example", "////evil.example", "//evil.example/%2F..", "//user@evil.example:443/",
    "/\t/evil.example", "/\t\t/evil.example", "\t//evil.example", "/\n/evil.example", "/\r\n/evil.example",
    "/\r/evil.example", "/\x00/evil.example", "/\x0b/evil.example", "/\x7f/evil.example",
    "/\x85/evil.example", "/\u2028/evil.example", "/\u202e/evil.example", "/\u200b/evil.example",
    "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "\\/evil.example",
    "https://evil.example", "HTTPS://evil.example/", "https:evil.example", "https:/evil.example",
    "javascript:alert(1)", "JaVaScRiPt:alert(1)//", "data:text/html,<script>alert(1)</script>",
    "evil.example", " //evil.example", "%2F%2Fevil.example", "/" + "a" * 3000,
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_next_never_leaves_the_site_and_the_sign_in_still_works(client, target):
    done = _sign_in_with_next(client, target)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert gql(client, ME)["data"]["me"]["email"] == "teacher@lighthouse.test"


def test_the_sign_in_page_does_not_pass_a_hostile_next_on(client):
    page = client.get("/sign-in", query_string={"next": "/\t/evil.example"}).get_data(as_text=True)
    assert "evil.example" not in page
    assert "next=/courses" in client.get("/sign-in?next=/courses").get_data(as_text=True)


def test_graphql_with_the_cookie_needs_the_csrf_header(client):
    sign_in(client, "teacher@lighthouse.test")
    refused = client.post("/graphql", json={"query": ME})
    assert refused.status_code == 400
    assert "expired or came from another site" in refused.get_json()["errors"][0]["message"]


def test_graphql_without_any_cookie_is_a_visitor(stack, gateway_server):
    response = httpx.post(f"{gateway_server.url}/graphql", json={"query": ME})
    assert response.status_code == 200
    assert response.json() == {"data": {"me": None}}


def test_id_token_algorithms_are_allow_listed(gateway_app):
    from gateway.auth import ALLOWED_ID_TOKEN_ALGS, _client

    with gateway_app.test_request_context("/"):
        client, _ = _client("default")
        client.server_metadata["id_token_signing_alg_values_supported"] = ["none", "HS256", "RS256"]
        client, _ = _client("default")
        assert client.server_metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert "HS256" not in ALLOWED_ID_TOKEN_ALGS and "none" not in ALLOWED_ID_TOKEN_ALGS


def test_a_second_provider_can_be_configured(stack, make_person):
    """An external school's own identity provider beside the trust's."""
    import json

    import oidc_provider_mock

    from gateway.app import create_app
    from tests.support.fixtures import LiveServer

    other = LiveServer(oidc_provider_mock.app(require_nonce=True))
    try:
        settings = stack.settings.model_copy(update={"oidc_extra_providers": json.dumps([
            {"name": "northfield", "label": "Northfield Primary", "issuer": other.url,
             "client_id": "lighthouse", "client_secret": "s3cret"}])})
        client = create_app(settings).test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        assert "Continue with Northfield Primary" in page and "Continue with Lighthouse Learning sign-in" in page
        make_person("bursar@northfield.test", "Bella Bursar", roles=[("external_booker",)])
        start = client.get("/auth/login/northfield")
        assert start.headers["Location"].startswith(other.url)
        back = urlsplit(oidc_authorize(start.headers["Location"], "bursar@northfield.test").headers["location"])
        assert client.get(f"{back.path}?{back.query}").status_code == 302
        assert gql(client, ME)["data"]["me"]["roles"] == [{"role": "EXTERNAL_BOOKER", "schoolId": None, "networkId": None}]
        assert client.get("/auth/login/nobody").status_code == 404
    finally:
        other.stop()


def test_twenty_people_signing_in_at_the_same_moment_all_get_in(client, gateway_server, make_person):
    """Every write path takes the database's write lock before its first write (on the
    embedded SQLite default too), so simultaneous sign-ins queue instead of failing:
    first sign-ins (linked to their person) and returning ones alike."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    people = [f"rush.{n}@lighthouse.test" for n in range(20)]
    for email in people:
        make_person(email, email.split("@")[0].title())
    for email in people[::2]:
        sign_in(client, email)
    gate = threading.Barrier(len(people))

    def sign_in_over_http(email: str) -> tuple[int, dict | None]:
        with httpx.Client(base_url=gateway_server.url) as browser:
            start = browser.get("/auth/login/default")
            back = oidc_authorize(start.headers["Location"], email).headers["location"]
            gate.wait(timeout=30)
            done = browser.get(back)
            me = browser.post("/graphql", json={"query": ME},
                              headers={"X-CSRFToken": _csrf(browser)}).json()["data"]["me"]
            return done.status_code, me

    with ThreadPoolExecutor(len(people)) as pool:
        results = list(pool.map(sign_in_over_http, people))
    assert [status for status, _ in results] == [302] * len(people)
    assert [me["email"] for _, me in results] == people


def _csrf(browser: httpx.Client) -> str:
    return browser.get("/").text.split('name="csrf-token" content="')[1].split('"')[0]
