"""Staff pages, mounted at /staff/."""

from django.urls import path

from samarkiv.web import views

app_name = "web"

urlpatterns = [
    path("", views.staff_home, name="staff_home"),
    path("validations/<uuid:pk>/", views.validation_detail, name="validation_detail"),
    path("validations/<uuid:pk>.json", views.validation_json, name="validation_json"),
]
