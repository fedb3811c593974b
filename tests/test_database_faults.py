"""Database faults against a real embedded server: the site answers 503 fast and recovers by itself.

A throw-away cluster is migrated once; the site runs on it in a subprocess, as production
does (gunicorn, production settings, DATABASE_URL, persistent connections) and as
development does (runserver, the embedded server). The server is then stopped and started,
and paused (SIGSTOP of the postmaster and its backends) and resumed, and each answer timed.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from config.embedded_postgres import EmbeddedPostgres, remove_cluster

pytestmark = pytest.mark.slow
PROJECT = Path(__file__).resolve().parent.parent
SCRATCH = PROJECT / "var" / "test-clusters"
PYTHON = sys.executable


def page() -> str:
    """A page that must read the database: a new query string each time, so no cache can answer it."""
    return f"/jurisdictions/?q={uuid.uuid4().hex[:8]}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 15) -> tuple[int, dict, bytes, float]:
    """(status, headers, body, seconds) of a GET, whatever the status."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read(), time.monotonic() - started


def wait_until(condition, seconds: float = 30, what: str = "the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def server_processes(cluster: EmbeddedPostgres) -> list[int]:
    """The postmaster and every process it started (backends, checkpointer, ...)."""
    postmaster = cluster.server_pid()
    assert postmaster is not None, "the server is not running"
    children = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(postmaster):
            children.append(int(status.parent.name))
    return [postmaster, *children]


@pytest.fixture(scope="module")
def cluster():
    SCRATCH.mkdir(parents=True, exist_ok=True)
    SCRATCH.chmod(0o755)
    instance = EmbeddedPostgres(base_dir=SCRATCH / f"faults-{uuid.uuid4().hex[:6]}", port=54331)
    instance.ensure_running()
    env = {**os.environ, "ATLAS_PG_DIR": str(instance.base_dir), "ATLAS_PG_PORT": str(instance.port)}
    env.pop("DATABASE_URL", None)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=PROJECT, env=env, check=True)
    yield instance
    for pid in server_processes(instance) if instance.server_pid() else []:
        os.kill(pid, signal.SIGCONT)
    remove_cluster(instance)


def start_site(command: list[str], env: dict, port: int):
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"

    def answers():
        try:
            return fetch(base + "/healthz", timeout=2)[0] == 200
        except OSError:
            return False

    wait_until(answers, 60, "the site to start")
    return process, base


@pytest.fixture(scope="module")
def production_site(cluster):
    """gunicorn with the production settings, on DATABASE_URL, with persistent connections."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": cluster.database_url(),
        "SECRET_KEY": "fault-test-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
    }
    command = [
        str(Path(PYTHON).with_name("gunicorn")),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--no-control-socket",
        "--timeout",
        "60",
    ]
    process, base = start_site(command, env, port)
    yield base
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def development_site(cluster):
    """runserver with the embedded server, as `make run` starts it."""
    port = free_port()
    env = {**os.environ, "ATLAS_PG_DIR": str(cluster.base_dir), "ATLAS_PG_PORT": str(cluster.port)}
    env.pop("DATABASE_URL", None)
    command = [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    process, base = start_site(command, env, port)
    yield base
    process.terminate()
    process.wait(10)


def assert_friendly_503(status, headers, body):
    assert status == 503
    assert int(headers["Retry-After"]) > 0
    assert b"briefly unavailable" in body and b"Traceback" not in body


def time_recovery(base: str) -> float:
    started = time.monotonic()
    wait_until(lambda: fetch(base + page())[0] == 200, 30, "the site to recover")
    return time.monotonic() - started


def test_stopped_server_gives_a_fast_503_and_the_site_recovers(cluster, production_site, record_property):
    assert fetch(production_site + page())[0] == 200  # a pooled connection is open now
    cluster.stop()
    status, headers, body, seconds = fetch(production_site + page())
    assert_friendly_503(status, headers, body)
    assert seconds < 2.0
    assert fetch(production_site + "/healthz")[0] == 200
    ready = fetch(production_site + "/readyz")
    assert ready[0] == 503 and json.loads(ready[2])["database"] == "unreachable"
    cluster.ensure_running()
    recovered = time_recovery(production_site)
    assert fetch(production_site + "/readyz")[0] == 200
    record_property("stopped: time to 503 (s)", round(seconds, 3))
    record_property("stopped: time to recover (s)", round(recovered, 3))
    print(f"\nstopped server: 503 after {seconds:.3f} s; recovered {recovered:.3f} s after the restart")


def test_paused_server_gives_a_503_within_seconds_and_the_site_recovers(cluster, production_site, record_property):
    assert fetch(production_site + page())[0] == 200  # a persistent connection is open now
    paused = server_processes(cluster)
    for pid in paused:
        os.kill(pid, signal.SIGSTOP)
    try:
        status, headers, body, seconds = fetch(production_site + page())
        assert_friendly_503(status, headers, body)
        # A second request opens a new connection, which connect_timeout bounds.
        status2, headers2, body2, seconds2 = fetch(production_site + page())
        assert_friendly_503(status2, headers2, body2)
        assert fetch(production_site + "/healthz")[0] == 200
    finally:
        for pid in paused:
            os.kill(pid, signal.SIGCONT)
    assert seconds < 3.0 and seconds2 < 3.0
    recovered = time_recovery(production_site)
    record_property("paused: time to 503 (s)", [round(seconds, 3), round(seconds2, 3)])
    record_property("paused: time to recover (s)", round(recovered, 3))
    print(
        f"\npaused server: 503 after {seconds:.3f} s (open connection), {seconds2:.3f} s (new connection); "
        f"recovered {recovered:.3f} s after SIGCONT"
    )


def test_web_requests_never_start_the_embedded_server(cluster, development_site):
    assert fetch(development_site + page())[0] == 200
    cluster.stop()
    status, headers, body, seconds = fetch(development_site + page())
    assert_friendly_503(status, headers, body)
    assert seconds < 2.0
    time.sleep(0.5)
    assert not cluster.is_running(), "a web request started the database"
    cluster.ensure_running()
    time_recovery(development_site)
