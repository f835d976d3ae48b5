"""Secrecy markings and publication rules (staff side), and the published projection.

The portal reads only ``PublishedRecord``, ``PublishedFile`` and ``PublicStub``: rows
written by ``publication.refresh`` after every check has passed. A page that forgot a
check cannot leak, because the secret rows are not in the tables it can read.

Record markings are keyed by the record's stable id (``records.extract.record_id``), and
file markings by AIP id + path, so a re-extraction of the catalogue keeps them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarkiv.access.publication.choices import HarmTest, MarkingTarget, Visibility


class SecrecyMarking(models.Model):
    """An OSL secrecy assessment made in advance, for one record, file or a wider unit."""

    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="+")
    target = models.CharField(_("gäller"), max_length=16, choices=MarkingTarget.choices)
    record_id = models.UUIDField(_("post"), null=True, blank=True, db_index=True)
    aip_id = models.CharField(_("AIP-id"), max_length=64, blank=True, db_index=True)
    file_path = models.CharField(_("fil"), max_length=1024, blank=True)
    series = models.ForeignKey(
        "catalog.Series", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    classification_node = models.ForeignKey(
        "catalog.ClassificationNode",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    agreement = models.ForeignKey(
        "delivery.SubmissionAgreement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    ground = models.CharField(_("sekretessgrund"), max_length=255, blank=True)
    harm_test = models.CharField(
        _("skaderekvisit"), max_length=16, choices=HarmTest.choices, blank=True
    )
    max_years = models.PositiveSmallIntegerField(
        _("längsta sekretesstid (år)"), null=True, blank=True
    )
    period_start = models.DateField(_("sekretesstiden räknas från"), null=True, blank=True)
    protected_identity = models.BooleanField(_("skyddade personuppgifter"), default=False)
    personal_data = models.BooleanField(_("personuppgifter"), default=False)
    note = models.TextField(_("anteckning"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tenant", "target", "created_at"]
        verbose_name = _("sekretessmarkering")
        verbose_name_plural = _("sekretessmarkeringar")


class PublicationRule(models.Model):
    """A tenant's rule for what is published online (separate from release on request).

    Nothing is published that no active rule covers: publication is a decision.
    """

    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("namn"), max_length=200)
    active = models.BooleanField(_("aktiv"), default=True)
    publish = models.BooleanField(_("publicera"), default=True)  # False: never online
    document_type = models.CharField(_("handlingstyp innehåller"), max_length=128, blank=True)
    classification_prefix = models.CharField(
        _("klassificering börjar med"), max_length=64, blank=True
    )
    records_creator = models.CharField(_("arkivbildare"), max_length=255, blank=True)
    series = models.ForeignKey(
        "catalog.Series", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    min_age_years = models.PositiveSmallIntegerField(
        _("publiceras först efter (år)"), null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tenant", "name"]
        verbose_name = _("publiceringsregel")
        verbose_name_plural = _("publiceringsregler")


class RecordVisibility(models.Model):
    """The computed outcome per record (staff side): why it is or is not public."""

    record_id = models.UUIDField(primary_key=True)
    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.CASCADE, related_name="+")
    aip_id = models.CharField(max_length=64, db_index=True)
    visibility = models.CharField(max_length=16, choices=Visibility.choices)
    reasons = models.JSONField(default=list)  # [{"code": ..., "text": ...}]
    earliest_release = models.DateField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)


class PublishedRecord(models.Model):
    """A record as the public may see it: masked, copied, nothing to join back."""

    id = models.UUIDField(primary_key=True)  # the record's stable id
    tenant_code = models.CharField(max_length=32, db_index=True)
    tenant_name = models.CharField(max_length=128)
    aip_id = models.CharField(max_length=64, db_index=True)
    parent_id = models.UUIDField(null=True, blank=True, db_index=True)
    kind = models.CharField(max_length=16)
    title = models.TextField(blank=True)
    registration_number = models.CharField(max_length=128, blank=True, db_index=True)
    date_start = models.DateField(null=True, blank=True)
    date_end = models.DateField(null=True, blank=True)
    document_type = models.CharField(max_length=128, blank=True)
    classification_code = models.CharField(max_length=64, blank=True)
    records_creator = models.CharField(max_length=255, blank=True)
    series_title = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)  # personal identity numbers masked
    names = models.TextField(blank=True)  # parties' names, one per line
    addresses = models.TextField(blank=True)
    property_designations = models.TextField(blank=True)  # fastighetsbeteckningar
    body = models.TextField(blank=True)  # searchable text of published files, masked
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tenant_code", "date_start", "id"]


class PublishedFile(models.Model):
    """One file of a published record the public may open and download."""

    record = models.ForeignKey(PublishedRecord, on_delete=models.CASCADE, related_name="files")
    aip_id = models.CharField(max_length=64)
    path = models.CharField(max_length=1024)  # inside the AIP
    name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    puid = models.CharField(max_length=32, blank=True)
    mime = models.CharField(max_length=255, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["record", "order", "name"]


class PublicStub(models.Model):
    """A record that exists but is not published: only what may always be shown.

    No title, no names, no text: municipality, records creator, series and years.
    Records with protected identities get no stub at all.
    """

    id = models.UUIDField(primary_key=True)  # the record's stable id
    tenant_code = models.CharField(max_length=32, db_index=True)
    tenant_name = models.CharField(max_length=128)
    kind = models.CharField(max_length=16)
    records_creator = models.CharField(max_length=255, blank=True)
    series_title = models.CharField(max_length=500, blank=True)
    year_start = models.PositiveSmallIntegerField(null=True, blank=True)
    year_end = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=16, choices=Visibility.choices)

    class Meta:
        ordering = ["tenant_code", "year_start", "id"]
