"""System checks: refuse to start without the map data rather than fail on the home page."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from .geography import GEOMETRY_FILE


@register()
def map_data_installed(app_configs, **kwargs):
    path = Path(settings.BASE_DIR) / GEOMETRY_FILE
    if path.is_file():
        return []
    return [
        Error(
            f"The maps' geometry file is missing ({path}).",
            hint="It is committed with the code: restore it, or rebuild it with `make map-geometry` "
            "(`npm ci`, then `manage.py build_map_geometry`).",
            id="models_compare.E001",
        )
    ]
