"""A node's folder of built files backed by object storage: the folder is its cache.

The builder writes a file into the folder as on one machine, then stores it in
the object store *before* the build is recorded as published: a key the
database names is always in the store. A node that has not built a version
fetches it from the store the first time a link needs it, and keeps serving
what its folder holds while the store is briefly unreachable.
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO, TypeVar

from shelfcast.publish.keys import key_order, same_feed
from shelfcast.publish.storage.base import (
    Storage,
    StorageUnavailable,
    StoredObject,
    feed_object_name,
    feed_prefix,
)
from shelfcast.publish.store import FileStore

T = TypeVar("T")
log = logging.getLogger(__name__)


class ObjectBackedStore(FileStore):
    def __init__(self, root: Path, remote: Storage) -> None:
        super().__init__(root)
        self.remote = remote

    def write(
        self,
        feed_id: int,
        key: str,
        extension: str,
        produce: Callable[[BinaryIO], T],
        *,
        gzipped: bool,
    ) -> T:
        """Write as the folder does, then store the file (and its gzip copy) remotely;
        a store that cannot be reached fails the build, which is then retried."""
        result = super().write(feed_id, key, extension, produce, gzipped=gzipped)
        if "." not in key:  # a version; not a build the publish guard holds (key.held)
            self._upload(feed_id, key, extension, gzipped=gzipped)
        return result

    def promote(
        self, feed_id: int, from_key: str, to_key: str, extension: str, *, gzipped: bool
    ) -> None:
        super().promote(feed_id, from_key, to_key, extension, gzipped=gzipped)
        self._upload(feed_id, to_key, extension, gzipped=gzipped)

    def add_gzip(self, feed_id: int, key: str, extension: str) -> None:
        super().add_gzip(feed_id, key, extension)
        self._upload_one(self.gzip_path(feed_id, key, extension))

    def _upload(self, feed_id: int, key: str, extension: str, *, gzipped: bool) -> None:
        self._upload_one(self.path(feed_id, key, extension))
        if gzipped:
            self._upload_one(self.gzip_path(feed_id, key, extension))

    def _upload_one(self, path: Path) -> None:
        # Written once: a second build of the same key finds the first one's object.
        name = self._name_of(path)
        self.remote.put(name, path)
        _take_time(path, self.remote.stat(name))

    def _name_of(self, path: Path) -> str:
        return feed_object_name(int(path.parent.name), path.name)

    def has(self, feed_id: int, key: str, extension: str) -> bool:
        """Whether the file of ``key`` is in the folder, fetching it from the store if
        it is there (False, not an error, while the store cannot be reached)."""
        if self.path(feed_id, key, extension).exists():
            return True
        try:
            fetched = self._fetch(self.path(feed_id, key, extension))
        except StorageUnavailable as error:
            log.warning("feed %s: %s not fetched: %s", feed_id, key, error)
            return False
        if fetched:
            with suppress(StorageUnavailable):
                self._fetch(self.gzip_path(feed_id, key, extension))
        return fetched

    def _fetch(self, target: Path) -> bool:
        name = self._name_of(target)
        stored = self.remote.stat(name)
        if stored is None:
            return False
        try:
            source = self.remote.open(name)
        except FileNotFoundError:
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            os.fchmod(fd, 0o644)
            with source, os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            _take_time(Path(temporary), stored)
            os.replace(temporary, target)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
        return True

    def remove_superseded(
        self,
        feed_id: int,
        keep_key: str,
        grace_s: float,
        now: float | None = None,
        *,
        also_keep: Iterable[str] = (),
    ) -> None:
        super().remove_superseded(feed_id, keep_key, grace_s, now, also_keep=also_keep)
        try:
            objects = self.remote.list(feed_prefix(feed_id))
        except StorageUnavailable as error:
            log.warning("feed %s: superseded objects kept for now: %s", feed_id, error)
            return
        for stored in _superseded(objects, keep_key, grace_s, time.time() if now is None else now):
            with suppress(StorageUnavailable):
                self.remote.delete(stored.name)

    def remove_feed(self, feed_id: int) -> None:
        super().remove_feed(feed_id)
        for stored in self.remote.list(feed_prefix(feed_id)):
            self.remote.delete(stored.name)

    def feed_ids(self) -> list[int]:
        """Feeds with files in the folder or in the store (the sweep of deleted feeds)."""
        remote = {
            int(part)
            for stored in self.remote.list("feeds/")
            if (part := stored.name.split("/")[1]).isdigit()
        }
        return sorted(remote | set(super().feed_ids()))


def _take_time(path: Path, stored: StoredObject | None) -> None:
    """Give the file the object's time: every node then sends the same Last-Modified."""
    if stored is not None:
        at = stored.modified.timestamp()
        os.utime(path, (at, at))


def _superseded(
    objects: list[StoredObject], keep_key: str, grace_s: float, now: float
) -> list[StoredObject]:
    """The objects links can no longer need, by the folder's rule: older than
    ``keep_key`` with a successor stored more than ``grace_s`` ago, or of another
    feed that had the same id."""
    stored_at: dict[str, float] = {}
    for stored in objects:
        key = stored.name.rpartition("/")[2].partition(".")[0]
        if same_feed(key, keep_key):
            at = stored.modified.timestamp()
            stored_at[key] = min(at, stored_at.get(key, at))
    keep = {key for key in stored_at if key_order(key) >= key_order(keep_key)}
    newer_first = sorted(stored_at, key=key_order, reverse=True)
    for newer, older in itertools.pairwise(newer_first):
        if now - stored_at[newer] < grace_s:
            keep.add(older)
    return [
        stored for stored in objects if stored.name.rpartition("/")[2].partition(".")[0] not in keep
    ]
