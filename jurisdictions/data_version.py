"""The data version: one number that changes whenever anything the public can see changes.

Every table whose rows reach a public page carries a statement-level trigger
(:func:`bumps_data_version`). The trigger notes the transaction in
``jurisdictions_datachange``; a deferred constraint trigger on that table then raises
``jurisdictions_dataversion.number`` by one **when the transaction commits**, once per
transaction. So every route that writes (the admin, publishing, restore, ``load_atlas``,
imports, a shell, raw SQL) bumps it without anyone remembering to, the new number becomes
visible in the same instant as the data it describes, and the single version row is
locked only for the moment of the commit (a long load never blocks an editor's save).

``changed_at`` moves forward by at least one second per version, so an HTTP
``Last-Modified`` taken from it distinguishes every version.

Readers call :func:`current_data_version`: it reads the row at most once a second per
process and database (so every server sees a change within about a second), and at
once after this process wrote anything.
"""

from __future__ import annotations

import contextvars
import datetime
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from dataclasses import dataclass

import pgtrigger
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

TABLE = "jurisdictions_dataversion"
# The deferred trigger's name: tests make it fire at once with SET CONSTRAINTS ... IMMEDIATE.
BUMP_TRIGGER = "data_version_bump"


def bumps_data_version() -> pgtrigger.Trigger:
    """The statement-level trigger every model whose rows the public can see must carry.

    ``jurisdictions/models.py`` registers it on each such model; a new public model adds
    itself there (or lists it in its ``Meta.triggers``) and ``makemigrations`` installs it.
    """
    return pgtrigger.Trigger(
        name="bump_data_version",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete | pgtrigger.Truncate,
        func="PERFORM atlas_note_data_change(); RETURN NULL;",
    )


@dataclass(frozen=True)
class DataVersion:
    number: int
    changed_at: datetime.datetime

    def last_modified(self, today: datetime.date) -> datetime.datetime:
        """For ``Last-Modified``: the version's time, or midnight when a page shows 'today'."""
        midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
        return max(self.changed_at, midnight)


# Process-wide: the last version read per database, when, and at which write generation.
_remembered: dict[str, tuple[DataVersion, float, int]] = {}
# Raised by every statement that may write, and again when a writing transaction commits:
# a remembered version from an older generation is read again (by every thread).
_generation: dict[str, int] = {}


# Set for the length of one public request, so every part of the page uses one version.
_pinned: contextvars.ContextVar[tuple[str, DataVersion] | None] = contextvars.ContextVar(
    "atlas_data_version", default=None
)
WRITE_PREFIXES = ("insert", "update", "delete", "truncate", "copy", "merge", "alter", "drop", "with")


def _max_age() -> float:
    return getattr(settings, "ATLAS_DATA_VERSION_MAX_AGE", 1.0)


def current_data_version(using: str = DEFAULT_DB_ALIAS) -> DataVersion:
    """The data version as seen by database ``using``, at most ``ATLAS_DATA_VERSION_MAX_AGE`` (1 s) old.

    After this process wrote to that database, the next call reads it again; inside a
    transaction that wrote, every call reads it (the number moves at commit).
    """
    pinned = _pinned.get()
    if pinned is not None:
        # One version per public request, that of the database the request reads from.
        return pinned[1]
    now = time.monotonic()
    generation = _generation.get(using, 0)
    entry = _remembered.get(using)
    if entry is not None and entry[2] == generation and now - entry[1] < _max_age():
        return entry[0]
    connection = connections[using]
    version = read_data_version(using)
    # Inside a transaction the number may move at its commit: remember only committed reads.
    if not connection.in_atomic_block:
        _remembered[using] = (version, now, generation)
    return version


def read_data_version(using: str = DEFAULT_DB_ALIAS) -> DataVersion:
    """The version row as database ``using`` sees it now (inside a transaction: as its snapshot
    sees it), never a remembered one."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT number, changed_at FROM {TABLE} WHERE id = 1")  # noqa: S608 (TABLE is a constant)
        row = cursor.fetchone()
    if row is None:
        return DataVersion(0, datetime.datetime.min.replace(tzinfo=datetime.UTC))
    return DataVersion(number=row[0], changed_at=row[1])


def forget_data_version(using: str | None = None) -> None:
    """Drop the remembered version(s), and every value kept by :func:`per_data_version`: the
    next call reads the database."""
    if using is None:
        _remembered.clear()
    else:
        _remembered.pop(using, None)
    with _derived_lock:
        _derived.clear()


# Values derived from the public data (maps, legends, counts, pages' records), per process,
# keyed by the data version they were computed from: a new version is a new key, so a value can
# never outlive the data it came from. Per kind (a key's first item), the least recently used
# goes first: a map weighs hundreds of kilobytes, a jurisdiction's records much less.
_derived: dict[Hashable, OrderedDict[tuple, object]] = {}
_derived_lock = threading.Lock()
DERIVED_MAX_ENTRIES: dict[Hashable, int] = {"world_map": 16, "jurisdiction_page": 128}
DERIVED_DEFAULT_MAX_ENTRIES = 32


def per_data_version[T](key: Hashable, compute: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """``compute()``, computed once per process for each data version and ``key``.

    Inside a public request the version is the one pinned for the request (that of the database
    it reads from). The value is shared by every later caller until the data version moves: it
    must be derived only from public data, ``key`` must hold every other input (a date, a view,
    ...), and callers must never change it. Outside a request, inside a transaction, nothing is
    remembered (the transaction may have written, and its version moves only at commit).
    """
    pinned = _pinned.get()
    if pinned is None and connections[using].in_atomic_block:
        # This transaction may have written: its data is not yet that of any version.
        return compute()
    alias, version = pinned if pinned is not None else (using, current_data_version(using))
    full_key = (alias, version.number, version.changed_at, key)
    kind = key[0] if isinstance(key, tuple) and key else key
    with _derived_lock:
        kept = _derived.setdefault(kind, OrderedDict())
        if full_key in kept:
            kept.move_to_end(full_key)
            return kept[full_key]  # type: ignore[return-value]
    value = compute()
    with _derived_lock:
        kept[full_key] = value
        while len(kept) > DERIVED_MAX_ENTRIES.get(kind, DERIVED_DEFAULT_MAX_ENTRIES):
            kept.popitem(last=False)
    return value


def _new_generation(alias: str) -> None:
    _generation[alias] = _generation.get(alias, 0) + 1


_commit_hooks: dict[str, object] = {}


def _note_writes(execute, sql, params, many, context):
    """Execute wrapper: after a statement that may write, this process reads the version again
    (at once, and again when the transaction commits)."""
    if sql[:40].lstrip()[:8].lower().startswith(WRITE_PREFIXES):
        connection = context["connection"]
        alias = connection.alias
        _new_generation(alias)
        if connection.in_atomic_block:
            hook = _commit_hooks.setdefault(alias, lambda: _new_generation(alias))
            if not any(entry[1] is hook for entry in connection.run_on_commit):
                connection.on_commit(hook)
    return execute(sql, params, many, context)


def watch_connection(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver (connected in the app config)."""
    # Insert at the bottom of the stack, not on top: a connection can be created inside
    # another wrapper's block (pghistory's context), which pops the top wrapper on exit.
    if _note_writes not in connection.execute_wrappers:
        # First, not last: connection.execute_wrapper() blocks (pghistory's context among
        # them) pop the last wrapper when they end, even if this one was added meanwhile.
        connection.execute_wrappers.insert(0, _note_writes)


@contextmanager
def pinned_data_version(using: str = DEFAULT_DB_ALIAS, version: DataVersion | None = None):
    """Within the block, :func:`current_data_version` answers one version (``version``, or read once)."""
    version = version or current_data_version(using)
    token = _pinned.set((using, version))
    try:
        yield version
    finally:
        _pinned.reset(token)
