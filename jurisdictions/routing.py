"""Where reads go: public requests may read from PostgreSQL streaming replicas, everything else from the primary.

``settings.ATLAS_READ_REPLICAS`` lists database aliases that are streaming replicas of
``default``. The public site's middleware picks one per anonymous request with
:func:`choose_read_alias` and wraps the request in :func:`reads_from`; the
:class:`ReplicaRouter` then sends that request's reads there. Writes, editors' requests
(anything with a session), the admin and commands always use the primary, so editors read
their own writes.

A replica is used only when it is reachable and has applied the primary's latest data
version (both read at most once a second per process): a replica that lags or is down is
skipped, and the request reads from the primary. A replica that fails is not asked again
for ``ATLAS_REPLICA_RETRY_SECONDS`` (5).
"""

from __future__ import annotations

import contextvars
import itertools
import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from .data_version import current_data_version

logger = logging.getLogger(__name__)

_read_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar("atlas_read_alias", default=None)
_down_until: dict[str, float] = {}
_turn = itertools.count()


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return _read_alias.get()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def replica_aliases() -> list[str]:
    return list(getattr(settings, "ATLAS_READ_REPLICAS", []))


def choose_read_alias() -> str:
    """A replica that is up and current, taken in turn; else the primary."""
    replicas = replica_aliases()
    if not replicas:
        return DEFAULT_DB_ALIAS
    now = time.monotonic()
    primary = current_data_version(DEFAULT_DB_ALIAS)
    start = next(_turn)
    for offset in range(len(replicas)):
        alias = replicas[(start + offset) % len(replicas)]
        if _down_until.get(alias, 0) > now:
            continue
        try:
            version = current_data_version(alias)
        except DatabaseError as error:
            logger.warning("read replica %s unavailable, reading from the primary: %s", alias, error)
            _down_until[alias] = now + getattr(settings, "ATLAS_REPLICA_RETRY_SECONDS", 5)
            connections[alias].close()
            continue
        if version.number >= primary.number:
            return alias
    return DEFAULT_DB_ALIAS


@contextmanager
def reads_from(alias: str):
    token = _read_alias.set(None if alias == DEFAULT_DB_ALIAS else alias)
    try:
        yield alias
    finally:
        _read_alias.reset(token)


def forget_replica_failures() -> None:
    _down_until.clear()
