"""Typed settings read from the environment.

Defaults run the embedded default (SQLite files under var/, the local OIDC provider,
keys generated under var/keys).  In production (`LL_ENV=production`) a component
refuses to start with a development secret or without the keys it needs.
"""
from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-secret-change-me"
DEV_LINK_SECRET = "dev-only-link-secret-change-me"
# Stripe's own prefixes, so that localstripe (which wants `sk_…`) takes them in development.
DEV_STRIPE_SECRET_KEY = "sk_test_dev-only-change-me"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_dev-only-change-me"
DEV_VIDEO_URL_KEY = "dev-only-video-url-key-change-me"
_DEV_VALUES = (DEV_SECRET, DEV_LINK_SECRET, DEV_STRIPE_SECRET_KEY, DEV_STRIPE_WEBHOOK_SECRET, DEV_VIDEO_URL_KEY)
# Where the embedded default and the tests run localstripe (gateway/dev_stripe.py).
DEV_STRIPE_API_BASE = "http://127.0.0.1:8420"

COMPONENTS = ("gateway", "catalogue", "bookings", "networks")
DEFAULT_PORTS = {"gateway": 8000, "catalogue": 8001, "bookings": 8002, "networks": 8003}


class Settings(BaseSettings):
    """Everything a component reads from its environment.

    `DATABASE_URL` names a server and a base database; each component appends its own
    name to the database (``…/lighthouse`` → ``…/lighthouse_catalogue``) so that every
    service owns its data.  `<COMPONENT>_DATABASE_URL` overrides that for one
    component, verbatim.
    """

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    env: Literal["development", "test", "production"] = Field("development", alias="LL_ENV")
    var_dir: Path = Field(ROOT / "var", alias="LL_VAR_DIR")
    database_url: str | None = Field(None, alias="DATABASE_URL")
    catalogue_database_url: str | None = Field(None, alias="CATALOGUE_DATABASE_URL")
    bookings_database_url: str | None = Field(None, alias="BOOKINGS_DATABASE_URL")
    networks_database_url: str | None = Field(None, alias="NETWORKS_DATABASE_URL")
    gateway_database_url: str | None = Field(None, alias="GATEWAY_DATABASE_URL")

    # Each secret has one purpose (see NEEDS below for who holds which).
    # Signs the gateway's session cookies; never leaves the gateway.
    secret_key: str = Field(DEV_SECRET, alias="LL_SECRET_KEY")
    # Signs the one-click links in emails (answering an invitation from the inbox):
    # written by the service that sends the mail, read by the gateway.
    link_secret: str = Field(DEV_LINK_SECRET, alias="LL_LINK_SECRET")
    # PEM text of the gateway's Ed25519 key pair; in development generated under var/keys.
    service_token_private_key: str | None = Field(None, alias="LL_SERVICE_TOKEN_PRIVATE_KEY")
    service_token_public_key: str | None = Field(None, alias="LL_SERVICE_TOKEN_PUBLIC_KEY")
    # The key pairs with which the catalogue and networks sign the facts they deliver
    # to the services keeping copies of them (shared.facts): the private key for the
    # publisher alone, the public one for its keepers.
    catalogue_token_private_key: str | None = Field(None, alias="LL_CATALOGUE_TOKEN_PRIVATE_KEY")
    catalogue_token_public_key: str | None = Field(None, alias="LL_CATALOGUE_TOKEN_PUBLIC_KEY")
    networks_token_private_key: str | None = Field(None, alias="LL_NETWORKS_TOKEN_PRIVATE_KEY")
    networks_token_public_key: str | None = Field(None, alias="LL_NETWORKS_TOKEN_PUBLIC_KEY")
    # Creates PaymentIntents and Refunds: bookings alone talks to Stripe's API.
    stripe_secret_key: str = Field(DEV_STRIPE_SECRET_KEY, alias="LL_STRIPE_SECRET_KEY")
    # Checks the signature of Stripe's webhooks, which arrive at the gateway.
    stripe_webhook_secret: str = Field(DEV_STRIPE_WEBHOOK_SECRET, alias="LL_STRIPE_WEBHOOK_SECRET")
    # Unset: Stripe itself in production, localstripe everywhere else.
    stripe_api_base: str | None = Field(None, alias="LL_STRIPE_API_BASE")
    # Not a secret: Stripe.js on the card page identifies the account with it.
    stripe_publishable_key: str = Field("pk_test_dev-only", alias="LL_STRIPE_PUBLISHABLE_KEY")
    stripe_timeout_seconds: float = Field(10.0, alias="LL_STRIPE_TIMEOUT", gt=0, le=60)
    service_token_ttl_seconds: int = Field(60, alias="LL_SERVICE_TOKEN_TTL", ge=5, le=900)

    catalogue_url: str = Field("http://127.0.0.1:8001", alias="LL_CATALOGUE_URL")
    bookings_url: str = Field("http://127.0.0.1:8002", alias="LL_BOOKINGS_URL")
    networks_url: str = Field("http://127.0.0.1:8003", alias="LL_NETWORKS_URL")
    public_url: str = Field("http://127.0.0.1:8000", alias="LL_PUBLIC_URL")

    oidc_issuer: str = Field("http://127.0.0.1:9400", alias="LL_OIDC_ISSUER")
    oidc_client_id: str = Field("lighthouse-learning", alias="LL_OIDC_CLIENT_ID")
    oidc_client_secret: str = Field("lighthouse-dev-client-secret", alias="LL_OIDC_CLIENT_SECRET")
    # Email domains the default provider answers for (comma-separated): a first sign-in
    # from it with an address there finds the person by email even when the provider
    # does not send email_verified (Microsoft Entra ID does not).
    oidc_trusted_domains: str = Field("", alias="LL_OIDC_TRUSTED_DOMAINS")
    # Further providers as JSON: [{"name": "acme", "label": "Acme Academy", "issuer": …,
    # "client_id": …, "client_secret": …, "trusted_domains": ["acme.sch.uk"]}]
    oidc_extra_providers: str = Field("[]", alias="LL_OIDC_EXTRA_PROVIDERS")

    graphql_max_depth: int = Field(10, alias="LL_GRAPHQL_MAX_DEPTH", ge=3, le=30)
    # Points a GraphQL operation may cost: one per field, times the size of each list
    # it sits in (gateway/graph/limits.py).  The heaviest page (the admins' people
    # search) costs less than half of it; a thousand aliases of `networks { id }`, twice.
    graphql_max_cost: int = Field(10_000, alias="LL_GRAPHQL_MAX_COST", ge=100, le=10_000_000)
    graphql_max_backend_calls: int = Field(50, alias="LL_GRAPHQL_MAX_BACKEND_CALLS", ge=5, le=10_000)
    backend_timeout_seconds: float = Field(5.0, alias="LL_BACKEND_TIMEOUT", gt=0, le=60)
    seed_demo_data: bool = Field(True, alias="LL_SEED_DEMO_DATA")
    # smtp://host:port (or smtp+starttls://user:pass@host:587); unset: the local mailbox
    smtp_url: str | None = Field(None, alias="SMTP_URL")
    waitlist_offer_hours: int = Field(24, alias="LL_WAITLIST_OFFER_HOURS", ge=1, le=168)
    # How long a card order holds its places while the buyer pays (then the bookings
    # scheduler gives them back).
    order_hold_minutes: int = Field(15, alias="LL_ORDER_HOLD_MINUTES", ge=1, le=24 * 60)
    # What the trust's invoices and credit notes say about who issues them.  Education
    # supplied by an eligible body (a school, an academy trust) is exempt from VAT.
    trust_name: str = Field("Lighthouse Learning Trust", alias="LL_TRUST_NAME", min_length=1, max_length=160)
    # Lines separated by commas or newlines, as it is printed.
    trust_address: str = Field("Lighthouse Learning Trust, 1 Harbour Road, Portsmouth, PO1 1AA",
                               alias="LL_TRUST_ADDRESS", min_length=1, max_length=500)
    vat_status: str = Field("Exempt: education supplied by an eligible body", alias="LL_VAT_STATUS", min_length=1,
                            max_length=200)
    payment_terms_days: int = Field(30, alias="LL_PAYMENT_TERMS_DAYS", ge=0, le=120)

    # The video library (services/catalogue/videos).  Signs the short-lived playback
    # URLs of videos and poster frames: the catalogue's web process alone holds it.
    video_url_key: str = Field(DEV_VIDEO_URL_KEY, alias="LL_VIDEO_URL_KEY")
    # How long a playback URL works once handed out (a player asks for a new one after).
    video_url_ttl_seconds: int = Field(600, alias="LL_VIDEO_URL_TTL", ge=30, le=24 * 3600)
    # The largest file an upload may declare (tus Upload-Length): 2 GiB.
    video_max_bytes: int = Field(2 * 1024**3, alias="LL_VIDEO_MAX_BYTES", ge=1024 * 1024, le=50 * 1024**3)
    # Hosts a LINK video may be on (comma-separated; a subdomain of one is not allowed).
    video_link_hosts: str = Field("www.youtube.com,youtube.com,youtu.be,vimeo.com,player.vimeo.com",
                                  alias="LL_VIDEO_LINK_HOSTS")
    # Where videos are kept: an S3-compatible bucket when LL_VIDEO_S3_BUCKET is set (it
    # must be in production: the catalogue runs on several machines), else a folder.
    video_storage_dir: Path | None = Field(None, alias="LL_VIDEO_STORAGE_DIR")  # unset: var/videos
    video_s3_bucket: str | None = Field(None, alias="LL_VIDEO_S3_BUCKET")
    video_s3_endpoint: str | None = Field(None, alias="LL_VIDEO_S3_ENDPOINT")  # unset: AWS itself
    video_s3_region: str = Field("eu-west-2", alias="LL_VIDEO_S3_REGION")
    video_s3_access_key_id: str | None = Field(None, alias="LL_VIDEO_S3_ACCESS_KEY_ID")
    video_s3_secret_access_key: str | None = Field(None, alias="LL_VIDEO_S3_SECRET_ACCESS_KEY")
    # Local disk for a chunk on its way in and a finished upload being checked (it is
    # assembled here to be probed with ffprobe): room for the largest file, twice.
    video_scratch_dir: Path | None = Field(None, alias="LL_VIDEO_SCRATCH_DIR")  # unset: var/video-scratch
    # How much of a video (its playing time) a person must have watched for its minutes to
    # go into their CPD record, once: 0.9 lets the closing credits go unwatched.
    video_cpd_share: float = Field(0.9, alias="LL_VIDEO_CPD_SHARE", gt=0, le=1)

    @field_validator("oidc_trusted_domains")
    @classmethod
    def _domains_are_domains(cls, value: str) -> str:
        _listed_domains(value)
        return value

    @field_validator("oidc_extra_providers")
    @classmethod
    def _providers_are_well_formed(cls, value: str) -> str:
        extra_providers(value)
        return value

    @property
    def oidc_trusted_domain_set(self) -> frozenset[str]:
        return _listed_domains(self.oidc_trusted_domains)

    @property
    def mailbox_dir(self) -> Path:
        return self.var_dir / "mailbox"

    @property
    def video_storage_path(self) -> Path:
        return self.video_storage_dir or self.var_dir / "videos"

    @property
    def video_scratch_path(self) -> Path:
        return self.video_scratch_dir or self.var_dir / "video-scratch"

    @property
    def video_link_host_set(self) -> frozenset[str]:
        return frozenset(h.strip().lower() for h in self.video_link_hosts.split(",") if h.strip())

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> "Settings":
        if self.env == "production":
            problems = []
            # (a development value is refused by refuse_unsafe_start, to the components needing it)
            if self.secret_key not in _DEV_VALUES and len(self.secret_key) < 32:
                problems.append("LL_SECRET_KEY must be a random value of 32+ characters")
            if self.link_secret not in _DEV_VALUES and len(self.link_secret) < 32:
                problems.append("LL_LINK_SECRET must be a random value of 32+ characters")
            if self.link_secret == self.secret_key:
                problems.append("LL_LINK_SECRET must differ from LL_SECRET_KEY (each secret has one purpose)")
            if self.video_url_key not in _DEV_VALUES and len(self.video_url_key) < 32:
                problems.append("LL_VIDEO_URL_KEY must be a random value of 32+ characters")
            if self.video_url_key in (self.secret_key, self.link_secret):
                problems.append("LL_VIDEO_URL_KEY must differ from the other secrets (each secret has one purpose)")
            if self.stripe_api_base and not self.stripe_api_base.startswith("https://"):
                problems.append("LL_STRIPE_API_BASE must be Stripe's own https address (or unset) in production")
            if not self.database_url and not any(
                getattr(self, f"{c}_database_url") for c in COMPONENTS
            ):
                problems.append("DATABASE_URL must point at PostgreSQL")
            if problems:
                raise ValueError("refusing to start in production: " + "; ".join(problems))
        return self

    def refuse_unsafe_start(self, component: str, command: str = "web") -> None:
        """In production, refuse to run `component`'s `command` (web or scheduler) without
        the secrets it needs, with a development value of one, or holding a secret that
        is not its own (a service that leaked the cookie secret would let anyone forge a
        signed-in session)."""
        if self.env != "production":
            return
        problems = []
        needs = NEEDS[component, command]
        for name in needs:
            value = getattr(self, name)
            if not value or value in _DEV_VALUES:
                problems.append(f"{_ENV_NAME[name]} must be set")
        for name in SETTINGS_NEEDED.get((component, command), ()):
            if not getattr(self, name):
                problems.append(f"{_ENV_NAME[name]} must be set")
        for name in _SECRETS - set(needs):
            if getattr(self, name) not in (None, *_DEV_VALUES):
                problems.append(f"{_ENV_NAME[name]} is not a secret of the {component}; remove it from its environment")
        if problems:
            raise RuntimeError(f"refusing to start the {component} in production: " + "; ".join(problems))

    @property
    def stripe_api_url(self) -> str | None:
        """The Stripe API the official library talks to: None means Stripe's own."""
        if self.stripe_api_base:
            return self.stripe_api_base.rstrip("/")
        return None if self.env == "production" else DEV_STRIPE_API_BASE

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    def database_url_for(self, component: str) -> str:
        own = getattr(self, f"{component}_database_url", None)
        if own:
            return own
        if self.database_url:
            base, _, name = self.database_url.rpartition("/")
            name, _, query = name.partition("?")
            return f"{base}/{name}_{component}" + (f"?{query}" if query else "")
        return f"sqlite:///{self.var_dir / f'{component}.sqlite3'}"

    def service_url(self, component: str) -> str:
        return getattr(self, f"{component}_url")

    @cached_property
    def keys_dir(self) -> Path:
        return self.var_dir / "keys"

    def public_key_pem(self, issuer: str = "gateway") -> str:
        """The public key that checks tokens `issuer` signs (the gateway's, or a
        publishing service's)."""
        return self._key_pem(issuer, 1)

    def private_key_pem(self, issuer: str = "gateway") -> str:
        return self._key_pem(issuer, 0)

    def _key_pem(self, issuer: str, part: int) -> str:
        """`issuer`'s private (0) or public (1) key: as set, else (outside production)
        the development pair under var/keys."""
        name = _KEY_FIELDS[issuer][part]
        if getattr(self, name):
            return getattr(self, name)
        if self.env == "production":
            raise RuntimeError(f"{_ENV_NAME[name]} must be set for the {issuer} in production")
        return _dev_keypair(self.keys_dir, issuer)[part]


# Who signs tokens, and the settings holding its key pair (private, public).
_KEY_FIELDS = {
    "gateway": ("service_token_private_key", "service_token_public_key"),
    "catalogue": ("catalogue_token_private_key", "catalogue_token_public_key"),
    "networks": ("networks_token_private_key", "networks_token_public_key"),
}
# The secrets and private keys: each held by the components that need it, and no other.
_SECRETS = {"secret_key", "link_secret", "stripe_secret_key", "stripe_webhook_secret", "video_url_key",
            "video_s3_access_key_id", "video_s3_secret_access_key",
            *(private for private, _ in _KEY_FIELDS.values())}
# What each process needs in production (deploy/ gives each exactly this).  The gateway
# signs cookies and service tokens and reads email links; networks writes email links
# (its scheduler too: reminders carry them); each publisher signs the facts it delivers
# (after a commit in its web process, and from its scheduler), and bookings, which keeps
# copies of them, checks each with its publisher's public key.  Bookings' web process
# creates PaymentIntents and Refunds with the Stripe key, and its scheduler asks Stripe
# about payments whose webhook never came (and refunds those whose places had gone);
# the gateway's checks the signature of Stripe's webhooks and hands bookings the event.
# The catalogue's web process signs and checks videos' playback URLs and reads and
# writes their files in the bucket; its scheduler deletes abandoned uploads there.
NEEDS = {
    ("gateway", "web"): ("secret_key", "link_secret", "service_token_private_key", "stripe_webhook_secret"),
    ("gateway", "scheduler"): ("service_token_private_key",),
    ("catalogue", "web"): ("service_token_public_key", "catalogue_token_private_key", "networks_token_public_key",
                           "video_url_key", "video_s3_access_key_id", "video_s3_secret_access_key"),
    ("catalogue", "scheduler"): ("catalogue_token_private_key", "video_s3_access_key_id",
                                 "video_s3_secret_access_key"),
    ("bookings", "web"): ("service_token_public_key", "catalogue_token_public_key", "networks_token_public_key",
                          "stripe_secret_key"),
    ("bookings", "scheduler"): ("stripe_secret_key",),
    ("networks", "web"): ("service_token_public_key", "link_secret", "networks_token_private_key"),
    ("networks", "scheduler"): ("link_secret", "networks_token_private_key"),
}
# Settings that are not secret but that a process cannot do without in production: the
# catalogue's videos must live in the bucket, never on one machine's disk.
SETTINGS_NEEDED = {
    ("catalogue", "web"): ("video_s3_bucket",),
    ("catalogue", "scheduler"): ("video_s3_bucket",),
}
_ENV_NAME = {name: field.alias for name, field in Settings.model_fields.items()}


_PROVIDER_KEYS = {"name", "label", "issuer", "client_id", "client_secret", "trusted_domains"}


def extra_providers(value: str) -> list[dict]:
    """LL_OIDC_EXTRA_PROVIDERS read and checked, `trusted_domains` as a frozenset.  A
    mistake refuses to start rather than trusting something unintended (a string where
    a list belongs would otherwise trust each of its letters)."""
    try:
        providers = json.loads(value or "[]")
    except ValueError as exc:
        raise ValueError(f"LL_OIDC_EXTRA_PROVIDERS is not JSON: {exc}") from None
    if not isinstance(providers, list) or not all(isinstance(p, dict) for p in providers):
        raise ValueError("LL_OIDC_EXTRA_PROVIDERS must be a JSON list of objects")
    checked = []
    for provider in providers:
        name = provider.get("name", "?")
        missing = [k for k in ("name", "issuer", "client_id", "client_secret") if not isinstance(provider.get(k), str)]
        if missing:
            raise ValueError(f"LL_OIDC_EXTRA_PROVIDERS: provider {name} needs {', '.join(missing)} (text)")
        unknown = set(provider) - _PROVIDER_KEYS
        if unknown:
            raise ValueError(f"LL_OIDC_EXTRA_PROVIDERS: provider {name} has unknown keys {', '.join(sorted(unknown))}")
        domains = provider.get("trusted_domains", [])
        if not isinstance(domains, list):
            raise ValueError(f"LL_OIDC_EXTRA_PROVIDERS: trusted_domains of {name} must be a list of domains")
        checked.append({**provider, "trusted_domains": email_domains(domains, f"trusted_domains of {name}")})
    return checked


def _listed_domains(value: str) -> frozenset[str]:
    return email_domains([d for d in value.split(",") if d.strip()], "LL_OIDC_TRUSTED_DOMAINS")


def email_domains(values: list, where: str) -> frozenset[str]:
    """Domains as the part of an address after the @, compared exactly (no subdomains)."""
    domains = set()
    for value in values:
        domain = value.strip().lower() if isinstance(value, str) else ""
        if not domain or "@" in domain or "." not in domain or any(ch.isspace() for ch in domain):
            raise ValueError(f"{where}: {value!r} is not an email domain (like northfield.sch.uk)")
        domains.add(domain)
    return frozenset(domains)


def _dev_keypair(keys_dir: Path, issuer: str = "gateway") -> tuple[str, str]:
    """A development key pair of `issuer`, kept under var/keys (never in the repository)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    stem = "service-token" if issuer == "gateway" else f"{issuer}-token"
    private_path, public_path = keys_dir / f"{stem}.pem", keys_dir / f"{stem}.pub.pem"
    if not private_path.exists():
        keys_dir.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        tmp = private_path.with_suffix(".tmp")
        tmp.write_bytes(private_pem)
        tmp.chmod(0o600)
        public_path.write_bytes(public_pem)
        tmp.replace(private_path)  # atomic: several processes may start at once
    return private_path.read_text(), public_path.read_text()


def get_settings(**overrides) -> Settings:
    return Settings(**overrides)
