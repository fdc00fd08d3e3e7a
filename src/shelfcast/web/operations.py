"""Endpoints for load balancers and monitoring: ``/healthz``, ``/readyz``, ``/metrics``.

``/healthz`` answers while the process serves requests at all (liveness: a
failing one means restart it). ``/readyz`` answers 200 only while the database
and the file storage answer, else 503 with the reason (readiness: take the node
out of the balancer, do not restart it). ``/metrics`` is Prometheus text.
None of them needs a session or an API key, and none names an account: put
them behind the network's own rules (deploy/nginx keeps them off the internet).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from shelfcast.publish.storage import StorageUnavailable
from shelfcast.web.runtime import Runtime

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
_PLAIN = {"Cache-Control": "no-store"}


@router.get("/healthz")
async def healthz() -> Response:
    return Response("ok\n", media_type="text/plain", headers=_PLAIN)


@router.get("/readyz")
async def readyz(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    problems = await run_in_threadpool(readiness_problems, runtime)
    if problems:
        body = "not ready\n" + "".join(f"{problem}\n" for problem in problems)
        return Response(body, status_code=503, media_type="text/plain", headers=_PLAIN)
    return Response("ready\n", media_type="text/plain", headers=_PLAIN)


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    body = await run_in_threadpool(generate_latest, runtime.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers=_PLAIN)


def readiness_problems(runtime: Runtime) -> list[str]:
    """What keeps this node from serving: one line per unreachable dependency."""
    problems = []
    try:
        with runtime.database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means the same: not ready
        log.warning("readiness: database unreachable: %s", error)
        problems.append(f"database: {type(error).__name__}: {_first_line(error)}")
    try:
        runtime.storage.check()
    except StorageUnavailable as error:
        log.warning("readiness: storage unreachable: %s", error)
        problems.append(f"storage: {_first_line(error)}")
    return problems


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0][:300]
