"""The local OpenID Connect provider of the embedded default (oidc-provider-mock),
holding the demo users.  Development only: it signs in whoever is typed in, so it
listens on 127.0.0.1 and refuses to start in production."""
from __future__ import annotations

import argparse
import sys

import oidc_provider_mock
import werkzeug.serving

from gateway.seed import DEMO_ACCOUNTS
from shared.settings import get_settings


def demo_users() -> list:
    return [oidc_provider_mock.User(sub=email, claims={"email": email, "email_verified": True, "name": name})
            for email, name, *_ in DEMO_ACCOUNTS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=9400)
    args = parser.parse_args(argv)
    if get_settings().env == "production":
        print("the local OIDC provider is for development only", file=sys.stderr)
        return 2
    app = oidc_provider_mock.app(user_claims=demo_users(), require_nonce=True)
    werkzeug.serving.run_simple("127.0.0.1", args.port, app, threaded=True, use_debugger=False, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
