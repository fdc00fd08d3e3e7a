"""All SQL of publishing: resolving a link, build state, the fetch log."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.feeds.models import FeedFile, FeedLink, Integration
from shelfcast.publish.keys import version_key
from shelfcast.publish.models import FeedBuild, Fetch


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
    building_key: str | None
    building_since: datetime | None
    last_key: str | None
    last_status: str | None
    last_seconds: float | None
    retry_at: datetime | None

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
        FeedBuild.building_key,
        FeedBuild.building_since,
        FeedBuild.last_key,
        FeedBuild.last_status,
        FeedBuild.last_seconds,
        FeedBuild.retry_at,
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
