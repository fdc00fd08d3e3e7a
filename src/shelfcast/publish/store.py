"""The folder of built feed files: one file per (feed, version key), renamed into place.

A file's name holds its version key, so a path never changes content: readers
that opened an older file keep reading a complete file even after a newer one
is published and the older one unlinked.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO, TypeVar

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

    def remove_others(self, feed_id: int, keep_key: str, *also_keep: str) -> None:
        """Delete the feed's files of other versions (and leftovers of crashed builds)."""
        folder = self.folder(feed_id)
        if not folder.is_dir():
            return
        kept = tuple(f"{key}." for key in (keep_key, *also_keep))
        for entry in folder.iterdir():
            if not entry.name.startswith(kept):
                with suppress(FileNotFoundError):
                    entry.unlink()

    def remove_feed(self, feed_id: int) -> None:
        shutil.rmtree(self.folder(feed_id), ignore_errors=True)


def _temporary(target: Path) -> Path:
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    # Readable by a front web server (nginx) that sends the files for us.
    os.fchmod(fd, 0o644)
    os.close(fd)
    return Path(name)
