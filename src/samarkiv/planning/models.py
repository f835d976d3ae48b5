"""The business-system inventory (kartläggning): products and their installations.

A product (e.g. "Public 360") is mapped once; each municipality's installation of it
is a row of its own, so what the first municipality learned is reused by the next.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemProduct(models.Model):
    name = models.CharField(_("system"), max_length=200)
    vendor = models.CharField(_("leverantör"), max_length=200, blank=True)

    class Meta:
        ordering = ["name", "vendor"]
        constraints = [models.UniqueConstraint(fields=["name", "vendor"], name="product_once")]
        verbose_name = _("systemprodukt")
        verbose_name_plural = _("systemprodukter")

    def __str__(self) -> str:
        return self.name


class Installation(models.Model):
    """One municipality's business system: the unit that is connected or decommissioned."""

    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        SystemProduct, on_delete=models.PROTECT, related_name="installations"
    )
    name = models.CharField(_("benämning"), max_length=200)

    class Meta:
        ordering = ["tenant", "name"]
        verbose_name = _("verksamhetssystem")
        verbose_name_plural = _("verksamhetssystem")

    def __str__(self) -> str:
        return self.name
