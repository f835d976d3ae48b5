"""Catalogue records of the ingest domain."""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarkiv.ingest.choices import ValidationSource


class ValidationRun(models.Model):
    """One validation of one package, with its full report kept as JSON.

    The counts are stored beside the report so that lists can show and sort them
    without reading every report.
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

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("valideringskörning")
        verbose_name_plural = _("valideringskörningar")

    def __str__(self) -> str:
        return f"{self.package_name} ({self.specification})"

    @property
    def findings(self) -> list[dict]:
        return list(self.report.get("findings", []))
