"""The audit log: append-only rows chained by SHA-256.

Why a hash chain and not only database permissions: the people who could edit the table
(DBAs, the host's operators) are the people the log must also hold to account. Each
entry's hash covers its content and the previous entry's hash, so editing, deleting or
reordering any row breaks every hash after it; the head file outside the database
catches removal of the newest rows.
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from samarkiv.auditlog.choices import AuditAction, AuditOutcome


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("nummer"), primary_key=True)
    at = models.DateTimeField(_("tid"), db_index=True)
    actor = models.CharField(_("vem"), max_length=255)
    tenant = models.CharField(_("kommun"), max_length=32, blank=True, db_index=True)
    action = models.CharField(_("händelse"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("objekttyp"), max_length=64, blank=True)
    object_id = models.CharField(_("objekt"), max_length=255, blank=True)
    outcome = models.CharField(_("utfall"), max_length=16, choices=AuditOutcome.choices)
    detail = models.JSONField(_("detaljer"), default=dict, encoder=DjangoJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("granskningspost")
        verbose_name_plural = _("granskningslogg")

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action}"
