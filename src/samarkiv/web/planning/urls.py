"""URLs of the systems mapping and delivery plan (/staff/planning/)."""

from django.urls import path

from samarkiv.web.planning import views

app_name = "planning_ui"

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.update_settings, name="settings"),
    path("replan/", views.replan, name="replan"),
    path("pin/", views.pin, name="pin"),
    path("plan.csv", views.plan_csv, name="plan_csv"),
    path("plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("inventory/import/", views.inventory_import, name="inventory_import"),
    path("inventory/export/", views.inventory_export, name="inventory_export"),
    path("inventory/template.xlsx", views.inventory_template, name="inventory_template"),
    path("systems/new/", views.installation_new, name="installation_new"),
    path("systems/<int:pk>/", views.installation_edit, name="installation_edit"),
]
