"""What protects the pages: CSRF tokens and the sign-in rate limit.

CSRF: each session holds a random secret; every page embeds it signed with the
app's secret key (itsdangerous, salted), and every POST must send it back in
the ``csrf_token`` form field or the ``X-CSRF-Token`` header (htmx requests).
A token from another session, or none, is refused with 403.

Rate limit: failed sign-ins are counted per (email, client address) and per
client address, in the memory of the process. With several worker processes
each keeps its own count, so the effective limit is multiplied by the number of
workers; a restart forgets the counts. That is enough to make guessing a
password hopeless; a shared store would be the next step.
"""

from __future__ import annotations

import hmac
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable

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


class LoginRateLimiter:
    """At most ``max_failures`` failed sign-ins per email and client address within
    ``window_seconds`` (and ``max_failures_per_address`` per address, whatever the
    email), in memory. A successful sign-in clears the email's count."""

    def __init__(
        self,
        *,
        max_failures: int = 5,
        max_failures_per_address: int = 50,
        window_seconds: float = 15 * 60,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        self.max_failures = max_failures
        self.max_failures_per_address = max_failures_per_address
        self.window = window_seconds
        self._clock = clock
        self._max_keys = max_keys
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, email: str, address: str) -> int | None:
        """Seconds until this email may be tried again from this address; None if now."""
        now = self._clock()
        with self._lock:
            waits = [
                self._wait(("email", f"{email}\x00{address}"), self.max_failures, now),
                self._wait(("address", address), self.max_failures_per_address, now),
            ]
        longest = max(waits)
        return math.ceil(longest) if longest > 0 else None

    def failed(self, email: str, address: str) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) >= self._max_keys:
                self._sweep(now)
            for key in (("email", f"{email}\x00{address}"), ("address", address)):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, email: str, address: str) -> None:
        with self._lock:
            self._failures.pop(("email", f"{email}\x00{address}"), None)

    def _wait(self, key: tuple[str, str], limit: int, now: float) -> float:
        times = self._failures.get(key)
        if times is None:
            return 0
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return 0
        if len(times) < limit:
            return 0
        # Blocked until the oldest failure that still counts leaves the window.
        return times[len(times) - limit] + self.window - now

    def _sweep(self, now: float) -> None:
        for key in list(self._failures):
            self._wait(key, 1, now)
        if len(self._failures) >= self._max_keys:  # still full: forget the oldest half
            for key in list(self._failures)[: self._max_keys // 2]:
                del self._failures[key]
