"""Schools outside the trust register themselves and add their bookers: what is
checked, who may do what to which organisation, and two registering one URN at once."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlmodel import select

from shared import tokens
from tests.support.fixtures import csrf_token, gql, oidc_authorize, sign_in

REGISTER = """mutation($input: OrganisationInput!) { registerOrganisation(input: $input) {
  organisation { id name urn billingEmail address needsPurchaseOrder bookers { name email } }
  userErrors { field message } } }"""
ADD = """mutation($email: String!, $name: String, $org: ID) { addOrganisationBooker(email: $email, name: $name,
  organisationId: $org) { organisation { name bookers { name email } } userErrors { field message } } }"""
MINE = "{ myOrganisation { name urn bookers { name } } me { organisation { name } roles { role } } }"

GOOD = {"name": "Westfield Primary", "urn": "123456", "billingEmail": "Accounts@Westfield.test",
        "address": "Westfield Primary\n1 School Lane\nWF1 1AA", "needsPurchaseOrder": True}


def organisations() -> list:
    from gateway.db import database
    from gateway.identity.models import Organisation

    with database().session() as db:
        return list(db.exec(select(Organisation).order_by(Organisation.id)).all())


def person(email: str):
    from gateway.db import database
    from gateway.identity.models import Person

    with database().session() as db:
        found = db.exec(select(Person).where(Person.email == email)).first()
        return found and (found.organisation_id, sorted(g.role.value for g in found.grants))


@pytest.fixture
def people(make_school, make_person):
    school = make_school(name="Ashby Primary", urn="910001")
    return {
        "bursar": make_person("bursar@westfield.test", "Bella Bursar", roles=[("external_booker",)]),
        "newcomer": make_person("newcomer@elsewhere.test", "Nia Newcomer"),
        "teacher": make_person("teacher@a.test", "Tara Teacher", roles=[("staff", school)], school_id=school),
        "admin": make_person("admin@trust.test", "Alex Admin", roles=[("ll_admin",)]),
        "school": school,
    }


def register(client, **changes) -> dict:
    return gql(client, REGISTER, {"input": {**GOOD, **changes}})["data"]["registerOrganisation"]


def test_a_bursar_registers_their_school_and_becomes_its_booker(client, people):
    sign_in(client, "bursar@westfield.test")
    assert gql(client, MINE)["data"]["myOrganisation"] is None
    done = register(client)
    assert done["userErrors"] == []
    assert done["organisation"] | {"id": None} == {
        "id": None, "name": "Westfield Primary", "urn": "123456", "billingEmail": "accounts@westfield.test",
        "address": "Westfield Primary\n1 School Lane\nWF1 1AA", "needsPurchaseOrder": True,
        "bookers": [{"name": "Bella Bursar", "email": "bursar@westfield.test"}]}
    mine = gql(client, MINE)["data"]
    assert mine["myOrganisation"] == {"name": "Westfield Primary", "urn": "123456", "bookers": [{"name": "Bella Bursar"}]}
    assert mine["me"]["organisation"] == {"name": "Westfield Primary"}


def test_a_registered_school_is_copied_to_bookings_for_its_invoices(client, people):
    """Bookings addresses invoices itself, from its copy (shared.facts), never from a request."""
    from services.bookings.copies.models import BuyingOrganisation
    from services.bookings.db import database

    sign_in(client, "bursar@westfield.test")
    organisation_id = int(register(client)["organisation"]["id"])
    with database().session() as db:
        copy = db.get(BuyingOrganisation, organisation_id)
        assert (copy.name, copy.address, copy.billing_email) == (
            "Westfield Primary", "Westfield Primary\n1 School Lane\nWF1 1AA", "accounts@westfield.test")
    refused = register(client, urn="654321")  # a second school for the same person: refused, nothing copied
    assert refused["userErrors"]
    with database().session() as db:
        assert len(db.exec(select(BuyingOrganisation)).all()) == 1


def test_someone_with_no_role_yet_registers_and_is_made_a_booker(client, people):
    sign_in(client, "newcomer@elsewhere.test")
    assert register(client, needsPurchaseOrder=None)["organisation"]["needsPurchaseOrder"] is False
    assert person("newcomer@elsewhere.test")[1] == ["external_booker"]


def test_the_service_token_carries_the_organisation(gateway_app, client, people):
    """What the bookings service will scope orders by: the identity the gateway signs."""
    from gateway.db import database
    from gateway.identity.models import Person
    from gateway.identity.service import identity_for

    sign_in(client, "bursar@westfield.test")
    made = register(client)["organisation"]
    with database().session() as db:
        identity = identity_for(db.get(Person, people["bursar"]))
    settings = gateway_app.extensions["lighthouse_settings"]
    token = tokens.sign(identity, "bookings", settings.private_key_pem())
    assert tokens.verify(token, "bookings", settings.public_key_pem()).organisation_id == int(made["id"])


@pytest.mark.parametrize(("changes", "field", "said"), [
    ({"urn": "12345"}, "urn", "Enter the URN as six digits, for example 123456."),
    ({"urn": "12345a"}, "urn", "Enter the URN as six digits"),
    ({"urn": ""}, "urn", "Enter your school's URN"),
    ({"urn": None}, "urn", "Enter your school's URN"),
    ({"billingEmail": "accounts at westfield"}, "billingEmail", "Enter the billing email address in the correct format"),
    ({"billingEmail": "  "}, "billingEmail", "Enter the email address invoices and receipts go to."),
    ({"name": " "}, "name", "Enter your school's name."),
    ({"address": ""}, "address", "Enter your school's address"),
])
def test_bad_details_are_refused_beside_their_field_and_nothing_changes(client, people, changes, field, said):
    sign_in(client, "bursar@westfield.test")
    done = register(client, **changes)
    assert done["organisation"] is None
    assert [e["field"] for e in done["userErrors"]] == [[field]]
    assert said in done["userErrors"][0]["message"]
    assert organisations() == []
    assert person("bursar@westfield.test") == (None, ["external_booker"])


def test_every_problem_is_said_at_once(client, people):
    sign_in(client, "bursar@westfield.test")
    done = register(client, name="", urn="1", billingEmail="x")
    assert [e["field"] for e in done["userErrors"]] == [["name"], ["urn"], ["billingEmail"]]


def test_a_trust_schools_urn_is_refused(client, people):
    sign_in(client, "bursar@westfield.test")
    done = register(client, urn="910001")
    assert done["organisation"] is None
    assert done["userErrors"] == [{"field": ["urn"], "message": (
        "URN 910001 belongs to one of the trust's schools. The trust's schools book their places free; "
        "only schools outside the trust register here.")}]
    assert organisations() == []


def test_a_urn_registered_already_is_refused(client, anon_client, people):
    sign_in(client, "bursar@westfield.test")
    register(client)
    sign_in(anon_client, "newcomer@elsewhere.test")
    done = register(anon_client, name="Westfield again")
    assert done["userErrors"] == [{"field": ["urn"], "message": (
        "A school with URN 123456 is registered already. Ask one of its bookers to add you as a colleague.")}]
    assert [o.name for o in organisations()] == ["Westfield Primary"]
    assert person("newcomer@elsewhere.test") == (None, [])


def test_trust_staff_cannot_register(client, people):
    sign_in(client, "teacher@a.test")
    done = register(client)
    assert done["organisation"] is None
    assert "trust's staff" in done["userErrors"][0]["message"]
    assert organisations() == [] and person("teacher@a.test") == (None, ["staff"])


def test_a_visitor_cannot_register(anon_client, people):
    assert register(anon_client)["userErrors"] == [{"field": None, "message": "Sign in to register your school."}]
    assert organisations() == []


def test_a_booker_cannot_register_a_second_school(client, people):
    sign_in(client, "bursar@westfield.test")
    register(client)
    done = register(client, urn="654321", name="Another")
    assert done["userErrors"] == [{"field": None, "message": (
        "You already book for Westfield Primary; one person books for one school.")}]
    assert len(organisations()) == 1


# ---------- colleagues ----------


def test_a_booker_adds_a_new_colleague_who_then_sees_the_school(client, anon_client, people):
    sign_in(client, "bursar@westfield.test")
    register(client)
    done = gql(client, ADD, {"email": "Office@Westfield.test", "name": "Olu Office"})["data"]["addOrganisationBooker"]
    assert done["userErrors"] == []
    assert done["organisation"]["bookers"] == [{"name": "Bella Bursar", "email": "bursar@westfield.test"},
                                               {"name": "Olu Office", "email": "office@westfield.test"}]
    sign_in(anon_client, "office@westfield.test")
    mine = gql(anon_client, MINE)["data"]
    assert mine["myOrganisation"]["name"] == "Westfield Primary"
    assert mine["me"]["roles"] == [{"role": "EXTERNAL_BOOKER"}]


def test_an_existing_person_is_added_by_email_alone(client, people):
    sign_in(client, "bursar@westfield.test")
    register(client)
    done = gql(client, ADD, {"email": "newcomer@elsewhere.test"})["data"]["addOrganisationBooker"]
    assert [b["name"] for b in done["organisation"]["bookers"]] == ["Bella Bursar", "Nia Newcomer"]
    assert person("newcomer@elsewhere.test")[1] == ["external_booker"]


@pytest.mark.parametrize(("variables", "field", "said"), [
    ({"email": "nobody@westfield.test"}, "name", "Enter your colleague's name: nobody with nobody@westfield.test"),
    ({"email": "not an email", "name": "X"}, "email", "Enter the email address in the correct format"),
    ({"email": "teacher@a.test"}, "email", "Tara Teacher works for the trust"),
    ({"email": "bursar@westfield.test"}, "email", "Bella Bursar already books for Westfield Primary."),
])
def test_who_cannot_be_added(client, people, variables, field, said):
    sign_in(client, "bursar@westfield.test")
    register(client)
    done = gql(client, ADD, variables)["data"]["addOrganisationBooker"]
    assert done["organisation"] is None
    assert [e["field"] for e in done["userErrors"]] == [[field]] and said in done["userErrors"][0]["message"]
    assert person("teacher@a.test") == (None, ["staff"]) and person("nobody@westfield.test") is None


def test_a_person_of_another_organisation_is_not_taken(client, anon_client, people):
    sign_in(client, "bursar@westfield.test")
    register(client)
    sign_in(anon_client, "newcomer@elsewhere.test")
    register(anon_client, name="Elsewhere School", urn="222222")
    done = gql(client, ADD, {"email": "newcomer@elsewhere.test"})["data"]["addOrganisationBooker"]
    assert done["userErrors"][0]["message"] == (
        "Nia Newcomer books for another school already; one person books for one school.")
    assert gql(anon_client, MINE)["data"]["myOrganisation"]["name"] == "Elsewhere School"


def test_a_booker_of_one_school_cannot_add_to_another(client, anon_client, people):
    sign_in(client, "bursar@westfield.test")
    westfield = register(client)["organisation"]["id"]
    sign_in(anon_client, "newcomer@elsewhere.test")
    register(anon_client, name="Elsewhere School", urn="222222")
    done = gql(anon_client, ADD, {"email": "spy@elsewhere.test", "name": "Spy", "org": westfield})
    assert done["data"]["addOrganisationBooker"] == {"organisation": None, "userErrors": [
        {"field": None, "message": "Only your school's own bookers can add bookers to it."}]}
    assert person("spy@elsewhere.test") is None
    assert [b["name"] for b in gql(client, MINE)["data"]["myOrganisation"]["bookers"]] == ["Bella Bursar"]


def test_trust_staff_and_people_without_a_school_cannot_add_bookers(client, anon_client, people):
    sign_in(client, "bursar@westfield.test")
    westfield = register(client)["organisation"]["id"]
    for who in ("teacher@a.test", "newcomer@elsewhere.test"):
        sign_in(anon_client, who)
        for org in (westfield, None):
            done = gql(anon_client, ADD, {"email": "x@westfield.test", "name": "X", "org": org})
            assert done["data"]["addOrganisationBooker"]["userErrors"][0]["message"] == (
                "Only your school's own bookers can add bookers to it.")
    assert person("x@westfield.test") is None


def test_an_admin_adds_a_booker_to_any_school_and_sees_its_bookers(client, anon_client, people):
    sign_in(client, "bursar@westfield.test")
    westfield = register(client)["organisation"]["id"]
    sign_in(anon_client, "admin@trust.test")
    done = gql(anon_client, ADD, {"email": "head@westfield.test", "name": "Hari Head", "org": westfield})
    assert [b["name"] for b in done["data"]["addOrganisationBooker"]["organisation"]["bookers"]] == [
        "Bella Bursar", "Hari Head"]
    assert gql(anon_client, ADD, {"email": "y@westfield.test", "name": "Y", "org": "999"})[
        "data"]["addOrganisationBooker"]["userErrors"][0]["message"] == "There is no such organisation."


def test_registering_and_adding_are_in_the_gateways_audit_trail(client, people):
    from gateway.db import database
    from gateway.identity.models import AuditEntry

    sign_in(client, "bursar@westfield.test")
    register(client)
    gql(client, ADD, {"email": "office@westfield.test", "name": "Olu Office"})
    with database().session() as db:
        entries = db.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.actor_name, e.action, e.object_label) for e in entries] == [
        ("Bella Bursar", "organisation.registered", "Westfield Primary"),
        ("Bella Bursar", "organisation.booker_added", "Bella Bursar"),
        ("Bella Bursar", "organisation.booker_added", "Olu Office")]
    assert entries[0].changes["urn"] == [None, "123456"]


# ---------- the pages ----------


def words(response) -> str:
    """The page as a reader reads it: tags gone, spaces squeezed, entities read."""
    import html
    import re

    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


FORM = {"name": "Westfield Primary", "urn": "12345", "billingEmail": "accounts@westfield.test",
        "address": "1 School Lane\nWF1 1AA", "needsPurchaseOrder": "yes"}


def test_the_home_page_sends_a_booker_without_a_school_to_register_it(client, people):
    sign_in(client, "bursar@westfield.test")
    home = words(client.get("/"))
    assert "Before you can buy places, register your school ." in home
    assert client.get("/organisation").headers["Location"] == "/organisation/register"


def test_someone_with_no_role_is_told_they_can_register(client, people):
    sign_in(client, "newcomer@elsewhere.test")
    assert "From a school outside the trust? Register your school to buy places." in words(client.get("/"))


def test_the_register_form_keeps_what_was_typed_and_says_what_is_wrong(client, people):
    sign_in(client, "bursar@westfield.test")
    refused = post(client, "/organisation/register", **FORM)
    assert refused.status_code == 422
    page = words(refused)
    assert "Your school was not registered" in page
    assert page.count("Enter the URN as six digits, for example 123456.") == 2  # the summary and beside the field
    html = refused.get_data(as_text=True)
    assert 'value="Westfield Primary"' in html and 'value="12345"' in html and "1 School Lane" in html
    assert 'value="yes" checked' in html
    assert organisations() == []

    missing = post(client, "/organisation/register", **{**FORM, "urn": "123456", "needsPurchaseOrder": ""})
    assert missing.status_code == 422
    assert "Say whether your school needs a purchase-order number on invoices." in words(missing)
    assert organisations() == []

    done = post(client, "/organisation/register", **{**FORM, "urn": "123456"})
    assert done.status_code == 302
    page = words(client.get(done.headers["Location"]))
    assert "Westfield Primary is registered. You book for it now." in page
    assert "URN 123456" in page and "Purchase-order number Needed on every invoice" in page
    assert "Bella Bursar · bursar@westfield.test" in page
    assert "You book for Westfield Primary." in words(client.get("/"))
    assert client.get("/organisation/register").headers["Location"] == "/organisation"


def test_a_trust_urn_is_refused_on_the_form(client, people):
    sign_in(client, "bursar@westfield.test")
    refused = post(client, "/organisation/register", **{**FORM, "urn": "910001"})
    assert refused.status_code == 422
    assert "URN 910001 belongs to one of the trust's schools." in words(refused)


def test_adding_a_colleague_on_the_organisation_page(client, people):
    sign_in(client, "bursar@westfield.test")
    post(client, "/organisation/register", **{**FORM, "urn": "123456"})
    refused = post(client, "/organisation", email="office@westfield.test")
    assert refused.status_code == 422
    assert "Your colleague was not added" in words(refused)
    assert 'value="office@westfield.test"' in refused.get_data(as_text=True)
    done = post(client, "/organisation", email="office@westfield.test", name="Olu Office")
    assert done.status_code == 302
    page = words(client.get(done.headers["Location"]))
    assert "office@westfield.test can now book for your school." in page
    assert "Olu Office · office@westfield.test" in page


def test_trust_staff_are_refused_on_the_register_page(client, people):
    sign_in(client, "teacher@a.test")
    refused = post(client, "/organisation/register", **{**FORM, "urn": "123456"})
    assert refused.status_code == 422
    assert "You are signed in as one of the trust's staff" in words(refused)
    assert organisations() == []


def test_a_visitor_is_asked_to_sign_in(anon_client):
    assert "/sign-in" in anon_client.get("/organisation/register").headers["Location"]
    assert "/sign-in" in anon_client.get("/organisation").headers["Location"]


# ---------- at the same moment ----------


def _signed_in(server_url: str, email: str) -> httpx.Client:
    browser = httpx.Client(base_url=server_url)
    start = browser.get("/auth/login/default")
    back = oidc_authorize(start.headers["Location"], email).headers["location"]
    assert browser.get(back).status_code == 302
    return browser


def _csrf(browser: httpx.Client) -> str:
    return browser.get("/").text.split('name="csrf-token" content="')[1].split('"')[0]


def test_two_registering_one_urn_at_the_same_moment_make_one_organisation(gateway_server, make_person):
    """The unique URN decides: one of them registers, the other is told it is taken."""
    emails = [f"bursar{n}@rush.test" for n in range(6)]
    for email in emails:
        make_person(email, email.split("@")[0].title(), roles=[("external_booker",)])
    browsers = [_signed_in(gateway_server.url, email) for email in emails]
    gate = threading.Barrier(len(browsers))

    def register_over_http(browser: httpx.Client) -> dict:
        csrf = _csrf(browser)
        gate.wait(timeout=30)
        return browser.post("/graphql", json={"query": REGISTER, "variables": {"input": GOOD}},
                            headers={"X-CSRFToken": csrf}).json()["data"]["registerOrganisation"]

    try:
        with ThreadPoolExecutor(len(browsers)) as pool:
            answers = list(pool.map(register_over_http, browsers))
    finally:
        for browser in browsers:
            browser.close()
    made = [a for a in answers if a["organisation"]]
    assert len(made) == 1
    assert sorted(e["message"] for a in answers for e in a["userErrors"]) == [
        "A school with URN 123456 is registered already. Ask one of its bookers to add you as a colleague."] * 5
    assert len(organisations()) == 1
    assert sorted(person(e)[0] is not None for e in emails) == [False] * 5 + [True]


def test_one_person_registering_twice_at_once_is_in_one_organisation(gateway_server, make_person):
    """A double click with two different URNs: the person's row is locked first."""
    make_person("bursar@westfield.test", "Bella Bursar", roles=[("external_booker",)])
    browser = _signed_in(gateway_server.url, "bursar@westfield.test")
    csrf = _csrf(browser)
    gate = threading.Barrier(4)

    def register_over_http(urn: str) -> dict:
        gate.wait(timeout=30)
        return browser.post("/graphql", json={"query": REGISTER, "variables": {"input": {**GOOD, "urn": urn}}},
                            headers={"X-CSRFToken": csrf}).json()["data"]["registerOrganisation"]

    try:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(register_over_http, ["111111", "222222", "333333", "444444"]))
    finally:
        browser.close()
    assert len([a for a in answers if a["organisation"]]) == 1
    assert len(organisations()) == 1
