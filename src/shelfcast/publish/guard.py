"""The publish guard: a build that would wipe most of a merchant's listings is held.

Some marketplaces (Meta among them) delete every listing missing from a new
file, so one bad import must not reach them. A build whose row count drops by
more than the feed's ``publish_guard_percent`` against the published file is
written beside it (``<key>.held.<ext>``) and recorded as held; the link keeps
serving the published file until the merchant publishes the held one
(:func:`publish_held`) or a later build passes the guard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from shelfcast.db.base import utcnow
from shelfcast.errors import Conflict
from shelfcast.feeds import service as feeds
from shelfcast.publish import repository as repo
from shelfcast.publish.models import BuildOutcome, FeedBuild
from shelfcast.publish.store import FileStore
from shelfcast.render.spec import FileType

HELD_SUFFIX = ".held"
# Below this many published rows the guard stays out of the way: a catalog of a
# dozen products moves by large shares in ordinary use (and the merchant sees each
# product); the guard is for the import that wipes thousands of listings at once.
MIN_GUARDED_ROWS = 20


def held_name(key: str) -> str:
    """The store key of a guarded build's file until it is published."""
    return f"{key}{HELD_SUFFIX}"


def hold_reason(percent: int, published_rows: int | None, rows: int) -> str | None:
    """Why a build of ``rows`` rows must be held (e.g. "4,812 → 12 rows"), or None.

    Integer arithmetic: a drop of exactly ``percent`` passes, one row more is held.
    """
    if percent <= 0 or not published_rows or published_rows < MIN_GUARDED_ROWS:
        return None
    if (published_rows - rows) * 100 > percent * published_rows:
        return f"{published_rows:,} → {rows:,} rows"
    return None


def guards(store: FileStore, feed_id: int, percent: int, build: FeedBuild | None, ext: str) -> bool:
    """Whether a new build of this feed is checked before it is published: the guard is
    on and there is a published file of at least :data:`MIN_GUARDED_ROWS` rows."""
    return (
        percent > 0
        and build is not None
        and (build.published_rows or 0) >= MIN_GUARDED_ROWS
        and build.published_key is not None
        and store.has(feed_id, build.published_key, ext)
    )


@dataclass(frozen=True, slots=True)
class Published:
    key: str
    rows: int
    at: datetime


def publish_held(
    session: Session, store: FileStore, account_id: int, feed_id: int, *, grace_s: float
) -> Published:
    """Publish the build the guard held: its file takes the link, its numbers the build row;
    the file it replaces stays ``grace_s`` for requests that already chose it.

    The caller holds the feed's build lock (no build runs meanwhile) and commits.
    Raises ``NotFound`` for another account's feed and ``Conflict`` when nothing is held.
    """
    feed = feeds.get_feed(session, account_id, feed_id, "update")
    build = repo.get_build(session, feed_id)
    if build is None or build.held_key is None:
        raise Conflict("No build is held for this file: the link already serves the last build.")
    key = build.held_key
    file_type = FileType(feed.file_type)
    if not store.path(feed_id, held_name(key), file_type.value).exists():
        raise Conflict("The held build's file is gone; the next build replaces it.")
    store.promote(feed_id, held_name(key), key, file_type.value, gzipped=file_type is FileType.CSV)
    now = utcnow()
    rows = build.held_rows or 0
    repo.save_build(
        session,
        feed_id,
        account_id,
        published_key=key,
        published_at=now,
        published_rows=rows,
        published_bytes=build.held_bytes,
        last_status=BuildOutcome.PUBLISHED.value,
        held_key=None,
        held_at=None,
        held_rows=None,
        held_bytes=None,
        held_reason=None,
    )
    repo.add_build_record(
        session,
        feed_id=feed_id,
        account_id=account_id,
        at=now,
        seconds=0.0,
        rows=rows,
        size=build.held_bytes,
        outcome=BuildOutcome.PUBLISHED,
        reason="published by the merchant after the guard held it",
    )
    store.remove_superseded(feed_id, key, grace_s)
    return Published(key=key, rows=rows, at=now)
