from django.apps import AppConfig


class DatabasesConfig(AppConfig):
    name = "samarkiv.access.databases"
    label = "databases"
    verbose_name = "Arkiverade databaser"
    default_auto_field = "django.db.models.BigAutoField"
