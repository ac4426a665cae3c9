"""Single sign-on with OpenID Connect (Authlib): authorization code with PKCE (S256),
state and nonce checked by Authlib, the ID token's issuer, audience, expiry and
signature checked against an algorithm allow-list.  Several providers may be set up.
Claims the ID token leaves out (a conformant provider keeps email and profile claims
for its UserInfo endpoint) are read from UserInfo, for the same subject only."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from gateway.identity import service as identity
from gateway.redirects import local_url
from shared.db import request_session
from shared.settings import Settings, extra_providers

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)
# Asymmetric algorithms only: a provider that signs with HS256 or "none" is refused.
ALLOWED_ID_TOKEN_ALGS = ("RS256", "PS256", "ES256", "EdDSA")


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str
    # Email domains this provider answers for: see identity.person_from_claims.
    trusted_domains: frozenset[str] = frozenset()


def configure(app, settings: Settings) -> list[Provider]:
    providers = [Provider("default", "Lighthouse Learning sign-in", settings.oidc_issuer.rstrip("/"),
                          settings.oidc_trusted_domain_set)]
    registrations = [("default", settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret)]
    for extra in extra_providers(settings.oidc_extra_providers):
        providers.append(Provider(extra["name"], extra.get("label", extra["name"]), extra["issuer"].rstrip("/"),
                                  extra["trusted_domains"]))
        registrations.append((extra["name"], extra["issuer"], extra["client_id"], extra["client_secret"]))
    oauth = OAuth(app)  # one registry per app: providers are settings, not globals
    app.extensions["lighthouse_oauth"] = oauth
    for name, issuer, client_id, client_secret in registrations:
        oauth.register(
            name,
            client_id=client_id,
            client_secret=client_secret,
            server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256"},
        )
    app.extensions["lighthouse_providers"] = {p.name: p for p in providers}
    return providers


def _client(name: str):
    providers = current_app.extensions["lighthouse_providers"]
    if name not in providers:
        abort(404)
    client = current_app.extensions["lighthouse_oauth"].create_client(name)
    metadata = client.load_server_metadata()
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    metadata["id_token_signing_alg_values_supported"] = [a for a in offered if a in ALLOWED_ID_TOKEN_ALGS]
    return client, providers[name]


@bp.get("/sign-in")
def sign_in():
    providers = list(current_app.extensions["lighthouse_providers"].values())
    return render_template("sign_in.html", providers=providers, next=local_url(request.args.get("next")) or "")


@bp.get("/auth/login/<name>")
def login(name: str):
    client, _ = _client(name)
    session["after_sign_in"] = local_url(request.args.get("next"))
    redirect_uri = url_for("auth.callback", name=name, _external=True)
    return client.authorize_redirect(redirect_uri)


@bp.get("/auth/callback/<name>")
def callback(name: str):
    client, provider = _client(name)
    try:
        token = client.authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [provider.issuer]},
                            "exp": {"essential": True}, "aud": {"essential": True}},
            leeway=30,
        )
        claims = token.get("userinfo")
        if not claims:
            raise OAuthError(description="The provider sent no ID token.")
        claims = _completed_from_userinfo(client, token, dict(claims))
    except identity.SignInRefused as exc:
        return render_template("sign_in.html", providers=[provider], error=str(exc), next=""), 400
    except OAuthError as exc:
        log.info("sign-in refused: %s", exc)
        message = ("Sign-in was cancelled." if getattr(exc, "error", "") == "access_denied"
                   else "We could not complete your sign-in. Please try again.")
        return render_template("sign_in.html", providers=[provider], error=message, next=""), 400
    except Exception as exc:  # noqa: BLE001 - a bad token from a provider is the user's problem to retry
        log.warning("sign-in failed: %s", exc)
        return render_template("sign_in.html", providers=[provider],
                               error="Your sign-in could not be verified. Please try again.", next=""), 400
    db = request_session()
    try:
        person = identity.person_from_claims(db, provider.issuer, claims, provider.trusted_domains)
    except identity.SignInRefused as exc:
        return render_template("sign_in.html", providers=[provider], error=str(exc), next=""), 400
    after = local_url(session.get("after_sign_in")) or url_for("home.home")
    session.clear()  # a fresh session at sign-in: nothing carried over from before
    session["sid"] = identity.start_session(db, person)
    session.permanent = True
    return redirect(after)


def _completed_from_userinfo(client, token: dict, claims: dict) -> dict:
    """The ID token's claims, with the UserInfo endpoint's when the ID token holds no
    email: a provider following OIDC Core §5.4 returns the email and profile scopes'
    claims from UserInfo, not in the ID token, whenever it issues an access token.  The
    ID token's own claims win where both have one."""
    if claims.get("email"):
        return claims  # most providers put it in the ID token: no extra round trip
    userinfo = client.userinfo(token=token)
    # §5.3.2: UserInfo may be someone else's answer (a mixed-up or hostile provider);
    # it counts only for the subject the signed ID token names.
    if userinfo.get("sub") != claims.get("sub"):
        log.warning("sign-in refused: UserInfo sub %r is not the ID token's %r", userinfo.get("sub"), claims.get("sub"))
        raise identity.SignInRefused(
            "Your sign-in provider gave two different answers about who you are, so we have not signed you in. "
            "Please try again; if it happens again, tell whoever runs your sign-in.")
    return {**userinfo, **claims}


@bp.post("/sign-out")
def sign_out():
    identity.end_session(request_session(), session.get("sid"))
    session.clear()
    return redirect(url_for("home.home"))


def load_signed_in_person() -> None:
    """Before each request: who is signed in (g.person) and their identity (g.identity)."""
    token = session.get("sid")
    if token:
        with current_app.extensions["lighthouse_db"].lone_read() as reader:
            person = identity.resume_session(request_session(), token, reader)
    else:
        person = None
    if person is None and "sid" in session:
        session.pop("sid")
    g.person = person
    g.identity = identity.identity_for(person)
