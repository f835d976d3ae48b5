from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CatalogConfig(AppConfig):
    name = "samarkiv.catalog"
    label = "catalog"
    verbose_name = "Katalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from samarkiv.catalog.tenants import seed_after_migrate

        post_migrate.connect(seed_after_migrate, sender=self)
