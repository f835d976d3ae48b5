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
