"""Catalogue records of the ingest domain."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarkiv.ingest.choices import IngestState, ValidationSource


class ValidationRun(models.Model):
    """One validation of one package, with its full report kept as JSON.

    The counts are stored beside the report so that lists can show and sort them
    without reading every report. A report lists the package's file paths, so it
    belongs to the tenant it was made in and to the person who uploaded the package:
    runs made before tenancy (and demo runs) may lack the uploader.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, db_index=True)
    package_name = models.CharField(_("paket"), max_length=255)
    specification = models.CharField(_("specifikation"), max_length=32)
    valid = models.BooleanField(_("giltigt"))
    error_count = models.PositiveIntegerField(_("fel"), default=0)
    warning_count = models.PositiveIntegerField(_("varningar"), default=0)
    info_count = models.PositiveIntegerField(_("upplysningar"), default=0)
    report = models.JSONField(_("rapport"), encoder=DjangoJSONEncoder)
    source = models.CharField(_("källa"), max_length=8, choices=ValidationSource.choices)
    tenant = models.ForeignKey(
        "catalog.Tenant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="validation_runs",
        verbose_name=_("kommun"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uppladdad av"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("valideringskörning")
        verbose_name_plural = _("valideringskörningar")

    def __str__(self) -> str:
        return f"{self.package_name} ({self.specification})"

    @property
    def findings(self) -> list[dict]:
        return list(self.report.get("findings", []))


class Ingest(models.Model):
    """One delivery on its way from SIP to AIP; its state is an enum, its steps events."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="ingests")
    agreement = models.CharField(_("leveransöverenskommelse"), max_length=255, blank=True)
    source_name = models.CharField(_("leverans"), max_length=500)
    state = models.CharField(
        _("status"), max_length=16, choices=IngestState.choices, default=IngestState.RECEIVING
    )
    created_at = models.DateTimeField(_("påbörjad"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    sip_objid = models.CharField(_("SIP-id"), max_length=255, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    file_count = models.PositiveIntegerField(_("filer"), default=0)
    bytes = models.PositiveBigIntegerField(_("byte"), default=0)
    aip_id = models.CharField(_("AIP-id"), max_length=64, blank=True, db_index=True)
    message = models.TextField(_("meddelande"), blank=True)
    validation = models.JSONField(_("valideringsrapport"), null=True, encoder=DjangoJSONEncoder)
    receipt = models.JSONField(_("kvitto"), null=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inleverans")
        verbose_name_plural = _("inleveranser")

    def __str__(self) -> str:
        return f"{self.source_name} → {self.tenant_id} ({self.state})"
