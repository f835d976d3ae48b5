"""AIPs in the catalogue: derived from the stored packages, which remain the truth.

Every row here can be rebuilt from METS + PREMIS in storage; a row exists only after
the stored copy it describes has been written and verified.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from samarkiv.preservation.choices import AipState, EventTypeChoice, OutcomeChoice


class Aip(models.Model):
    id = models.CharField(_("AIP-id"), primary_key=True, max_length=64)  # urn:uuid:...
    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="aips")
    sip_objid = models.CharField(_("SIP-id"), max_length=255, db_index=True)
    label = models.CharField(_("benämning"), max_length=500, blank=True)
    fingerprint = models.CharField(_("innehållsfingeravtryck"), max_length=64, db_index=True)
    state = models.CharField(max_length=16, choices=AipState.choices, default=AipState.PRESERVED)
    version = models.CharField(_("version"), max_length=16, default="v1")
    file_count = models.PositiveIntegerField(_("filer"), default=0)
    bytes = models.PositiveBigIntegerField(_("byte"), default=0)
    created_at = models.DateTimeField(_("skapad"), db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("arkivpaket (AIP)")
        verbose_name_plural = _("arkivpaket (AIP)")

    def __str__(self) -> str:
        return f"{self.id} ({self.tenant_id})"


class AipFile(models.Model):
    aip = models.ForeignKey(Aip, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(_("sökväg"), max_length=1024)
    size = models.PositiveBigIntegerField(_("storlek"))
    sha256 = models.CharField(max_length=64)
    puid = models.CharField(_("PRONOM-id"), max_length=32, blank=True, db_index=True)
    format_name = models.CharField(_("format"), max_length=255, blank=True)
    format_version = models.CharField(_("formatversion"), max_length=64, blank=True)
    mime = models.CharField(_("MIME-typ"), max_length=255, blank=True)

    class Meta:
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["aip", "path"], name="aip_file_path")]


class StoredCopy(models.Model):
    """One verified copy of an AIP version in one storage location."""

    aip = models.ForeignKey(Aip, on_delete=models.CASCADE, related_name="copies")
    location = models.CharField(_("lagringsplats"), max_length=64)
    version = models.CharField(_("version"), max_length=16)
    url = models.CharField(_("adress"), max_length=1024)
    verified_at = models.DateTimeField(_("verifierad"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["aip", "location", "version"], name="copy_per_version")
        ]


class PreservationEvent(models.Model):
    """A PREMIS event, mirrored from the AIP's PREMIS file (or an ingest that failed)."""

    identifier = models.UUIDField(primary_key=True)
    aip = models.ForeignKey(Aip, null=True, on_delete=models.CASCADE, related_name="events")
    ingest = models.ForeignKey(
        "ingest.Ingest", null=True, on_delete=models.CASCADE, related_name="events"
    )
    event_type = models.CharField(_("händelse"), max_length=64, choices=EventTypeChoice.choices)
    date_time = models.DateTimeField(_("tidpunkt"), db_index=True)
    outcome = models.CharField(_("utfall"), max_length=16, choices=OutcomeChoice.choices)
    detail = models.TextField(_("beskrivning"), blank=True)
    outcome_detail = models.TextField(_("utfallsdetaljer"), blank=True)
    agent = models.CharField(_("agent"), max_length=255, blank=True)

    class Meta:
        ordering = ["date_time"]
