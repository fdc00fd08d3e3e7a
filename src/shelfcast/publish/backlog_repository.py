"""How far the builds are behind, for the administrator: ``shelfcast status``, ``/metrics``.

A feed is *behind* when the key of the file it serves is not the key of its
current versions (a change not built yet, a build that failed, or no build at
all). Its *staleness* is how old the file it serves is (or, with no file yet,
how long the feed has existed): an upper bound of how long its oldest unbuilt
change has waited, read from columns every feed already has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.feeds.models import FeedFile
from shelfcast.publish.keys import version_key
from shelfcast.publish.models import BuildOutcome, FeedBuild


@dataclass(frozen=True)
class BehindFeed:
    feed_id: int
    account_id: int
    current_key: str
    published_key: str | None
    since: datetime  # when the file it serves was published (or the feed was created)


@dataclass(frozen=True)
class FailedBuild:
    feed_id: int
    account_id: int
    at: datetime
    error: str


@dataclass(frozen=True)
class Backlog:
    feeds: int
    behind: list[BehindFeed]
    failing: list[FailedBuild]
    at: datetime

    @property
    def oldest_seconds(self) -> float:
        """The staleness of the feed that is behind the longest (0 when none is)."""
        if not self.behind:
            return 0.0
        return max(0.0, (self.at - min(feed.since for feed in self.behind)).total_seconds())


def behind_feeds(session: Session) -> list[BehindFeed]:
    """Every feed whose published key is not its current one, the longest waiting first.

    The key is computed in Python (one home: ``publish/keys.py``); the rows are
    a narrow scan of the feeds with their build row, fine for 10^5-10^6 feeds.
    """
    rows = session.execute(
        select(
            FeedFile.id,
            FeedFile.account_id,
            Account.catalog_version,
            FeedFile.settings_version,
            FeedFile.created_at,
            FeedBuild.published_key,
            FeedBuild.published_at,
        )
        .join(Account, Account.id == FeedFile.account_id)
        .outerjoin(FeedBuild, FeedBuild.feed_id == FeedFile.id)
        .execution_options(yield_per=5000)
    )
    behind = []
    for feed_id, account_id, catalog, settings, created, published, published_at in rows:
        key = version_key(catalog, settings, created)
        if published != key:
            since = _aware(published_at if published_at is not None else created)
            behind.append(BehindFeed(feed_id, account_id, key, published, since))
    behind.sort(key=lambda feed: feed.since)
    return behind


def failing_builds(session: Session, limit: int = 20) -> list[FailedBuild]:
    """The feeds whose latest build attempt failed, the most recent first."""
    rows = session.execute(
        select(FeedBuild.feed_id, FeedBuild.account_id, FeedBuild.last_at, FeedBuild.last_error)
        .where(FeedBuild.last_status == BuildOutcome.FAILED.value, FeedBuild.last_at.is_not(None))
        .order_by(FeedBuild.last_at.desc())
        .limit(limit)
    )
    return [
        FailedBuild(feed_id, account_id, _aware(at), error or "")
        for feed_id, account_id, at, error in rows
        if at is not None
    ]


def count_feeds(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(FeedFile)) or 0)


def backlog(session: Session, failures: int = 20) -> Backlog:
    return Backlog(
        feeds=count_feeds(session),
        behind=behind_feeds(session),
        failing=failing_builds(session, failures),
        at=datetime.now(UTC),
    )


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
