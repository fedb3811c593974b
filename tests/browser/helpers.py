"""Small helpers shared by the browser tests."""

import pytest

from .conftest import PHONE

# Every browser test needs committed data (the live server has its own connection) and must give
# back the rows the migrations created (the five legal models) for the tests that run after it.
BROWSER = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def visit(page, live_server, path, status=200):
    """Open `path` on the live server and check the HTTP status."""
    response = page.goto(live_server.url + path)
    assert response is not None and response.status == status, f"{path}: HTTP {response and response.status}"
    return response


__all__ = ["BROWSER", "PHONE", "visit"]
