"""States and vocabularies of the delivery domain, as enums (never free text)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Specification(models.TextChoices):
    """What a delivery under an agreement may be."""

    EARK2 = "eark2", _("E-ARK CSIP/SIP 2.x (FGS Paketstruktur 2.0)")
    FGS1 = "fgs1", _("FGS Paketstruktur 1.x")
    SIARD = "siard", _("SIARD 2.x (databaser)")
    ERMS = "erms", _("FGS Ärendehantering / CITS ERMS")


class UploadState(models.TextChoices):
    RECEIVING = "receiving", _("Tas emot")
    COMPLETE = "complete", _("Mottagen")
    CONSUMED = "consumed", _("Överlämnad till inleverans")
    TERMINATED = "terminated", _("Avbruten")


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("I kö")
    INGESTING = "ingesting", _("Inleverans pågår")
    DONE = "done", _("Bevarad")
    DUPLICATE = "duplicate", _("Redan inlevererad")
    REJECTED = "rejected", _("Avvisad")
    FAILED = "failed", _("Misslyckades")

    @classmethod
    def finished(cls) -> set[str]:
        return {cls.DONE, cls.DUPLICATE, cls.REJECTED, cls.FAILED}
