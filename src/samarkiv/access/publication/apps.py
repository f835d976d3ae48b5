from django.apps import AppConfig


class PublicationConfig(AppConfig):
    name = "samarkiv.access.publication"
    label = "publication"
    verbose_name = "Sekretess och publicering"
    default_auto_field = "django.db.models.BigAutoField"
