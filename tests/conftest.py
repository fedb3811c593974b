"""Shared fixtures. Tests run against a real PostgreSQL (the embedded one, or DATABASE_URL)."""

import contextlib
import hashlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.cache import caches
from django.db import DatabaseError, connection
from pytest_django import DjangoDbBlocker

from config.embedded_postgres import allow_autostart
from jurisdictions.data_version import BUMP_TRIGGER, forget_data_version
from tests.shared_data import make_sweden, restore_migrated_rows

# The test run may start the embedded server, as commands do (web workers never do).
allow_autostart()


@pytest.fixture(autouse=True)
def _caches_and_data_version(request, django_db_blocker):
    """Each test starts with empty caches and no remembered data version.

    A test's transaction is rolled back, never committed, so the data version would never
    move inside it (it is raised at commit). For such tests the version trigger fires at the
    end of each statement instead, so pages and caches in the test see every change.

    A transactional test ends by emptying every table: the rows the migrations create are put
    back after it, so the tests that follow do not depend on the order they run in.
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
    if transactional:
        request.node.stash[RESTORE_MIGRATED_ROWS] = django_db_blocker
    yield


@pytest.fixture(autouse=True)
def _export_files(settings, tmp_path_factory):
    """Each test writes the whole-dataset export files into a folder of its own: a rolled-back
    test leaves the data version where it was, so files kept across tests could be another test's."""
    settings.ATLAS_EXPORT_DIR = tmp_path_factory.mktemp("exports")


RESTORE_MIGRATED_ROWS = pytest.StashKey[DjangoDbBlocker]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test has emptied the tables (its fixtures are torn down), put back
    the rows the migrations create for the tests that follow (after the last test there are
    none, and the test database may already be gone).

    In a run with ``serialized_rollback`` tests (the browser tests, ``make test``), Django keeps a
    serialised copy of the migrated database, which those tests load again with its own keys: the
    legal models are put back from that copy, keys included, so the two never disagree.
    """
    try:
        return (yield)
    finally:
        blocker = item.stash.get(RESTORE_MIGRATED_ROWS, None)
        if blocker is not None and nextitem is not None:
            with blocker.unblock():
                copy = getattr(connection, "_test_serialized_contents", None)
                if copy:
                    restore_legal_models_from(copy)
                restore_migrated_rows()


def restore_legal_models_from(serialized: str) -> None:
    """The legal models of Django's serialised copy of the test database, with their keys."""
    from jurisdictions.models import LegalModel

    for deserialized in serializers.deserialize("json", serialized):
        if isinstance(deserialized.object, LegalModel):
            deserialized.save()


@pytest.fixture
def sweden(db):
    """Sweden: partial criminalisation before 1999, Nordic model since 1 January 1999."""
    return make_sweden()


ROOT = Path(__file__).resolve().parent.parent


def schema_fingerprint() -> str:
    """A short hash of what builds the test database's schema: the project's migrations and the
    locked dependencies (whose apps have migrations of their own)."""
    digest = hashlib.sha256()
    for path in [*sorted(ROOT.glob("*/migrations/*.py")), ROOT / "uv.lock"]:
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """Name the test database after the schema it is built from: ``test_atlas_<fingerprint>``,
    and ``test_atlas_<fingerprint>_gw0``, ``_gw1``... for pytest-xdist's workers.

    So ``--reuse-db`` keeps a database between runs only while the migrations are the same: a
    changed or removed migration (another branch, an edited one) gets a new database instead of
    tests run against a stale schema.
    """
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    suffix = f"_{worker}" if worker else ""
    for db_settings in settings.DATABASES.values():
        test = db_settings.setdefault("TEST", {})
        if test.get("NAME") and not test.get("MIRROR"):
            name = test["NAME"].removesuffix(suffix)
            test["NAME"] = f"{name}_{schema_fingerprint()}{suffix}"


def drop_stale_test_databases() -> None:
    """Drop the databases earlier ``--reuse-db`` runs kept for other migrations (one in use is left)."""
    named = re.fullmatch(r"(.*)_([0-9a-f]{10})(_gw[0-9]+)?", connection.settings_dict["NAME"])
    if named is None:
        return
    base, fingerprint = named.group(1, 2)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname ~ %s",
            [rf"^{re.escape(base)}_[0-9a-f]{{10}}(_gw[0-9]+)?$"],
        )
        stale = [name for (name,) in cursor.fetchall() if f"_{fingerprint}" not in name]
        for name in stale:
            with contextlib.suppress(DatabaseError):  # another run uses it
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_keepdb):
    """The test database, with the rows its migrations create (see ``restore_migrated_rows``)."""
    with django_db_blocker.unblock():
        restore_migrated_rows()
        if django_db_keepdb:
            drop_stale_test_databases()
