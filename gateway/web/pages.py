"""What pages of every feature share: who may see them, reading times typed in UK
time, and files a service makes handed on as they came."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Response, abort, current_app, g, make_response, redirect, render_template, request, url_for

from gateway.backends import BackendUnavailable
from gateway.web.forms import FormErrors
from shared.clock import LONDON, utcnow
from shared.logs import current_request_id


def sign_in_first():
    """The sign-in page (coming back here after), for a visitor; None once signed in."""
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.path))
    return None


def admins_only():
    """The sign-in page for a visitor, 403 for anyone but an admin; None for an admin."""
    if g.get("person") is None:
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if not g.identity.is_admin:
        abort(403)
    return None


def found(result: dict, key: str, unavailable: str):
    """What a page's query asked for by `key`; when it is not there, a 503 page titled
    `unavailable` if a service could not answer, else 404."""
    answer = (result.get("data") or {}).get(key)
    if answer is None:
        if result.get("errors"):
            abort(make_response(render_template("error.html", title=unavailable,
                                                message=result["errors"][0]["message"]), 503))
        abort(404)
    return answer


def local_moment(form, name: str, label: str, errors: FormErrors, example: str, required: bool = True):
    """A date and time typed in UK time, as an aware datetime (None if left out or
    unreadable, which is filed in `errors`)."""
    text = form.get(name, "").strip()
    if not text:
        if required:
            errors.add(name, f"Enter the {label}.")
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=LONDON)
    except ValueError:
        errors.add(name, f"Enter the {label} as a date and time, for example {example}.")
        return None


def start_and_end(starts, ends):
    """Stand-ins for a start or end the page could not read (see forms.submit), an hour
    from the other so that nothing else is refused because of them."""
    starts = starts or (ends - timedelta(hours=1) if ends else utcnow() + timedelta(days=30))
    return starts, ends or starts + timedelta(hours=1)


def passed_through(service: str, path: str, identity, filename: str | None = None):
    """A file a service makes (a PDF, a calendar), fetched as `identity` and handed on;
    the service decides whether this person may have it."""
    backends = current_app.extensions["lighthouse_backends"]
    try:
        response = backends.fetch(service, "GET", path, identity=identity, request_id=current_request_id())
    except BackendUnavailable:
        return render_template("error.html", title="Not available just now",
                               message="That file could not be made just now; try again in a minute."), 503
    if response.status_code >= 400:
        abort(404)
    headers = {"Cache-Control": "private, no-store"}
    if filename:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(response.content, mimetype=response.headers.get("content-type", "application/octet-stream")
                    .split(";")[0], headers=headers)
