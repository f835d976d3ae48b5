"""The public portal for citizens, mounted at / (after every other prefix)."""

from django.urls import path

from samarkiv.web.portal import databases, files, meta, views

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
    path("databaser/", databases.database_list, name="databases"),
    path("databaser/<int:pk>/", databases.database, name="database"),
    path("databaser/<int:pk>/tabell/<int:t>/", databases.database_table, name="database_table"),
    path("databaser/<int:pk>/tabell/<int:t>/csv/", databases.database_csv, name="database_csv"),
    path(
        "databaser/<int:pk>/tabell/<int:t>/rad/<int:rowid>/",
        databases.database_row,
        name="database_row",
    ),
    path("forslag/", meta.suggest, name="suggest"),
    path("sitemap.xml", meta.sitemap, name="sitemap"),
    path("robots.txt", meta.robots, name="robots"),
    path("sprak/", meta.language, name="language"),
]
