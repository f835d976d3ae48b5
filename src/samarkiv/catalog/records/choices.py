"""Vocabularies of the records domain, as enums."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    CASE = "case", _("Ärende")
    DOCUMENT = "document", _("Handling")
    UNIT = "unit", _("Beskriven enhet")  # an EAD component (series, file, item)
    PACKAGE = "package", _("Leverans")  # a package with no structured description


class SourceFormat(models.TextChoices):
    ERMS3 = "erms3", "CITS ERMS 3"
    ERMS2 = "erms2", "CITS ERMS 2"
    FGS_ERMS1 = "fgs-erms1", "FGS Ärendehantering 1"
    EAD = "ead", "EAD"
    OTHER = "other", _("Annat (indexerat som text)")


class TextStatus(models.TextChoices):
    PENDING = "pending", _("Väntar")
    DONE = "done", _("Klar")
    NO_TEXT = "no_text", _("Ingen text")
    FAILED = "failed", _("Misslyckades")
