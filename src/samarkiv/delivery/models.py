"""Submission agreements, resumable uploads, and deliveries bound to an agreement."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarkiv.delivery.choices import DeliveryState, Specification, UploadState

MANUAL_AGREEMENT = "manuell-leverans"


class SubmissionAgreement(models.Model):
    """Leveransöverenskommelse: tenant × records creator × business system × information
    type, and what deliveries under it may contain and where they are stored."""

    tenant = models.ForeignKey(
        "catalog.Tenant", on_delete=models.PROTECT, related_name="agreements"
    )
    code = models.SlugField(_("kod"), max_length=64)
    name = models.CharField(_("namn"), max_length=255)
    records_creator = models.ForeignKey(
        "catalog.RecordsCreator", on_delete=models.PROTECT, null=True, blank=True
    )
    business_system = models.CharField(_("verksamhetssystem"), max_length=255, blank=True)
    information_type = models.CharField(_("informationstyp"), max_length=255, blank=True)
    specifications = models.JSONField(
        _("tillåtna specifikationer"), default=list, help_text=str(list(Specification.values))
    )
    allowed_formats = models.JSONField(
        _("tillåtna format (PRONOM)"),
        default=list,
        blank=True,
        help_text=_("Tom lista: alla format tas emot."),
    )
    storage_policy = models.CharField(
        _("lagringspolicy"),
        max_length=64,
        blank=True,
        help_text=_("Tom: kommunens standardpolicy."),
    )
    depositors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="agreements",
        verbose_name=_("får leverera"),
    )
    active = models.BooleanField(_("gäller"), default=True)
    valid_from = models.DateField(_("gäller från"), null=True, blank=True)
    valid_until = models.DateField(_("gäller till"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="agreement_code_per_tenant")
        ]
        ordering = ["tenant", "name"]
        verbose_name = _("leveransöverenskommelse")
        verbose_name_plural = _("leveransöverenskommelser")

    def __str__(self) -> str:
        return f"{self.name} ({self.tenant_id})"


class Upload(models.Model):
    """A resumable upload (tus): bytes arrive in PATCHes at an offset until complete."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT)
    agreement = models.ForeignKey(SubmissionAgreement, on_delete=models.PROTECT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    token = models.ForeignKey(
        "accounts.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("filnamn"), max_length=255)
    length = models.PositiveBigIntegerField(_("storlek"))
    offset = models.PositiveBigIntegerField(_("mottaget"), default=0)
    sha256 = models.CharField(_("SHA-256 (angiven)"), max_length=64, blank=True)
    state = models.CharField(
        max_length=16, choices=UploadState.choices, default=UploadState.RECEIVING
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("uppladdning")
        verbose_name_plural = _("uppladdningar")


class Delivery(models.Model):
    """Leverans: one SIP delivered under one agreement, on its way to an AIP.

    One upload makes at most one delivery (the unique key), so a client that retries
    "start ingest" after a dropped connection gets the same delivery back.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey(
        "catalog.Tenant", on_delete=models.PROTECT, related_name="deliveries"
    )
    agreement = models.ForeignKey(
        SubmissionAgreement, on_delete=models.PROTECT, related_name="deliveries"
    )
    upload = models.OneToOneField(
        Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="delivery"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    token = models.ForeignKey(
        "accounts.ApiToken", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("leverans"), max_length=255)
    state = models.CharField(
        _("status"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    ingest = models.OneToOneField(
        "ingest.Ingest", on_delete=models.PROTECT, null=True, blank=True, related_name="delivery"
    )
    message = models.TextField(_("meddelande"), blank=True)
    created_at = models.DateTimeField(_("mottagen"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("leverans")
        verbose_name_plural = _("leveranser")
