"""Static files in production: hashed, compressed and served by WhiteNoise.

``collectstatic`` writes them (``make serve`` runs it). Without it, Django's manifest storage
raises on every ``{% static %}`` and so turns every page, even the 404 page, into a 500; here a
missing file is logged once, in one line that says what to run, and the page is served with a
plain URL (unstyled, but readable).
"""

import logging

from django.contrib.staticfiles.storage import StaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger("atlas.static")


class AtlasStaticFilesStorage(CompressedManifestStaticFilesStorage):
    _reported: set[str] = set()

    def url(self, name, force=False):
        try:
            return super().url(name, force)
        except ValueError:
            if name not in self._reported:
                self._reported.add(name)
                logger.error("static file %r is not collected: run `manage.py collectstatic`", name)
            return StaticFilesStorage.url(self, name)
