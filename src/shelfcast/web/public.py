"""The feed links marketplaces fetch: ``GET``/``HEAD /f/{token}/{file name}``.

The link answers from a file that is already built. When the data changed and
a rebuild is under way, the request waits for it up to ``link_wait_seconds``
and otherwise gets the previous complete file (its age in ``Age``). Only the
first request of a new feed waits for a full build. Anything that should not
be served answers a bare 404 that tells nothing about the account.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.responses import FileResponse

from shelfcast.accounts.models import Plan
from shelfcast.db.base import utcnow
from shelfcast.publish import repository as repo
from shelfcast.publish.keys import etag, version_key
from shelfcast.render import media_type
from shelfcast.render.spec import FileType
from shelfcast.web.runtime import Runtime

router = APIRouter(include_in_schema=False)
POLL_S = 0.02


def not_found() -> Response:
    return Response(status_code=404, headers={"Cache-Control": "no-store"})


@router.api_route("/f/{token}/{file_name}", methods=["GET", "HEAD"])
async def feed_link(request: Request, token: str, file_name: str) -> Response:
    runtime: Runtime = request.app.state.runtime
    target = await run_in_threadpool(_resolve, runtime, token)
    if target is None or not _servable(target, file_name):
        return not_found()
    file_type = FileType(target.file_type)
    key = version_key(target.catalog_version, target.settings_version)

    served_key = target.published_key
    if served_key != key:
        runtime.builder.request(target.feed_id)
        bound = (
            runtime.settings.link_wait_seconds
            if served_key is not None
            else runtime.settings.first_build_wait_seconds
        )
        if await _wait_for(runtime, target.feed_id, key, file_type, bound):
            served_key = key
    if served_key is None:
        return Response(
            "The file is being built; try again shortly.",
            status_code=503,
            headers={"Retry-After": "5", "Cache-Control": "no-store"},
        )
    response = _file_response(request, runtime, target, served_key, file_type, fresh=served_key == key)
    if runtime.settings.fetch_log:
        runtime.fetch_log.record(
            account_id=target.account_id,
            feed_id=target.feed_id,
            at=utcnow(),
            method=request.method,
            status=response.status_code,
            size=int(response.headers.get("content-length", 0)) if request.method == "GET" else 0,
            client=request.client.host if request.client else None,
            user_agent=request.headers.get("user-agent"),
        )
    return response


def _resolve(runtime: Runtime, token: str) -> repo.LinkTarget | None:
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    with runtime.database.sessions() as session:
        return repo.resolve_link(session, token_hash)


def _servable(target: repo.LinkTarget, file_name: str) -> bool:
    return (
        target.feed_enabled
        and target.integration_enabled
        and target.plan != Plan.HOBBY
        and (target.link_expires_at is None or target.link_expires_at > utcnow())
        and file_name == f"{target.file_name}.{target.file_type}"
    )


async def _wait_for(
    runtime: Runtime, feed_id: int, key: str, file_type: FileType, bound: float
) -> bool:
    """Wait until the file of ``key`` is in place (True), it failed, or ``bound`` passes."""
    path = runtime.store.path(feed_id, key, file_type.value)
    deadline = time.monotonic() + bound
    while True:
        if path.exists():
            return True
        if (feed_id, key) in runtime.builder.failed or time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL_S)


def _file_response(
    request: Request,
    runtime: Runtime,
    target: repo.LinkTarget,
    key: str,
    file_type: FileType,
    *,
    fresh: bool,
) -> Response:
    plain = runtime.store.path(target.feed_id, key, file_type.value)
    gz = runtime.store.gzip_path(target.feed_id, key, file_type.value)
    use_gzip = (
        file_type is FileType.CSV
        and "range" not in request.headers
        and _accepts_gzip(request.headers.get("accept-encoding", ""))
        and gz.exists()
    )
    modified = _file_time(plain)
    headers = {
        "ETag": etag(target.feed_id, key, gzipped=use_gzip),
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": "no-cache",
        "Content-Disposition": _disposition(f"{target.file_name}.{file_type.value}"),
    }
    if file_type is FileType.CSV:
        headers["Vary"] = "Accept-Encoding"
    if not fresh:
        headers["Age"] = str(max(0, int((datetime.now(UTC) - modified).total_seconds())))
    if _not_modified(request, headers["ETag"], modified):
        return Response(status_code=304, headers=headers)
    if use_gzip:
        headers["Content-Encoding"] = "gzip"
        return FileResponse(gz, media_type=media_type(file_type), headers=headers)
    return FileResponse(plain, media_type=media_type(file_type), headers=headers)


def _file_time(path: Path) -> datetime:
    return datetime.fromtimestamp(int(path.stat().st_mtime), UTC)


def _accepts_gzip(accept_encoding: str) -> bool:
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _not_modified(request: Request, current_etag: str, modified: datetime) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip() for tag in if_none_match.split(",")}
        return "*" in tags or current_etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return modified <= since
    return False


def _disposition(file_name: str) -> str:
    return f"attachment; filename=\"{file_name}\"; filename*=UTF-8''{quote(file_name)}"
