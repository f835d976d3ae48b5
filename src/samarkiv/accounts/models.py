"""Who may act where: memberships (role in a tenant), emergency grants, API tokens."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarkiv.accounts.roles import Role


class Membership(models.Model):
    """One role of one person (or business system) in one tenant.

    A user may hold several roles in several tenants; each request acts in one tenant
    and gets the union of the user's roles there.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("roll"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant", "role"], name="one_role_once")
        ]
        ordering = ["tenant", "role"]
        verbose_name = _("roll i kommun")
        verbose_name_plural = _("roller i kommuner")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.tenant_id}"


class EmergencyGrant(models.Model):
    """Time-limited content access for host staff in one tenant, always logged.

    Why: the host's IT archivists have no content access, but a broken package or a
    failed migration sometimes needs a look inside. The grant names who, where, why and
    until when; it is recorded in the audit log when made, used and revoked.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="emergency_grants"
    )
    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.CASCADE)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("skäl"))
    starts_at = models.DateTimeField(_("från"), default=timezone.now)
    expires_at = models.DateTimeField(_("till"))
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("nödåtkomst")
        verbose_name_plural = _("nödåtkomster")

    def active_at(self, when) -> bool:
        return self.revoked_at is None and self.starts_at <= when < self.expires_at


class ApiToken(models.Model):
    """A business system's key to the delivery API: one tenant, one agreement.

    Only a SHA-256 digest of the secret is kept (the secret is random, 256 bits, so a
    slow password hash adds nothing but latency); the prefix finds the row.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("namn"), max_length=128)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.CASCADE)
    agreement = models.ForeignKey(
        "delivery.SubmissionAgreement", on_delete=models.PROTECT, related_name="tokens"
    )
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class OidcIdentity(models.Model):
    """A single-sign-on identity (issuer + subject) linked to a local account.

    Accounts are never created from a login alone: an archivist or administrator links
    the identity (or the e-mail matches an existing account), so a stranger with a valid
    login at the municipal IdP gets no roles.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_identity_once")
        ]
