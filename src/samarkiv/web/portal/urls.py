"""The public portal for citizens, mounted at / (after every other prefix)."""

from django.urls import path

from samarkiv.web.portal import files, meta, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sok/", views.home, name="search"),
    path("handling/<uuid:pk>/", views.record, name="record"),
    path("handling/<uuid:pk>/fil/<int:file_id>/", files.file_download, name="file"),
    path("handling/<uuid:pk>/fil/<int:file_id>/visa/", files.file_view, name="file_view"),
    path("handling/<uuid:pk>/dip/", files.dip, name="dip"),
    path("dold/<uuid:pk>/", views.stub, name="stub"),
    path("varfor-visas-inte-allt/", views.about_hidden, name="about_hidden"),
    path("forslag/", meta.suggest, name="suggest"),
    path("sitemap.xml", meta.sitemap, name="sitemap"),
    path("robots.txt", meta.robots, name="robots"),
    path("sprak/", meta.language, name="language"),
]
