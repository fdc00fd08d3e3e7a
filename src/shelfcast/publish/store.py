"""The folder of built feed files: one file per (feed, version key), renamed into place.

A file's name holds its version key, so a path never changes content, and any
file under a version name is complete. Readers that opened an older file keep
reading a complete file even after it is unlinked; a superseded version is kept
for a grace period anyway, so a request that chose it a moment ago (or nginx,
which opens the file by name after the app answered) still finds it.
"""

from __future__ import annotations

import gzip
import itertools
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO, TypeVar

from shelfcast.publish.keys import key_order, same_feed

T = TypeVar("T")
GZIP_LEVEL = 6


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, feed_id: int) -> Path:
        return self.root / "feeds" / str(feed_id)

    def path(self, feed_id: int, key: str, extension: str) -> Path:
        return self.folder(feed_id) / f"{key}.{extension}"

    def gzip_path(self, feed_id: int, key: str, extension: str) -> Path:
        return self.folder(feed_id) / f"{key}.{extension}.gz"

    def lock_path(self, feed_id: int) -> Path:
        folder = self.root / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"feed-{feed_id}.lock"

    def write(
        self,
        feed_id: int,
        key: str,
        extension: str,
        produce: Callable[[BinaryIO], T],
        *,
        gzipped: bool,
    ) -> T:
        """Write a new file through ``produce`` into a temporary file, then rename it in.

        With ``gzipped`` a pre-compressed copy follows the plain file: links serve
        the plain file as soon as it is in place (compressing a big catalog takes
        seconds the marketplace need not wait for) and the copy once it is. The
        data reaches the disk before each rename, so not even a power cut can
        leave a short file under either name.
        """
        target = self.path(feed_id, key, extension)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = _temporary(target)
        try:
            with open(temporary, "wb") as out:
                result = produce(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        if gzipped:
            self._write_gzip(target, self.gzip_path(feed_id, key, extension))
        return result

    def _write_gzip(self, source: Path, target: Path) -> None:
        temporary = _temporary(target)
        try:
            with open(source, "rb") as plain, open(temporary, "wb") as raw:
                # No name (it would be the random temporary one) and mtime=0: the same
                # bytes give the same compressed file.
                with gzip.GzipFile(
                    filename="", fileobj=raw, mode="wb", compresslevel=GZIP_LEVEL, mtime=0
                ) as gz:
                    shutil.copyfileobj(plain, gz, 1 << 20)
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(temporary, target)
        except BaseException:
            with suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def promote(
        self, feed_id: int, from_key: str, to_key: str, extension: str, *, gzipped: bool
    ) -> None:
        """Rename the file of ``from_key`` to ``to_key`` (a rename: readers of either
        name keep a whole file), then write its pre-compressed copy if wanted."""
        target = self.path(feed_id, to_key, extension)
        os.replace(self.path(feed_id, from_key, extension), target)
        with suppress(FileNotFoundError):
            os.unlink(self.gzip_path(feed_id, from_key, extension))
        if gzipped:
            self._write_gzip(target, self.gzip_path(feed_id, to_key, extension))

    def has(self, feed_id: int, key: str, extension: str) -> bool:
        """Whether the file of ``key`` is in place (a store backed by object storage
        fetches it from there first: ``publish/storage/backed.py``)."""
        return self.path(feed_id, key, extension).exists()

    def gzip_missing(self, feed_id: int, key: str, extension: str) -> bool:
        """Whether the plain file is in place and its compressed copy is not (lost in a crash)."""
        return (
            self.path(feed_id, key, extension).exists()
            and not self.gzip_path(feed_id, key, extension).exists()
        )

    def add_gzip(self, feed_id: int, key: str, extension: str) -> None:
        """Write the compressed copy of a plain file that is already in place."""
        plain = self.path(feed_id, key, extension)
        self._write_gzip(plain, self.gzip_path(feed_id, key, extension))

    def versions(self, feed_id: int, like_key: str, extension: str) -> list[str]:
        """The version keys of the feed's complete files, newest first.

        Only keys of the same feed (its creation time is part of the key): a
        deleted feed whose id came back left files that are not this feed's.
        """
        suffix = f".{extension}"
        try:
            names = os.listdir(self.folder(feed_id))
        except FileNotFoundError:
            return []
        keys = [
            name.removesuffix(suffix)
            for name in names
            if name.endswith(suffix) and not name.startswith(".")
        ]
        return sorted((k for k in keys if same_feed(k, like_key)), key=key_order, reverse=True)

    def remove_superseded(
        self,
        feed_id: int,
        keep_key: str,
        grace_s: float,
        now: float | None = None,
        *,
        also_keep: Iterable[str] = (),
    ) -> None:
        """Delete what links can no longer need: leftovers of crashed builds, files of
        a deleted feed with the same id, and versions older than ``keep_key`` whose
        successor was published more than ``grace_s`` ago. ``keep_key``, anything
        newer and ``also_keep`` (a build the publish guard holds) stay.
        """
        folder = self.folder(feed_id)
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            return
        now = time.time() if now is None else now
        published: dict[str, float] = {}  # key -> when its plain file was renamed in
        for entry in entries:
            key, dot, _ = entry.name.partition(".")
            if key and dot and entry.name.count(".") == 1 and same_feed(key, keep_key):
                with suppress(FileNotFoundError):
                    published[key] = entry.stat().st_mtime
        newer_first = sorted(published, key=key_order, reverse=True)
        keep = {keep_key, *also_keep}
        for newer, older in itertools.pairwise(newer_first):
            if key_order(older) >= key_order(keep_key) or now - published[newer] < grace_s:
                keep.add(older)
        for entry in entries:
            key = entry.name.partition(".")[0]
            if key not in keep or entry.name.startswith("."):
                with suppress(FileNotFoundError):
                    os.unlink(entry.path)

    def feed_ids(self) -> list[int]:
        """The ids of the feeds that have a folder of files."""
        try:
            names = os.listdir(self.root / "feeds")
        except FileNotFoundError:
            return []
        return sorted(int(name) for name in names if name.isdigit())

    def remove_feed(self, feed_id: int) -> None:
        shutil.rmtree(self.folder(feed_id), ignore_errors=True)


def _temporary(target: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    # Readable by a front web server (nginx) that sends the files for us.
    os.fchmod(fd, 0o644)
    os.close(fd)
    return Path(name)
