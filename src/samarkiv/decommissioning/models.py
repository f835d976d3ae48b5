"""A business system's decommissioning (avveckling), one step after another.

Why a fixed state machine: the certificate says the data was extracted, checked against
the live source, approved by an archivist and preserved, in that order. The states are
an enum and only the functions in ``workflow`` move them, each refusing a step out of
order and writing the audit log; there is no free-text state to type into.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DecommissioningState(models.TextChoices):
    INVENTORIED = "inventoried", _("Inventerad")
    EXTRACTED = "extracted", _("Uttagen")
    VERIFIED = "verified", _("Kontrollerad")
    REVIEWED = "reviewed", _("Godkänd")
    INGESTED = "ingested", _("Arkiverad")
    CERTIFIED = "certified", _("Intyg utfärdat")
    DECOMMISSIONED = "decommissioned", _("Avvecklad")


STATE_ORDER = [s.value for s in DecommissioningState]


class SourceKind(models.TextChoices):
    NONE = "", _("Inget uttag ännu")
    EXTRACTED = "extracted", _("Uttag ur databasen")
    UPLOADED = "uploaded", _("Uppladdad SIARD-fil")


class Decommissioning(models.Model):
    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="+")
    installation = models.ForeignKey(
        "planning.Installation", on_delete=models.PROTECT, related_name="decommissionings"
    )
    state = models.CharField(
        _("steg"),
        max_length=16,
        choices=DecommissioningState.choices,
        default=DecommissioningState.INVENTORIED,
    )
    source_description = models.TextField(_("källa"), blank=True)
    source_kind = models.CharField(
        _("uttag"), max_length=16, choices=SourceKind.choices, default="", blank=True
    )
    source_url = models.CharField(_("databasadress (utan lösenord)"), max_length=500, blank=True)
    siard_path = models.CharField(_("SIARD-fil"), max_length=1024, blank=True)
    siard_sha256 = models.CharField(max_length=64, blank=True)
    siard_bytes = models.PositiveBigIntegerField(default=0)
    verification = models.JSONField(_("kontrollresultat"), default=dict, blank=True)
    verified_ok = models.BooleanField(default=False)
    reviewer = models.CharField(_("granskad av"), max_length=255, blank=True)
    review_comment = models.TextField(_("kommentar"), blank=True)
    approved_at = models.DateTimeField(_("godkänd"), null=True, blank=True)
    aip_id = models.CharField(_("AIP-id"), max_length=64, blank=True)
    certificate_path = models.CharField(_("intyg"), max_length=1024, blank=True)
    certified_at = models.DateTimeField(null=True, blank=True)
    yearly_cost_saved = models.DecimalField(
        _("årlig besparing (kr)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decommissioned_at = models.DateTimeField(_("avvecklad"), null=True, blank=True)
    error = models.TextField(blank=True)
    # A long step running in the background ("extract", "ingest") and how far it got.
    running = models.CharField(max_length=16, blank=True)
    progress = models.CharField(max_length=300, blank=True)
    created_by = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("avveckling")
        verbose_name_plural = _("avvecklingar")

    def __str__(self) -> str:
        return str(self.installation)

    @property
    def step(self) -> int:
        return STATE_ORDER.index(self.state)
