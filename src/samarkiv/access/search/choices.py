"""States of the indexing queue, as an enum."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexState(models.TextChoices):
    PENDING = "pending", _("Väntar")
    RUNNING = "running", _("Pågår")
    DONE = "done", _("Indexerad")
    FAILED = "failed", _("Misslyckades")
