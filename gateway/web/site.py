"""The pages that belong to no feature: the health probes, and (in development) the
mailbox of messages the embedded default 'sent'."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, g, jsonify, render_template

from gateway.db import database
from gateway.web.pages import sign_in_first

bp = Blueprint("site", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok", component="gateway")


@bp.get("/readyz")
def readyz():
    try:
        database(current_app.extensions["lighthouse_settings"]).ping()
    except Exception as exc:  # a probe reports, it does not raise
        return jsonify(status="unavailable", component="gateway", reason=type(exc).__name__), 503
    return jsonify(status="ready", component="gateway")


@bp.get("/dev/mailbox")
def mailbox():
    """Development only: the messages the embedded default 'sent', newest first — a
    person's own (admins see everyone's).  The messages hold signed one-click links, so
    a visitor sees none of them."""
    import email
    from email import policy
    from email.utils import getaddresses

    settings = current_app.extensions["lighthouse_settings"]
    if not settings.is_development:
        abort(404)
    if (visitor := sign_in_first()) is not None:
        return visitor
    everyone = g.identity.is_admin
    folder = settings.mailbox_dir
    files = sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.exists() else []
    messages = []
    for path in files:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        recipients = {address.lower() for _, address in getaddresses(message.get_all("To", []))}
        if not everyone and g.person.email.lower() not in recipients:
            continue
        body = message.get_body(("plain",))
        messages.append({"to": message["To"], "subject": message["Subject"], "date": message["Date"],
                         "body": body.get_content() if body else "",
                         "attachments": [p.get_filename() for p in message.iter_attachments()]})
        if len(messages) == 100:
            break
    return render_template("mailbox.html", messages=messages, everyone=everyone)
