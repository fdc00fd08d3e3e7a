"""What the links serve: the published build of each feed, and the fetch log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from shelfcast.db.base import Base


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
    building_key: Mapped[str | None] = mapped_column(String(100))
    building_since: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    retry_at: Mapped[datetime | None]


class Fetch(Base):
    """One request of a feed link (beyond the article: when did each marketplace pull?)."""

    __tablename__ = "fetches"
    __table_args__ = (Index("ix_fetches_feed_id_at", "feed_id", "at"),)

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
