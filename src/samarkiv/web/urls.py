"""Staff pages, mounted at /staff/."""

from django.urls import path

from samarkiv.web import aip_views, auth_views, ingest_views, storage_views, views

app_name = "web"

urlpatterns = [
    path("", views.staff_home, name="staff_home"),
    path("login/", auth_views.login_view, name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("oidc/login/", auth_views.oidc_login, name="oidc_login"),
    path("oidc/callback/", auth_views.oidc_callback, name="oidc_callback"),
    path("tenant/", auth_views.switch_tenant, name="switch_tenant"),
    path("validations/<uuid:pk>/", views.validation_detail, name="validation_detail"),
    path("validations/<uuid:pk>.json", views.validation_json, name="validation_json"),
    path("ingests/", ingest_views.ingest_list, name="ingest_list"),
    path("ingests/<uuid:pk>/", ingest_views.ingest_detail, name="ingest_detail"),
    path("ingests/<uuid:pk>/receipt.json", ingest_views.ingest_receipt_json, name="ingest_receipt"),
    path("aips/", aip_views.aip_list, name="aip_list"),
    path("aips/<str:pk>/", aip_views.aip_detail, name="aip_detail"),
    path("storage/", storage_views.storage_dashboard, name="storage"),
]
