"""States of the ingest domain, as enums (never free text)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValidationSource(models.TextChoices):
    """Where a validation run was started from."""

    CLI = "cli", _("Kommandorad")
    WEB = "web", _("Webb")
    DEMO = "demo", _("Demo")


class IngestState(models.TextChoices):
    """Where an ingest is; the order is the pipeline's order."""

    RECEIVING = "receiving", _("Tas emot")
    HASHING = "hashing", _("Beräknar checksummor")
    VALIDATING = "validating", _("Validerar")
    STAGING = "staging", _("Placerar filer")
    IDENTIFYING = "identifying", _("Identifierar format")
    BUILDING = "building", _("Bygger arkivpaket")
    STORING = "storing", _("Lagrar")
    CATALOGUING = "cataloguing", _("Registrerar")
    REPLICATING = "replicating", _("Skriver kopior")
    DONE = "done", _("Klar")
    DUPLICATE = "duplicate", _("Redan inlevererad")
    REJECTED = "rejected", _("Avvisad")
    FAILED = "failed", _("Misslyckades")
    INTERRUPTED = "interrupted", _("Avbruten")

    @classmethod
    def finished(cls) -> set[str]:
        return {cls.DONE, cls.DUPLICATE, cls.REJECTED, cls.FAILED, cls.INTERRUPTED}
