from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samarkiv.accounts"
    label = "accounts"
    verbose_name = "Konton"
    default_auto_field = "django.db.models.BigAutoField"
