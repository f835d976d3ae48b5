from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "samarkiv.access.search"
    label = "search"
    verbose_name = "Sök"
    default_auto_field = "django.db.models.BigAutoField"
