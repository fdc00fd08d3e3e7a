"""All SQL of publishing: resolving a link, build state, the fetch log."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, case, delete, func, insert, select, update
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.feeds.models import FeedFile, FeedLink, Integration
from shelfcast.publish.keys import version_key
from shelfcast.publish.models import BuildOutcome, BuildRecord, FeedBuild, Fetch

# How many build records each feed keeps (the health page shows the last 20).
KEEP_BUILD_RECORDS = 100


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Everything a link request needs to decide, read in one query."""

    feed_id: int
    account_id: int
    file_name: str
    file_type: str
    feed_enabled: bool
    integration_enabled: bool
    plan: str
    link_expires_at: datetime | None
    catalog_version: int
    settings_version: int
    feed_created_at: datetime
    published_key: str | None
    published_at: datetime | None
    held_key: str | None

    @property
    def key(self) -> str:
        """The version key of the file the link should serve now."""
        return version_key(self.catalog_version, self.settings_version, self.feed_created_at)


# Built once: constructing a SELECT of five joins costs several times what SQLite
# takes to answer it, and this one runs on every fetch of every link.
_LINK_TARGET = (
    select(
        FeedFile.id,
        FeedFile.account_id,
        FeedFile.file_name,
        FeedFile.file_type,
        FeedFile.enabled,
        func.coalesce(Integration.enabled, False),
        Account.plan,
        FeedLink.expires_at,
        Account.catalog_version,
        FeedFile.settings_version,
        FeedFile.created_at,
        FeedBuild.published_key,
        FeedBuild.published_at,
        FeedBuild.held_key,
    )
    .select_from(FeedLink)
    .join(FeedFile, FeedFile.id == FeedLink.feed_id)
    .join(Account, Account.id == FeedFile.account_id)
    .outerjoin(Integration, Integration.account_id == FeedFile.account_id)
    .outerjoin(FeedBuild, FeedBuild.feed_id == FeedFile.id)
    .where(FeedLink.token_hash == bindparam("token_hash"))
)


def resolve_link(connection: Session | Connection, token_hash: str) -> LinkTarget | None:
    """Every fact a link request decides on, in one indexed query (also on a bare
    connection: the link path is hot and needs no ORM session)."""
    row = connection.execute(_LINK_TARGET, {"token_hash": token_hash}).first()
    return LinkTarget(*tuple(row)) if row is not None else None


def versions(session: Session, feed_id: int) -> tuple[int, str] | None:
    """(account id, version key of the file the feed should serve), or None if it is gone."""
    row = session.execute(
        select(
            FeedFile.account_id,
            Account.catalog_version,
            FeedFile.settings_version,
            FeedFile.created_at,
        )
        .join(Account, Account.id == FeedFile.account_id)
        .where(FeedFile.id == feed_id)
    ).first()
    if row is None:
        return None
    return row[0], version_key(row[1], row[2], row[3])


def feed_ids_of_account(session: Session, account_id: int) -> Sequence[int]:
    return session.scalars(
        select(FeedFile.id).where(FeedFile.account_id == account_id).order_by(FeedFile.id)
    ).all()


def get_build(session: Session, feed_id: int) -> FeedBuild | None:
    return session.get(FeedBuild, feed_id)


def builds_of(session: Session, feed_ids: Sequence[int]) -> dict[int, FeedBuild]:
    rows = session.scalars(select(FeedBuild).where(FeedBuild.feed_id.in_(feed_ids)))
    return {build.feed_id: build for build in rows}


def save_build(session: Session, feed_id: int, account_id: int, **values: Any) -> None:
    """Upsert the build state row of a feed."""
    build = session.get(FeedBuild, feed_id)
    if build is None:
        session.add(FeedBuild(feed_id=feed_id, account_id=account_id, **values))
    else:
        session.execute(update(FeedBuild).where(FeedBuild.feed_id == feed_id).values(**values))
    session.flush()


def existing_feed_ids(session: Session, feed_ids: Collection[int]) -> set[int]:
    """Those of ``feed_ids`` whose feed still exists."""
    if not feed_ids:
        return set()
    return set(session.scalars(select(FeedFile.id).where(FeedFile.id.in_(list(feed_ids)))))


def add_fetches(session: Session, fetches: Sequence[dict[str, Any]]) -> None:
    if fetches:
        session.execute(insert(Fetch), list(fetches))


def last_fetches(session: Session, feed_ids: Sequence[int]) -> dict[int, datetime]:
    rows = session.execute(
        select(Fetch.feed_id, func.max(Fetch.at))
        .where(Fetch.feed_id.in_(feed_ids), Fetch.status < 400)
        .group_by(Fetch.feed_id)
    )
    return dict(rows.all())


def add_build_record(
    session: Session,
    *,
    feed_id: int,
    account_id: int,
    at: datetime,
    seconds: float,
    rows: int | None,
    size: int | None,
    outcome: BuildOutcome,
    reason: str | None,
) -> None:
    """Append one build to the feed's history and drop what is past the kept number."""
    session.add(
        BuildRecord(
            feed_id=feed_id,
            account_id=account_id,
            at=at,
            seconds=seconds,
            rows=rows,
            bytes=size,
            outcome=outcome.value,
            reason=reason,
        )
    )
    session.flush()
    oldest_kept = session.scalar(
        select(BuildRecord.id)
        .where(BuildRecord.feed_id == feed_id)
        .order_by(BuildRecord.id.desc())
        .offset(KEEP_BUILD_RECORDS - 1)
        .limit(1)
    )
    if oldest_kept is not None:
        session.execute(
            delete(BuildRecord).where(BuildRecord.feed_id == feed_id, BuildRecord.id < oldest_kept)
        )


# --- the health page's queries: each one statement, whatever the log's size -------------


def _day(dialect: str) -> Any:
    """A fetch's UTC day as 'YYYY-MM-DD' (SQLite keeps UTC text; PostgreSQL a timestamptz)."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", Fetch.at), "YYYY-MM-DD")
    return func.substr(Fetch.at, 1, 10)


def fetches_by_day(
    session: Session, feed_id: int, since: datetime
) -> list[tuple[str, int, int, int]]:
    """(day, 2xx, 304, 4xx/5xx) per day with fetches since ``since``."""
    day = _day(session.get_bind().dialect.name).label("day")
    rows = session.execute(
        select(
            day,
            func.sum(case((Fetch.status < 300, 1), else_=0)),
            func.sum(case((Fetch.status == 304, 1), else_=0)),
            func.sum(case((Fetch.status >= 400, 1), else_=0)),
        )
        .where(Fetch.feed_id == feed_id, Fetch.at >= since)
        .group_by(day)
    )
    return [(str(d), int(a or 0), int(b or 0), int(c or 0)) for d, a, b, c in rows]


def fetch_clients(
    session: Session, feed_id: int, since: datetime, limit: int
) -> list[tuple[str | None, str | None, int, datetime]]:
    """(user agent, address, fetches, last fetch) of each client since ``since``."""
    last = func.max(Fetch.at).label("last_at")
    rows = session.execute(
        select(Fetch.user_agent, Fetch.client, func.count(), last)
        .where(Fetch.feed_id == feed_id, Fetch.at >= since)
        .group_by(Fetch.user_agent, Fetch.client)
        .order_by(last.desc())
        .limit(limit)
    )
    return [(ua, client, int(n), at) for ua, client, n, at in rows]


@dataclass(frozen=True, slots=True)
class FetchSpan:
    """The successful fetches (2xx, 304) of one feed in a window: how many, first, last."""

    count: int
    first_at: datetime | None
    last_at: datetime | None


def fetch_spans(session: Session, feed_ids: Sequence[int], since: datetime) -> dict[int, FetchSpan]:
    if not feed_ids:
        return {}
    rows = session.execute(
        select(Fetch.feed_id, func.count(), func.min(Fetch.at), func.max(Fetch.at))
        .where(Fetch.feed_id.in_(feed_ids), Fetch.at >= since, Fetch.status < 400)
        .group_by(Fetch.feed_id)
    )
    return {
        feed_id: FetchSpan(int(n), _aware(first), _aware(last)) for feed_id, n, first, last in rows
    }


def _aware(value: Any) -> datetime | None:
    """min()/max() come back untyped on SQLite (text): parse them like the column does."""
    if value is None or isinstance(value, datetime):
        return value.replace(tzinfo=value.tzinfo or UTC) if value is not None else None
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def build_records(session: Session, feed_id: int, limit: int) -> Sequence[BuildRecord]:
    return session.scalars(
        select(BuildRecord)
        .where(BuildRecord.feed_id == feed_id)
        .order_by(BuildRecord.id.desc())
        .limit(limit)
    ).all()


def prune_fetches(session: Session, before: datetime, batch: int) -> int:
    """Delete up to ``batch`` fetches older than ``before`` (the caller loops: short
    transactions keep the log writable meanwhile); returns how many went."""
    oldest = select(Fetch.id).where(Fetch.at < before).order_by(Fetch.at).limit(batch)
    result = session.execute(delete(Fetch).where(Fetch.id.in_(oldest.scalar_subquery())))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
