"""Public pages of requests for public records (mounted at /begaran/)."""

from django.urls import path  # noqa: F401

app_name = "requests_public"

urlpatterns: list = []
