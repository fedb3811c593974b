from django.urls import path
from django.views.generic import TemplateView

from . import data_views, image_views, views

app_name = "models_compare"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("jurisdictions/", views.BrowseView.as_view(), name="browse"),
    path("jurisdictions/export.csv", data_views.JurisdictionExportView.as_view(format="csv"), name="export_csv"),
    path("jurisdictions/export.json", data_views.JurisdictionExportView.as_view(format="json"), name="export_json"),
    path("jurisdictions/panel.csv", data_views.PanelExportView.as_view(format="csv"), name="panel_csv"),
    path("jurisdictions/panel.json", data_views.PanelExportView.as_view(format="json"), name="panel_json"),
    path("periods/export.csv", data_views.PeriodExportView.as_view(format="csv"), name="periods_csv"),
    path("periods/export.json", data_views.PeriodExportView.as_view(format="json"), name="periods_json"),
    path("events/export.csv", data_views.EventExportView.as_view(format="csv"), name="events_csv"),
    path("events/export.json", data_views.EventExportView.as_view(format="json"), name="events_json"),
    path("api/openapi.json", data_views.openapi_view, name="openapi"),
    path("codebook/", data_views.CodebookView.as_view(), name="codebook"),
    path("codebook.md", data_views.CodebookMarkdownView.as_view(), name="codebook_md"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/suggest.json", views.SuggestView.as_view(), name="suggest"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("map/", views.MapFragmentView.as_view(), name="map_fragment"),
    path("map.png", image_views.MapPngView.as_view(), name="map_png"),
    path("embed/", image_views.EmbedBuilderView.as_view(), name="embed"),
    path("embed/map/", image_views.EmbedMapView.as_view(), name="embed_map"),
    path("map.svg", views.MapSvgView.as_view(), name="map_svg"),
    path("models/", views.ModelListView.as_view(), name="models"),
    # Before models/<slug>/: 'over-time' would otherwise be read as a model's slug.
    path("models/over-time/", views.ModelsOverTimeView.as_view(), name="over_time"),
    path("models/over-time.svg", image_views.OverTimeSvgView.as_view(), name="over_time_svg"),
    path("models/over-time.png", image_views.OverTimePngView.as_view(), name="over_time_png"),
    path("models/over-time.csv", views.ModelsOverTimeCsvView.as_view(), name="over_time_csv"),
    path("models/<slug:slug>/", views.ModelDetailView.as_view(), name="model"),
    path("models/<slug:slug>/feed/", views.ModelFeed(), name="model_feed"),
    path("events/", views.EventListView.as_view(), name="events"),
    path("about/", TemplateView.as_view(template_name="models_compare/about.html"), name="about"),
    path("events/feed/", views.EventFeed(), name="events_feed"),
    path("upcoming/feed/", views.UpcomingFeed(), name="upcoming_feed"),
]
