"""Staff pages of the archival description, mounted at /staff/catalog/."""

from django.urls import path

from samarkiv.web.catalog import (
    aip_views,
    archive_views,
    classification_views,
    creator_views,
    export_views,
)

app_name = "catalog_ui"

urlpatterns = [
    path("", creator_views.creator_list, name="creators"),
    path("creators/new/", creator_views.creator_new, name="creator_new"),
    path("creators/<slug:code>/", creator_views.creator_detail, name="creator_detail"),
    path("creators/<slug:code>/edit/", creator_views.creator_edit, name="creator_edit"),
    path("creators/<slug:code>/relations/new/", creator_views.relation_new, name="relation_new"),
    path("relations/<int:pk>/delete/", creator_views.relation_delete, name="relation_delete"),
    path("creators/<slug:code>/archives/new/", archive_views.archive_new, name="archive_new"),
    path("archives/<int:pk>/edit/", archive_views.archive_edit, name="archive_edit"),
    path("archives/<int:pk>/series/new/", archive_views.series_new, name="series_new"),
    path("series/<int:pk>/edit/", archive_views.series_edit, name="series_edit"),
    path("series/<int:pk>/volumes/new/", archive_views.volume_new, name="volume_new"),
    path("volumes/<int:pk>/edit/", archive_views.volume_edit, name="volume_edit"),
    path("classification/", classification_views.scheme_list, name="schemes"),
    path("classification/new/", classification_views.scheme_new, name="scheme_new"),
    path("classification/<int:pk>/", classification_views.scheme_detail, name="scheme_detail"),
    path("classification/<int:pk>/edit/", classification_views.scheme_edit, name="scheme_edit"),
    path("classification/<int:pk>/copy/", classification_views.scheme_copy, name="scheme_copy"),
    path(
        "classification/<int:pk>/activate/",
        classification_views.scheme_activate,
        name="scheme_activate",
    ),
    path("classification/<int:pk>/nodes/new/", classification_views.node_new, name="node_new"),
    path("nodes/<int:pk>/edit/", classification_views.node_edit, name="node_edit"),
    path("nodes/<int:pk>/delete/", classification_views.node_delete, name="node_delete"),
    path("aips/", aip_views.aip_list, name="aips"),
    path("aips/<str:aip_id>/description/", aip_views.aip_description, name="aip_description"),
    path("inventory.xml", export_views.tenant_inventory_xml, name="tenant_inventory_xml"),
    path("inventory.pdf", export_views.tenant_inventory_pdf, name="tenant_inventory_pdf"),
    path("inventory/<slug:code>.xml", export_views.inventory_xml, name="inventory_xml"),
    path("inventory/<slug:code>.pdf", export_views.inventory_pdf_view, name="inventory_pdf"),
]
