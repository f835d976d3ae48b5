"""States and vocabularies of the preservation domain, as enums."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from samarkiv.packages.model import EventOutcome, EventType


class AipState(models.TextChoices):
    PRESERVED = "preserved", _("Bevarad")
    INCOMPLETE = "incomplete", _("Kopior saknas")
    DAMAGED = "damaged", _("Skadad")


class EventTypeChoice(models.TextChoices):
    INGESTION_START = EventType.INGESTION_START.value, _("inleverans påbörjad")
    INGESTION_END = EventType.INGESTION_END.value, _("inleverans avslutad")
    VALIDATION = EventType.VALIDATION.value, _("validering")
    FORMAT_IDENTIFICATION = EventType.FORMAT_IDENTIFICATION.value, _("formatidentifiering")
    MESSAGE_DIGEST_CALCULATION = (
        EventType.MESSAGE_DIGEST_CALCULATION.value,
        _("checksummeberäkning"),
    )
    FIXITY_CHECK = EventType.FIXITY_CHECK.value, _("kontroll av checksummor")
    REPLICATION = EventType.REPLICATION.value, _("replikering")
    VIRUS_CHECK = EventType.VIRUS_CHECK.value, _("viruskontroll")
    INFORMATION_PACKAGE_CREATION = (
        EventType.INFORMATION_PACKAGE_CREATION.value,
        _("skapande av informationspaket"),
    )


class OutcomeChoice(models.TextChoices):
    SUCCESS = EventOutcome.SUCCESS.value, _("lyckades")
    FAILURE = EventOutcome.FAILURE.value, _("misslyckades")
    WARNING = EventOutcome.WARNING.value, _("varning")


class AuditState(models.TextChoices):
    """A fixity audit run: RUNNING until it ends; FAILED when it stopped on an error."""

    RUNNING = "running", _("pågår")
    DONE = "done", _("klar")
    FAILED = "failed", _("avbruten")


class FindingKind(models.TextChoices):
    """What an audit found wrong with one stored copy (storage.fixity.ProblemKind + one)."""

    MISSING = "missing", _("saknas")
    CORRUPT = "corrupt", _("skadad")
    SIZE = "size", _("fel storlek")
    INVENTORY = "inventory", _("OCFL-struktur")
    CATALOGUE = "catalogue", _("katalogen avviker")


class FindingState(models.TextChoices):
    """REPAIRED from another copy; UNREPAIRABLE (no healthy copy: the AIP is damaged);
    OPEN (needs an archivist: structure or catalogue disagreement, nothing to copy)."""

    REPAIRED = "repaired", _("reparerad")
    UNREPAIRABLE = "unrepairable", _("kan inte repareras")
    OPEN = "open", _("kräver åtgärd")
