"""``OPTIONS`` and wrong methods, answered with the methods the path supports.

Starlette matches a path route by route, and each route knows only its own
methods: ``OPTIONS /api/v1/feeds/1`` got a 405 whose ``Allow`` listed only the
first route's (``GET``), not ``PATCH`` and ``DELETE`` of the routes beside it.
Here the app's routes are asked, method by method, which ones the path takes:
``OPTIONS`` is answered 204 with them in ``Allow``, and a 405 gets the same
``Allow`` (checked before routing on API paths, so ``PATCH /feeds/from-sample``
is a 405, not ``PATCH /feeds/{feed_id}``'s 422 on a bad id). Other requests
pass untouched (no cost on the way to a feed link).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.routing import BaseRoute, Mount, Route, compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/api/"
# Static files (the one mount) answer GET and HEAD.
MOUNT_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class RoutePath:
    pattern: re.Pattern[str]
    methods: frozenset[str]
    templated: bool  # has a parameter in its path


def route_paths(routes: Iterable[BaseRoute]) -> list[RoutePath]:
    """Every route's path and methods; FastAPI keeps included routers nested."""
    found: list[tuple[str, Iterable[str]]] = []
    for route in routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            found += [(context.path, context.methods or ()) for context in contexts()]
        elif isinstance(route, Mount):
            found.append((route.path + "/{path:path}", MOUNT_METHODS))
        elif isinstance(route, Route) and route.methods:
            found.append((route.path, route.methods))
    return [
        RoutePath(compile_path(path)[0], frozenset(methods), "{" in path) for path, methods in found
    ]


def allowed_methods(paths: Iterable[RoutePath], path: str) -> list[str]:
    """The methods some route takes at ``path`` (empty: no such path).

    A route spelled out whole wins over one with a parameter in its path:
    ``/products/export`` is that route's, not ``/products/{product_id}``'s with a
    ``product_id`` that could never be valid.
    """
    matching = [route for route in paths if route.pattern.match(path)]
    spelled = [route for route in matching if not route.templated]
    methods = set().union(*(route.methods for route in spelled or matching))
    return [*sorted(methods), "OPTIONS"] if methods else []


class AllowedMethods:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._paths: list[RoutePath] | None = None

    def _allowed(self, scope: Scope) -> list[str]:
        if self._paths is None:  # the routes are all in place by the first request
            self._paths = route_paths(scope["app"].router.routes)
        return allowed_methods(self._paths, scope["path"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        # Only the API's paths are checked before routing: feed links pay nothing.
        if method == "OPTIONS" or scope["path"].startswith(API_PREFIX):
            allowed = self._allowed(scope)
            if allowed and method == "OPTIONS":
                await _no_content(send, ", ".join(allowed))
                return
            if allowed and method not in allowed:
                await _not_allowed(send, method, ", ".join(allowed))
                return
        await self.app(scope, receive, self._allow_on_405(scope, send))

    def _allow_on_405(self, scope: Scope, send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405:
                allow = ", ".join(self._allowed(scope))
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                message = {**message, "headers": [*kept, (b"allow", allow.encode())]}
            await send(message)

        return sending


async def _not_allowed(send: Send, method: str, allow: str) -> None:
    body = json.dumps(
        {
            "detail": f"{method} is not allowed here; this path takes {allow}.",
            "type": "method_not_allowed",
        }
    )
    headers = [
        (b"allow", allow.encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": 405, "headers": headers})
    await send({"type": "http.response.body", "body": body.encode()})


async def _no_content(send: Send, allow: str) -> None:
    headers = [(b"allow", allow.encode()), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
