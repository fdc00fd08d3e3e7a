"""What keeps the files right without anyone asking: the check at start-up (feeds
left behind by a crash or a restore are queued) and the periodic sweep (files of
deleted feeds are removed)."""

from __future__ import annotations

import logging
import threading

from shelfcast.publish import repository as repo
from shelfcast.publish.builder import FeedBuilder
from shelfcast.render.spec import FileType

log = logging.getLogger(__name__)


def queue_behind(builder: FeedBuilder) -> list[int]:
    """Queue every feed whose published file is behind its versions or missing, or
    whose compressed copy is missing; the ids queued."""
    store = builder.store
    with builder.sessions() as session:
        versions = repo.feed_versions(session)
    queued = []
    for version in versions:
        file_type = FileType(version.file_type)
        extension = file_type.value
        if (
            version.published_key != version.key
            or not store.has(version.feed_id, version.key, extension)
            or (
                file_type is FileType.CSV
                and store.gzip_missing(version.feed_id, version.key, extension)
            )
        ):
            builder.request_if_due(version.feed_id)
            queued.append(version.feed_id)
    return queued


def sweep_deleted(builder: FeedBuilder) -> list[int]:
    """Delete the folders of feeds that no longer exist; their ids."""
    on_disk = builder.store.feed_ids()
    if not on_disk:
        return []
    with builder.sessions() as session:
        existing = repo.existing_feed_ids(session, on_disk)
    gone = sorted(set(on_disk) - existing)
    for feed_id in gone:
        builder.store.remove_feed(feed_id)
    return gone


class Upkeep:
    """A thread: the start-up check once, then the sweep every ``sweep_every_s``."""

    def __init__(
        self, builder: FeedBuilder, sweep_every_s: float, *, check_at_start: bool = True
    ) -> None:
        self.builder = builder
        self.sweep_every_s = sweep_every_s
        self.check_at_start = check_at_start
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="feed-upkeep", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        if self.check_at_start:
            self._check()
        while not self._stop.wait(self.sweep_every_s):
            try:
                sweep_deleted(self.builder)
            except Exception:
                log.exception("the sweep of deleted feeds' files failed")

    def _check(self) -> None:
        try:
            queued = queue_behind(self.builder)
            if queued:
                log.info("queued %d feeds whose files were behind at start", len(queued))
        except Exception:  # the server runs without it; the next change builds anyway
            log.exception("the start-up check of the feed files failed")
