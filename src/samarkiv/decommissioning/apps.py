from django.apps import AppConfig


class DecommissioningConfig(AppConfig):
    name = "samarkiv.decommissioning"
    label = "decommissioning"
    verbose_name = "Avveckling"
    default_auto_field = "django.db.models.BigAutoField"
