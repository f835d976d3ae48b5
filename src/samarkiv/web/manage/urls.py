"""Staff pages for tenancy: deliveries, agreements, members and roles, audit log."""

from django.urls import path  # noqa: F401

app_name = "manage"

urlpatterns: list = []
