from django.urls import path

from . import views

app_name = "models_compare"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("jurisdictions/", views.BrowseView.as_view(), name="browse"),
    path("jurisdictions/export.csv", views.ExportView.as_view(format="csv"), name="export_csv"),
    path("jurisdictions/export.json", views.ExportView.as_view(format="json"), name="export_json"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("models/", views.ModelListView.as_view(), name="models"),
    path("models/<slug:slug>/", views.ModelDetailView.as_view(), name="model"),
    path("models/<slug:slug>/feed/", views.ModelFeed(), name="model_feed"),
    path("events/", views.EventListView.as_view(), name="events"),
    path("events/feed/", views.EventFeed(), name="events_feed"),
]
