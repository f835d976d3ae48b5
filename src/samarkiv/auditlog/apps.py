from django.apps import AppConfig


class AuditlogConfig(AppConfig):
    name = "samarkiv.auditlog"
    label = "auditlog"
    verbose_name = "Granskningslogg"
    default_auto_field = "django.db.models.BigAutoField"
