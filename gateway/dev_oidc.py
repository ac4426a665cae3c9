"""The local OpenID Connect provider of the embedded default (oidc-provider-mock),
holding the demo users.  Development only: it signs in whoever is typed in, so it
listens on 127.0.0.1 and refuses to start in production."""
from __future__ import annotations

import argparse
import sys

import flask
import oidc_provider_mock
import werkzeug.serving
# The mock's own store of accounts; it offers no public hook for a sign-in's claims.
from oidc_provider_mock._storage import storage as mock_storage

from gateway.seed import DEMO_ACCOUNTS
from shared.settings import get_settings


def demo_users() -> list:
    return [oidc_provider_mock.User(sub=email, claims={"email": email, "email_verified": True, "name": name})
            for email, name, *_ in DEMO_ACCOUNTS]


def provider_app(users: list) -> flask.Flask:
    """The provider, which says the address of whoever is typed in is verified, as the
    trust's own provider would for its accounts (the mock itself leaves email_verified
    out, and the gateway then will not find that person by email)."""
    app = oidc_provider_mock.app(user_claims=users, require_nonce=True)

    @app.before_request  # after the mock's own, which sets up its storage
    def _vouch_for_whoever_is_typed_in():
        sub = flask.request.form.get("sub") if flask.request.method == "POST" else None
        if flask.request.path == "/oauth2/authorize" and sub and mock_storage.get_user(sub) is None:
            mock_storage.store_user(oidc_provider_mock.User(sub=sub, claims={"email": sub, "email_verified": True}))

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=9400)
    args = parser.parse_args(argv)
    if get_settings().env == "production":
        print("the local OIDC provider is for development only", file=sys.stderr)
        return 2
    app = provider_app(demo_users())
    werkzeug.serving.run_simple("127.0.0.1", args.port, app, threaded=True, use_debugger=False, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
