"""Local development: the default for manage.py. Safe to run on 127.0.0.1 only."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

DEBUG = env.bool("DEBUG", default=False)
# A fixed key is fine for a server bound to 127.0.0.1; production requires its own.
SECRET_KEY = SECRET_KEY or "django-insecure-local-development-only"
# Serve static files straight from the app folders without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No collectstatic in development: WhiteNoise serves from the finders instead.
STATIC_ROOT = None  # type: ignore[assignment]  # (base sets a Path for collectstatic)
