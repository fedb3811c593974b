"""When the database is down or hung: a friendly 503 with Retry-After, never a 500.

``DatabaseUnavailableMiddleware`` answers for errors raised in views;
``server_error`` (the project's ``handler500``) for those raised in middleware (sessions,
login throttling). Either way the error is logged in one line, the connection that failed
is discarded by Django at the end of the request, and the next request tries afresh, so
the site recovers by itself when the database returns.
"""

import logging
import sys
from typing import TypeIs

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("atlas.database")

# Seconds a client should wait before trying again.
RETRY_AFTER_SECONDS = 10
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(error: BaseException | None) -> TypeIs[OperationalError | InterfaceError]:
    """Connection refused or lost, timeouts, a server shutting down: errors a retry can fix."""
    return isinstance(error, UNAVAILABLE_ERRORS)


def database_unavailable(request, error: BaseException):
    first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    logger.error("database unavailable (%s %s): %s", request.method, request.path, first_line)
    response = render(request, "503.html", {"retry_after": RETRY_AFTER_SECONDS}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return database_unavailable(request, exception)
        return None


def server_error(request, template_name="500.html"):
    """``handler500``: a 503 when the uncaught error was the database being unavailable."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return database_unavailable(request, error)
    return django_server_error(request, template_name)
