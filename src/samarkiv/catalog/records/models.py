"""Catalogue records: cases (ärenden) and documents (handlingar) read from AIPs.

A projection of the packages: ``samarkiv index --rebuild`` can drop and re-read every
row from the stored AIPs' descriptive metadata and files.
"""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarkiv.catalog.records.choices import RecordKind, SourceFormat, TextStatus


class Record(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="records")
    aip = models.ForeignKey("preservation.Aip", on_delete=models.CASCADE, related_name="records")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    kind = models.CharField(_("typ"), max_length=16, choices=RecordKind.choices)
    source_format = models.CharField(_("källformat"), max_length=16, choices=SourceFormat.choices)
    source_path = models.CharField(_("metadatafil"), max_length=1024, blank=True)
    source_id = models.CharField(_("id i källan"), max_length=255, blank=True)
    title = models.TextField(_("rubrik"), blank=True)
    registration_number = models.CharField(
        _("diarienummer"), max_length=128, blank=True, db_index=True
    )
    date_start = models.DateField(_("från"), null=True, blank=True)
    date_end = models.DateField(_("till"), null=True, blank=True)
    case_officer = models.CharField(_("handläggare"), max_length=255, blank=True)
    document_type = models.CharField(_("handlingstyp"), max_length=128, blank=True)
    classification_code = models.CharField(_("klassificering"), max_length=64, blank=True)
    records_creator_name = models.CharField(_("arkivbildare"), max_length=255, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    # [{"name": ..., "role": ..., "personal_id": "YYYYMMDD-NNNN" | "", "personal_data": bool}]
    parties = models.JSONField(_("parter"), default=list, encoder=DjangoJSONEncoder)
    extra = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["aip", "order"]
        indexes = [models.Index(fields=["tenant", "kind"])]
        verbose_name = _("post")
        verbose_name_plural = _("poster")

    def __str__(self) -> str:
        return self.title or self.registration_number or str(self.pk)


class RecordFile(models.Model):
    """A file of the AIP that a record points to (a document's digital file)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="files")
    aip_file = models.ForeignKey(
        "preservation.AipFile", on_delete=models.CASCADE, related_name="record_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "aip_file"], name="record_file_once")
        ]


class FileText(models.Model):
    """Text extracted from one AIP file (in the worker, never during ingest)."""

    aip_file = models.OneToOneField(
        "preservation.AipFile", on_delete=models.CASCADE, related_name="text"
    )
    status = models.CharField(max_length=16, choices=TextStatus.choices, default=TextStatus.PENDING)
    text = models.TextField(blank=True)
    error = models.TextField(blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
