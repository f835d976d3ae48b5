from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "samarkiv.planning"
    label = "planning"
    verbose_name = "Kartläggning"
    default_auto_field = "django.db.models.BigAutoField"
