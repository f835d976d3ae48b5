"""URLs of this area."""

from django.urls import path  # noqa: F401

app_name = "databases_ui"

urlpatterns: list = []
