"""``OPTIONS`` and wrong methods, answered with the methods the path supports.

Starlette matches a path route by route, and each route knows only its own
methods: ``OPTIONS /api/v1/feeds/1`` got a 405 whose ``Allow`` listed only the
first route's (``GET``), not ``PATCH`` and ``DELETE`` of the routes beside it.
Here the app's routes are asked, method by method, which ones the path takes:
``OPTIONS`` is answered 204 with them in ``Allow``, and a 405 gets the same
``Allow``. Other requests pass untouched (no cost on the way to a feed link).
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> list[str]:
    """The methods some route takes at the request's path (empty: no such path)."""
    routes = list(routes)
    allowed = [
        method
        for method in METHODS
        if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
    ]
    return [*allowed, "OPTIONS"] if allowed else []


class AllowedMethods:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS":
            allowed = allowed_methods(scope["app"].router.routes, scope)
            if allowed:  # else no such path: the router's 404
                await _no_content(send, ", ".join(allowed))
                return
        await self.app(scope, receive, _allow_on_405(scope, send))


def _allow_on_405(scope: Scope, send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            allow = ", ".join(allowed_methods(scope["app"].router.routes, scope))
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
            message = {**message, "headers": [*headers, (b"allow", allow.encode())]}
        await send(message)

    return sending


async def _no_content(send: Send, allow: str) -> None:
    headers = [(b"allow", allow.encode()), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
