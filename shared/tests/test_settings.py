"""Settings: defaults that run the embedded default, refusal of unsafe production."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.settings import Settings


@pytest.fixture(autouse=True)
def _bare_environment(monkeypatch):
    # The suite itself may run on PostgreSQL; these tests are about the defaults.
    for name in ("DATABASE_URL", "CATALOGUE_DATABASE_URL", "BOOKINGS_DATABASE_URL", "NETWORKS_DATABASE_URL",
                 "GATEWAY_DATABASE_URL", "LL_SECRET_KEY", "LL_SERVICE_TOKEN_PUBLIC_KEY"):
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


def test_production_refuses_development_secrets():
    with pytest.raises(ValidationError) as err:
        Settings(LL_ENV="production")
    message = str(err.value)
    assert "LL_SECRET_KEY" in message and "LL_SERVICE_TOKEN_PUBLIC_KEY" in message and "DATABASE_URL" in message


def test_production_starts_when_configured():
    s = Settings(LL_ENV="production", LL_SECRET_KEY="x" * 40, LL_SERVICE_TOKEN_PUBLIC_KEY="pem",
                 DATABASE_URL="postgresql://db/lighthouse")
    assert s.env == "production"
    with pytest.raises(RuntimeError):
        s.private_key_pem()  # never generated in production


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
