"""Public pages of one jurisdiction, under the ``jurisdictions`` URL namespace."""

from django.urls import path

from . import views

app_name = "jurisdictions"

urlpatterns = [
    path("jurisdictions/<slug:slug>/", views.JurisdictionDetailView.as_view(), name="detail"),
    path("jurisdictions/<slug:slug>/feed/", views.JurisdictionEventsFeed(), name="feed"),
]
