from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import bench, health

# A database outage raised outside a view (sessions, login throttling) is a 503 too.
handler500 = "config.database_faults.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("models_compare.urls")),
    path("", include("models_compare.jurisdiction_urls")),
]

if settings.ATLAS_BENCHMARK_VIEW:
    urlpatterns.append(path("bench/bare/", bench.bare, name="bench_bare"))
