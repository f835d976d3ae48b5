"""The URL table in one place: staff UI under /staff/, API under /api/, and the public
portal (for citizens, no login) at /."""

from django.urls import include, path

from samarkiv.web import views
from samarkiv.web.api.v1 import api

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("staff/manage/", include("samarkiv.web.manage.urls")),
    path("staff/catalog/", include("samarkiv.web.catalog.urls")),
    path("staff/requests/", include("samarkiv.web.requests.urls")),
    path("staff/secrecy/", include("samarkiv.web.secrecy.urls")),
    path("staff/databases/", include("samarkiv.web.databases.urls")),
    path("staff/planning/", include("samarkiv.web.planning.urls")),
    path("staff/", include("samarkiv.web.search.urls")),  # staff/search/, staff/records/
    path("staff/", include("samarkiv.web.urls")),
    path("begaran/", include("samarkiv.web.requests.public_urls")),
    path("", include("samarkiv.web.portal.urls")),  # the public portal: last
]
