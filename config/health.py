"""Probes for a load balancer or orchestrator.

``/healthz`` (liveness): the process answers; it never touches the database, so a database
outage does not get healthy workers restarted. ``/readyz`` (readiness): the database answers
within its timeouts and every migration is applied, so traffic goes only to a worker that
can serve pages.
"""

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

logger = logging.getLogger("atlas.database")


def _probe(http_status: int, **body) -> JsonResponse:
    response = JsonResponse(body, status=http_status)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    return _probe(200, status="ok")


def readyz(request):
    try:
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        # The reason goes to the log, not to whoever asked.
        logger.warning("readyz: database unreachable: %s", (str(error).strip().splitlines() or ["?"])[0])
        return _probe(503, status="unavailable", database="unreachable")
    if unapplied:
        return _probe(503, status="unavailable", migrations=f"{len(unapplied)} not applied")
    return _probe(200, status="ready")
