from django.apps import AppConfig


class AccessRequestsConfig(AppConfig):
    name = "samarkiv.access.requests"
    label = "access_requests"
    verbose_name = "Begäran om allmän handling"
    default_auto_field = "django.db.models.BigAutoField"
