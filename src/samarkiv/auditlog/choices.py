"""What the audit log records, as enums."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Inloggning")
    LOGIN_FAILED = "login_failed", _("Misslyckad inloggning")
    LOGOUT = "logout", _("Utloggning")
    VIEW = "view", _("Visning")
    DOWNLOAD = "download", _("Nedladdning")
    EXPORT = "export", _("Export")
    DELIVERY = "delivery", _("Leverans")
    INGEST = "ingest", _("Inleverans")
    DECISION = "decision", _("Beslut")
    CONFIG_CHANGE = "config_change", _("Ändrad inställning")
    DELETION = "deletion", _("Radering")
    ACCESS_GRANT = "access_grant", _("Behörighet ändrad")
    DENIED = "denied", _("Nekad åtkomst")
    REQUEST = "request", _("Begäran om allmän handling")
    MASKING = "masking", _("Maskering")


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", _("Lyckades")
    FAILURE = "failure", _("Misslyckades")
    DENIED = "denied", _("Nekad")
