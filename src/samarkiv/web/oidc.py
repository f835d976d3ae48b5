"""Single sign-on with the municipality's OpenID Connect provider (authlib's Django client).

Why so strict: a valid login at the municipal identity provider says who someone is,
not that they may see any municipality's records. So an SSO login never creates a user
or a role; it only finds the local account the archivist already made:

1. an ``OidcIdentity`` with the token's issuer and subject, else
2. exactly one active local user with the token's e-mail, when the provider says the
   e-mail is verified; that identity is then linked (and the link audited), else
3. refusal, with a page telling the person to ask their archivist.

State and nonce are checked by authlib; the ID token's signature, issuer, audience and
expiry by authlib against the provider's published metadata and keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.contrib.auth import get_user_model

from samarkiv.accounts.models import OidcIdentity
from samarkiv.accounts.scope import Scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.service import record

CLIENT_NAME = "samarkiv"
SCOPES = "openid email profile"

_clients: dict[tuple, object] = {}


def oidc_config() -> dict[str, str] | None:
    return getattr(settings, "SAMARKIV_OIDC", None) or None


def oidc_client():
    """The authlib client for the configured provider (one per configuration, cached,
    so the provider's metadata and keys are fetched once, not on every login)."""
    config = oidc_config()
    if config is None:
        return None
    key = tuple(sorted(config.items()))
    if key not in _clients:
        oauth = OAuth()
        _clients[key] = oauth.register(
            name=CLIENT_NAME,
            client_id=config["client_id"],
            client_secret=config.get("client_secret") or None,
            server_metadata_url=config["server_metadata_url"],
            client_kwargs={"scope": SCOPES},
        )
    return _clients[key]


@dataclass
class Identity:
    """What the ID token says about the person (validated claims only)."""

    issuer: str
    subject: str
    email: str = ""
    email_verified: bool = False

    @classmethod
    def from_claims(cls, claims: dict) -> Identity:
        return cls(
            issuer=str(claims.get("iss") or ""),
            subject=str(claims.get("sub") or ""),
            email=str(claims.get("email") or "").strip(),
            email_verified=claims.get("email_verified") is True,
        )


def find_user(identity: Identity):
    """The local account for this identity, linking it by verified e-mail; else None."""
    if not identity.issuer or not identity.subject:
        return None
    linked = (
        OidcIdentity.objects.filter(issuer=identity.issuer, subject=identity.subject)
        .select_related("user")
        .first()
    )
    if linked is not None:
        return linked.user if linked.user.is_active else None
    if not (identity.email and identity.email_verified):
        return None
    users = list(get_user_model().objects.filter(email__iexact=identity.email, is_active=True)[:2])
    if len(users) != 1:
        return None  # none, or ambiguous: never guess whose account it is
    return _link(users[0], identity)


def _link(user, identity: Identity):
    row = OidcIdentity.objects.create(user=user, issuer=identity.issuer, subject=identity.subject)
    record(
        Scope(actor=f"user:{user.get_username()}", user_id=user.pk),
        AuditAction.ACCESS_GRANT,
        obj=row,
        tenant="",
        detail={
            "linked": "oidc_identity",
            "issuer": identity.issuer,
            "subject": identity.subject,
            "by": "verified_email",
        },
    )
    return user
