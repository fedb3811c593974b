"""A streaming replica of the embedded PostgreSQL server, for running and testing read replicas locally.

``EmbeddedReplica(primary, base_dir, port).create()`` copies the primary with
``pg_basebackup -R`` (the packaged binaries; the copy follows the primary's WAL stream as a
hot standby), ``start()`` runs it on its own Unix socket, ``stop()`` stops it. Like the
primary it runs as ``nobody`` when this process is root. ``manage.py dbreplica`` wraps it.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from config.embedded_postgres import SUPERUSER, EmbeddedPostgres, EmbeddedPostgresError


@dataclass(frozen=True)
class EmbeddedReplica:
    primary: EmbeddedPostgres
    base_dir: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def socket_dir(self) -> Path:
        # Same rule as the primary (short paths for the socket), with its own directory.
        return EmbeddedPostgres(base_dir=self.base_dir, port=self.port).socket_dir

    @property
    def log_file(self) -> Path:
        return self.base_dir / "server.log"

    def connection_settings(self, database: str) -> dict:
        """Django ``DATABASES`` entry: the guarded backend (a replica is never started by a request)."""
        settings = self.primary.connection_settings(database)
        settings.update({"ENGINE": "config.db_backend", "HOST": str(self.socket_dir), "PORT": str(self.port)})
        return settings

    def pause_replay(self, database: str, *, paused: bool) -> None:
        """Stop (or resume) applying the primary's changes: a replica that lags, on demand."""
        import psycopg

        function = "pg_wal_replay_pause" if paused else "pg_wal_replay_resume"
        with psycopg.connect(
            host=str(self.socket_dir), port=self.port, user=SUPERUSER, dbname=database, autocommit=True
        ) as replica:
            replica.execute(f"SELECT {function}()")

    def exists(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def is_running(self) -> bool:
        return EmbeddedPostgres(base_dir=self.base_dir, port=self.port).server_pid() is not None

    def create(self) -> None:
        """A fresh copy of the (running) primary, configured to follow it."""
        self.primary.ensure_running()
        if self.is_running():
            self.stop()
        if self.base_dir.exists():
            shutil.rmtree(self.base_dir)
        self.base_dir.mkdir(parents=True)
        self.primary._hand_to_server_user(self.base_dir)
        self.primary._run_as_server_user(
            [
                self.primary._bin("pg_basebackup"),
                "-D",
                str(self.data_dir),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "-h",
                str(self.primary.socket_dir),
                "-p",
                str(self.primary.port),
                "-U",
                SUPERUSER,
            ],
            "pg_basebackup failed: is the primary running and does it allow local replication?",
        )
        # -R wrote a primary_conninfo with every option this libpq knows (sslnegotiation among
        # them), which the server's own walreceiver rejects: state the few that matter.
        with open(self.data_dir / "postgresql.auto.conf", "a") as conf:
            conf.write(
                f"primary_conninfo = 'host={self.primary.socket_dir} port={self.primary.port} user={SUPERUSER}'\n"
            )

    def start(self) -> None:
        if self.is_running():
            return
        if not self.exists():
            raise EmbeddedPostgresError(f"no replica in {self.data_dir}: create it first.")
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.primary._hand_to_server_user(self.socket_dir)
        options = (
            f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' -p {self.port} -c hot_standby=on"
        )
        self.primary._run_as_server_user(
            self.primary._pg_ctl_start(data_dir=self.data_dir, log_file=self.log_file, options=options, timeout=60),
            f"the replica did not start; see {self.log_file}",
        )

    def stop(self) -> None:
        if not self.is_running():
            return
        self.primary._run_as_server_user(
            [self.primary._bin("pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "fast", "-w"],
            "could not stop the replica",
        )

    def wait_until_caught_up(self, database: str, timeout: float = 30) -> None:
        """Wait until the replica shows the data version the primary shows now (the atlas's own
        measure of "has every committed change"; WAL positions also move on reads)."""
        import psycopg

        query = "SELECT coalesce(max(number), 0) FROM jurisdictions_dataversion"
        with psycopg.connect(
            host=str(self.primary.socket_dir), port=self.primary.port, user=SUPERUSER, dbname=database, autocommit=True
        ) as primary:
            target = (primary.execute(query).fetchone() or [0])[0]
        deadline = time.monotonic() + timeout
        with psycopg.connect(
            host=str(self.socket_dir), port=self.port, user=SUPERUSER, dbname=database, autocommit=True
        ) as replica:
            while time.monotonic() < deadline:
                row = replica.execute(query).fetchone()
                if row and row[0] >= target:
                    return
                time.sleep(0.05)
        raise EmbeddedPostgresError(f"the replica did not catch up within {timeout:g} s")
