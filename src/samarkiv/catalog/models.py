"""Tenants: each municipality is its own archive authority (arkivmyndighet)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tenant(models.Model):
    """A municipality using the shared archive; every AIP belongs to exactly one."""

    code = models.SlugField(_("kod"), primary_key=True, max_length=32)
    name = models.CharField(_("namn"), max_length=128, unique=True)
    org_number = models.CharField(_("organisationsnummer"), max_length=16, blank=True)
    is_host = models.BooleanField(_("värdkommun"), default=False)

    class Meta:
        ordering = ["-is_host", "name"]
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name


class RecordsCreator(models.Model):
    """An arkivbildare: a committee, board or company whose activity made the records.

    Kept minimal here (agreements need one); the description issue adds periods,
    predecessors and successors.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="records_creators")
    code = models.SlugField(_("kod"), max_length=64)
    name = models.CharField(_("namn"), max_length=255)
    org_number = models.CharField(_("organisationsnummer"), max_length=16, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="creator_code_per_tenant")
        ]
        ordering = ["tenant", "name"]
        verbose_name = _("arkivbildare")
        verbose_name_plural = _("arkivbildare")

    def __str__(self) -> str:
        return self.name
