"""Vocabularies of secrecy and publication, as enums."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HarmTest(models.TextChoices):
    """OSL's skaderekvisit: how the secrecy provision is tested at a request."""

    STRAIGHT = "rakt", _("Rakt skaderekvisit (offentligt om inte skada kan antas)")
    REVERSE = "omvant", _("Omvänt skaderekvisit (sekretess om det inte står klart att...)")
    ABSOLUTE = "absolut", _("Absolut sekretess")


class MarkingTarget(models.TextChoices):
    """What a secrecy marking is attached to; a record inherits from the wider ones."""

    RECORD = "record", _("Post")
    FILE = "file", _("Fil")
    SERIES = "series", _("Serie")
    CLASSIFICATION = "classification", _("Klassificering")
    AGREEMENT = "agreement", _("Leveransöverenskommelse")


class Visibility(models.TextChoices):
    """What the public side may do with a record, computed from markings and rules."""

    PUBLISHED = "published", _("Publicerad")
    UNPUBLISHED = "unpublished", _("Inte publicerad (kan begäras)")
    SECRET = "secret", _("Sekretessprövas vid begäran")
    PROTECTED = "protected", _("Skyddade personuppgifter (aldrig publicerad)")
