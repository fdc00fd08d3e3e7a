"""Answering a feed link: whether a request gets a file, and which one.

``web/public.py`` maps the answer to HTTP. The rules (docs/design-decisions.md,
"Links answer at once"):

- the file of the newest version is in place: it is served;
- otherwise the newest *complete* file the feed has is served at once, except
  when the newest version's file is a moment away: its build is running or
  about to start and, going by the last build's duration, should be done
  within ``ABOUT_TO_FINISH_S`` (then the request waits a little longer than
  that, never past ``link_wait_seconds``, and stops waiting when a build of a
  still newer version starts), and never while builds of other feeds are
  queued ahead of it in this process. While a build of an older version runs, the
  newest version is more than a whole build away: under a stream of writes
  nobody waits;
- a feed with no file yet waits up to ``first_build_wait_seconds`` for its
  first build, but not when that build failed and its retry is not due: then
  the answer is "unavailable" at once, with when to try again.

Any file under a version name is complete (the store renames it in once
written), and superseded files stay for a grace period, so the file chosen
here is still there when it is opened; it is opened before the response starts
and sent from the open file.
"""

from __future__ import annotations

import asyncio
import math
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Connection, Engine

from shelfcast.accounts.models import Plan
from shelfcast.db.base import utcnow
from shelfcast.feeds.service import hash_token
from shelfcast.publish import repository as repo
from shelfcast.publish.builder import BUILDING_STALE_S, FeedBuilder
from shelfcast.publish.keys import key_order
from shelfcast.publish.store import FileStore
from shelfcast.render.spec import FileType

POLL_S = 0.02
STORE_POLL_S = 0.2  # how often a waiting request asks the object store (one GET or HEAD)
RETRY_AFTER_S = 5  # told to clients when no better estimate is known
RETRY_AFTER_MAX_S = 300
# A request waits for the newest version only when its file is expected within this
# (measured under a stream of writes, docs/design-decisions.md).
ABOUT_TO_FINISH_S = 1.0


class Answer(StrEnum):
    SERVE = "serve"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"  # the feed has no file yet
    PENDING = "pending"  # the newest version's file is not in place: settle() decides


@dataclass
class OpenedFile:
    """A built file, open for this response."""

    key: str
    path: Path
    file: BinaryIO
    stat: os.stat_result
    modified: datetime  # of the plain file, whichever encoding is sent
    gzipped: bool


@dataclass
class LinkAnswer:
    answer: Answer
    target: repo.LinkTarget | None = None
    opened: OpenedFile | None = None
    fresh: bool = False  # the file is of the newest version (no Age header)
    retry_after: int = RETRY_AFTER_S


class Links:
    """The link decisions of one server process."""

    def __init__(
        self,
        engine: Engine,
        store: FileStore,
        builder: FeedBuilder,
        *,
        link_wait_s: float,
        first_build_wait_s: float,
    ) -> None:
        self.engine = engine
        self.store = store
        self.builder = builder
        self.link_wait_s = link_wait_s
        self.first_build_wait_s = first_build_wait_s

    def resolve(self, token: str, file_name: str, accepts_gzip: bool) -> LinkAnswer:
        """One step, never waiting: not found, the newest version's file, or pending."""
        with self.engine.connect() as connection:
            target = repo.resolve_link(connection, hash_token(token))
            if target is None:
                return LinkAnswer(Answer.NOT_FOUND)
            if not servable(target) or not answers_to(connection, target, file_name):
                return LinkAnswer(Answer.NOT_FOUND, target)
        file_type = FileType(target.file_type)
        want_gzip = file_type is FileType.CSV and accepts_gzip
        opened = open_first(self.store, target.feed_id, file_type, (target.key,), want_gzip)
        if opened is None:
            return LinkAnswer(Answer.PENDING, target)
        return LinkAnswer(Answer.SERVE, target, opened, fresh=True)

    async def settle(self, pending: LinkAnswer, accepts_gzip: bool) -> LinkAnswer:
        """Ask for the newest version's build; wait for it only when that can help,
        then serve the newest complete file there is."""
        target = pending.target
        assert target is not None
        file_type = FileType(target.file_type)
        key = target.key
        self.builder.request_if_due(target.feed_id)
        await self._fetch_stored(target, file_type)
        has_file = bool(self.store.versions(target.feed_id, key, file_type.value))
        bound = wait_bound(
            target,
            has_file=has_file,
            # Other feeds' builds ahead in this process: ours is not a moment away.
            queue_clear=self.builder.builds_ahead(target.feed_id) == 0,
            now=utcnow(),
            link_wait_s=self.link_wait_s,
            first_build_wait_s=self.first_build_wait_s,
        )
        if bound > 0:
            # With no file at all, the first one to appear will do.
            await self._wait_for(target, file_type, bound, any_file=not has_file)
        want_gzip = file_type is FileType.CSV and accepts_gzip
        opened = open_first(
            self.store,
            target.feed_id,
            file_type,
            self.store.versions(target.feed_id, key, file_type.value),
            want_gzip,
        )
        if opened is None:
            return LinkAnswer(Answer.UNAVAILABLE, target, retry_after=retry_after(target, utcnow()))
        fresh = key_order(opened.key) >= key_order(key)
        return LinkAnswer(Answer.SERVE, target, opened, fresh=fresh)

    async def _fetch_stored(self, target: repo.LinkTarget, file_type: FileType) -> None:
        """With object storage, another node may have built the file: bring the newest
        one the store has (the current version's, else the published one's) into
        this node's folder. A no-op for the local folder."""
        for key in dict.fromkeys(k for k in (target.key, target.published_key) if k):
            if await asyncio.to_thread(self.store.has, target.feed_id, key, file_type.value):
                return

    async def _wait_for(
        self, target: repo.LinkTarget, file_type: FileType, bound: float, *, any_file: bool
    ) -> None:
        """Until a file of the newest version or newer (with ``any_file``, any file of
        the feed) is in place, this version's build failed here, or ``bound`` passes."""
        feed_id, key = target.feed_id, target.key
        deadline = time.monotonic() + bound
        asked_store = time.monotonic()
        while time.monotonic() < deadline:
            if time.monotonic() - asked_store >= STORE_POLL_S:
                # Built by another node or a worker: in the store, not in this folder.
                await asyncio.to_thread(self.store.has, feed_id, key, file_type.value)
                asked_store = time.monotonic()
            newest = self.store.versions(feed_id, key, file_type.value)
            if newest and (any_file or key_order(newest[0]) >= key_order(key)):
                return
            if self.builder.has_failed(feed_id, key):
                return
            building = self.builder.building(feed_id)
            if not any_file and building is not None and key_order(building) > key_order(key):
                return  # a newer version is being built: this one never will be
            await asyncio.sleep(POLL_S)


def servable(target: repo.LinkTarget) -> bool:
    """Whether the link may serve its feed at all (file, integration, plan, token)."""
    return (
        target.feed_enabled
        and target.integration_enabled
        and target.plan != Plan.HOBBY
        and (target.link_expires_at is None or target.link_expires_at > utcnow())
    )


def answers_to(connection: Connection, target: repo.LinkTarget, file_name: str) -> bool:
    """The file's name, or a former one in the grace period the merchant chose when
    renaming it (the extra query runs only for a name that is not the current one)."""
    if file_name == f"{target.file_name}.{target.file_type}":
        return True
    return repo.answers_to_retired_name(connection, target.feed_id, file_name, utcnow())


def wait_bound(
    target: repo.LinkTarget,
    *,
    has_file: bool,
    queue_clear: bool = True,
    now: datetime,
    link_wait_s: float,
    first_build_wait_s: float,
) -> float:
    """How long a request whose newest version's file is not in place may wait for it."""
    key = target.key
    if target.held_key == key:
        return 0.0  # the publish guard held this version: the published file is the answer
    if _failed_until(target, now) is not None:
        return 0.0  # nothing comes before the retry: answer now
    if not has_file:
        return first_build_wait_s
    building = target.building_key
    since = target.building_since
    if since is None or (now - since).total_seconds() > BUILDING_STALE_S:
        building = None  # nothing under way (or a crash ended it): the next build is ours
    # How long until our version's file is in place, going by the last build's time:
    # what is left of the build under way, and a whole build more when that one is
    # of an older version.
    if building != key and not queue_clear:
        return 0.0  # our build waits behind others: serve the newest file now
    build_s = target.last_seconds or 0.0
    expected = build_s
    if building is not None and since is not None:
        expected = max(0.0, build_s - (now - since).total_seconds())
        if key_order(building) < key_order(key):
            expected += build_s
    if expected > ABOUT_TO_FINISH_S:
        return 0.0  # not a moment away: the newest complete file now beats a stall
    # Room for the estimate to be off, never past the configured bound.
    return min(link_wait_s, 2 * max(0.0, expected) + ABOUT_TO_FINISH_S)


def retry_after(target: repo.LinkTarget, now: datetime) -> int:
    """Seconds a client should wait before it asks again for a feed that has no file."""
    until = _failed_until(target, now)
    if until is None:
        return RETRY_AFTER_S
    return max(1, min(RETRY_AFTER_MAX_S, math.ceil(until)))


def _failed_until(target: repo.LinkTarget, now: datetime) -> float | None:
    """Seconds until the retry of the newest version's failed build, if one is pending."""
    if target.last_status != "failed" or target.last_key != target.key:
        return None
    if target.retry_at is None or target.retry_at <= now:
        return None
    return (target.retry_at - now).total_seconds()


def open_first(
    store: FileStore,
    feed_id: int,
    file_type: FileType,
    keys: Iterable[str | None],
    want_gzip: bool,
) -> OpenedFile | None:
    """Open the first of ``keys`` whose file is in place (pre-compressed if wanted and there)."""
    for key in dict.fromkeys(k for k in keys if k is not None):
        path = store.path(feed_id, key, file_type.value)
        try:
            plain = open(path, "rb")  # noqa: SIM115  (closed by the response)
        except FileNotFoundError:
            continue
        modified = _file_time(os.fstat(plain.fileno()))
        if want_gzip:
            gz_path = store.gzip_path(feed_id, key, file_type.value)
            try:
                gz = open(gz_path, "rb")  # noqa: SIM115  (closed by the response)
            except FileNotFoundError:
                pass  # sent uncompressed
            else:
                plain.close()
                return OpenedFile(key, gz_path, gz, os.fstat(gz.fileno()), modified, True)
        return OpenedFile(key, path, plain, os.fstat(plain.fileno()), modified, False)
    return None


def _file_time(stat: os.stat_result) -> datetime:
    return datetime.fromtimestamp(int(stat.st_mtime), UTC)
