"""The business-system inventory (kartläggning): products and their installations.

A product (e.g. "Public 360") is mapped once; each municipality's installation of it
is a row of its own, so what the first municipality learned is reused by the next.

The inventory holds no record content, but costs, contracts and the names a
municipality gives its systems are its own business: each ``Installation`` carries its
``tenant`` so the scope narrows it like every other table. ``PlanSettings`` (one row for
the platform) and ``PlanItem`` (where the last plan put each installation) belong to the
host's delivery planning.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Domain(models.TextChoices):
    """Business domains of municipal systems (see docs/planning.md)."""

    DIARIUM = "diarium", _("Diarium och ärendehantering")
    SOCIAL = "social", _("Socialtjänst och omsorg")
    SCHOOL = "school", _("Skola och elevhälsa")
    BUILDING = "building", _("Bygg och miljö")
    HR = "hr", _("Personal och lön")
    FINANCE = "finance", _("Ekonomi")
    HEALTH = "health", _("Hälso- och sjukvård")
    REGISTER = "register", _("Register och databaser")
    TECHNICAL = "technical", _("Teknik och fastighet")
    OTHER = "other", _("Övrigt")


class Retention(models.TextChoices):
    KEEP = "keep", _("bevaras")
    DISPOSE = "dispose", _("gallras")


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


def _sek(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, default=0, help_text=_("kronor per år"))


class Installation(models.Model):
    """One municipality's business system: the unit that is connected or decommissioned."""

    tenant = models.ForeignKey("catalog.Tenant", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(
        SystemProduct, on_delete=models.PROTECT, related_name="installations"
    )
    name = models.CharField(_("benämning"), max_length=200)
    domain = models.CharField(
        _("verksamhetsområde"), max_length=16, choices=Domain.choices, default=Domain.OTHER
    )
    records_creators_text = models.CharField(
        _("arkivbildare"),
        max_length=500,
        blank=True,
        help_text=_("Nämnder och bolag som använder systemet, åtskilda med semikolon."),
    )
    records_creators = models.ManyToManyField(
        "catalog.RecordsCreator", blank=True, related_name="+", verbose_name=_("arkivbildare")
    )
    information_types = models.JSONField(
        _("informationstyper"),
        default=list,
        blank=True,
        help_text=_('[{"name": "…", "retention": "keep"|"dispose"}]'),
    )
    volume_gb = models.DecimalField(_("datamängd (GB)"), max_digits=12, decimal_places=2, default=0)
    record_count = models.PositiveBigIntegerField(_("antal poster"), default=0)
    formats = models.CharField(_("format"), max_length=300, blank=True)
    fgs_export = models.BooleanField(_("FGS/ERMS-export finns"), default=False)
    siard_able = models.BooleanField(_("databasen kan tas ut som SIARD"), default=False)
    vendor_export_module = models.BooleanField(_("leverantörens uttagsmodul finns"), default=False)
    export_module_cost = models.PositiveIntegerField(_("kostnad för uttagsmodul (kr)"), default=0)
    end_of_support = models.DateField(_("plattformens supportslut"), null=True, blank=True)
    contract_end = models.DateField(_("avtalsslut"), null=True, blank=True)
    licence_cost = _sek(_("licenskostnad"))
    operations_cost = _sek(_("driftkostnad"))
    support_cost = _sek(_("supportkostnad"))
    activity_ceased = models.BooleanField(_("verksamheten har upphört"), default=False)
    requests_per_year = models.PositiveIntegerField(_("förfrågningar per år"), default=0)
    registry_care_done = models.BooleanField(_("registervård klar"), default=False)
    disposal_done = models.BooleanField(_("gallring genomförd"), default=False)
    prerequisites_expected = models.DateField(
        _("förutsättningar klara senast"),
        null=True,
        blank=True,
        help_text=_("När registervård och gallring väntas vara klara."),
    )
    pilot = models.BooleanField(_("pilot"), default=False)
    effort_hours = models.PositiveIntegerField(_("uppskattad insats (timmar)"), default=80)
    agreement = models.ForeignKey(
        "delivery.SubmissionAgreement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leveransöverenskommelse"),
    )
    notes = models.TextField(_("anteckningar"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "product", "name"], name="installation_once_per_tenant"
            )
        ]
        verbose_name = _("verksamhetssystem")
        verbose_name_plural = _("verksamhetssystem")

    def __str__(self) -> str:
        return self.name

    @property
    def yearly_cost(self) -> int:
        """Licence + operations + support: what decommissioning saves every year."""
        return self.licence_cost + self.operations_cost + self.support_cost

    @property
    def prerequisites_done(self) -> bool:
        return self.registry_care_done and self.disposal_done


def _weight(label: str, default: int) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(10)]
    )


class PlanSettings(models.Model):
    """The platform's planning parameters: weights, horizon and capacity (one row)."""

    weight_need = _weight(_("vikt: arkivbehov"), 3)
    weight_risk = _weight(_("vikt: risk och brådska"), 2)
    weight_ease = _weight(_("vikt: anslutningsbarhet"), 2)
    weight_saving = _weight(_("vikt: kostnadsbesparing"), 2)
    weight_demand = _weight(_("vikt: efterfrågan"), 1)
    start_year = models.PositiveSmallIntegerField(
        _("planen börjar år"), default=2027, validators=[MinValueValidator(2000)]
    )
    start_quarter = models.PositiveSmallIntegerField(
        _("planen börjar kvartal"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    quarters = models.PositiveSmallIntegerField(
        _("antal kvartal i planen"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
    )
    capacity_hours = models.PositiveIntegerField(
        _("IT-arkivariernas timmar per kvartal"), default=1200
    )
    early_quarters = models.PositiveSmallIntegerField(
        _("tidig leverans inom kvartal"),
        default=4,
        validators=[MinValueValidator(1)],
        help_text=_("Varje kommun får minst en anslutning inom så många kvartal."),
    )
    pilot_quarters = models.PositiveSmallIntegerField(
        _("piloter inom kvartal"), default=1, validators=[MinValueValidator(1)]
    )
    prerequisite_quarters = models.PositiveSmallIntegerField(
        _("kvartal till förutsättningar utan datum"),
        default=2,
        help_text=_("Ej klar registervård/gallring utan datum: tidigast så här många kvartal in."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("planeringsinställningar")
        verbose_name_plural = _("planeringsinställningar")

    def __str__(self) -> str:
        return str(_("Planeringsinställningar"))


class PlanItem(models.Model):
    """Where the latest plan put one installation, why, and whether a person pinned it.

    A pin survives every re-plan; ``quarter`` is an index from the plan's start
    (0 = the first quarter), ``None`` when the item did not fit in the horizon.
    """

    installation = models.OneToOneField(
        Installation, on_delete=models.CASCADE, related_name="plan_item"
    )
    quarter = models.PositiveSmallIntegerField(_("kvartal"), null=True, blank=True)
    pinned_quarter = models.PositiveSmallIntegerField(_("fäst till kvartal"), null=True, blank=True)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(_("poäng"), default=0)
    factors = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    planned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["quarter", "-score"]
        verbose_name = _("planpost")
        verbose_name_plural = _("planposter")

    def __str__(self) -> str:
        return f"{self.installation_id} → {self.quarter}"
