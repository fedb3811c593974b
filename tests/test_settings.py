"""Settings read from the environment: production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.database_url import database_from_url

ROOT = Path(__file__).resolve().parent.parent
PRINT_DATABASE = (
    "from config.settings import production as s; "
    "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.DATABASES['default']['CONN_MAX_AGE'])"
)


def run_production(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", PRINT_DATABASE],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("environment", "missing"),
    [
        ({"DATABASE_URL": "postgres://atlas@db.example/atlas"}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "s" * 50, "DATABASE_URL": "mysql://atlas@db.example/atlas"}, "must point to PostgreSQL"),
    ],
)
def test_production_refuses_to_start_without_its_settings(environment, missing):
    result = run_production(**environment)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_production_uses_the_database_url():
    result = run_production(SECRET_KEY="s" * 50, DATABASE_URL="postgres://atlas:pw@db.example:5433/atlas")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["config.db_backend", "db.example", "60"]


def test_database_url_with_a_socket_directory_keeps_the_path_as_written():
    config = database_from_url("postgres://postgres@%2Fwork%2FAtlas%2Fvar%2Fpostgres%2Frun:54331/atlas")
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "/work/Atlas/var/postgres/run",
        54331,
        "atlas",
        "postgres",
    )


def test_database_url_with_a_host_name():
    config = database_from_url("postgres://atlas:secret@db.internal:5433/atlas")
    assert (config["HOST"], config["PORT"], config["NAME"], config["PASSWORD"]) == (
        "db.internal",
        5433,
        "atlas",
        "secret",
    )
