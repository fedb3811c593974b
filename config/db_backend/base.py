"""PostgreSQL backend with a client-side deadline on every database call.

The server's ``statement_timeout`` ends slow queries; this ends calls to a server that no
longer answers at all (see ``deadline.py``), so a hung database costs a request a couple of
seconds and a 503, never a worker. Connecting is bounded by ``connect_timeout`` (settings).
"""

import time
from contextlib import contextmanager

from django.conf import settings
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from django.db.utils import OperationalError

from .deadline import watchdog

# A health check is one SELECT 1: a live server answers in milliseconds.
HEALTH_CHECK_SECONDS = 1.0
# Past the server's statement_timeout, so that the server's own error comes first.
MARGIN_SECONDS = 0.5
# After a failed connection or a hung health check, attempts within this window fail at once: a
# request that tries twice (a middleware, then the view) waits for the database once, not twice.
FAILED_CONNECT_MEMORY_SECONDS = 0.5


class DatabaseWrapper(PostgresDatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.execute_wrappers.append(self._execute_with_deadline)
        self._health_check_hung = False
        self._connect_failed_at: float | None = None

    def get_new_connection(self, conn_params):
        failed_at = self._connect_failed_at
        if failed_at is not None and time.monotonic() - failed_at < FAILED_CONNECT_MEMORY_SECONDS:
            raise self.Database.OperationalError("the database could not be reached a moment ago")
        try:
            connection = super().get_new_connection(conn_params)
        except self.Database.Error:
            self._connect_failed_at = time.monotonic()
            raise
        self._connect_failed_at = None
        return connection

    @property
    def call_deadline(self) -> float:
        """Seconds a call may take before the connection is given up (0: no limit)."""
        timeout = getattr(settings, "DATABASE_STATEMENT_TIMEOUT", 0)
        return timeout + MARGIN_SECONDS if timeout else 0

    @contextmanager
    def _deadline(self, seconds: float):
        if self.connection is None or self.connection.closed:
            yield None
            return
        with watchdog.guard(self.connection.fileno(), seconds) as call:
            try:
                yield call
            except Exception as error:
                if call.expired:
                    raise OperationalError(f"the database did not answer within {seconds:g} s") from error
                raise

    def _execute_with_deadline(self, execute, sql, params, many, context):
        with self._deadline(self.call_deadline):
            return execute(sql, params, many, context)

    def is_usable(self):
        with self._deadline(HEALTH_CHECK_SECONDS) as call:
            usable = super().is_usable()
        self._health_check_hung = bool(call and call.expired)
        return usable

    def close_if_health_check_failed(self):
        # A check that hung closed the connection; reconnecting would wait connect_timeout
        # for the same silent server, so fail this request now (a 503) instead.
        super().close_if_health_check_failed()
        if self._health_check_hung:
            self._health_check_hung = False
            # As after a failed connection: the view's own attempt, after the middleware's, fails
            # at once instead of waiting connect_timeout.
            self._connect_failed_at = time.monotonic()
            raise OperationalError(f"the database did not answer a health check within {HEALTH_CHECK_SECONDS:g} s")

    def commit(self):
        with self._deadline(self.call_deadline):
            super().commit()

    def rollback(self):
        with self._deadline(self.call_deadline):
            super().rollback()
