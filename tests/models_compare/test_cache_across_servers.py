"""Two app servers on one database: a published change reaches both within 2 seconds.

Each server keeps its own page cache; their keys hold the data version, which each server
reads again at most once a second, so neither can keep serving the old page.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from jurisdictions.models import Jurisdiction
from tests.factories import JurisdictionFactory

pytestmark = pytest.mark.slow  # starts two gunicorn servers

ROOT = Path(__file__).resolve().parent.parent.parent
PORTS = range(8181, 8200)


def free_port(taken=()) -> int:
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8181-8199")


def server_env() -> dict[str, str]:
    """The test settings, pointed at this test run's database."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    name = connection.settings_dict["NAME"]
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
    else:
        env["ATLAS_PG_DATABASE"] = name
    return env


def get(port: int, path: str, headers=None) -> tuple[int, str, dict]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, "", dict(error.headers)


@pytest.fixture
def two_servers(transactional_db, tmp_path):
    ports: list[int] = []
    processes: list[subprocess.Popen] = []
    env = server_env()
    try:
        for _ in range(2):
            port = free_port(ports)
            ports.append(port)
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                     "--workers", "1", "--no-control-socket", "--error-logfile", str(tmp_path / f"{port}.log")],
                    cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
        deadline = time.monotonic() + 30
        for port in ports:
            while True:
                try:
                    if get(port, "/about/")[0] == 200:
                        break
                except OSError:
                    pass
                log = tmp_path / f"{port}.log"
                assert time.monotonic() < deadline, f"server did not start: {log.read_text() if log.exists() else ''}"
                time.sleep(0.1)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_change_reaches_every_server_within_two_seconds(two_servers):
    JurisdictionFactory(name="Testland", slug="testland", notes="The first note.")
    path = "/jurisdictions/testland/"
    etags = {}
    for port in two_servers:
        for _ in range(3):  # rendered, then served from the server's cache
            status, body, headers = get(port, path)
            assert status == 200 and "The first note." in body
        etags[port] = headers["ETag"]
    Jurisdiction.objects.filter(slug="testland").update(notes="The second note.")
    changed = time.monotonic()
    seen: dict[int, float] = {}
    while len(seen) < len(two_servers) and time.monotonic() - changed < 5:
        for port in two_servers:
            if port not in seen and "The second note." in get(port, path)[1]:
                seen[port] = time.monotonic() - changed
        time.sleep(0.05)
    assert set(seen) == set(two_servers), f"still stale after 5 s on {set(two_servers) - set(seen)}"
    assert max(seen.values()) < 2.0, seen
    for port in two_servers:
        status, body, _ = get(port, path, {"If-None-Match": etags[port]})
        assert status == 200 and "The second note." in body
