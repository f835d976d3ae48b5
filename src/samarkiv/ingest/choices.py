"""States of the ingest domain, as enums (never free text)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ValidationSource(models.TextChoices):
    """Where a validation run was started from."""

    CLI = "cli", _("Kommandorad")
    WEB = "web", _("Webb")
    DEMO = "demo", _("Demo")
