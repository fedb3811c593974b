from django.apps import AppConfig
from django.db.backends.signals import connection_created


class JurisdictionsConfig(AppConfig):
    name = "jurisdictions"
    verbose_name = "Jurisdictions and policy records"

    def ready(self):
        from .data_version import watch_connection

        # A process that writes reads the data version again at once (see data_version.py).
        connection_created.connect(watch_connection, dispatch_uid="atlas-data-version")
