"""What the links serve: the published build of each feed, and the fetch log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from shelfcast.db.base import Base


class BuildOutcome(StrEnum):
    """What became of one build (the history table and the held state)."""

    PUBLISHED = "published"
    HELD = "held"  # built, but the publish guard kept the last good file serving
    FAILED = "failed"


class FeedBuild(Base):
    """The build state of one feed file.

    ``published_*`` describe the file the link serves (the last good build);
    ``last_*`` the latest attempt, which may have failed — then the link keeps
    serving the published file and the merchant sees ``last_error``.
    ``building_*`` name the build under way (links decide from it whether waiting
    can help); ``failures`` counts failed builds in a row and ``retry_at`` is when
    the next attempt is due (exponential backoff).
    """

    __tablename__ = "feed_builds"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("feed_files.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    published_key: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[datetime | None]
    published_rows: Mapped[int | None]
    published_bytes: Mapped[int | None] = mapped_column(BigInteger)
    last_key: Mapped[str | None] = mapped_column(String(100))
    last_status: Mapped[str | None] = mapped_column(String(20))
    last_at: Mapped[datetime | None]
    last_seconds: Mapped[float | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # A build the publish guard held: its file waits beside the published one until
    # the merchant publishes it (POST /feeds/{id}/publish) or a later build passes.
    held_key: Mapped[str | None] = mapped_column(String(100), default=None)
    held_at: Mapped[datetime | None] = mapped_column(default=None)
    held_rows: Mapped[int | None] = mapped_column(default=None)
    held_bytes: Mapped[int | None] = mapped_column(BigInteger, default=None)
    held_reason: Mapped[str | None] = mapped_column(Text, default=None)
    building_key: Mapped[str | None] = mapped_column(String(100))
    building_since: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    retry_at: Mapped[datetime | None]


class BuildRecord(Base):
    """One build of a feed, kept for the health page's history (the last ones per feed)."""

    __tablename__ = "feed_build_history"
    __table_args__ = (Index("ix_feed_build_history_feed_id_at", "feed_id", "at"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_files.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    seconds: Mapped[float]
    rows: Mapped[int | None]
    bytes: Mapped[int | None] = mapped_column(BigInteger)
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)


class Fetch(Base):
    """One request of a feed link (beyond the article: when did each marketplace pull?)."""

    __tablename__ = "fetches"
    __table_args__ = (
        Index("ix_fetches_feed_id_at", "feed_id", "at"),
        # The 90-day prune deletes by time across every feed.
        Index("ix_fetches_at", "at"),
    )

    # BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER primary key.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_files.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    method: Mapped[str] = mapped_column(String(8))
    status: Mapped[int]
    bytes: Mapped[int] = mapped_column(BigInteger)
    client: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(500))


class FetchDay(Base):
    """The fetches of one feed on one UTC day, counted as the log is written.

    The health page reads these (30 rows a feed) instead of counting the log,
    so it answers as fast with a million fetches as with ten.
    """

    __tablename__ = "fetch_days"
    __table_args__ = (PrimaryKeyConstraint("feed_id", "day"),)

    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_files.id", ondelete="CASCADE"))
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, UTC
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    sent: Mapped[int] = mapped_column(default=0)  # 2xx: the file went out
    not_modified: Mapped[int] = mapped_column(default=0)  # 304
    failed: Mapped[int] = mapped_column(default=0)  # 4xx, 5xx
    first_ok_at: Mapped[datetime | None]  # the day's first and last fetch answered
    last_ok_at: Mapped[datetime | None]  # with the file or 304


class FetchClient(Base):
    """One client (user agent and address) of a feed: its fetches and the last one."""

    __tablename__ = "fetch_clients"
    __table_args__ = (PrimaryKeyConstraint("feed_id", "user_agent", "client"),)

    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_files.id", ondelete="CASCADE"))
    user_agent: Mapped[str] = mapped_column(String(500))  # "" when none was sent
    client: Mapped[str] = mapped_column(String(64))  # "" when unknown
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    last_at: Mapped[datetime]
