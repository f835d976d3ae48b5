"""Tenants, and each tenant's archival description (arkivredovisning).

Every municipality is its own archive authority (arkivmyndighet). Within a tenant the
description follows both Swedish views at once (RA-FS 2008:4 and the general archive
scheme): records creators with their predecessors and successors, their archives,
series and volumes, and a versioned process classification (KLASSA). Every AIP is
linked to a records creator and to a classification node or a series.

Every model carries its ``tenant`` so that the scope narrows each table by itself;
the service layer (``description``, ``classification``, ``aip_links``) keeps the
references within one tenant.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samarkiv.catalog.choices import ClassificationLevel, RelationKind, SchemeStatus


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


def natural_key(code: str) -> str:
    """A sort key that puts "A2" before "A10" and "3.4.2" before "3.10"."""
    return "".join(
        part.zfill(6) if part.isdigit() else part.upper() for part in re.split(r"(\d+)", code)
    )


def check_period(start, end, end_field: str) -> None:
    """A period ending before it starts is a typing error, not a description."""
    if start and end and end < start:
        raise ValidationError({end_field: _("Slutdatumet ligger före startdatumet.")})


def check_same_tenant(instance: models.Model, *fields: str) -> None:
    """References to another tenant's objects read as "not found", as everywhere else."""
    errors = {}
    for name in fields:
        other = getattr(instance, name, None)
        if other is not None and other.tenant_id != instance.tenant_id:
            errors[name] = _("Finns inte i kommunens arkivredovisning.")
    if errors:
        raise ValidationError(errors)


class RecordsCreator(models.Model):
    """An arkivbildare: a committee, board or company whose activity made the records.

    The period of activity and the description (arkivbeskrivning) are what a finding
    aid says about the creator; predecessors and successors are ``RecordsCreatorRelation``
    rows, because boards merge and split and the provenance must survive that.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="records_creators")
    code = models.SlugField(_("kod"), max_length=64)
    name = models.CharField(_("namn"), max_length=255)
    org_number = models.CharField(_("organisationsnummer"), max_length=16, blank=True)
    active_from = models.DateField(_("verksam från"), null=True, blank=True)
    active_until = models.DateField(_("verksam till"), null=True, blank=True)
    description = models.TextField(
        _("arkivbeskrivning"),
        blank=True,
        help_text=_("Verksamhet, uppgifter och organisation: det som förklarar handlingarna."),
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="creator_code_per_tenant")
        ]
        ordering = ["tenant", "name"]
        verbose_name = _("arkivbildare")
        verbose_name_plural = _("arkivbildare")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        check_period(self.active_from, self.active_until, "active_until")


class RecordsCreatorRelation(models.Model):
    """One step of provenance: "source <kind> target", e.g. a board merged into another."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(
        RecordsCreator, on_delete=models.CASCADE, related_name="relations_out"
    )
    target = models.ForeignKey(
        RecordsCreator, on_delete=models.CASCADE, related_name="relations_in"
    )
    kind = models.CharField(_("samband"), max_length=16, choices=RelationKind.choices)
    date = models.DateField(_("datum"), null=True, blank=True)
    note = models.CharField(_("anmärkning"), max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="creator_relation"),
            models.CheckConstraint(
                condition=~Q(source=F("target")), name="creator_relation_not_self"
            ),
        ]
        ordering = ["date", "pk"]
        verbose_name = _("samband mellan arkivbildare")
        verbose_name_plural = _("samband mellan arkivbildare")

    def __str__(self) -> str:
        return f"{self.source} {self.get_kind_display()} {self.target}"

    def predecessor(self) -> RecordsCreator:
        """The creator whose activity came first, whichever way the kind reads."""
        return self.target if self.kind == RelationKind.SPLIT_FROM else self.source

    def successor(self) -> RecordsCreator:
        return self.source if self.kind == RelationKind.SPLIT_FROM else self.target

    def clean(self) -> None:
        check_same_tenant(self, "source", "target")
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError({"target": _("En arkivbildare kan inte följa på sig själv.")})


class Archive(models.Model):
    """An arkiv: the records of one creator, kept together (usually one per creator)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="archives")
    records_creator = models.ForeignKey(
        RecordsCreator,
        on_delete=models.PROTECT,
        related_name="archives",
        verbose_name=_("arkivbildare"),
    )
    reference_code = models.CharField(
        _("referenskod"),
        max_length=64,
        help_text=_("Arkivets referenskod, t.ex. SE/1260/KS."),
    )
    title = models.CharField(_("arkivnamn"), max_length=255)
    date_start = models.DateField(_("från"), null=True, blank=True)
    date_end = models.DateField(_("till"), null=True, blank=True)
    description = models.TextField(_("innehåll och omfattning"), blank=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "reference_code"], name="archive_reference_per_tenant"
            )
        ]
        ordering = ["reference_code"]
        verbose_name = _("arkiv")
        verbose_name_plural = _("arkiv")

    def __str__(self) -> str:
        return f"{self.reference_code} {self.title}"

    def clean(self) -> None:
        check_same_tenant(self, "records_creator")
        check_period(self.date_start, self.date_end, "date_end")


class Series(models.Model):
    """A serie of the general archive scheme: signum (A1 Protokoll, F1 Ärendeakter ...)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="series")
    archive = models.ForeignKey(
        Archive, on_delete=models.PROTECT, related_name="series", verbose_name=_("arkiv")
    )
    code = models.CharField(
        _("signum"), max_length=16, help_text=_("Seriens signum, t.ex. A1, B1 eller F1.")
    )
    title = models.CharField(_("serierubrik"), max_length=255)
    date_start = models.DateField(_("från"), null=True, blank=True)
    date_end = models.DateField(_("till"), null=True, blank=True)
    description = models.TextField(_("anmärkning"), blank=True)
    sort_key = models.CharField(max_length=128, editable=False, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["archive", "code"], name="series_code")]
        ordering = ["archive", "sort_key"]
        verbose_name = _("serie")
        verbose_name_plural = _("serier")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        check_same_tenant(self, "archive")
        check_period(self.date_start, self.date_end, "date_end")

    def save(self, *args, **kwargs) -> None:
        self.sort_key = natural_key(self.code)
        super().save(*args, **kwargs)


class Volume(models.Model):
    """A volym: one storage unit of a series; digital ones point at the AIPs they hold."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="volumes")
    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="volumes", verbose_name=_("serie")
    )
    number = models.PositiveIntegerField(_("volymnummer"))
    title = models.CharField(_("innehåll"), max_length=500)
    date_start = models.DateField(_("från"), null=True, blank=True)
    date_end = models.DateField(_("till"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "number"], name="volume_number")]
        ordering = ["series", "number"]
        verbose_name = _("volym")
        verbose_name_plural = _("volymer")

    def __str__(self) -> str:
        return f"{self.series.code}:{self.number} {self.title}"

    def clean(self) -> None:
        check_same_tenant(self, "series")
        check_period(self.date_start, self.date_end, "date_end")


class ClassificationScheme(models.Model):
    """One version of a classification structure (klassificeringsstruktur).

    Versioned rather than edited in place: AIPs classified under an old version keep
    their node, so a new version is a copy, and the old one is retired, not deleted.
    """

    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, related_name="classification_schemes"
    )
    name = models.CharField(_("namn"), max_length=128)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT
    )
    valid_from = models.DateField(_("gäller från"), null=True, blank=True)
    valid_until = models.DateField(_("gällde till"), null=True, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name", "version"], name="scheme_version_per_tenant"
            ),
            models.UniqueConstraint(
                fields=["tenant", "name"],
                condition=Q(status=SchemeStatus.ACTIVE),
                name="one_active_scheme_version",
            ),
        ]
        ordering = ["name", "-version"]
        verbose_name = _("klassificeringsstruktur")
        verbose_name_plural = _("klassificeringsstrukturer")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    def clean(self) -> None:
        check_period(self.valid_from, self.valid_until, "valid_until")


CODE_PATTERN = re.compile(r"^\d{1,4}(\.\d{1,4}){0,7}$")


class ClassificationNode(models.Model):
    """A class of a scheme version: "3.4.2 Handlägga bygglov" under "3.4 Bygglov".

    The code says where it sits: its parent is the node whose code is the code without
    its last part, in the same version.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    scheme = models.ForeignKey(ClassificationScheme, on_delete=models.PROTECT, related_name="nodes")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    code = models.CharField(
        _("klassificeringskod"),
        max_length=40,
        help_text=_(
            "Siffror åtskilda av punkt, t.ex. 3.4.2; den överordnade klassen måste finnas."
        ),
    )
    title = models.CharField(_("rubrik"), max_length=255)
    description = models.TextField(_("beskrivning"), blank=True)
    level = models.CharField(_("nivå"), max_length=16, choices=ClassificationLevel.choices)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    sort_key = models.CharField(max_length=128, editable=False, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="node_code")]
        ordering = ["scheme", "sort_key"]
        verbose_name = _("klass")
        verbose_name_plural = _("klasser")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def depth(self) -> int:
        return self.code.count(".") + 1

    def clean(self) -> None:
        check_same_tenant(self, "scheme")
        if self.code and not CODE_PATTERN.match(self.code):
            raise ValidationError(
                {"code": _("Skriv koden som siffror åtskilda av punkt, t.ex. 3.4.2.")}
            )

    def save(self, *args, **kwargs) -> None:
        self.sort_key = natural_key(self.code)
        super().save(*args, **kwargs)


class AipDescription(models.Model):
    """Where an AIP sits in the description: its creator, and a class or a series.

    Both views are allowed (RA-FS 2008:4 process classification, or the general
    archive scheme); at least one of them is required, so no AIP is undescribed once
    linked. A volume, when given, lies in the series.
    """

    aip = models.OneToOneField(
        "preservation.Aip",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="archival_description",
    )
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    records_creator = models.ForeignKey(
        RecordsCreator,
        on_delete=models.PROTECT,
        related_name="aip_descriptions",
        verbose_name=_("arkivbildare"),
    )
    series = models.ForeignKey(
        Series,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aip_descriptions",
        verbose_name=_("serie"),
    )
    volume = models.ForeignKey(
        Volume,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aip_descriptions",
        verbose_name=_("volym"),
    )
    classification_node = models.ForeignKey(
        ClassificationNode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aip_descriptions",
        verbose_name=_("klass"),
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(series__isnull=False) | Q(classification_node__isnull=False),
                name="aip_description_node_or_series",
            )
        ]
        verbose_name = _("arkivpaketets arkivredovisning")
        verbose_name_plural = _("arkivpaketens arkivredovisning")

    def __str__(self) -> str:
        return f"{self.aip_id} ({self.records_creator})"

    def clean(self) -> None:
        check_same_tenant(self, "records_creator", "series", "volume", "classification_node")
        if self.series_id is None and self.classification_node_id is None:
            raise ValidationError(_("Ange en klass eller en serie (eller båda)."))
        errors = {}
        if self.series is not None and self.series.archive.records_creator_id != (
            self.records_creator_id
        ):
            errors["series"] = _("Serien hör till en annan arkivbildares arkiv.")
        if self.volume is not None and self.volume.series_id != self.series_id:
            errors["volume"] = _("Volymen hör till en annan serie.")
        if errors:
            raise ValidationError(errors)
