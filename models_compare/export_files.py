"""The whole-dataset downloads as files: written once per data version, served like static files.

An unfiltered export (``/events/export.csv`` with no filter and no ``page``) is the same bytes
for everyone until the data changes, and at 100 times today's data it is 100-200 MB: more than
a web worker can render inside its time limit (gunicorn's 30 s, the 2 s statement timeout),
however well it streams. So each is written once per data version (and per day for those that
show "today": the jurisdictions export and the panel) into ``settings.ATLAS_EXPORT_DIR``:

- CSV with the byte-order mark, CSV without it, and JSON, each beside a gzip copy, written from
  one rows pass, to temporary names in the same directory, then renamed into place (atomic: a
  reader sees the old file or the whole new one, never half of one);
- from one ``REPEATABLE READ`` snapshot, whose data version names the files and fills the JSON
  envelope, so a file never mixes two versions;
- the files of older versions are removed once the new ones are in place.

Requests serve them through WhiteNoise's responder (the library that serves the static files):
``ETag``/``Last-Modified`` and ``304``, single byte ranges (``Range``, honouring ``If-Range``) for
resumed downloads, and the gzip copy to clients that accept it, so nothing is compressed per
request and gunicorn can hand the file to the kernel (``sendfile``).

Who writes them: ``manage.py build_exports`` (a deploy step; ``--watch`` keeps them current
beside the web servers), or the first request that finds none for the current version. An
export of at most ``ATLAS_EXPORT_INLINE_ROWS`` rows is written inside that request (well under
a second); a larger one by a ``build_exports`` process the request starts, while the request
waits up to ``ATLAS_EXPORT_WAIT_SECONDS`` and then answers ``503`` with ``Retry-After`` (pages of
the same export, ``?page=``, are always available at once).
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date
from whitenoise.middleware import WhiteNoiseFileResponse
from whitenoise.responders import MissingFileError, StaticFile

from jurisdictions import spreadsheet
from jurisdictions.data_version import DataVersion, pinned_data_version, read_data_version

from . import exports

logger = logging.getLogger(__name__)

VARIANTS = ("csv", "nobom.csv", "json")
FILE_NAME = re.compile(
    r"^(?P<export>[a-z]+)\.v(?P<stamp>\d+-\d+)\.(?P<day>\d{4}-\d{2}-\d{2}|all)\.(?P<variant>csv|nobom\.csv|json)$"
)
GZIP_LEVEL = 6
# A request does not start a second builder within this many seconds of the last one.
RESPAWN_SECONDS = 30


@dataclass
class Document:
    """What an export file holds: its columns, the JSON envelope (without ``results``) and the rows."""

    fields: list[exports.Field]
    envelope: dict
    rows: Iterable[dict]


def directory() -> Path:
    path = Path(settings.ATLAS_EXPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def variant(fmt: str, *, bom: bool) -> str:
    return "json" if fmt == "json" else ("csv" if bom else "nobom.csv")


def _day_key(day) -> str:
    return day.isoformat() if day else "all"


def stem(export: str, version: DataVersion, day) -> str:
    """``events.v42-1764633600.all``: the version's number and time (a restore can bring a number
    back, never with the same time), and the day for exports that show today."""
    return f"{export}.v{version.number}-{int(version.changed_at.timestamp())}.{_day_key(day)}"


def path_for(export: str, variant_name: str, *, version: DataVersion, day) -> Path:
    return directory() / f"{stem(export, version, day)}.{variant_name}"


# --- Writing -----------------------------------------------------------------------------


class _Outputs:
    """The three variants and their gzip copies, written side by side to temporary files."""

    def __init__(self, folder: Path, stem: str, stack: contextlib.ExitStack):
        self.targets: list[tuple[Path, Path]] = []  # (temporary, final)
        self.plain: dict[str, IO[bytes]] = {}
        self.gzipped: dict[str, gzip.GzipFile] = {}
        suffix = f".{os.getpid()}.{threading.get_ident()}.tmp"
        for name in VARIANTS:
            final = folder / f"{stem}.{name}"
            for path, gz in ((final, False), (Path(f"{final}.gz"), True)):
                temporary = folder / f".{path.name}{suffix}"
                handle = stack.enter_context(open(temporary, "wb"))  # noqa: SIM115 (closed by the stack)
                self.targets.append((temporary, path))
                if gz:
                    self.gzipped[name] = stack.enter_context(
                        gzip.GzipFile(filename="", mode="wb", fileobj=handle, compresslevel=GZIP_LEVEL, mtime=0)
                    )
                else:
                    self.plain[name] = handle

    def write(self, name: str, text: str) -> None:
        data = text.encode()
        self.plain[name].write(data)
        self.gzipped[name].write(data)

    def discard(self) -> None:
        for temporary, _ in self.targets:
            temporary.unlink(missing_ok=True)

    def publish(self) -> None:
        """Rename into place, the plain CSV/JSON files last: ``find`` looks for those."""
        for temporary, final in sorted(self.targets, key=lambda pair: not pair[1].name.endswith(".gz")):
            os.replace(temporary, final)


def _write(folder: Path, stem: str, document: Document) -> None:
    names = [field_.name for field_ in document.fields]
    csv_writer = spreadsheet.writer(exports._Line())
    with contextlib.ExitStack() as stack:
        out = _Outputs(folder, stem, stack)
        try:
            header = csv_writer.writerow(names)
            out.write("csv", exports.BOM + header)
            out.write("nobom.csv", header)
            out.write("json", exports.json_head(document.envelope))
            for index, row in enumerate(document.rows):
                line = csv_writer.writerow([exports._csv_value(row[name]) for name in names])
                out.write("csv", line)
                out.write("nobom.csv", line)
                out.write("json", exports.json_row(index, row))
            out.write("json", exports.JSON_TAIL)
        except BaseException:
            stack.close()
            out.discard()
            raise
    out.publish()


def build(export: str, factory: Callable[[], Document], *, day=None, using: str = DEFAULT_DB_ALIAS) -> DataVersion:
    """Write the files of ``export`` for the data version of one snapshot (unless they exist);
    return that version. ``factory`` reads the rows through database ``using``."""
    folder = directory()
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        version = read_data_version(using)
        name = stem(export, version, day)
        if not all((folder / f"{name}.{variant_name}").exists() for variant_name in VARIANTS):
            started = time.monotonic()
            # dataset_version() in the envelope answers the snapshot's version.
            with pinned_data_version(using, version=version):
                _write(folder, name, factory())
            logger.info("export files %s written in %.1f s", name, time.monotonic() - started)
    remove_others(export, version=version, day=day)
    return version


def remove_others(export: str, *, version: DataVersion, day) -> None:
    """Remove ``export``'s files of earlier versions, and of other days, than ``version`` and
    ``day`` (a reader that has one open keeps reading it: POSIX removes it when closed), and
    temporary files left by a builder that died more than an hour ago. Files of a later version
    stay: a builder whose snapshot was a moment older may finish after the one that wrote them."""
    keep = stem(export, version, day)
    for path in directory().iterdir():
        name = path.name.removesuffix(".gz")
        match = FILE_NAME.match(name)
        if match and match["export"] == export:
            number = int(match["stamp"].split("-")[0])
            earlier = number < version.number or (number == version.number and not name.startswith(f"{keep}."))
            if earlier or match["day"] != _day_key(day):
                path.unlink(missing_ok=True)
        elif name.startswith(f".{export}.") and name.endswith(".tmp"):
            with contextlib.suppress(FileNotFoundError):
                if time.time() - path.stat().st_mtime > 3600:
                    path.unlink()


# --- Builders in other processes ------------------------------------------------------------


@contextlib.contextmanager
def build_lock(export: str, *, wait: bool) -> Iterator[bool]:
    """An exclusive lock per export across processes (released if the holder dies): yields
    whether it was taken."""
    with open(directory() / f".{export}.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def start_builder(export: str) -> bool:
    """Start ``manage.py build_exports --only <export>`` unless one is running or was started
    moments ago; the process outlives the request. Returns whether one was started."""
    with build_lock(export, wait=False) as free:
        if not free:
            return False
    marker = directory() / f".{export}.started"
    with contextlib.suppress(FileNotFoundError):
        if time.time() - marker.stat().st_mtime < RESPAWN_SECONDS:
            return False
    marker.touch()
    env = {**os.environ, **_database_env(), "ATLAS_EXPORT_DIR": str(directory())}
    process = subprocess.Popen(  # noqa: S603 (this project's manage.py, arguments built here)
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "build_exports", "--only", export],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Reap it when it ends (no zombie in the web worker).
    threading.Thread(target=process.wait, daemon=True).start()
    logger.info("started a builder for the %s export files (pid %s)", export, process.pid)
    return True


def _database_env() -> dict[str, str]:
    """Point the builder at the database this process uses (the same one in production; the
    test database under the test suite)."""
    name = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    url = os.environ.get("DATABASE_URL")
    if url:
        return {"DATABASE_URL": f"{url.rsplit('/', 1)[0]}/{name}"}
    return {"ATLAS_PG_DATABASE": str(name)}


def wait_for(path: Path, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        if path.exists():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


# --- Serving -------------------------------------------------------------------------------


def serve(request: HttpRequest, path: Path, *, filename: str, content_type: str) -> HttpResponse | None:
    """The file as WhiteNoise serves static files; None if it vanished meanwhile (a newer
    version replaced it: look again)."""
    etag = f'"{path.name}"'
    try:
        modified = path.stat().st_mtime
        static = StaticFile(
            str(path),
            [
                ("Content-Type", content_type),
                ("Content-Disposition", f'attachment; filename="{filename}"'),
                ("ETag", etag),
                ("Last-Modified", http_date(modified)),
                ("Cache-Control", "public, no-cache"),
            ],
            encodings={"gzip": f"{path}.gz"},
        )
        meta = request.META
        if meta.get("HTTP_IF_RANGE", etag) != etag:
            # The client holds another version: the whole file, not a piece of this one.
            meta = {key: value for key, value in meta.items() if key != "HTTP_RANGE"}
        answer = static.get_response(request.method, meta)
    except (MissingFileError, FileNotFoundError):
        return None
    response = WhiteNoiseFileResponse(answer.file or (), status=int(answer.status))
    del response["Content-Type"]
    for name, value in answer.headers:
        response[name] = value
    return response


def preparing_response(version: DataVersion) -> HttpResponse:
    retry = 30
    body = {
        "errors": {
            "__all__": [
                {
                    "message": (
                        f"The file for dataset version {version.number} is being prepared; try again in "
                        f"{retry} seconds. Pages of this export (?page=1&page_size=5000) are available now."
                    ),
                    "code": "preparing",
                }
            ]
        }
    }
    response = HttpResponse(json.dumps(body, indent=2), status=503, content_type="application/json; charset=utf-8")
    response["Retry-After"] = str(retry)
    response["Cache-Control"] = "no-store"
    return response
