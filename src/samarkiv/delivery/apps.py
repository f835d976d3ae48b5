from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DeliveryConfig(AppConfig):
    name = "samarkiv.delivery"
    label = "delivery"
    verbose_name = "Leveranser"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from samarkiv.delivery.seed import seed_manual_agreements

        # After the catalogue's own post_migrate (tenants) since apps run in order.
        post_migrate.connect(seed_manual_agreements, sender=self)
