"""PostgreSQL backend that starts the embedded server before its first connection.

Used only when ``DATABASE_URL`` is unset. Starting on connect (not on settings
import) means commands that never touch the database stay instant.
"""

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper

from config.embedded_postgres import EmbeddedPostgres


class DatabaseWrapper(PostgresDatabaseWrapper):
    def get_new_connection(self, conn_params):
        EmbeddedPostgres.from_environment().ensure_running()
        return super().get_new_connection(conn_params)
