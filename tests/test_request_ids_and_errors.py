"""One error shape and one request id, from the gateway into every service's logs."""
from __future__ import annotations

import json
import logging

from tests.support.fixtures import gql


def test_the_request_id_travels_from_gateway_to_service_logs(anon_client, make_course, caplog):
    make_course(title="Public phonics", visibility="PUBLIC")
    caplog.set_level(logging.INFO)
    response = anon_client.post("/graphql", json={"query": "{ courses { totalCount } }"},
                                headers={"X-Request-ID": "trace-me-123"})
    assert response.headers["X-Request-ID"] == "trace-me-123"
    assert response.get_json()["data"]["courses"]["totalCount"] == 1
    service_lines = [r for r in caplog.records if getattr(r, "request_id", None) == "trace-me-123"
                     and "GET /courses" in r.getMessage()]
    assert service_lines, "the catalogue's access log line carries the gateway's request id"


def test_service_logs_are_json_with_the_request_id(stack):
    import io

    from services.catalogue.app import create_app
    from shared import tokens
    from shared.logs import configure_logging
    from tests.support.fixtures import ADMIN

    app = create_app(stack.settings)
    buffer = io.StringIO()
    configure_logging("catalogue", stream=buffer)  # one component per process, as in production
    try:
        token = tokens.sign(ADMIN, "catalogue", stack.settings.private_key_pem())
        app.test_client().get("/courses/424242", headers={"Authorization": f"Bearer {token}",
                                                          "X-Request-ID": "json-line-check"})
    finally:
        configure_logging("tests")
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    access = [line for line in lines if line["name"] == "lighthouse.access"]
    assert access == [{**access[0], "component": "catalogue", "request_id": "json-line-check",
                       "level": "INFO", "message": access[0]["message"]}]
    assert access[0]["message"].startswith("GET /courses/424242 404 ")


def test_every_service_answers_errors_in_one_shape(service_call):
    for service, path in (("catalogue", "/courses/999"), ("networks", "/networks/999"), ("bookings", "/nowhere")):
        body = service_call(service, "GET", path).json()
        assert set(body) == {"code", "message", "fieldErrors"}, (service, body)
        assert body["code"] == "not_found"


def test_unknown_gateway_pages_are_friendly_404s(anon_client):
    page = anon_client.get("/no/such/page")
    assert page.status_code == 404
    assert "There is nothing at this address" in page.get_data(as_text=True)
    assert gql(anon_client, "{ me { name } }") == {"data": {"me": None}}


def test_text_with_a_nul_character_is_refused_by_every_service_not_a_500(service_call):
    # PostgreSQL cannot hold or compare a NUL in text: found by the fuzzer as a 500
    for service, path in (("bookings", "/sessions"), ("catalogue", "/courses"), ("networks", "/networks")):
        asked = service_call(service, "GET", path, params={"subject": "Ma\x00ths", "search": "a\x00"})
        assert asked.status_code == 422, (service, asked.text)
        assert asked.json()["message"] == "Text cannot hold the NUL character; remove it and try again."
    sent = service_call("bookings", "POST", "/sessions/1/cancel", json={"reason": "Snow\x00"})
    assert sent.status_code == 422 and sent.json()["fieldErrors"][0]["field"] == ["body"]
