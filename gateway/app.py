"""The gateway's application factory: sign-in, the GraphQL API and the web pages."""
from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from gateway import auth
from gateway.backends import Backends
from gateway.calendar_feed import pages as calendar_feed
from gateway.cascade import note_pages, programme_form, school_pages, sprint_pages  # noqa: F401  (their routes)
from gateway.cascade import pages as cascade
from gateway.catalogue import pages as catalogue
from gateway.db import database
from gateway.graph import view as graphql
from gateway.home import book_staff
from gateway.home import pages as home
from gateway.media import proxy as media
from gateway.networks import meeting_pages
from gateway.networks import pages as networks
from gateway.orders import admin_pages as admin_orders
from gateway.orders import income_pages as income
from gateway.orders import pages as orders
from gateway.organisations import pages as organisations
from gateway.payments import webhook as stripe_webhook
from gateway.people import pages as people
from gateway.schema import schema
from gateway.sessions import booking_pages
from gateway.sessions import pages as sessions
from gateway.videos import pages as videos
from gateway.vouchers import pages as vouchers
from gateway.web import filters, site
from gateway.web.navigation import main_navigation
from shared.db import init_request_sessions
from shared.errors import DATABASE_AWAY
from shared.logs import configure_logging, current_request_id, install_request_id
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)
csrf = CSRFProtect()
SESSION_COOKIE = "ll_session"


def create_app(settings: Settings | None = None, backends: Backends | None = None) -> Flask:
    settings = settings or get_settings()
    settings.refuse_unsafe_start("gateway")
    configure_logging("gateway")
    app = Flask(__name__, template_folder="templates", static_folder="static")
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.env == "production",
        # The cookie may live 12 hours; the server-side session row enforces the
        # 30-minute idle limit and the 12-hour absolute one.
        PERMANENT_SESSION_LIFETIME=timedelta(hours=12),
        # ...so the cookie is written when it changes (sign-in, sign-out), not re-signed
        # and re-sent on every response; its 12 hours then count from sign-in, as the
        # absolute limit does.
        SESSION_REFRESH_EACH_REQUEST=False,
        MAX_CONTENT_LENGTH=256 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session does
        WTF_CSRF_SSL_STRICT=settings.env == "production",
        PREFERRED_URL_SCHEME="https" if settings.env == "production" else "http",
    )
    app.extensions["lighthouse_settings"] = settings
    app.extensions["lighthouse_backends"] = backends or Backends(settings)
    app.extensions["lighthouse_schema"] = schema

    install_request_id(app)
    init_request_sessions(app, database(settings))
    csrf.init_app(app)
    auth.configure(app, settings)

    app.register_blueprint(auth.bp)
    app.register_blueprint(graphql.bp)
    csrf.exempt(graphql.bp)  # the view checks CSRF itself, only when a cookie is sent
    app.register_blueprint(stripe_webhook.bp)
    csrf.exempt(stripe_webhook.bp)  # Stripe sends no cookie: its signature is the credential
    # every feature's pages, and the few that belong to none
    for pages in (site, home, book_staff, people, catalogue, sessions, booking_pages, networks, meeting_pages,
                  calendar_feed, organisations, vouchers, orders, admin_orders, income, media, videos, cascade):
        app.register_blueprint(pages.bp)
    filters.install(app)
    # GOV.UK Frontend's components, as the maintained Jinja port of its own macros
    # ({% from "govuk_frontend_jinja/components/…/macro.html" import … %}).
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PrefixLoader(
        {"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})])
    app.add_template_global(main_navigation)

    @app.before_request
    def _who():
        if request.endpoint in ("static", "site.healthz", "site.readyz", "stripe_webhook.stripe_webhook"):
            return
        auth.load_signed_in_person()

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self' " + settings.oidc_issuer,
        )
        if g.get("person") is not None:
            response.headers["Cache-Control"] = "private, no-store"
        return response

    _register_error_pages(app)
    return app


def _wants_json() -> bool:
    return request.path.startswith("/graphql")


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc):
        message = "Your form expired or came from another site. Go back, reload the page and try again."
        if _wants_json():
            return jsonify(errors=[{"message": message, "extensions": {"code": "CSRF"}}]), 400
        return render_template("error.html", title="Please try again", message=message), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if _wants_json():
            return jsonify(errors=[{"message": exc.description}]), exc.code
        titles = {404: "Page not found", 405: "Not allowed", 413: "Too large"}
        message = {404: "There is nothing at this address. Check the link, or search the catalogue."}.get(
            exc.code, exc.description)
        return render_template("error.html", title=titles.get(exc.code, exc.name), message=message), exc.code

    @app.errorhandler(DBAPIError)
    def _database(exc: DBAPIError):
        if not exc.connection_invalidated:
            return _unexpected(exc)
        log.warning("database connection lost: %s", exc.orig)  # the pool reconnects on the next request
        message = DATABASE_AWAY["message"]
        if _wants_json():
            return jsonify(errors=[{"message": message, "extensions": {"code": "UNAVAILABLE"}}]), 503
        return render_template("error.html", title="Not available just now", message=message), 503

    @app.errorhandler(Exception)
    def _unexpected(exc):
        log.exception("unhandled error")
        message = f"Something went wrong on our side; it has been logged (reference {current_request_id()})."
        if _wants_json():
            return jsonify(errors=[{"message": message}]), 500
        return render_template("error.html", title="Sorry", message=message), 500
