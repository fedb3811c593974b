"""System checks: refuse to start without the map data rather than fail on the home page."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from .geography import ATLAS_FILE


@register()
def map_data_installed(app_configs, **kwargs):
    path = Path(settings.BASE_DIR) / ATLAS_FILE
    if path.is_file():
        return []
    return [
        Error(
            f"The world map's boundaries are missing ({path}).",
            hint="Run `make setup` (or `npm ci`) to install the world-atlas package.",
            id="models_compare.E001",
        )
    ]
