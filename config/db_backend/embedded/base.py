"""The embedded PostgreSQL's backend: the guarded backend, plus starting the server.

Only commands start the server (``manage.py`` allows it; see ``allow_autostart``). A web
request that finds it stopped fails at once with a message saying how to start it, and
the site answers 503 until someone does: a worker never starts or restarts it behind an
operator's back (``dbserver stop`` stays stopped).
"""

from django.db.utils import OperationalError

from config.db_backend.base import DatabaseWrapper as GuardedDatabaseWrapper
from config.embedded_postgres import EmbeddedPostgres, autostart_allowed


class DatabaseWrapper(GuardedDatabaseWrapper):
    def get_new_connection(self, conn_params):
        cluster = EmbeddedPostgres.from_environment()
        if autostart_allowed():
            cluster.ensure_running()
        elif not cluster.is_running():
            raise OperationalError(
                "the embedded database is not running: start it with `manage.py dbserver start` "
                "(web requests never start it)"
            )
        return super().get_new_connection(conn_params)
