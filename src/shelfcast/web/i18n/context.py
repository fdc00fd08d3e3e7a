"""The language of the page being answered, and how it is chosen.

A signed-in user's own choice (the language menu) comes first, then the
browser's ``Accept-Language``, then the account's default. Before anyone is
known (the sign-in page), a choice made in the menu is kept in the session.
The API is not translated: its requests never get a language but English.

The language lives in a context variable holding a small mutable box. The
middleware sets the box before the page runs; the signed-in dependency, which
runs in a worker thread with a *copy* of the context, changes the language
inside the same box, so the page function (another copy) sees the change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from babel.core import negotiate_locale
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from shelfcast.accounts.models import Language

SESSION_KEY = "lang"  # a language chosen in the menu, in the session cookie
API_PREFIX = "/api/"
# Accept-Language lists rarely hold more; anything longer is not worth reading.
_MAX_HEADER_TAGS = 20


@dataclass
class _Box:
    language: Language


_current: ContextVar[_Box | None] = ContextVar("shelfcast_language", default=None)


def current_language() -> Language:
    """The language of the page being rendered; English outside a page request."""
    box = _current.get()
    return box.language if box is not None else Language.EN


@contextmanager
def in_language(language: Language) -> Iterator[None]:
    """Translate and format in ``language`` outside a page request (tests, scripts)."""
    token = _current.set(_Box(language))
    try:
        yield
    finally:
        _current.reset(token)


def use_language(language: Language) -> None:
    """Answer the rest of this request in ``language``."""
    box = _current.get()
    if box is not None:
        box.language = language


def parse_language(value: object) -> Language | None:
    try:
        return Language(str(value))
    except ValueError:
        return None


def browser_language(accept_language: str | None) -> Language | None:
    """The best of our languages for an ``Accept-Language`` header (``fr-CA`` is
    French), or None when it asks for none of them."""
    if not accept_language:
        return None
    weighted: list[tuple[float, str]] = []
    for part in accept_language.split(",")[:_MAX_HEADER_TAGS]:
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            weighted.append((quality, tag.replace("-", "_")))
    weighted.sort(key=lambda item: -item[0])  # stable: equal weights keep their order
    found = negotiate_locale([tag for _, tag in weighted], [lang.value for lang in Language])
    return parse_language(found) if found else None


def choose_language(
    user_choice: Language | None, accept_language: str | None, account_default: Language
) -> Language:
    """The order of the issue: the user's own choice, the browser, the account."""
    return user_choice or browser_language(accept_language) or account_default


def _anonymous_language(session: Mapping[str, Any], headers: Headers) -> Language:
    return (
        parse_language(session.get(SESSION_KEY))
        or browser_language(headers.get("accept-language"))
        or Language.EN
    )


class LanguageMiddleware:
    """Sets the page's first guess at its language (pure ASGI, so the context variable
    reaches the route); runs inside the session middleware, which it reads."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        language = _anonymous_language(scope.get("session", {}), Headers(scope=scope))
        token = _current.set(_Box(language))
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)
