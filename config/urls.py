from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("models_compare.urls")),
    path("", include("models_compare.jurisdiction_urls")),
]
