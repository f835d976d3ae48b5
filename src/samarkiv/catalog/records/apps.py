from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Records (cases, documents, described units) extracted from AIPs' metadata.

    Its own app (label ``records``) inside the catalogue domain, so its migrations move
    independently of the description model's.
    """

    name = "samarkiv.catalog.records"
    label = "records"
    verbose_name = "Handlingar"
    default_auto_field = "django.db.models.BigAutoField"
