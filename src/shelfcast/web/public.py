"""The feed links marketplaces fetch: ``GET``/``HEAD /f/{token}/{file name}``.

The link answers from a file that is already built. When the data changed and
a rebuild is under way, the request waits for it up to ``link_wait_seconds``
and otherwise gets the previous complete file (its age in ``Age``). Only the
first request of a new feed waits for a full build. Anything that should not
be served answers a bare 404 that tells nothing about the account.

The file is opened before the response starts and sent from the open file: the
builder unlinks a version's file as soon as a newer one is published, and an
open file stays whole, so a client never gets a missing, cut or mixed file.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.responses import FileResponse
from starlette.types import Message, Receive, Scope, Send

from shelfcast.accounts.models import Plan
from shelfcast.db.base import utcnow
from shelfcast.feeds.service import hash_token
from shelfcast.publish import repository as repo
from shelfcast.publish.keys import etag
from shelfcast.publish.store import FileStore
from shelfcast.render import CsvEncoding, media_type
from shelfcast.render.spec import FileType
from shelfcast.web.runtime import Runtime

router = APIRouter(include_in_schema=False)
POLL_S = 0.02
# Looking the feed up again when newer builds replaced both files it named.
OPEN_ATTEMPTS = 3


@dataclass
class OpenedFile:
    """A built file, open for this response."""

    key: str
    path: Path
    file: BinaryIO
    stat: os.stat_result
    modified: datetime  # of the plain file, whichever encoding is sent
    gzipped: bool


@router.api_route("/f/{token}/{file_name}", methods=["GET", "HEAD"])
async def feed_link(request: Request, token: str, file_name: str) -> Response:
    runtime: Runtime = request.app.state.runtime
    accepts_gzip = "range" not in request.headers and _accepts_gzip(
        request.headers.get("accept-encoding", "")
    )
    # The usual case in one step: the link resolves and the file of the current
    # version is in place. On SQLite that step (one indexed query on a local file,
    # ~0.1 ms) runs on the event loop: handing it to a thread costs more than it
    # does, and 32 concurrent fetches then fight over the GIL in 32 threads.
    if runtime.database.engine.dialect.name == "sqlite":
        target, opened = _resolve_and_open(runtime, token, file_name, accepts_gzip)
    else:
        target, opened = await run_in_threadpool(
            _resolve_and_open, runtime, token, file_name, accepts_gzip
        )
    if target is None:
        return _not_found()
    if not _servable(runtime, target, file_name):
        return _logged(request, runtime, target, _not_found())
    file_type = FileType(target.file_type)
    want_gzip = file_type is FileType.CSV and accepts_gzip
    key = target.key
    for _attempt in range(OPEN_ATTEMPTS):
        if opened is not None:
            break
        key = target.key
        await _ensure_built(runtime, target, key, file_type)
        opened = await run_in_threadpool(
            _open, runtime.store, target.feed_id, file_type, (key, target.published_key), want_gzip
        )
        if opened is not None:
            break
        again = await run_in_threadpool(_resolve, runtime, token)
        if again is None:
            return _not_found()
        if not _servable(runtime, again, file_name):
            return _logged(request, runtime, again, _not_found())
        if (again.catalog_version, again.settings_version, again.published_key) == (
            target.catalog_version,
            target.settings_version,
            target.published_key,
        ):
            break  # nothing newer to try: the feed has no file yet
        target = again
    if opened is None:
        return _logged(
            request,
            runtime,
            target,
            Response(
                "The file is being built; try again shortly.",
                status_code=503,
                headers={"Retry-After": "5", "Cache-Control": "no-store"},
            ),
        )
    return _file_response(request, runtime, target, opened, file_type, fresh=opened.key == key)


def _not_found() -> Response:
    return Response(status_code=404, headers={"Cache-Control": "no-store"})


def _resolve(runtime: Runtime, token: str) -> repo.LinkTarget | None:
    token_hash = hash_token(token)
    with runtime.database.engine.connect() as connection:
        return repo.resolve_link(connection, token_hash)


def _resolve_and_open(
    runtime: Runtime, token: str, file_name: str, accepts_gzip: bool
) -> tuple[repo.LinkTarget | None, OpenedFile | None]:
    """Resolve the link and, when it may be served, open the current version's file."""
    target = _resolve(runtime, token)
    if target is None or not _servable(runtime, target, file_name):
        return target, None
    file_type = FileType(target.file_type)
    key = target.key
    want_gzip = file_type is FileType.CSV and accepts_gzip
    return target, _open(runtime.store, target.feed_id, file_type, (key,), want_gzip)


def _servable(runtime: Runtime, target: repo.LinkTarget, file_name: str) -> bool:
    return (
        target.feed_enabled
        and target.integration_enabled
        and target.plan != Plan.HOBBY
        and (target.link_expires_at is None or target.link_expires_at > utcnow())
        and _answers_to(runtime, target, file_name)
    )


def _answers_to(runtime: Runtime, target: repo.LinkTarget, file_name: str) -> bool:
    """The file's name, or a former one in the grace period the merchant chose when
    renaming it (the extra query runs only for a name that is not the current one)."""
    if file_name == f"{target.file_name}.{target.file_type}":
        return True
    with runtime.database.engine.connect() as connection:
        return repo.answers_to_retired_name(connection, target.feed_id, file_name, utcnow())


async def _ensure_built(
    runtime: Runtime, target: repo.LinkTarget, key: str, file_type: FileType
) -> None:
    """When the file of ``key`` is not in place, ask for it and wait a bounded time.

    The bound is ``link_wait_seconds`` when an earlier file can be served
    meanwhile, and ``first_build_wait_seconds`` when there is none.
    """
    store = runtime.store
    if store.path(target.feed_id, key, file_type.value).exists():
        return
    if target.held_key == key:
        return  # the publish guard held this version: the published file is the answer
    runtime.builder.request(target.feed_id)
    has_previous = (
        target.published_key is not None
        and store.path(target.feed_id, target.published_key, file_type.value).exists()
    )
    settings = runtime.settings
    bound = settings.link_wait_seconds if has_previous else settings.first_build_wait_seconds
    await _wait_for(runtime, target.feed_id, key, file_type, bound)


async def _wait_for(
    runtime: Runtime, feed_id: int, key: str, file_type: FileType, bound: float
) -> bool:
    """Wait until the file of ``key`` is in place (True), it failed, or ``bound`` passes."""
    path = runtime.store.path(feed_id, key, file_type.value)
    deadline = time.monotonic() + bound
    while True:
        if path.exists():
            return True
        if runtime.builder.has_failed(feed_id, key) or time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL_S)


def _open(
    store: FileStore,
    feed_id: int,
    file_type: FileType,
    keys: Iterable[str | None],
    want_gzip: bool,
) -> OpenedFile | None:
    """Open the first of ``keys`` whose file is in place (pre-compressed if wanted and there)."""
    for key in dict.fromkeys(k for k in keys if k is not None):
        path = store.path(feed_id, key, file_type.value)
        try:
            plain = open(path, "rb")  # noqa: SIM115  (closed by the response)
        except FileNotFoundError:
            continue
        modified = _file_time(os.fstat(plain.fileno()))
        if want_gzip:
            gz_path = store.gzip_path(feed_id, key, file_type.value)
            try:
                gz = open(gz_path, "rb")  # noqa: SIM115  (closed by the response)
            except FileNotFoundError:
                pass  # sent uncompressed
            else:
                plain.close()
                return OpenedFile(key, gz_path, gz, os.fstat(gz.fileno()), modified, True)
        return OpenedFile(key, path, plain, os.fstat(plain.fileno()), modified, False)
    return None


def _file_response(
    request: Request,
    runtime: Runtime,
    target: repo.LinkTarget,
    opened: OpenedFile,
    file_type: FileType,
    *,
    fresh: bool,
) -> Response:
    headers = {
        "ETag": etag(target.feed_id, opened.key, gzipped=opened.gzipped),
        "Last-Modified": format_datetime(opened.modified, usegmt=True),
        "Cache-Control": "no-cache",
        "Content-Disposition": _disposition(f"{target.file_name}.{file_type.value}"),
    }
    if file_type is FileType.CSV:
        headers["Vary"] = "Accept-Encoding"
    if not fresh:
        headers["Age"] = str(max(0, int((datetime.now(UTC) - opened.modified).total_seconds())))
    if _not_modified(request, headers["ETag"], opened.modified):
        opened.file.close()
        return _logged(request, runtime, target, Response(status_code=304, headers=headers))
    if opened.gzipped:
        headers["Content-Encoding"] = "gzip"
    accel_prefix = runtime.settings.accel_redirect_prefix
    if accel_prefix:
        # Behind nginx (deploy/nginx/shelfcast.conf): everything is decided, and
        # nginx sends the file named here from its internal location, ranges and
        # all. The file's name holds its version, so nginx sends what we chose.
        opened.file.close()
        headers["X-Accel-Redirect"] = f"{accel_prefix}{target.feed_id}/{opened.path.name}"
        size = opened.stat.st_size if request.method == "GET" else 0
        _record(request, runtime, target, 200, size)
        return Response(
            status_code=200,
            headers=headers,
            media_type=media_type(file_type, CsvEncoding(target.encoding)),
        )

    def log_fetch(status: int, size: int) -> None:
        _record(request, runtime, target, status, size)

    return OpenFileResponse(
        opened,
        headers=headers,
        media_type=media_type(file_type, CsvEncoding(target.encoding)),
        on_sent=log_fetch if runtime.settings.fetch_log else None,
    )


class OpenFileResponse(FileResponse):
    """A ``FileResponse`` sent from a file this request already opened.

    Ranges, ``If-Range`` and ``HEAD`` work as in Starlette; the file is read
    through the open handle (never reopened by path, nor sent by path with
    ``http.response.pathsend``) and closed when the response ends. ``on_sent``
    gets the status and the number of body bytes actually sent.
    """

    def __init__(
        self,
        opened: OpenedFile,
        *,
        headers: dict[str, str],
        media_type: str,
        on_sent: Callable[[int, int], None] | None = None,
    ) -> None:
        super().__init__(
            opened.path, headers=headers, media_type=media_type, stat_result=opened.stat
        )
        self._file = opened.file
        self._on_sent = on_sent

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = 0
        sent = 0

        async def counting_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        extensions = scope.get("extensions") or {}
        scope = {
            **scope,
            "extensions": {k: v for k, v in extensions.items() if k != "http.response.pathsend"},
        }
        try:
            await super().__call__(scope, receive, counting_send)
        finally:
            self._file.close()
            if self._on_sent is not None and status:
                self._on_sent(status, sent)

    @asynccontextmanager
    async def _open_file(self) -> AsyncIterator[anyio.AsyncFile[bytes]]:
        yield anyio.wrap_file(self._file)


def _logged(
    request: Request, runtime: Runtime, target: repo.LinkTarget, response: Response
) -> Response:
    """Record a fetch answered without a file body (404, 304, 503)."""
    _record(request, runtime, target, response.status_code, 0)
    return response


def _record(
    request: Request, runtime: Runtime, target: repo.LinkTarget, status: int, size: int
) -> None:
    if not runtime.settings.fetch_log:
        return
    runtime.fetch_log.record(
        account_id=target.account_id,
        feed_id=target.feed_id,
        at=utcnow(),
        method=request.method,
        status=status,
        size=size,
        client=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


def _file_time(stat: os.stat_result) -> datetime:
    return datetime.fromtimestamp(int(stat.st_mtime), UTC)


def _accepts_gzip(accept_encoding: str) -> bool:
    """Whether ``Accept-Encoding`` allows gzip: named (or ``*``) with a q-value above 0."""
    weights: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding.strip():
            weights[coding.strip()] = weight
    for coding in ("gzip", "x-gzip", "*"):
        if coding in weights:
            return weights[coding] > 0
    return False


def _not_modified(request: Request, current_etag: str, modified: datetime) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        # Weak comparison (RFC 9110 13.1.2): a W/ prefix does not prevent a match.
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
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
    # Feed file names are ASCII today; keep the plain parameter safe whatever they become.
    plain = "".join(c if " " <= c < "\x7f" and c not in '"\\' else "_" for c in file_name)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(file_name)}"
