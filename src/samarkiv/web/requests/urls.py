"""Staff pages of requests for public records (mounted at /staff/requests/)."""

from django.urls import path, re_path

from samarkiv.web.requests import views

app_name = "requests_ui"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("statistik/", views.stats, name="stats"),
    re_path(r"^(?P<number>BEG-[0-9]{4}-[0-9]{5,})/$", views.detail, name="detail"),
    re_path(r"^(?P<number>BEG-[0-9]{4}-[0-9]{5,})/avsluta/$", views.close, name="close"),
    re_path(r"^(?P<number>BEG-[0-9]{4}-[0-9]{5,})/koppla/$", views.link, name="link"),
    re_path(r"^(?P<number>BEG-[0-9]{4}-[0-9]{5,})/ny-lank/$", views.new_link, name="new_link"),
    re_path(
        r"^(?P<number>BEG-[0-9]{4}-[0-9]{5,})/filer/(?P<pk>[0-9]+)/$",
        views.released_file,
        name="released_file",
    ),
]
