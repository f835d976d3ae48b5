"""URLs of archived databases and decommissioning (/staff/databases/)."""

from django.urls import path

from samarkiv.web.databases import decommissioning_views as dv
from samarkiv.web.databases import views

app_name = "databases_ui"

T = "<int:pk>/tabell/<int:t>/"

urlpatterns = [
    path("", views.database_list, name="database_list"),
    path("<int:pk>/", views.database_detail, name="database_detail"),
    path("<int:pk>/publicering/", views.database_publish, name="database_publish"),
    path(T, views.table_rows, name="table_rows"),
    path(f"{T}csv/", views.table_csv, name="table_csv"),
    path(f"{T}sekretess/", views.table_masks, name="table_masks"),
    path(f"{T}rad/<int:rowid>/", views.row_detail, name="row_detail"),
    path(f"{T}rad/<int:rowid>/nyckel/<int:fk>/", views.follow_key, name="follow_key"),
    path(f"{T}rad/<int:rowid>/varde/<int:c>/", views.cell_download, name="cell_download"),
    path("avveckling/", dv.decommissioning_list, name="decommissioning_list"),
    path("avveckling/ny/", dv.decommissioning_new, name="decommissioning_new"),
    path("avveckling/<int:pk>/", dv.decommissioning_detail, name="decommissioning_detail"),
    path("avveckling/<int:pk>/uttag/", dv.step_extract, name="step_extract"),
    path("avveckling/<int:pk>/uppladdning/", dv.step_upload, name="step_upload"),
    path("avveckling/<int:pk>/kontroll/", dv.step_verify, name="step_verify"),
    path("avveckling/<int:pk>/dokumentation/", dv.step_documentation, name="step_documentation"),
    path("avveckling/<int:pk>/granskning/", dv.step_review, name="step_review"),
    path("avveckling/<int:pk>/arkivering/", dv.step_ingest, name="step_ingest"),
    path("avveckling/<int:pk>/intyg/", dv.step_certify, name="step_certify"),
    path("avveckling/<int:pk>/intyg.pdf", dv.certificate, name="certificate"),
    path("avveckling/<int:pk>/avveckla/", dv.step_decommission, name="step_decommission"),
]
