"""Archived databases and their access copies, and the secrecy marks over them.

Why an access copy: a SIARD file is a zip of XML, fine for preservation and hopeless for
paging through a GB table. Each archived SIARD gets a per-database SQLite file built from
it (rebuildable any time from the AIP, so it is a cache, never the record). The SIARD
metadata (tables, columns, keys, row counts) is kept here as JSON: the pages never count
rows and every SQL identifier comes from it, never from the request.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessCopyState(models.TextChoices):
    PENDING = "pending", _("Väntar")
    BUILDING = "building", _("Byggs")
    READY = "ready", _("Klar")
    FAILED = "failed", _("Misslyckades")


class ArchivedDatabase(models.Model):
    """One SIARD file inside one AIP, and the state of its access copy."""

    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="+")
    aip = models.ForeignKey("preservation.Aip", on_delete=models.CASCADE, related_name="+")
    siard_path = models.CharField(_("SIARD-fil i arkivpaketet"), max_length=1024)
    name = models.CharField(_("databas"), max_length=255)
    description = models.TextField(_("beskrivning"), blank=True)
    table_count = models.PositiveIntegerField(_("tabeller"), default=0)
    row_count = models.PositiveBigIntegerField(_("rader"), default=0)
    state = models.CharField(
        _("åtkomstkopia"),
        max_length=16,
        choices=AccessCopyState.choices,
        default=AccessCopyState.PENDING,
    )
    error = models.TextField(_("fel"), blank=True)
    built_at = models.DateTimeField(_("byggd"), null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    published = models.BooleanField(_("publicerad i e-arkivets webbplats"), default=False)
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True)
    published_by = models.CharField(_("publicerad av"), max_length=255, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["aip", "siard_path"], name="one_copy_per_siard")
        ]
        verbose_name = _("arkiverad databas")
        verbose_name_plural = _("arkiverade databaser")

    def __str__(self) -> str:
        return self.name


class TableMask(models.Model):
    """A secret table: only its name and row count are shown, never its columns or rows."""

    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="+")
    database = models.ForeignKey(
        ArchivedDatabase, on_delete=models.CASCADE, related_name="table_masks"
    )
    schema = models.CharField(max_length=255)
    table = models.CharField(max_length=255)
    reason = models.CharField(_("skäl"), max_length=500, blank=True)
    created_by = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["database", "schema", "table"], name="table_mask_once")
        ]


class ColumnMask(models.Model):
    """A secret column: its values read "[maskerat]" in rows, search, export and links."""

    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="+")
    database = models.ForeignKey(
        ArchivedDatabase, on_delete=models.CASCADE, related_name="column_masks"
    )
    schema = models.CharField(max_length=255)
    table = models.CharField(max_length=255)
    column = models.CharField(max_length=255)
    reason = models.CharField(_("skäl"), max_length=500, blank=True)
    created_by = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["database", "schema", "table", "column"], name="column_mask_once"
            )
        ]


class PublishedDatabase(models.Model):
    """What the public portal may show of a published database, and nothing more.

    Written only by ``public_copy.build_public_copy`` from the masks in force, next to
    the public copy file that holds only the unmasked tables and columns. The portal
    reads this row and that file, never ``ArchivedDatabase`` or the masks, so a page
    that forgot a check still cannot show a secret table or column: it is not here.
    Its primary key is the database's, so the public URLs stay stable across rebuilds.
    """

    database = models.OneToOneField(
        ArchivedDatabase, on_delete=models.CASCADE, primary_key=True, related_name="publication"
    )
    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="+")
    tenant_name = models.CharField(_("kommun"), max_length=128)
    name = models.CharField(_("databas"), max_length=255)
    description = models.TextField(_("beskrivning"), blank=True)
    copy_name = models.CharField(max_length=100)  # file name under access/public-databases/
    tables = models.JSONField(default=list)  # only the public tables, columns and keys
    row_count = models.PositiveBigIntegerField(_("rader"), default=0)
    published_at = models.DateTimeField(_("publicerad"))
    built_at = models.DateTimeField(_("byggd"))

    class Meta:
        ordering = ["tenant_name", "name", "pk"]
        verbose_name = _("publicerad databas")
        verbose_name_plural = _("publicerade databaser")

    def __str__(self) -> str:
        return self.name
