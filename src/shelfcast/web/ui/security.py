"""What protects the pages: CSRF tokens (the sign-in rate limit is in
``shelfcast.accounts.sign_in_limit``, counted in the database).

CSRF: each session holds a random secret; every page embeds it signed with the
app's secret key (itsdangerous, salted), and every POST must send it back in
the ``csrf_token`` form field or the ``X-CSRF-Token`` header (htmx requests).
A token from another session, or none, is refused with 403.
"""

from __future__ import annotations

import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request

from shelfcast.web.ui.form_limits import read_form

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CSRF_SESSION_KEY = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfError(Exception):
    """A state-changing request without a valid token of its session."""


class CsrfTokens:
    def __init__(self, secret_key: str, max_age_seconds: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="shelfcast.csrf")
        self._max_age = max_age_seconds

    def token(self, request: Request) -> str:
        """The signed token to embed in the page (creating the session's secret once)."""
        secret = request.session.get(CSRF_SESSION_KEY)
        if not isinstance(secret, str):
            secret = new_csrf_secret(request)
        return self._serializer.dumps(secret)

    async def check(self, request: Request) -> None:
        if request.method in SAFE_METHODS:
            return
        sent = request.headers.get(CSRF_HEADER)
        if not sent:
            form = await read_form(request)
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        expected = request.session.get(CSRF_SESSION_KEY)
        if not sent or not isinstance(expected, str):
            raise CsrfError("missing token")
        try:
            secret = self._serializer.loads(sent, max_age=self._max_age)
        except BadSignature:
            raise CsrfError("bad token") from None
        if not isinstance(secret, str) or not hmac.compare_digest(secret, expected):
            raise CsrfError("token of another session")


def new_csrf_secret(request: Request) -> str:
    """Give the session a fresh CSRF secret (at sign-in, so a token seen before is void)."""
    secret = secrets.token_urlsafe(32)
    request.session[CSRF_SESSION_KEY] = secret
    return secret
