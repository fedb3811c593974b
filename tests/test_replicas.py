"""Public reads from a real PostgreSQL streaming replica; editors and writes on the primary.

The replica is made with the packaged ``pg_basebackup`` from the embedded server this test
run uses, and follows it as a hot standby. The router must send an anonymous page's reads
there, an editor's to the primary, and fall back to the primary when the replica lags
(replay paused) or is down.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config.embedded_postgres import EmbeddedPostgres
from config.embedded_replica import EmbeddedReplica
from jurisdictions.data_version import forget_data_version
from jurisdictions.models import Jurisdiction
from jurisdictions.routing import forget_replica_failures
from tests.factories import JurisdictionFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, databases=["default", "replica1"]),
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="makes a replica of the embedded server"),
]
ALIAS = "replica1"
PAGE = "/jurisdictions/testland/"


@pytest.fixture(scope="module")
def replica_server(django_db_setup):
    """Where the replica will run, registered as the database alias ``replica1`` for this module.

    The alias mirrors ``default`` for the test machinery (never created or flushed by it: a
    replica is read-only), while its connection goes to the replica's own socket.
    """
    primary = EmbeddedPostgres.from_environment()
    base = Path(tempfile.mkdtemp(prefix="atlas-replica-"))
    base.chmod(0o755)  # the server runs as nobody when the tests run as root
    server = EmbeddedReplica(primary=primary, base_dir=base / "cluster", port=primary.port + 1)
    name = connection.settings_dict["NAME"]
    connections.settings[ALIAS] = {
        **connection.settings_dict,
        **server.connection_settings(name),
        "TEST": {**connection.settings_dict["TEST"], "MIRROR": "default"},
    }
    try:
        yield server
    finally:
        if ALIAS in connections.settings:
            connections[ALIAS].close()
            del connections[ALIAS]
            del connections.settings[ALIAS]
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def replica(replica_server, transactional_db, settings):
    JurisdictionFactory(name="Testland", slug="testland", notes="The first note.")
    name = connection.settings_dict["NAME"]
    try:
        replica_server.create()
        replica_server.start()
        replica_server.wait_until_caught_up(name)
        settings.ATLAS_READ_REPLICAS = [ALIAS]
        forget_data_version()
        forget_replica_failures()
        yield replica_server
    finally:
        connections[ALIAS].close()
        replica_server.stop()
        forget_data_version()
        forget_replica_failures()


def fetch(client) -> tuple[str, int, int]:
    """The page, and how many queries it sent to the replica and to the primary."""
    forget_data_version()  # as after the 1 s a server remembers a version
    with (
        CaptureQueriesContext(connections[ALIAS]) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode(), len(on_replica), len(on_primary)


def fetch_without_replica(client) -> tuple[str, int]:
    """The page and its queries on the primary (the replica cannot be watched: it is down)."""
    forget_data_version()
    with CaptureQueriesContext(connection) as on_primary:
        response = client.get(PAGE)
    assert response.status_code == 200
    return response.content.decode(), len(on_primary)


def test_public_reads_go_to_the_replica_and_editors_to_the_primary(replica, settings):
    settings.ATLAS_RESPONSE_CACHE = False
    body, on_replica, on_primary = fetch(Client())
    assert "The first note." in body
    assert on_replica > 1  # the version check and the page's own queries
    assert on_primary == 1  # only the primary's data version, to compare

    editor = Client()
    editor.force_login(User.objects.create_user("editor", password="a-long-password-1", is_staff=True))
    body, on_replica, on_primary = fetch(editor)
    assert on_replica == 0 and on_primary > 1


def test_a_lagging_replica_is_skipped_until_it_catches_up(replica, settings):
    settings.ATLAS_RESPONSE_CACHE = False
    name = connection.settings_dict["NAME"]
    replica.pause_replay(name, paused=True)
    Jurisdiction.objects.filter(slug="testland").update(notes="The second note.")
    body, on_replica, _ = fetch(Client())
    assert "The second note." in body  # read from the primary: the replica has not seen it
    assert on_replica == 1  # only its (older) data version
    replica.pause_replay(name, paused=False)
    replica.wait_until_caught_up(name)
    body, on_replica, _ = fetch(Client())
    assert "The second note." in body and on_replica > 1


def test_a_replica_that_is_down_is_skipped(replica, settings):
    settings.ATLAS_RESPONSE_CACHE = False
    replica.stop()
    connections[ALIAS].close()
    body, on_primary = fetch_without_replica(Client())
    assert "The first note." in body and on_primary > 1
