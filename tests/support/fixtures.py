"""Shared fixtures: live components on 127.0.0.1, a real OIDC provider, sign-in through
it, factories bound to each component's database, and helpers to call things."""
from __future__ import annotations

import itertools
import os
import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import oidc_provider_mock
import pytest
import werkzeug.serving

from shared import tokens
from shared.settings import Settings, get_settings
from tests.support import components

_APP_ITER = "ll.test.app_iter"


def _keeping_app_iter(app):
    def keep(environ, start_response):
        environ[_APP_ITER] = app_iter = app(environ, start_response)
        return app_iter

    return keep


class _Handler(werkzeug.serving.WSGIRequestHandler):
    """Werkzeug's development server leaves the response unclosed when the browser resets
    the connection while the server drains the request (its `finally` reads the socket
    before it closes the body). A static file's handle then leaks, and the garbage
    collector's ResourceWarning fails whichever test happens to be running. Close it."""

    def connection_dropped(self, error, environ=None):
        app_iter = (environ or {}).get(_APP_ITER)
        if hasattr(app_iter, "close"):
            app_iter.close()


class LiveServer:
    """A WSGI app on a real socket in a background thread."""

    def __init__(self, app, port: int = 0):
        self.app = app
        self.server = werkzeug.serving.make_server(
            "127.0.0.1", port, _keeping_app_iter(app), threaded=True, request_handler=_Handler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Stack:
    oidc: LiveServer
    catalogue: LiveServer
    bookings: LiveServer
    networks: LiveServer
    settings: Settings


DEMO_USERS = [
    oidc_provider_mock.User(sub=email, claims={"email": email, "email_verified": True, "name": email.split("@")[0]})
    for email in ("teacher@lighthouse.test", "ll.admin@lighthouse.test")
]


@pytest.fixture(scope="session")
def stack():
    from gateway.dev_oidc import provider_app

    oidc = LiveServer(provider_app(DEMO_USERS))
    os.environ["LL_OIDC_ISSUER"] = oidc.url
    from services.bookings.app import create_app as bookings_app
    from services.catalogue.app import create_app as catalogue_app
    from services.networks.app import create_app as networks_app

    settings = get_settings()
    live = {name: LiveServer(factory(settings)) for name, factory in
            (("catalogue", catalogue_app), ("bookings", bookings_app), ("networks", networks_app))}
    for name, server in live.items():
        os.environ[f"LL_{name.upper()}_URL"] = server.url
    yield Stack(oidc=oidc, settings=get_settings(), **live)
    for server in (oidc, *live.values()):
        server.stop()


@pytest.fixture(autouse=True)
def _empty_databases():
    components.empty_all()
    yield


# ---------- the gateway ----------


@pytest.fixture(scope="session")
def gateway_app(stack):
    from gateway.app import create_app

    app = create_app(stack.settings)
    app.config["SERVER_NAME"] = None
    return app


@pytest.fixture
def client(gateway_app):
    return gateway_app.test_client()


@pytest.fixture
def anon_client(gateway_app):
    return gateway_app.test_client()


@pytest.fixture(scope="session")
def gateway_server(gateway_app):
    server = LiveServer(gateway_app)
    # Links the gateway writes out (certificates, calendars) point at this server.
    settings = gateway_app.extensions["lighthouse_settings"]
    gateway_app.extensions["lighthouse_settings"] = settings.model_copy(update={"public_url": server.url})
    yield server
    server.stop()


def oidc_authorize(authorize_url: str, email: str, action: str | None = None) -> httpx.Response:
    """Answer the provider's sign-in form as a person would, returning its redirect."""
    data = {"sub": email}
    if action:
        data["action"] = action
    response = httpx.post(authorize_url, data=data, follow_redirects=False)
    assert response.status_code in (302, 303), response.text[:500]
    return response


def sign_in(client, email: str) -> None:
    """The real OIDC flow against the real provider, through the gateway's routes."""
    start = client.get("/auth/login/default")
    assert start.status_code == 302, start.text
    back = urlsplit(oidc_authorize(start.headers["Location"], email).headers["location"])
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302, done.get_data(as_text=True)[:500]


@pytest.fixture
def signed_in(client):
    def _sign_in(email: str):
        sign_in(client, email)
        return client
    return _sign_in


def csrf_token(client) -> str:
    # the sign-in page: every page carries the token, and this one calls no service
    page = client.get("/sign-in").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def gql(client, query: str, variables: dict | None = None, *, expect_status: int = 200) -> dict:
    headers = {"X-CSRFToken": csrf_token(client)}
    response = client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == expect_status, response.get_data(as_text=True)[:1000]
    return response.get_json()


# ---------- factories ----------

ADMIN = tokens.Identity(subject="service:test", name="Test admin", grants=(tokens.Grant("ll_admin"),))


def course_data(**overrides) -> dict:
    data = {
        "title": "Fractions in Year 4", "summary": "Teaching fractions with bar models.",
        "description": "A twilight on fractions, equivalence and the bar model.",
        "subject": "Maths", "phases": ["KS2"], "audiences": ["TEACHER"], "provider": "White Rose Maths",
        "delivery_mode": "IN_PERSON", "duration_minutes": 90, "visibility": "TRUST",
        "status": "PUBLISHED", "external_price_pence": None,
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_course(stack):
    """A course saved in the catalogue; its listing reaches bookings as the commit's
    delivery does (shared.facts), so sessions of it can be scheduled at once."""
    from services.catalogue.courses.schemas import CourseIn
    from services.catalogue.courses.service import save_course
    from services.catalogue.db import database

    def _make(**overrides) -> dict:
        with database().session() as db:
            course = save_course(db, ADMIN, CourseIn(**course_data(**overrides)))
            return {"id": course.id, "slug": course.slug, "title": course.title}
    return _make


@pytest.fixture
def make_school(stack):
    """A trust school in the gateway; its risk band reaches the catalogue's copy as the
    commit's delivery does (shared.facts), so its sprints are flagged by it."""
    from gateway.db import database
    from gateway.identity.facts import publish_school_band
    from gateway.identity.models import School

    counter = {"n": 0}

    def _make(**overrides) -> int:
        counter["n"] += 1
        values = {"name": f"Test Primary {counter['n']}", "urn": f"99{counter['n']:04d}",
                  "phase": "PRIMARY", "pupil_count": 200, "risk_band": "LOW"}
        values.update(overrides)
        with database().session() as db:
            school = School(**values)
            db.add(school)
            db.flush()
            publish_school_band(db, school)
            return school.id
    return _make


@pytest.fixture
def make_person(stack):
    from gateway.db import database
    from gateway.identity.facts import publish_school_leaders
    from gateway.identity.models import Person, Role, RoleGrant

    def _make(email: str, name: str = "Test Person", roles=(), school_id: int | None = None,
              organisation_id: int | None = None) -> int:
        """roles: ("staff", school_id) / ("network_lead", None, network_id) / ("ll_admin",).
        A school leader reaches bookings' copy as a grant made on the people page does."""
        with database().session() as db:
            person = Person(email=email, name=name, school_id=school_id, organisation_id=organisation_id)
            person.grants = [RoleGrant(role=Role(r[0]), school_id=r[1] if len(r) > 1 else None,
                                       network_id=r[2] if len(r) > 2 else None) for r in roles]
            db.add(person)
            db.flush()
            for school_id in {g.school_id for g in person.grants if g.role == Role.SCHOOL_LEADER}:
                publish_school_leaders(db, school_id)
            return person.id
    return _make


@pytest.fixture
def service_call(stack):
    """Call a service directly, with a token the gateway would have signed."""

    def _call(service: str, method: str, path: str, identity: tokens.Identity = ADMIN,
              audience: str | None = None, **kwargs) -> httpx.Response:
        token = tokens.sign(identity, audience or service, stack.settings.private_key_pem())
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return httpx.request(method, getattr(stack, service).url + path, headers=headers, **kwargs)
    return _call


_VERSIONS = itertools.count(1)


@pytest.fixture
def deliver_fact(stack):
    """PUT a fact at a keeper's copy as its owner delivers it (shared.facts): signed
    with the publisher's own key, a newer version each time."""

    def _deliver(publisher: str, keeper: str, path: str, identity: tokens.Identity | None = None,
                 **fact) -> httpx.Response:
        signer = identity or tokens.service_identity(publisher)
        token = tokens.sign(signer, keeper, stack.settings.private_key_pem(signer.issuer))
        return httpx.put(getattr(stack, keeper).url + path, json={**fact, "version": next(_VERSIONS)},
                         headers={"Authorization": f"Bearer {token}"})
    return _deliver


# Each title is one course (Phonics is course 1), so sessions named alike share a
# listing and sessions named apart never retitle each other.
COURSES = {"Phonics": 1}
LISTING = ("course_title", "course_subject", "course_phases", "course_visibility", "course_published",
           "course_external_price_pence")


@pytest.fixture
def schedule(service_call, deliver_fact):
    """Schedule (POST) or change (PUT) a session as an admin does.  The body's course_*
    keys are its course's listing, delivered first as the catalogue delivers it (a
    session takes them from bookings' copy, never from the request)."""

    def _schedule(method: str, path: str, identity=ADMIN, json: dict | None = None):
        body = dict(json or {})
        listing = {key.removeprefix("course_"): body.pop(key) for key in LISTING if key in body}
        if "title" in listing:
            course_id = body.setdefault("course_id", COURSES.setdefault(listing["title"], 1000 + len(COURSES)))
            delivered = deliver_fact("catalogue", "bookings", f"/copies/course-listings/{course_id}",
                                     title=listing["title"], subject=listing.get("subject"),
                                     phases=listing.get("phases", []), visibility=listing.get("visibility", "TRUST"),
                                     published=listing.get("published", True),
                                     external_price_pence=listing.get("external_price_pence"))
            assert delivered.status_code == 200, delivered.text
        return service_call("bookings", method, path, identity, json=body)
    return _schedule


@pytest.fixture
def school_leaders(deliver_fact):
    """A school's leaders in bookings' copy, as the gateway delivers them."""

    def _keep(school_id: int, *emails: str):
        leaders = [{"person_id": 90 + i, "name": email.split("@")[0], "email": email} for i, email in enumerate(emails)]
        delivered = deliver_fact("gateway", "bookings", f"/copies/school-leaders/{school_id}", leaders=leaders)
        assert delivered.status_code == 200, delivered.text
    return _keep


# ---------- Stripe (localstripe) ----------


@pytest.fixture(scope="session")
def localstripe():
    """localstripe for this test run, at LL_STRIPE_API_BASE (set in conftest.py): its
    URL.  State in memory only (gateway.dev_stripe), so nothing touches /tmp."""
    from gateway import dev_stripe

    url = get_settings().stripe_api_url
    process = dev_stripe.start(int(url.rsplit(":", 1)[1]))
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def stripe_api(localstripe):
    """localstripe emptied for this test; its URL."""
    from gateway import dev_stripe

    dev_stripe.empty(localstripe)
    return localstripe


@pytest.fixture
def stripe_webhook(stripe_api, gateway_server):
    """localstripe's events signed and sent to the test gateway's /stripe/webhook for
    this test only (afterwards it sends none, so no later test sees a stray event)."""
    from gateway import dev_stripe

    secret = gateway_server_settings(gateway_server).stripe_webhook_secret
    dev_stripe.register_webhook(stripe_api, gateway_server.url + dev_stripe.WEBHOOK_PATH, secret)
    yield secret
    dev_stripe.register_webhook(stripe_api, gateway_server.url + dev_stripe.WEBHOOK_PATH, secret,
                                events=["nothing.at_all"])


def gateway_server_settings(server) -> Settings:
    return server.app.extensions["lighthouse_settings"]


# ---------- mail ----------


class _Collect:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on 127.0.0.1; `.messages` holds what it received."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.url = f"smtp://127.0.0.1:{port}"
    yield handler
    controller.stop()
