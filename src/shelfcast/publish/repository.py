"""All SQL of publishing: resolving a link, build state, the fetch log."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, case, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.feeds.models import FeedFile, FeedLink, Integration, RetiredFileName
from shelfcast.publish.keys import version_key
from shelfcast.publish.models import (
    BuildOutcome,
    BuildRecord,
    FeedBuild,
    Fetch,
    FetchClient,
    FetchDay,
)

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
    building_key: str | None
    building_since: datetime | None
    last_key: str | None
    last_status: str | None
    last_seconds: float | None
    retry_at: datetime | None
    encoding: str = "utf-8"  # a CSV file's, for the charset it is served with

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
        FeedBuild.building_key,
        FeedBuild.building_since,
        FeedBuild.last_key,
        FeedBuild.last_status,
        FeedBuild.last_seconds,
        FeedBuild.retry_at,
        FeedFile.encoding,
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


def answers_to_retired_name(
    connection: Session | Connection, feed_id: int, file_name: str, now: datetime
) -> bool:
    """Whether ``file_name`` is a former name of the feed still in its grace period
    (asked only when a link's file name is not the current one)."""
    found = connection.execute(
        select(RetiredFileName.id).where(
            RetiredFileName.feed_id == feed_id,
            RetiredFileName.file_name == file_name,
            RetiredFileName.expires_at > now,
        )
    ).first()
    return found is not None


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


def build_keys(session: Session, account_id: int) -> list[tuple[int, str, str | None]]:
    """(feed id, version key it should serve, key of its last build attempt) per feed."""
    rows = session.execute(
        select(
            FeedFile.id,
            Account.catalog_version,
            FeedFile.settings_version,
            FeedFile.created_at,
            FeedBuild.last_key,
        )
        .join(Account, Account.id == FeedFile.account_id)
        .outerjoin(FeedBuild, FeedBuild.feed_id == FeedFile.id)
        .where(FeedFile.account_id == account_id)
    )
    return [(row[0], version_key(row[1], row[2], row[3]), row[4]) for row in rows]


@dataclass(frozen=True, slots=True)
class FeedVersion:
    """What a feed should serve now, and what it serves (for the check at start-up)."""

    feed_id: int
    key: str
    file_type: str
    published_key: str | None


def feed_versions(session: Session) -> list[FeedVersion]:
    """Every feed's current version key and published key, in one query."""
    rows = session.execute(
        select(
            FeedFile.id,
            Account.catalog_version,
            FeedFile.settings_version,
            FeedFile.created_at,
            FeedFile.file_type,
            FeedBuild.published_key,
        )
        .join(Account, Account.id == FeedFile.account_id)
        .outerjoin(FeedBuild, FeedBuild.feed_id == FeedFile.id)
        .order_by(FeedFile.id)
    )
    return [
        FeedVersion(feed_id, version_key(catalog, settings, created), str(file_type), published)
        for feed_id, catalog, settings, created, file_type, published in rows
    ]


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


# --- the fetch rollups the health page reads ------------------------------------------------
ROLLUP_CHUNK = 1_000  # rows per INSERT: within SQLite's bound on parameters


def add_fetch_rollups(session: Session, entries: Sequence[dict[str, Any]]) -> None:
    """Count a batch of fetch-log entries into ``fetch_days`` and ``fetch_clients``."""
    days: dict[tuple[int, str], dict[str, Any]] = {}
    clients: dict[tuple[int, str, str], dict[str, Any]] = {}
    for entry in entries:
        at: datetime = entry["at"]
        status: int = entry["status"]
        feed_id = entry["feed_id"]
        day = at.astimezone(UTC).date().isoformat()
        counts = days.setdefault(
            (feed_id, day),
            {
                "feed_id": feed_id,
                "day": day,
                "account_id": entry["account_id"],
                "sent": 0,
                "not_modified": 0,
                "failed": 0,
                "first_ok_at": None,
                "last_ok_at": None,
            },
        )
        if status == 304:
            counts["not_modified"] += 1
        elif status < 300:
            counts["sent"] += 1
        elif status >= 400:
            counts["failed"] += 1
        if status < 400:
            first, last = counts["first_ok_at"], counts["last_ok_at"]
            counts["first_ok_at"] = at if first is None or at < first else first
            counts["last_ok_at"] = at if last is None or at > last else last
        key = (feed_id, entry["user_agent"] or "", entry["client"] or "")
        seen = clients.setdefault(
            key,
            {
                "feed_id": feed_id,
                "user_agent": key[1],
                "client": key[2],
                "account_id": entry["account_id"],
                "count": 0,
                "last_at": at,
            },
        )
        seen["count"] += 1
        seen["last_at"] = max(seen["last_at"], at)
    _upsert_days(session, list(days.values()))
    _upsert_clients(session, list(clients.values()))


def _insert(session: Session, table: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql_insert(table)
    return sqlite_insert(table)


def _earliest(current: Any, new: Any) -> Any:
    return case(
        (new.is_(None), current),
        (or_(current.is_(None), new < current), new),
        else_=current,
    )


def _latest(current: Any, new: Any) -> Any:
    return case(
        (new.is_(None), current),
        (or_(current.is_(None), new > current), new),
        else_=current,
    )


def _upsert_days(session: Session, rows: list[dict[str, Any]]) -> None:
    for first in range(0, len(rows), ROLLUP_CHUNK):
        stmt = _insert(session, FetchDay).values(rows[first : first + ROLLUP_CHUNK])
        new = stmt.excluded
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[FetchDay.feed_id, FetchDay.day],
                set_={
                    "sent": FetchDay.sent + new.sent,
                    "not_modified": FetchDay.not_modified + new.not_modified,
                    "failed": FetchDay.failed + new.failed,
                    "first_ok_at": _earliest(FetchDay.first_ok_at, new.first_ok_at),
                    "last_ok_at": _latest(FetchDay.last_ok_at, new.last_ok_at),
                },
            )
        )


def _upsert_clients(session: Session, rows: list[dict[str, Any]]) -> None:
    for first in range(0, len(rows), ROLLUP_CHUNK):
        stmt = _insert(session, FetchClient).values(rows[first : first + ROLLUP_CHUNK])
        new = stmt.excluded
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=[FetchClient.feed_id, FetchClient.user_agent, FetchClient.client],
                set_={
                    "count": FetchClient.count + new.count,
                    "last_at": _latest(FetchClient.last_at, new.last_at),
                },
            )
        )


def fetches_by_day(session: Session, feed_id: int, since: str) -> list[FetchDay]:
    """The feed's day rows from the day ``since`` (YYYY-MM-DD) on."""
    return list(
        session.scalars(select(FetchDay).where(FetchDay.feed_id == feed_id, FetchDay.day >= since))
    )


def fetch_clients(
    session: Session, feed_id: int, since: datetime, limit: int
) -> Sequence[FetchClient]:
    """The clients that fetched the feed since ``since``, the latest first."""
    return session.scalars(
        select(FetchClient)
        .where(FetchClient.feed_id == feed_id, FetchClient.last_at >= since)
        .order_by(FetchClient.last_at.desc())
        .limit(limit)
    ).all()


@dataclass(frozen=True, slots=True)
class FetchSpan:
    """The successful fetches (2xx, 304) of one feed in a window: how many, first, last."""

    count: int
    first_at: datetime | None
    last_at: datetime | None


def fetch_spans(session: Session, feed_ids: Sequence[int], since: str) -> dict[int, FetchSpan]:
    """Each feed's successful fetches from the day ``since`` on (from its day rows)."""
    if not feed_ids:
        return {}
    rows = session.execute(
        select(
            FetchDay.feed_id,
            func.sum(FetchDay.sent + FetchDay.not_modified),
            func.min(FetchDay.first_ok_at),
            func.max(FetchDay.last_ok_at),
        )
        .where(FetchDay.feed_id.in_(feed_ids), FetchDay.day >= since)
        .group_by(FetchDay.feed_id)
    )
    return {
        feed_id: FetchSpan(int(n or 0), _aware(first), _aware(last))
        for feed_id, n, first, last in rows
    }


def last_ok_fetches(session: Session, feed_ids: Sequence[int]) -> dict[int, datetime]:
    """The last successful fetch of each feed in the kept log (90 days of day rows)."""
    if not feed_ids:
        return {}
    rows = session.execute(
        select(FetchDay.feed_id, func.max(FetchDay.last_ok_at))
        .where(FetchDay.feed_id.in_(feed_ids))
        .group_by(FetchDay.feed_id)
    )
    return {feed_id: at for feed_id, last in rows if (at := _aware(last)) is not None}


def _aware(value: Any) -> datetime | None:
    """min()/max() may come back as text on SQLite: read them as the column does."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def build_records(session: Session, feed_id: int, limit: int) -> Sequence[BuildRecord]:
    return session.scalars(
        select(BuildRecord)
        .where(BuildRecord.feed_id == feed_id)
        .order_by(BuildRecord.id.desc())
        .limit(limit)
    ).all()


def prune_fetch_rollups(session: Session, before: datetime) -> None:
    """Drop the day rows and clients older than ``before`` (a few rows per feed and day)."""
    session.execute(
        delete(FetchDay).where(FetchDay.day < before.astimezone(UTC).date().isoformat())
    )
    session.execute(delete(FetchClient).where(FetchClient.last_at < before))


def prune_fetches(session: Session, before: datetime, batch: int) -> int:
    """Delete up to ``batch`` fetches older than ``before`` (the caller loops: short
    transactions keep the log writable meanwhile); returns how many went."""
    oldest = select(Fetch.id).where(Fetch.at < before).order_by(Fetch.at).limit(batch)
    result = session.execute(delete(Fetch).where(Fetch.id.in_(oldest.scalar_subquery())))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
