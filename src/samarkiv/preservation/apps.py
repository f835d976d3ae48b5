from django.apps import AppConfig


class PreservationConfig(AppConfig):
    name = "samarkiv.preservation"
    label = "preservation"
    verbose_name = "Bevarande"
    default_auto_field = "django.db.models.BigAutoField"
