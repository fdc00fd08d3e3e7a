"""The local folder backend: ``<root>/<name>``, the layout ``publish/store.py`` writes.

Write-once comes from ``os.link``: the finished temporary file gets its name
with a call that fails when the name exists, so a name is never overwritten,
not even by two nodes sharing the folder over NFS.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from shelfcast.publish.storage.base import StorageKind, StorageUnavailable, StoredObject


class LocalStorage:
    kind = StorageKind.LOCAL

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / name

    def put(self, name: str, source: Path) -> bool:
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            # Readable by a front web server (nginx) that sends the files for us.
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "wb") as out, open(source, "rb") as data:
                shutil.copyfileobj(data, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(temporary, target)
            except FileExistsError:
                return False
            return True
        finally:
            with suppress(FileNotFoundError):
                os.unlink(temporary)

    def stat(self, name: str) -> StoredObject | None:
        try:
            found = self.path(name).stat()
        except FileNotFoundError:
            return None
        return StoredObject(name, found.st_size, datetime.fromtimestamp(found.st_mtime, UTC))

    def open(self, name: str) -> BinaryIO:
        return open(self.path(name), "rb")

    def delete(self, name: str) -> None:
        with suppress(FileNotFoundError):
            self.path(name).unlink()

    def list(self, prefix: str) -> list[StoredObject]:
        folder, _, start = prefix.rpartition("/")
        base = self.root / folder if folder else self.root
        if not base.is_dir():
            return []
        found = []
        for entry in sorted(base.iterdir()):
            if entry.is_file() and entry.name.startswith(start) and not entry.name.startswith("."):
                name = f"{folder}/{entry.name}" if folder else entry.name
                if (stored := self.stat(name)) is not None:
                    found.append(stored)
        return found

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.root):
                pass
        except OSError as error:
            raise StorageUnavailable(
                f"the data folder {self.root} is not writable: {error}"
            ) from error

    def proxy_url(self, name: str) -> str | None:
        return None
