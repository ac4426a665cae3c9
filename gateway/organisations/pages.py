"""Pages for schools outside the trust: "Register your school", and "Your
organisation" (its details, its bookers, and adding a colleague)."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for

from gateway.graph.view import execute_here
from gateway.web.forms import FormErrors, done, said, submit
from gateway.web.pages import found, sign_in_first

bp = Blueprint("organisations", __name__, template_folder="templates")

REGISTER_FIELDS = ["name", "urn", "billingEmail", "address", "needsPurchaseOrder"]
REGISTER = """mutation($input: OrganisationInput!) { registerOrganisation(input: $input) {
  organisation { name } userErrors { field message } } }"""
MINE = """{ myOrganisation { id name urn billingEmail address needsPurchaseOrder bookers { id name email } } }"""
ADD = """mutation($email: String!, $name: String) { addOrganisationBooker(email: $email, name: $name) {
  organisation { name } userErrors { field message } } }"""


@bp.route("/organisation/register", methods=["GET", "POST"])
def register():
    """Someone from a school outside the trust registers it; what they typed stays
    on the page, each problem beside its field, until it is accepted."""
    if (refused := sign_in_first()) is not None:
        return refused
    if g.identity.organisation_id is not None:
        return redirect(url_for("organisations.organisation"))
    errors, status = FormErrors(REGISTER_FIELDS), 200
    form = request.form
    if request.method == "POST":
        answer = form.get("needsPurchaseOrder")
        if answer not in ("yes", "no"):
            errors.add("needsPurchaseOrder", "Say whether your school needs a purchase-order number on invoices.")
        payload = submit(REGISTER, {"input": {
            "name": form.get("name", ""), "urn": form.get("urn", ""), "billingEmail": form.get("billingEmail", ""),
            "address": form.get("address", ""), "needsPurchaseOrder": answer == "yes"}}, errors)
        if payload is not None:
            return redirect(url_for("organisations.organisation",
                                    message=f"{payload['organisation']['name']} is registered. You book for it now."))
        status = 422
    return render_template("organisations/register.html", errors=errors, form=form), status


@bp.route("/organisation", methods=["GET", "POST"])
def organisation():
    """An organisation's bookers see it and add colleagues as bookers."""
    if (refused := sign_in_first()) is not None:
        return refused
    if g.identity.organisation_id is None:
        return redirect(url_for("organisations.register"))
    errors, status = FormErrors(["email", "name"]), 200
    if request.method == "POST":
        payload = submit(ADD, {"email": request.form.get("email", ""), "name": request.form.get("name") or None},
                         errors)
        if payload is not None:
            return done(f"{request.form.get('email', '').strip().lower()} can now book for your school. "
                        "They sign in with that email address.")
        status = 422
    mine = found(execute_here(MINE), "myOrganisation", "Your organisation cannot be shown just now")
    return render_template("organisations/organisation.html", organisation=mine, errors=errors,
                           form=request.form, message=said()), status
