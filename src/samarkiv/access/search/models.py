"""The indexing queue: the search index is a projection, updated asynchronously.

One row per AIP says whether its records are in the index. Ingest only adds a row
(cheap, in the ingest's own transaction), so a slow text extraction never blocks an
ingest, and an AIP is never "stored but invisible": until it is indexed its row stays
pending (or failed, with the error) for the worker, ``samarkiv index`` and the staff UI.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarkiv.access.search.choices import IndexState


class IndexTask(models.Model):
    aip = models.OneToOneField(
        "preservation.Aip", on_delete=models.CASCADE, related_name="index_task"
    )
    state = models.CharField(
        _("status"), max_length=16, choices=IndexState.choices, default=IndexState.PENDING
    )
    attempts = models.PositiveIntegerField(_("försök"), default=0)
    last_error = models.TextField(_("senaste fel"), blank=True)
    next_attempt_at = models.DateTimeField(_("nästa försök"), default=timezone.now)
    records = models.PositiveIntegerField(_("poster"), default=0)
    indexed_at = models.DateTimeField(_("indexerad"), null=True, blank=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state", "next_attempt_at"])]
        verbose_name = _("indexeringsuppgift")
        verbose_name_plural = _("indexeringsuppgifter")

    def __str__(self) -> str:
        return f"{self.aip_id}: {self.state}"
