"""Request body limits: a documented maximum per route, 413 beyond it.

The body is read here, up to the route's limit, before the app sees it (the app
would read it whole anyway, and pydantic would then hold several copies): a
body that announces more with ``Content-Length``, or sends more, is answered
413 without reading the rest. Multipart uploads (spreadsheet imports) are
bounded by the import reader itself and pass through.

The limits (also in the README):

- ``POST /api/v1/products/upsert``: 32 MiB (10,000 products a call);
- ``POST /api/v1/stock/set``: 16 MiB (100,000 stock levels a call);
- feed settings (``/api/v1/feeds...`` and the feed pages): 8 MiB (a feed's
  fixed text is capped at 1,000,000 characters);
- everything else: 1 MiB.

A JSON body that repeats a key in one object is refused here too (422): the
JSON parser would keep the last one silently, and which value counts is then
a guess.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIB = 1 << 20
DEFAULT_MAX_BYTES = 1 * MIB
ROUTE_MAX_BYTES: dict[tuple[str, str], int] = {
    ("POST", "/api/v1/products/upsert"): 32 * MIB,
    ("POST", "/api/v1/stock/set"): 16 * MIB,
}
FEED_SETTINGS_MAX_BYTES = 8 * MIB


def max_body_bytes(method: str, path: str) -> int:
    """The most a request to this route may send."""
    exact = ROUTE_MAX_BYTES.get((method, path))
    if exact is not None:
        return exact
    if "/feeds" in path:
        return FEED_SETTINGS_MAX_BYTES
    return DEFAULT_MAX_BYTES


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if headers.get(b"content-type", b"").startswith(b"multipart/form-data"):
            await self.app(scope, receive, send)
            return
        limit = max_body_bytes(scope["method"], scope["path"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: the app sees that too
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _too_large(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if headers.get(b"content-type", b"").startswith(b"application/json"):
            repeated = duplicate_key(body)
            if repeated is not None:
                await _duplicate(send, repeated)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class _Repeated(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Repeated(key)
        seen[key] = value
    return seen


def duplicate_key(body: bytes) -> str | None:
    """The first key a JSON object of ``body`` repeats (None: none, or not JSON at all,
    which the app answers itself)."""
    try:
        json.loads(body, object_pairs_hook=_no_repeats)
    except _Repeated as repeated:
        return repeated.key
    except ValueError:
        return None
    return None


async def _duplicate(send: Send, key: str) -> None:
    shown = key if len(key) <= 40 else key[:39] + "…"
    error = {
        "type": "duplicate_key",
        "loc": ["body"],
        "msg": f"The key {shown!r} appears twice in one object; send each key once.",
    }
    await _json(send, 422, {"detail": [error]})


async def _too_large(send: Send, limit: int) -> None:
    detail = f"The request body is larger than {limit:,} bytes, the most this route takes."
    await _json(send, 413, {"detail": detail})


async def _json(send: Send, status: int, payload: dict[str, Any]) -> None:
    content = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})
