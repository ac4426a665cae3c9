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


# ---------- providers beside the trust's ----------


@pytest.fixture
def provider():
    """Another real provider on its own socket.  It sends the claims it holds for each
    account (set them with `_claims_at`) and, like many, leaves email_verified out
    unless told."""
    import oidc_provider_mock

    from tests.support.fixtures import LiveServer

    server = LiveServer(oidc_provider_mock.app(require_nonce=True))
    yield server
    server.stop()


def _provider_following_oidc_core_5_4(id_token_subject=lambda sub: sub):
    """A provider that keeps the email and profile scopes' claims out of the ID token and
    answers them from UserInfo (OIDC Core §5.4), as certified providers do when they
    issue an access token.  `id_token_subject` can make its two answers disagree."""
    import oidc_provider_mock
    from oidc_provider_mock import _app

    from tests.support.fixtures import LiveServer

    class ScopeClaimsFromUserInfoOnly(_app.OpenIDCode):
        def generate_user_info(self, user, scope):  # what goes into the ID token
            return {"sub": id_token_subject(user.sub)}

    with pytest.MonkeyPatch.context() as patch:  # the mock builds its ID-token extension from this name
        patch.setattr(_app, "OpenIDCode", ScopeClaimsFromUserInfoOnly)
        app = oidc_provider_mock.app(require_nonce=True)
    return LiveServer(app)


def _claims_at(server, sub: str, **claims) -> None:
    assert httpx.put(f"{server.url}/users/{sub}", json=claims).status_code == 204


def _gateway_with(stack, **settings):
    import json

    from gateway.app import create_app

    if "oidc_extra_providers" in settings:
        settings["oidc_extra_providers"] = json.dumps(settings["oidc_extra_providers"])
    return create_app(stack.settings.model_copy(update=settings)).test_client()


def _northfield(server, **more) -> dict:
    return {"name": "northfield", "label": "Northfield Primary", "issuer": server.url,
            "client_id": "lighthouse", "client_secret": "s3cret", **more}


def _sign_in_at(client, name: str, sub: str):
    """The real flow through provider `name`; the gateway's answer to the callback."""
    start = client.get(f"/auth/login/{name}")
    assert start.status_code == 302
    back = urlsplit(oidc_authorize(start.headers["Location"], sub).headers["location"])
    return client.get(f"{back.path}?{back.query}")


def test_a_second_provider_can_be_configured(stack, provider, make_person):
    """An external school's own identity provider beside the trust's."""
    client = _gateway_with(stack, oidc_extra_providers=[_northfield(provider)])
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Continue with Northfield Primary" in page and "Continue with Lighthouse Learning sign-in" in page
    make_person("bursar@northfield.test", "Bella Bursar", roles=[("external_booker",)])
    _claims_at(provider, "bursar@northfield.test", email="bursar@northfield.test", email_verified=True)
    assert client.get("/auth/login/northfield").headers["Location"].startswith(provider.url)
    assert _sign_in_at(client, "northfield", "bursar@northfield.test").status_code == 302
    assert gql(client, ME)["data"]["me"]["roles"] == [{"role": "EXTERNAL_BOOKER", "schoolId": None, "networkId": None}]
    assert client.get("/auth/login/nobody").status_code == 404


def test_a_provider_that_keeps_email_out_of_the_id_token_signs_people_in(stack, make_person):
    conformant = _provider_following_oidc_core_5_4()
    try:
        client = _gateway_with(stack, oidc_extra_providers=[_northfield(conformant)])
        make_person("bursar@northfield.test", "Bella Bursar", roles=[("external_booker",)])
        _claims_at(conformant, "b-7731", email="Bursar@Northfield.test", email_verified=True, name="Bella B")
        assert _sign_in_at(client, "northfield", "b-7731").status_code == 302
        assert gql(client, ME)["data"]["me"] == {
            "name": "Bella Bursar", "email": "bursar@northfield.test",
            "roles": [{"role": "EXTERNAL_BOOKER", "schoolId": None, "networkId": None}]}
    finally:
        conformant.stop()


def test_userinfo_about_someone_else_is_not_believed(stack, make_person):
    """UserInfo counts only when its sub is the ID token's (OIDC Core §5.3.2)."""
    confused = _provider_following_oidc_core_5_4(id_token_subject=lambda sub: f"other-{sub}")
    try:
        client = _gateway_with(stack, oidc_extra_providers=[_northfield(confused)])
        make_person("bursar@northfield.test", "Bella Bursar", roles=[("external_booker",)])
        _claims_at(confused, "b-7731", email="bursar@northfield.test", email_verified=True)
        refused = _sign_in_at(client, "northfield", "b-7731")
        assert refused.status_code == 400
        assert "gave two different answers about who you are" in refused.get_data(as_text=True)
        assert gql(client, ME)["data"]["me"] is None
    finally:
        confused.stop()


def test_an_address_the_provider_does_not_vouch_for_finds_nobody(client, stack, make_person):
    """Leaving email_verified out is not saying yes: the account stays its owner's."""
    make_person("head@lighthouse.test", "Hannah Head", roles=[("ll_admin",)])
    _claims_at(stack.oidc, "mallory", email="head@lighthouse.test")
    refused = _sign_in_at(client, "default", "mallory")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "did not confirm that head@lighthouse.test is your address" in page
    assert "Sign in with your school or trust account instead" in page
    assert gql(client, ME)["data"]["me"] is None
    sign_in(client, "head@lighthouse.test")  # the owner, vouched for, still gets in
    assert gql(client, ME)["data"]["me"]["name"] == "Hannah Head"


def test_an_address_the_provider_has_not_confirmed_finds_nobody(client, stack, make_person):
    make_person("head@lighthouse.test", "Hannah Head")
    _claims_at(stack.oidc, "mallory", email="head@lighthouse.test", email_verified=False)
    refused = _sign_in_at(client, "default", "mallory")
    assert refused.status_code == 400
    assert ("has not yet confirmed that head@lighthouse.test is your address. Confirm it with them"
            in refused.get_data(as_text=True))
    assert gql(client, ME)["data"]["me"] is None


def test_an_address_nobody_vouched_for_gets_no_new_account(client, stack, make_person):
    """Otherwise the first to claim an address would own it, and whoever it really
    belongs to would later be signed in to that account, with whatever roles it got."""
    _claims_at(stack.oidc, "mallory", email="new.head@lighthouse.test", name="Mallory")
    refused = _sign_in_at(client, "default", "mallory")
    assert refused.status_code == 400
    assert "did not confirm that new.head@lighthouse.test is your address" in refused.get_data(as_text=True)
    assert gql(client, ME)["data"]["me"] is None
    sign_in(client, "new.head@lighthouse.test")
    assert gql(client, ME)["data"]["me"] == {"name": "New Head", "email": "new.head@lighthouse.test", "roles": []}


def test_a_provider_trusted_for_its_domain_finds_its_people_and_no_one_else(stack, provider, make_person):
    """A school's provider that does not send email_verified (Microsoft Entra ID does
    not) is set up as answering for its own domain, and for nothing beyond it."""
    client = _gateway_with(stack, oidc_extra_providers=[_northfield(provider, trusted_domains=["Northfield.test"])])
    make_person("bursar@northfield.test", "Bella Bursar", roles=[("external_booker",)])
    make_person("head@lighthouse.test", "Hannah Head", roles=[("ll_admin",)])
    make_person("head@evil.northfield.test", "Someone Else")
    _claims_at(provider, "n-1", email="bursar@northfield.test")
    _claims_at(provider, "n-2", email="head@lighthouse.test")
    _claims_at(provider, "n-3", email="head@evil.northfield.test")

    for sub, email in (("n-2", "head@lighthouse.test"), ("n-3", "head@evil.northfield.test")):
        refused = _sign_in_at(client, "northfield", sub)
        assert refused.status_code == 400
        assert f"did not confirm that {email} is your address" in refused.get_data(as_text=True)
        assert gql(client, ME)["data"]["me"] is None
    assert _sign_in_at(client, "northfield", "n-1").status_code == 302
    assert gql(client, ME)["data"]["me"]["name"] == "Bella Bursar"


def test_the_trusts_provider_can_be_trusted_for_the_trusts_domains(stack, make_person):
    client = _gateway_with(stack, oidc_trusted_domains="lighthouse.test, lighthouse-trust.test")
    make_person("head@lighthouse.test", "Hannah Head")
    make_person("bursar@northfield.test", "Bella Bursar")
    _claims_at(stack.oidc, "entra-0001", email="head@lighthouse.test")
    _claims_at(stack.oidc, "entra-0002", email="bursar@northfield.test")
    assert _sign_in_at(client, "default", "entra-0002").status_code == 400
    assert gql(client, ME)["data"]["me"] is None
    assert _sign_in_at(client, "default", "entra-0001").status_code == 302
    assert gql(client, ME)["data"]["me"]["name"] == "Hannah Head"


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
            # everyone waits here so the callbacks land together; the provider's steps
            # before it run one at a time, which on a loaded 2-core machine has taken
            # over 30 s for twenty people, so the wait is generous
            gate.wait(timeout=180)
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
