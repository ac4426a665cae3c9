"""Networks over HTTP: names for every signed caller, paging, batch reads, 404s."""
from __future__ import annotations

from services.networks.db import database
from services.networks.networks.models import Network
from shared import tokens


def add(*names: str) -> list[int]:
    with database().session() as db:
        rows = [Network(name=n, subject=n.split()[0], meetings_per_year=3) for n in names]
        db.add_all(rows)
        db.flush()
        return [r.id for r in rows]


def test_list_page_and_batch(service_call):
    ids = add("Maths network", "English network", "SEND network")
    visitor = tokens.ANONYMOUS_IDENTITY
    page = service_call("networks", "GET", "/networks", visitor, params={"first": 2}).json()
    assert [n["name"] for n in page["items"]] == ["English network", "Maths network"]
    assert page["has_next"] and page["total"] == 3
    rest = service_call("networks", "GET", "/networks", visitor, params={"after": page["end_cursor"]}).json()
    assert [n["name"] for n in rest["items"]] == ["SEND network"]
    batch = service_call("networks", "GET", "/networks", visitor, params={"ids": f"{ids[0]},{ids[2]}"}).json()
    assert [n["name"] for n in batch["items"]] == ["Maths network", "SEND network"]


def test_one_network_and_unknown_ids(service_call):
    (maths,) = add("Maths network")
    assert service_call("networks", "GET", f"/networks/{maths}").json()["meetings_per_year"] == 3
    missing = service_call("networks", "GET", "/networks/999")
    assert missing.status_code == 404 and missing.json()["message"] == "There is no such network."
    assert service_call("networks", "GET", "/networks/0").status_code == 422


def test_without_a_token_nothing(stack):
    import httpx

    assert httpx.get(f"{stack.networks.url}/networks").status_code == 401
    assert httpx.get(f"{stack.bookings.url}/healthz").json() == {"status": "ok", "component": "bookings"}
