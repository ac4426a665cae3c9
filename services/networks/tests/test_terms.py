"""The academic calendar: seeded as best known, with England's bank holidays (moved
ones too), school days that skip half terms and INSET days, and admin edits that are
refused whole when they do not make sense."""
from __future__ import annotations


from services.networks.db import database
from services.networks.terms.seed import seed_calendar
from shared import tokens


def seeded(service_call):
    service_call("networks", "GET", "/healthz")  # the stack (and its databases) exist
    with database().session() as db:
        return seed_calendar(db)


def test_the_seeded_years_and_their_school_days(service_call):
    assert seeded(service_call) == 3
    with database().session() as db:
        assert seed_calendar(db) == 0  # run again: nothing added
    year = service_call("networks", "GET", "/academic-years/2026-27", tokens.ANONYMOUS_IDENTITY).json()
    assert [t["name"] for t in year["terms"]] == ["AUTUMN", "SPRING", "SUMMER"]
    summer = year["terms"][2]
    assert {"on": "2027-05-03", "kind": "BANK_HOLIDAY", "note": "May Day"} in summer["closures"]
    autumn = year["terms"][0]
    assert [c["on"] for c in autumn["closures"] if c["kind"] == "INSET"] == ["2026-09-01", "2026-09-02"]

    def open_days(start, end):
        r = service_call("networks", "GET", "/school-days", params={"from": start, "to": end})
        return r.json()["days"]

    assert open_days("2026-12-21", "2027-01-05") == ["2027-01-05"]  # Christmas holiday, then the INSET day
    assert "2026-10-28" not in open_days("2026-10-26", "2026-11-02")  # half term
    assert "2026-11-04" in open_days("2026-11-02", "2026-11-06")  # an ordinary term Wednesday
    assert open_days("2027-05-03", "2027-05-05") == ["2027-05-04", "2027-05-05"]  # the bank holiday skipped
    assert service_call("networks", "GET", "/academic-years/2031-32").status_code == 404
    assert service_call("networks", "GET", "/academic-years/2026-29").status_code == 422
    too_long = service_call("networks", "GET", "/school-days", params={"from": "2026-01-01", "to": "2028-01-01"})
    assert too_long.status_code == 422


def test_only_admins_edit_and_nonsense_is_refused_whole(service_call):
    seeded(service_call)
    year = service_call("networks", "GET", "/academic-years/2026-27").json()
    teacher = tokens.Identity(subject="1", grants=(tokens.Grant("staff", school_id=1),))
    assert service_call("networks", "PUT", "/academic-years/2026-27", teacher,
                        json={"terms": year["terms"]}).status_code == 403
    overlapping = [dict(t) for t in year["terms"]]
    overlapping[1] = {**overlapping[1], "starts_on": "2026-12-01"}
    refused = service_call("networks", "PUT", "/academic-years/2026-27", json={"terms": overlapping})
    assert refused.status_code == 422
    assert "Spring term must start after the autumn term ends" in refused.text
    stray = [dict(t) for t in year["terms"]]
    stray[0] = {**stray[0], "half_term_starts_on": "2027-01-10", "half_term_ends_on": "2027-01-14"}
    assert "half term must fall inside the term" in service_call(
        "networks", "PUT", "/academic-years/2026-27", json={"terms": stray}).text
    assert service_call("networks", "GET", "/academic-years/2026-27").json() == year  # unchanged
    moved = [dict(t) for t in year["terms"]]
    moved[2] = {**moved[2], "ends_on": "2027-07-16"}
    saved = service_call("networks", "PUT", "/academic-years/2026-27", json={"terms": moved})
    assert saved.status_code == 200 and saved.json()["terms"][2]["ends_on"] == "2027-07-16"
