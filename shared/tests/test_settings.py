"""Settings: defaults that run the embedded default, refusal of unsafe production."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.settings import Settings


@pytest.fixture(autouse=True)
def _bare_environment(monkeypatch):
    # The suite itself may run on PostgreSQL; these tests are about the defaults.
    for name in ("DATABASE_URL", "CATALOGUE_DATABASE_URL", "BOOKINGS_DATABASE_URL", "NETWORKS_DATABASE_URL",
                 "GATEWAY_DATABASE_URL", "LL_SECRET_KEY", "LL_LINK_SECRET", "LL_SERVICE_TOKEN_PUBLIC_KEY",
                 "LL_SERVICE_TOKEN_PRIVATE_KEY", "LL_CATALOGUE_TOKEN_PRIVATE_KEY", "LL_CATALOGUE_TOKEN_PUBLIC_KEY",
                 "LL_NETWORKS_TOKEN_PRIVATE_KEY", "LL_NETWORKS_TOKEN_PUBLIC_KEY", "LL_STRIPE_SECRET_KEY",
                 "LL_STRIPE_WEBHOOK_SECRET", "LL_STRIPE_API_BASE", "LL_VIDEO_URL_KEY", "LL_VIDEO_S3_BUCKET",
                 "LL_VIDEO_S3_ACCESS_KEY_ID", "LL_VIDEO_S3_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_each_component_gets_its_own_database():
    s = Settings(DATABASE_URL="postgresql://u:p@db:5432/lighthouse?sslmode=require", LL_ENV="test")
    assert s.database_url_for("catalogue") == "postgresql://u:p@db:5432/lighthouse_catalogue?sslmode=require"
    assert s.database_url_for("gateway").endswith("/lighthouse_gateway?sslmode=require")
    own = Settings(DATABASE_URL="postgresql://db/x", BOOKINGS_DATABASE_URL="postgresql://other/b", LL_ENV="test")
    assert own.database_url_for("bookings") == "postgresql://other/b"


def test_embedded_default_is_sqlite_under_var(tmp_path):
    s = Settings(LL_VAR_DIR=str(tmp_path), LL_ENV="development")
    assert s.database_url_for("networks") == f"sqlite:///{tmp_path}/networks.sqlite3"


PROD = {"LL_ENV": "production", "DATABASE_URL": "postgresql://db/lighthouse"}
# What each component is given in production: its own secrets and keys, no other's.
GIVEN = {
    "gateway": {"LL_SECRET_KEY": "c" * 40, "LL_LINK_SECRET": "l" * 40, "LL_SERVICE_TOKEN_PRIVATE_KEY": "pem",
                "LL_STRIPE_WEBHOOK_SECRET": "whsec_live"},
    "catalogue": {"LL_SERVICE_TOKEN_PUBLIC_KEY": "pem", "LL_CATALOGUE_TOKEN_PRIVATE_KEY": "pem",
                  "LL_NETWORKS_TOKEN_PUBLIC_KEY": "pem", "LL_VIDEO_URL_KEY": "v" * 40, "LL_VIDEO_S3_BUCKET": "lighthouse-videos",
                  "LL_VIDEO_S3_ACCESS_KEY_ID": "AKIAEXAMPLE", "LL_VIDEO_S3_SECRET_ACCESS_KEY": "s3-secret"},
    "bookings": {"LL_SERVICE_TOKEN_PUBLIC_KEY": "pem", "LL_CATALOGUE_TOKEN_PUBLIC_KEY": "pem",
                 "LL_NETWORKS_TOKEN_PUBLIC_KEY": "pem", "LL_STRIPE_SECRET_KEY": "sk_live_x"},
    "networks": {"LL_SERVICE_TOKEN_PUBLIC_KEY": "pem", "LL_LINK_SECRET": "l" * 40, "LL_NETWORKS_TOKEN_PRIVATE_KEY": "pem"},
}


def test_production_refuses_development_secrets():
    with pytest.raises(ValidationError, match="DATABASE_URL"):
        Settings(LL_ENV="production")
    bare = Settings(**PROD)
    with pytest.raises(RuntimeError) as gateway:
        bare.refuse_unsafe_start("gateway")
    for name in ("LL_SECRET_KEY", "LL_LINK_SECRET", "LL_SERVICE_TOKEN_PRIVATE_KEY"):
        assert f"{name} must be set" in str(gateway.value)
    with pytest.raises(RuntimeError) as networks:
        bare.refuse_unsafe_start("networks")
    assert "LL_LINK_SECRET must be set" in str(networks.value) and "LL_SECRET_KEY" not in str(networks.value)
    # a development value, typed in, is no better than none
    from shared.settings import DEV_LINK_SECRET, DEV_SECRET

    for dev in ({"LL_SECRET_KEY": DEV_SECRET}, {"LL_LINK_SECRET": DEV_LINK_SECRET}, {"LL_LINK_SECRET": DEV_SECRET}):
        with pytest.raises(RuntimeError, match=f"{next(iter(dev))} must be set"):
            Settings(**PROD, **{**GIVEN["gateway"], **dev}).refuse_unsafe_start("gateway")


def test_production_starts_each_component_with_its_own_secrets():
    for component, given in GIVEN.items():
        Settings(**PROD, **given).refuse_unsafe_start(component)
    # the gateway's scheduler signs its deliveries and holds no cookie secret
    Settings(**PROD, LL_SERVICE_TOKEN_PRIVATE_KEY="pem").refuse_unsafe_start("gateway", "scheduler")
    with pytest.raises(RuntimeError, match="LL_SECRET_KEY is not a secret of the gateway"):
        Settings(**PROD, **GIVEN["gateway"]).refuse_unsafe_start("gateway", "scheduler")
    s = Settings(**PROD, **GIVEN["bookings"])
    with pytest.raises(RuntimeError):
        s.private_key_pem()  # never generated in production
    with pytest.raises(RuntimeError):
        s.private_key_pem("catalogue")


def test_no_service_holds_the_cookie_secret_or_another_components_key():
    """The cookie secret signs the gateway's sessions: a service that leaked it would let
    anyone forge a signed-in session, so a service given it refuses to start."""
    for service in ("catalogue", "bookings", "networks"):
        with pytest.raises(RuntimeError, match=f"LL_SECRET_KEY is not a secret of the {service}"):
            Settings(**PROD, **GIVEN[service], LL_SECRET_KEY="c" * 40).refuse_unsafe_start(service)
    with pytest.raises(RuntimeError, match="LL_LINK_SECRET is not a secret of the bookings"):
        Settings(**PROD, **GIVEN["bookings"], LL_LINK_SECRET="l" * 40).refuse_unsafe_start("bookings")
    with pytest.raises(RuntimeError, match="LL_SERVICE_TOKEN_PRIVATE_KEY is not a secret of the networks"):
        Settings(**PROD, **GIVEN["networks"], LL_SERVICE_TOKEN_PRIVATE_KEY="pem").refuse_unsafe_start("networks")
    with pytest.raises(RuntimeError, match="LL_CATALOGUE_TOKEN_PRIVATE_KEY is not a secret of the gateway"):
        Settings(**PROD, **GIVEN["gateway"], LL_CATALOGUE_TOKEN_PRIVATE_KEY="pem").refuse_unsafe_start("gateway")


def test_stripe_secrets_go_to_their_one_process_each_and_never_as_development_values():
    """The Stripe key moves money: bookings' web process alone holds it; the webhook
    secret vouches for Stripe's events: the gateway's web process alone holds it."""
    from shared.settings import DEV_STRIPE_SECRET_KEY, DEV_STRIPE_WEBHOOK_SECRET

    with pytest.raises(RuntimeError, match="LL_STRIPE_SECRET_KEY must be set"):
        Settings(**PROD, **{**GIVEN["bookings"], "LL_STRIPE_SECRET_KEY": DEV_STRIPE_SECRET_KEY}
                 ).refuse_unsafe_start("bookings")
    with pytest.raises(RuntimeError, match="LL_STRIPE_WEBHOOK_SECRET must be set"):
        Settings(**PROD, **{**GIVEN["gateway"], "LL_STRIPE_WEBHOOK_SECRET": DEV_STRIPE_WEBHOOK_SECRET}
                 ).refuse_unsafe_start("gateway")
    with pytest.raises(RuntimeError, match="LL_STRIPE_SECRET_KEY is not a secret of the gateway"):
        Settings(**PROD, **GIVEN["gateway"], LL_STRIPE_SECRET_KEY="sk_live_x").refuse_unsafe_start("gateway")
    with pytest.raises(RuntimeError, match="LL_STRIPE_WEBHOOK_SECRET is not a secret of the bookings"):
        Settings(**PROD, **GIVEN["bookings"], LL_STRIPE_WEBHOOK_SECRET="whsec_live").refuse_unsafe_start("bookings")
    with pytest.raises(RuntimeError, match="LL_STRIPE_SECRET_KEY is not a secret of the catalogue"):
        Settings(**PROD, **GIVEN["catalogue"], LL_STRIPE_SECRET_KEY="sk_live_x").refuse_unsafe_start("catalogue")


def test_the_video_keys_and_bucket_are_the_catalogues_alone():
    """The playback URL key vouches for who may stream which video, and the bucket keys
    reach every file: the catalogue alone holds them, and in production its videos must
    be in the bucket (two replicas cannot share one machine's folder)."""
    from shared.settings import DEV_VIDEO_URL_KEY

    with pytest.raises(RuntimeError, match="LL_VIDEO_URL_KEY must be set"):
        Settings(**PROD, **{**GIVEN["catalogue"], "LL_VIDEO_URL_KEY": DEV_VIDEO_URL_KEY}).refuse_unsafe_start(
            "catalogue")
    no_bucket = {k: v for k, v in GIVEN["catalogue"].items() if k != "LL_VIDEO_S3_BUCKET"}
    with pytest.raises(RuntimeError, match="LL_VIDEO_S3_BUCKET must be set"):
        Settings(**PROD, **no_bucket).refuse_unsafe_start("catalogue", "scheduler")
    scheduler = {k: v for k, v in GIVEN["catalogue"].items() if k not in ("LL_VIDEO_URL_KEY",
                                                                          "LL_SERVICE_TOKEN_PUBLIC_KEY")}
    Settings(**PROD, **scheduler).refuse_unsafe_start("catalogue", "scheduler")
    with pytest.raises(RuntimeError, match="LL_VIDEO_URL_KEY is not a secret of the catalogue"):
        Settings(**PROD, **scheduler, LL_VIDEO_URL_KEY="v" * 40).refuse_unsafe_start("catalogue", "scheduler")
    with pytest.raises(RuntimeError, match="LL_VIDEO_S3_SECRET_ACCESS_KEY is not a secret of the gateway"):
        Settings(**PROD, **GIVEN["gateway"], LL_VIDEO_S3_SECRET_ACCESS_KEY="x").refuse_unsafe_start("gateway")
    with pytest.raises(ValidationError, match="LL_VIDEO_URL_KEY must differ"):
        Settings(**PROD, LL_SECRET_KEY="s" * 40, LL_VIDEO_URL_KEY="s" * 40)
    with pytest.raises(ValidationError, match="LL_VIDEO_URL_KEY must be a random value"):
        Settings(**PROD, LL_VIDEO_URL_KEY="short")
    assert Settings(LL_VIDEO_LINK_HOSTS=" Vimeo.com, youtu.be ,").video_link_host_set == {"vimeo.com", "youtu.be"}


def test_stripe_is_localstripe_outside_production_and_stripe_itself_in_it():
    from shared.settings import DEV_STRIPE_API_BASE

    assert Settings(LL_ENV="development").stripe_api_url == DEV_STRIPE_API_BASE
    assert Settings(**PROD).stripe_api_url is None  # the library's own default: api.stripe.com
    with pytest.raises(ValidationError, match="LL_STRIPE_API_BASE must be Stripe's own https address"):
        Settings(**PROD, LL_STRIPE_API_BASE=DEV_STRIPE_API_BASE)


def test_the_link_secret_is_not_the_cookie_secret():
    with pytest.raises(ValidationError, match="LL_LINK_SECRET must differ from LL_SECRET_KEY"):
        Settings(**PROD, LL_SECRET_KEY="s" * 40, LL_LINK_SECRET="s" * 40)
    with pytest.raises(ValidationError, match="LL_LINK_SECRET must be a random value of 32"):
        Settings(**PROD, LL_LINK_SECRET="short")


def test_nonsense_values_are_refused():
    with pytest.raises(ValidationError):
        Settings(LL_ENV="staging")
    with pytest.raises(ValidationError):
        Settings(LL_SERVICE_TOKEN_TTL="0")


def test_provider_trust_that_is_not_a_list_of_domains_refuses_to_start():
    """A string where the list belongs would otherwise trust each of its letters."""
    extra = ('[{"name": "acme", "issuer": "https://id.acme.test", "client_id": "c", "client_secret": "s", '
             '"trusted_domains": %s}]')
    for wrong in ('"acme.sch.uk"', '["@acme.sch.uk"]', '["acme"]', '[""]'):
        with pytest.raises(ValidationError, match="trusted_domains"):
            Settings(LL_OIDC_EXTRA_PROVIDERS=extra % wrong)
    with pytest.raises(ValidationError, match="unknown keys allowed_domains"):
        Settings(LL_OIDC_EXTRA_PROVIDERS=extra.replace("trusted_domains", "allowed_domains") % '["acme.sch.uk"]')
    with pytest.raises(ValidationError, match="LL_OIDC_TRUSTED_DOMAINS"):
        Settings(LL_OIDC_TRUSTED_DOMAINS="lighthouse.test, head@lighthouse.test")
    assert Settings(LL_OIDC_TRUSTED_DOMAINS=" Lighthouse.test,trust.test ").oidc_trusted_domain_set == {
        "lighthouse.test", "trust.test"}


def test_a_service_given_the_cookie_secret_refuses_to_start(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, **PROD, **GIVEN["bookings"], "LL_SECRET_KEY": "c" * 40, "LL_VAR_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "services.bookings", "web"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, done.stderr
    assert "LL_SECRET_KEY is not a secret of the bookings; remove it from its environment" in done.stderr
