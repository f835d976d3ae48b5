"""URLs of the staff secrecy and publication pages (mounted at /staff/secrecy/)."""

from django.urls import path

from samarkiv.web.secrecy import views

app_name = "secrecy_ui"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("regler/", views.rules, name="rules"),
    path("regler/ny/", views.rule_new, name="rule_new"),
    path("regler/<int:pk>/", views.rule_edit, name="rule_edit"),
    path("regler/<int:pk>/avaktivera/", views.rule_deactivate, name="rule_deactivate"),
    path("markering/ny/", views.marking_new, name="marking_new"),
    path("post/<uuid:record_id>/markering/", views.record_marking_new, name="record_marking_new"),
    path("markering/<int:pk>/ta-bort/", views.marking_delete, name="marking_delete"),
]
