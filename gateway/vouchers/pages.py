"""Admins' pages for vouchers: the list with each code's uses and the form that makes
one (/admin/vouchers), and a voucher's page with every use."""
from __future__ import annotations

import re
from datetime import date
from typing import Sequence

from flask import Blueprint, abort, redirect, render_template, request, url_for

from gateway.graph.view import execute_here
from gateway.web.forms import FormErrors, said, submit
from gateway.web.pages import admins_only, found

bp = Blueprint("vouchers", __name__, template_folder="templates")


@bp.app_template_filter("day")
def day(value: str | None) -> str:
    """An ISO date as people read it: 14 Jan 2027."""
    return date.fromisoformat(value).strftime("%-d %b %Y") if value else ""


FORM = ["code", "kind", "percentOff", "amountOff", "courseIds", "maxUses", "validFrom", "validUntil"]
LIST = """{ vouchers(first: 100) { totalCount edges { node { id code percentOff amountOffPence
  courses { id title } maxUses uses validFrom validUntil discountGivenPence } } }
  courses(visibility: PUBLIC, first: 100) { edges { node { id title } } } }"""
ONE = """query($id: ID!) { voucher(id: $id) { id code percentOff amountOffPence courses { id title } maxUses uses
  validFrom validUntil discountGivenPence createdAt
  used { id orderId organisation { id name } discountPence usedAt givenBackAt } } }"""
CREATE = """mutation($input: VoucherInput!) { createVoucher(input: $input) { voucher { id code } userErrors { field message } } }"""
# The service's names for what the form calls otherwise (money is typed in pounds).
SERVICE_FIELDS = {"amountOffPence": "amountOff"}
_POUNDS = re.compile(r"^£?\s*(\d{1,6})(?:\.(\d{1,2}))?$")


def _field_of(path: Sequence) -> str | None:
    name = str(path[-1]) if path else None  # ["input", "percentOff"] → percentOff
    return SERVICE_FIELDS.get(name, name)


def _voucher_from_form(form, errors: FormErrors) -> dict:
    """The VoucherInput the form describes; what cannot be read is filed in `errors`
    (and sent as a stand-in, so the service still checks the rest)."""
    kind = form.get("kind")
    values = {"code": form.get("code", ""), "percentOff": None, "amountOffPence": None,
              "courseIds": form.getlist("courseIds") or None}
    if kind == "percent":
        text = form.get("percentOff", "").strip().rstrip("%")
        if not text.isdigit():
            errors.add("percentOff", "Enter the percentage off as a whole number from 1 to 100.")
        values["percentOff"] = int(text) if text.isdigit() else 10
    elif kind == "amount":
        match = _POUNDS.match(form.get("amountOff", "").strip().replace(",", ""))
        if not match:
            errors.add("amountOff", "Enter the amount off in pounds, like 25 or 12.50.")
        values["amountOffPence"] = (int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))) if match else 100
    else:
        errors.add("kind", "Choose a percentage off or an amount off.")
        values["percentOff"] = 10
    text = form.get("maxUses", "").strip()
    if not text.isdigit():
        errors.add("maxUses", "Enter how many times the code can be used, as a whole number.")
    values["maxUses"] = int(text) if text.isdigit() else 1
    for name, label in (("validFrom", "first day"), ("validUntil", "last day")):
        try:
            values[name] = date.fromisoformat(form.get(name, "").strip()).isoformat()
        except ValueError:
            errors.add(name, f"Enter the {label} it can be used as a date, for example 2027-01-14.")
            values[name] = "2000-01-01" if name == "validFrom" else "2100-01-01"
    return values


@bp.route("/admin/vouchers", methods=["GET", "POST"])
def vouchers():
    """Every voucher with its uses, and the form that makes one: what was typed stays,
    each problem beside its field, until it is accepted."""
    if (refused := admins_only()) is not None:
        return refused
    errors, status = FormErrors(FORM, name_of=_field_of), 200
    if request.method == "POST":
        payload = submit(CREATE, {"input": _voucher_from_form(request.form, errors)}, errors)
        if payload is not None:
            made = payload["voucher"]
            return redirect(url_for("vouchers.voucher", voucher_id=made["id"],
                                    message=f"Voucher {made['code']} made."))
        status = 422
    result = execute_here(LIST)
    listed = found(result, "vouchers", "Vouchers cannot be shown just now")
    courses = [e["node"] for e in ((result.get("data") or {}).get("courses") or {}).get("edges", [])]
    return render_template("vouchers/vouchers.html", vouchers=[e["node"] for e in listed["edges"]],
                           total=listed["totalCount"], courses=courses, errors=errors, form=request.form,
                           message=said()), status


@bp.route("/admin/vouchers/<int:voucher_id>")
def voucher(voucher_id: int):
    """A voucher and each use of it: which order, which school, when, what it took off."""
    if (refused := admins_only()) is not None:
        return refused
    if voucher_id > 2**31 - 1:
        abort(404)
    one = found(execute_here(ONE, {"id": str(voucher_id)}), "voucher", "This voucher cannot be shown just now")
    return render_template("vouchers/voucher.html", voucher=one, message=said())
