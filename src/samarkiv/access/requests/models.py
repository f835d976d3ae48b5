"""Requests for public records (begäran om allmän handling), their decisions and deliveries.

Why the request carries the owning municipality and never a host choice: TF 2 kap. and
OSL give the decision to the authority that holds the record, so the tenant is copied
from the record (or the stub, or the municipality the requester picked for a free-text
request) when the request is received, and every staff query is narrowed to it.

Why secrets are stored only as SHA-256: the follow-up key and the download tokens are
bearer credentials; a leaked database must not let anyone read a requester's status
or download released copies.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarkiv.access.requests.choices import Outcome, ReleasedKind, RequestState, TargetKind


class RequestCounter(models.Model):
    """The last number given out per year (BEG-<year>-<sequence>)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class AccessRequest(models.Model):
    """One request, anonymous unless the requester gave an e-mail address for delivery."""

    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("ärendenummer"), max_length=32, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    secret_digest = models.CharField(max_length=64)
    target_kind = models.CharField(_("avser"), max_length=16, choices=TargetKind.choices)
    record_id = models.UUIDField(_("post"), null=True, blank=True, db_index=True)
    target_summary = models.TextField(_("begärd handling"), blank=True)  # public data only
    description = models.TextField(_("beskrivning av handlingen"), blank=True)
    message = models.TextField(_("meddelande"), blank=True)
    email = models.EmailField(_("e-postadress"), blank=True)
    received_at = models.DateTimeField(_("mottagen"), default=timezone.now)
    state = models.CharField(
        _("status"), max_length=16, choices=RequestState.choices, default=RequestState.RECEIVED
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(_("beslutad"), null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="request_number_per_year")
        ]
        indexes = [models.Index(fields=["tenant", "state"])]
        verbose_name = _("begäran om allmän handling")
        verbose_name_plural = _("begäranden om allmän handling")

    def __str__(self) -> str:
        return self.number


class RequestDecision(models.Model):
    """The written decision (bifall / delvis bifall / avslag) with its appeal text."""

    request = models.OneToOneField(AccessRequest, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("beslut"), max_length=16, choices=Outcome.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(_("beslutad av"), max_length=255, blank=True)
    reasoning = models.TextField(_("motivering"), blank=True)
    ground = models.CharField(_("sekretessgrund (OSL)"), max_length=255, blank=True)
    appeal_text = models.TextField(_("hur man överklagar"), blank=True)
    reservation = models.TextField(_("förbehåll"), blank=True)
    masked_fields = models.JSONField(default=list)
    decided_at = models.DateTimeField(default=timezone.now)

    def masked_labels(self) -> list[str]:
        """The masked metadata fields by their Swedish names."""
        from samarkiv.access.requests.choices import MASKABLE_FIELDS

        return [str(MASKABLE_FIELDS.get(key, key)) for key in self.masked_fields]


class ReleasedFile(models.Model):
    """A copy made for this request (masked or not); the AIP's original is never touched."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="released")
    kind = models.CharField(max_length=16, choices=ReleasedKind.choices, default=ReleasedKind.FILE)
    aip_id = models.CharField(max_length=64, blank=True)
    source_path = models.CharField(max_length=1024, blank=True)  # inside the AIP
    name = models.CharField(_("fil"), max_length=255)
    stored_name = models.CharField(max_length=255)  # under released/<request number>/
    masked = models.BooleanField(_("maskerad"), default=False)
    masking = models.JSONField(default=dict)  # {"pages": [...], "region": [...], "fields": [...]}
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    mime = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["request", "pk"]


class DownloadLink(models.Model):
    """An expiring link to the released copies of one request."""

    request = models.ForeignKey(AccessRequest, on_delete=models.CASCADE, related_name="links")
    token_digest = models.CharField(max_length=64, unique=True)
    salt = models.CharField(max_length=32)  # the token is HMAC(SECRET_KEY, number + salt)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("giltig till"))
    download_count = models.PositiveIntegerField(default=0)
    last_download_at = models.DateTimeField(null=True, blank=True)
    expiry_logged = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at
