"""URLs of this area."""

from django.urls import path  # noqa: F401

app_name = "requests_ui"

urlpatterns: list = []
