"""The client-side deadline and the 503 answer, without stopping a server (see test_database_faults.py for that)."""

import socket
import time

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory

from config.database_faults import DatabaseUnavailableMiddleware, server_error
from config.db_backend.deadline import Watchdog


def test_a_call_blocked_on_a_silent_server_is_cut_off_at_its_deadline():
    ours, silent_server = socket.socketpair()
    watchdog = Watchdog()
    started = time.monotonic()
    with watchdog.guard(ours.fileno(), 0.3) as call:
        received = ours.recv(16)  # the server never answers
    elapsed = time.monotonic() - started
    assert received == b"" and call.expired
    assert 0.3 <= elapsed < 1.0
    ours.close()
    silent_server.close()


def test_a_call_that_answers_in_time_is_left_alone():
    ours, server = socket.socketpair()
    server.sendall(b"ok")
    with Watchdog().guard(ours.fileno(), 0.3) as call:
        assert ours.recv(16) == b"ok"
    time.sleep(0.4)
    assert not call.expired
    server.sendall(b"still open")
    assert ours.recv(16) == b"still open"


@pytest.mark.django_db
def test_a_statement_over_its_timeout_fails_as_operational():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 50")
        with pytest.raises(OperationalError):
            cursor.execute("SELECT pg_sleep(1)")


def test_database_errors_become_a_friendly_503_with_retry_after():
    request = RequestFactory().get("/jurisdictions/")
    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    response = middleware.process_exception(request, OperationalError("connection refused\nDETAIL: ..."))
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert response["Cache-Control"] == "no-store"
    assert b"briefly unavailable" in response.content
    assert middleware.process_exception(request, ValueError("a bug")) is None


def test_database_errors_raised_in_middleware_are_a_503_too():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("the database did not answer within 2.5 s")
    except OperationalError:
        assert server_error(request).status_code == 503
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(request).status_code == 500
