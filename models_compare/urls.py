from django.urls import path
from django.views.generic import TemplateView

from . import views

app_name = "models_compare"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("jurisdictions/", views.BrowseView.as_view(), name="browse"),
    path("jurisdictions/export.csv", views.ExportView.as_view(format="csv"), name="export_csv"),
    path("jurisdictions/export.json", views.ExportView.as_view(format="json"), name="export_json"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("map/", views.MapFragmentView.as_view(), name="map_fragment"),
    path("map.svg", views.MapSvgView.as_view(), name="map_svg"),
    path("models/", views.ModelListView.as_view(), name="models"),
    # Before models/<slug>/: 'over-time' would otherwise be read as a model's slug.
    path("models/over-time/", views.ModelsOverTimeView.as_view(), name="over_time"),
    path("models/over-time.csv", views.ModelsOverTimeCsvView.as_view(), name="over_time_csv"),
    path("models/<slug:slug>/", views.ModelDetailView.as_view(), name="model"),
    path("models/<slug:slug>/feed/", views.ModelFeed(), name="model_feed"),
    path("events/", views.EventListView.as_view(), name="events"),
    path("about/", TemplateView.as_view(template_name="models_compare/about.html"), name="about"),
    path("events/feed/", views.EventFeed(), name="events_feed"),
]
