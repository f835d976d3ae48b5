"""AIPs in the catalogue: derived from the stored packages, which remain the truth.

Every row here can be rebuilt from METS + PREMIS in storage; a row exists only after
the stored copy it describes has been written and verified.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarkiv.preservation.choices import (
    AipState,
    AuditState,
    EventTypeChoice,
    FindingKind,
    FindingState,
    OutcomeChoice,
)


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
    # The submission agreement's code: its storage policy is the one replication and
    # audits hold the AIP to ("" = the tenant's policy, as for AIPs from before).
    agreement = models.CharField(
        _("leveransöverenskommelse"), max_length=64, blank=True, default=""
    )

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


class AuditRun(models.Model):
    """One fixity audit: its scope, its progress and its summary (one row per run)."""

    location = models.CharField(_("lagringsplats"), max_length=64, blank=True, db_index=True)
    tenant = models.ForeignKey(
        "catalog.Tenant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_runs",
    )
    sample_pct = models.PositiveSmallIntegerField(_("stickprov (%)"), default=100)
    started_at = models.DateTimeField(_("påbörjad"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("avslutad"), null=True, blank=True)
    state = models.CharField(
        _("status"), max_length=16, choices=AuditState.choices, default=AuditState.RUNNING
    )
    aips_checked = models.PositiveIntegerField(_("kontrollerade AIP:er"), default=0)
    files_checked = models.PositiveBigIntegerField(_("kontrollerade filer"), default=0)
    bytes_checked = models.PositiveBigIntegerField(_("kontrollerade byte"), default=0)
    problems_found = models.PositiveIntegerField(_("fel"), default=0)
    repaired = models.PositiveIntegerField(_("reparerade"), default=0)
    unrepairable = models.PositiveIntegerField(_("ej reparerade"), default=0)
    damaged_aips = models.PositiveIntegerField(_("skadade AIP:er"), default=0)
    message = models.TextField(_("meddelande"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("fixitetskontroll")
        verbose_name_plural = _("fixitetskontroller")

    def __str__(self) -> str:
        return f"audit {self.pk} of {self.location or 'all'} ({self.state})"

    @property
    def healthy(self) -> bool:
        """Finished, and nothing left that an archivist must see to."""
        return self.state == AuditState.DONE and self.unrepairable == 0


class AuditFinding(models.Model):
    """One problem an audit found in one stored copy, and what became of it: the alert.

    ``aip`` does not cascade and has no database constraint on purpose: findings are
    the audit trail and must outlive a ``rebuild-catalog``, which deletes and recreates
    the AIP rows (with the same ids, so the link comes back by itself).
    """

    run = models.ForeignKey(AuditRun, on_delete=models.CASCADE, related_name="findings")
    aip = models.ForeignKey(
        Aip,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="audit_findings",
    )
    location = models.CharField(_("lagringsplats"), max_length=64, db_index=True)
    content_path = models.CharField(_("lagrad fil"), max_length=1024, blank=True)
    logical_path = models.CharField(_("sökväg"), max_length=1024, blank=True)
    kind = models.CharField(_("typ"), max_length=16, choices=FindingKind.choices)
    state = models.CharField(_("status"), max_length=16, choices=FindingState.choices)
    expected_sha256 = models.CharField(max_length=64, blank=True)
    actual_sha256 = models.CharField(max_length=64, blank=True)
    repaired_from = models.CharField(_("reparerad från"), max_length=64, blank=True)
    detail = models.TextField(_("beskrivning"), blank=True)
    created_at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    acknowledged_at = models.DateTimeField(_("kvitterad"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("avvikelse")
        verbose_name_plural = _("avvikelser")

    def __str__(self) -> str:
        return f"{self.kind} {self.content_path or self.aip_id} in {self.location} ({self.state})"

    @property
    def is_alert(self) -> bool:
        """What the staff must see: anything not repaired, until someone acknowledges it."""
        return self.state != FindingState.REPAIRED and self.acknowledged_at is None
