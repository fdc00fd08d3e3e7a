"""The feed links marketplaces fetch: ``GET``/``HEAD /f/{token}/{file name}``.

Which file a request gets is decided in ``shelfcast.publish.links`` (in short:
the newest version's file, else at once the newest complete file, waiting only
when the newest version is a moment away); this module maps that answer to
HTTP. Anything that should not be served answers a bare 404 that tells nothing
about the account; a feed with no file yet answers 503 with ``Retry-After``.

The file is opened before the response starts and sent from the open file, so
a client never gets a missing, cut or mixed file.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from starlette.responses import FileResponse
from starlette.types import Message, Receive, Scope, Send

from shelfcast.db.base import utcnow
from shelfcast.publish import repository as repo
from shelfcast.publish.keys import etag
from shelfcast.publish.links import Answer, LinkAnswer, OpenedFile
from shelfcast.publish.storage import feed_object_name
from shelfcast.publish.storage.accel import object_redirect
from shelfcast.render import CsvEncoding, media_type
from shelfcast.render.spec import FileType
from shelfcast.web.runtime import Runtime

router = APIRouter(include_in_schema=False)


@router.api_route("/f/{token}/{file_name}", methods=["GET", "HEAD"])
async def feed_link(request: Request, token: str, file_name: str) -> Response:
    runtime: Runtime = request.app.state.runtime
    links = runtime.links
    accepts_gzip = "range" not in request.headers and _accepts_gzip(
        request.headers.get("accept-encoding", "")
    )
    # The usual case in one step: the link resolves and the file of the current
    # version is in place. On SQLite that step (one indexed query on a local file,
    # ~0.1 ms) runs on the event loop: handing it to a thread costs more than it
    # does, and 32 concurrent fetches then fight over the GIL in 32 threads.
    if runtime.database.engine.dialect.name == "sqlite":
        answer = links.resolve(token, file_name, accepts_gzip)
    else:
        answer = await run_in_threadpool(links.resolve, token, file_name, accepts_gzip)
    if answer.answer is Answer.PENDING:
        answer = await links.settle(answer, accepts_gzip)
    return _respond(request, runtime, answer)


def _respond(request: Request, runtime: Runtime, answer: LinkAnswer) -> Response:
    target = answer.target
    if target is None:
        return _not_found()
    if answer.answer is Answer.SERVE and answer.opened is not None:
        file_type = FileType(target.file_type)
        return _file_response(request, runtime, target, answer.opened, file_type, answer.fresh)
    if answer.answer is Answer.UNAVAILABLE:
        unavailable = Response(
            "The file is being built; try again shortly.",
            status_code=503,
            headers={"Retry-After": str(answer.retry_after), "Cache-Control": "no-store"},
        )
        return _logged(request, runtime, target, unavailable)
    return _logged(request, runtime, target, _not_found())


def _accel_target(runtime: Runtime, feed_id: int, opened: OpenedFile, prefix: str) -> str:
    """Where nginx gets the bytes: the data folder (deploy/nginx/shelfcast.conf) or,
    with object storage, the object through a signed URL (shelfcast-s3.conf)."""
    signed = runtime.storage.proxy_url(feed_object_name(feed_id, opened.path.name))
    if signed is None:
        return f"{prefix}{feed_id}/{opened.path.name}"
    tag = etag(feed_id, opened.key, gzipped=opened.gzipped)
    return object_redirect(prefix, signed, tag, gzipped=opened.gzipped)


def _not_found() -> Response:
    return Response(status_code=404, headers={"Cache-Control": "no-store"})


def _file_response(
    request: Request,
    runtime: Runtime,
    target: repo.LinkTarget,
    opened: OpenedFile,
    file_type: FileType,
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
        headers["X-Accel-Redirect"] = _accel_target(runtime, target.feed_id, opened, accel_prefix)
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
