"""The sign-in rate limit: failed sign-ins counted in the database.

At most ``max_failures`` failed sign-ins per email and client address within
``window`` (and ``max_failures_per_address`` per address, whatever the email). The
counts live in the ``login_failures`` table, so every worker process sees the same
counts and a restart forgets nothing; rows older than the window are pruned as new
failures are recorded. A successful sign-in clears the email's count (not the
address's: one right password must not reopen guessing at other emails).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from shelfcast.accounts import repository as repo
from shelfcast.db.base import utcnow


def _key(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class LoginRateLimiter:
    max_failures: int = 5
    max_failures_per_address: int = 50
    window: timedelta = timedelta(minutes=15)
    clock: Callable[[], datetime] = field(default=utcnow)

    def retry_after(self, session: Session, email: str, address: str) -> int | None:
        """Seconds until this email may be tried again from this address; None if now."""
        now = self.clock()
        longest = max(
            self._wait(session, _key("email", email, address), self.max_failures, now),
            self._wait(session, _key("address", address), self.max_failures_per_address, now),
        )
        return math.ceil(longest) if longest > 0 else None

    def failed(self, session: Session, email: str, address: str) -> None:
        now = self.clock()
        repo.prune_login_failures(session, now - self.window)
        repo.add_login_failures(
            session, [_key("email", email, address), _key("address", address)], now
        )

    def succeeded(self, session: Session, email: str, address: str) -> None:
        repo.delete_login_failures(session, _key("email", email, address))

    def _wait(self, session: Session, key: str, limit: int, now: datetime) -> float:
        recent = repo.recent_login_failures(session, key, now - self.window, limit)
        if len(recent) < limit:
            return 0
        # Blocked until the oldest failure that still counts leaves the window.
        return (recent[-1] + self.window - now).total_seconds()
