"""Public pages of requests for public records (mounted at /begaran/)."""

from django.urls import path, re_path

from samarkiv.web.requests import public_views as views

app_name = "requests_public"

urlpatterns = [
    path("", views.new, name="new"),
    path("kvitto/", views.receipt, name="receipt"),
    path("hamta/<str:token>/", views.download, name="download"),
    path("hamta/<str:token>/alla.zip", views.download_all, name="download_all"),
    path("hamta/<str:token>/<int:pk>/", views.download_file, name="download_file"),
    re_path(r"^(?P<number>BEG-[0-9]{4}-[0-9]{5,})/$", views.status, name="status"),
]
