"""The URL table in one place: staff UI, API, and the public portal at / later."""

from django.urls import include, path
from django.views.generic import RedirectView

from samarkiv.web import views
from samarkiv.web.api.v1 import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="web:staff_home", permanent=False)),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("staff/manage/", include("samarkiv.web.manage.urls")),
    path("staff/catalog/", include("samarkiv.web.catalog.urls")),
    path("staff/", include("samarkiv.web.search.urls")),  # staff/search/, staff/records/
    path("staff/", include("samarkiv.web.urls")),
]
