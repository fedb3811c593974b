"""Shared fixtures. Tests run against a real PostgreSQL (the embedded one, or DATABASE_URL)."""

import pytest
from django.core.cache import caches
from django.db import connection

from config.embedded_postgres import allow_autostart
from jurisdictions.data_version import BUMP_TRIGGER, forget_data_version
from tests.shared_data import make_sweden, restore_migrated_rows

# The test run may start the embedded server, as commands do (web workers never do).
allow_autostart()


@pytest.fixture(autouse=True)
def _caches_and_data_version(request):
    """Each test starts with empty caches and no remembered data version.

    A test's transaction is rolled back, never committed, so the data version would never
    move inside it (it is raised at commit). For such tests the version trigger fires at the
    end of each statement instead, so pages and caches in the test see every change.
    """
    for cache in caches.all(initialized_only=True):
        cache.clear()
    forget_data_version()
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    if not transactional and ("db" in request.fixturenames or marker is not None):
        request.getfixturevalue("db")
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {BUMP_TRIGGER} IMMEDIATE")
    yield


@pytest.fixture(autouse=True)
def _export_files(settings, tmp_path_factory):
    """Each test writes the whole-dataset export files into a folder of its own: a rolled-back
    test leaves the data version where it was, so files kept across tests could be another test's."""
    settings.ATLAS_EXPORT_DIR = tmp_path_factory.mktemp("exports")


@pytest.fixture
def sweden(db):
    """Sweden: partial criminalisation before 1999, Nordic model since 1 January 1999."""
    return make_sweden()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with the rows its migrations create (see ``restore_migrated_rows``)."""
    with django_db_blocker.unblock():
        restore_migrated_rows()
