"""The academic calendar in the GraphQL API, stored by the networks service: a year's
terms, half terms and closures (`academicYear`), and the admins' corrections
(`saveAcademicYear`), with England's bank holidays added by themselves."""
from __future__ import annotations

import graphene
import holidays

from gateway.graph.history import history_field
from gateway.graph.ids import parse_year_label
from gateway.graph.mutations import Refused, mutation
from gateway.graph.shapes import payload
from gateway.graph.values import day, enum_value, parsed

TermName = graphene.Enum("TermName", [(n, n) for n in ("AUTUMN", "SPRING", "SUMMER")])


@parsed(day, "on")
class Closure(graphene.ObjectType):
    on = graphene.Date(required=True)
    kind = graphene.String(required=True, description="INSET or BANK_HOLIDAY")
    note = graphene.String()


@parsed(day, "starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on")
class Term(graphene.ObjectType):
    name = graphene.Field(TermName, required=True)
    starts_on = graphene.Date(required=True)
    ends_on = graphene.Date(required=True)
    half_term_starts_on = graphene.Date(required=True)
    half_term_ends_on = graphene.Date(required=True)
    closures = graphene.List(graphene.NonNull(graphene.Date), required=True,
                             description="Weekdays in term when schools are shut (INSET days, bank holidays).")
    closure_details = graphene.List(graphene.NonNull(Closure), required=True, source="closures")

    @staticmethod
    def resolve_closures(term, info):
        return [day(c["on"]) for c in term["closures"]]


class AcademicYear(graphene.ObjectType):
    label = graphene.String(required=True)
    terms = graphene.List(graphene.NonNull(Term), required=True)
    history = history_field("networks", "academic_year", key="label",
                            description="the corrections made to this year's calendar")


AcademicYearPayload = payload("AcademicYear", academic_year=graphene.Field(AcademicYear))


class AcademicYearQuery(graphene.ObjectType):
    academic_year = graphene.Field(AcademicYear, label=graphene.String(required=True))

    @staticmethod
    def resolve_academic_year(root, info, label):
        return info.context.one("networks", f"/academic-years/{label}") if parse_year_label(label) else None


class TermInput(graphene.InputObjectType):
    name = TermName(required=True)
    starts_on = graphene.Date(required=True)
    ends_on = graphene.Date(required=True)
    half_term_starts_on = graphene.Date(required=True)
    half_term_ends_on = graphene.Date(required=True)
    inset_days = graphene.List(graphene.NonNull(graphene.Date), description="Bank holidays are added by themselves.")


@mutation(AcademicYearPayload, "academic_year", label=graphene.String(required=True),
          terms=graphene.List(graphene.NonNull(TermInput), required=True))
def save_academic_year(root, info, label, terms):
    """Admins correct a year's term dates and INSET days; bank holidays in term are
    added from England's list."""
    if parse_year_label(label) is None:
        raise Refused("Give the academic year as, for example, 2026-27.", "label")
    first = int(label[:4])
    bank = holidays.country_holidays("GB", subdiv="ENG", years=[first, first + 1])
    body = []
    for t in terms:
        closures = [{"on": d.isoformat(), "kind": "INSET", "note": "INSET day"} for d in t.get("inset_days") or []]
        closures += [{"on": d.isoformat(), "kind": "BANK_HOLIDAY", "note": name} for d, name in sorted(bank.items())
                     if t["starts_on"] <= d <= t["ends_on"] and d.weekday() < 5
                     and not t["half_term_starts_on"] <= d <= t["half_term_ends_on"]]
        body.append({"name": enum_value(t["name"]), "closures": closures,
                     **{k: t[k].isoformat() for k in ("starts_on", "ends_on", "half_term_starts_on",
                                                      "half_term_ends_on")}})
    return info.context.call("networks", "PUT", f"/academic-years/{label}", json={"terms": body})
