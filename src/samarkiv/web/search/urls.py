"""Search and record pages, mounted at /staff/ before the other staff pages."""

from django.urls import path

from samarkiv.web.search import views

app_name = "search_ui"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("records/<uuid:pk>/", views.record_detail, name="record"),
]
