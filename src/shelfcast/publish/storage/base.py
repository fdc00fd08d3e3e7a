"""The storage contract both backends keep (``local.py``, ``s3.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Protocol


class StorageKind(StrEnum):
    LOCAL = "local"
    S3 = "s3"


class StorageUnavailable(OSError):
    """The store cannot be reached or refused the request (not: the object is missing)."""


@dataclass(frozen=True)
class StoredObject:
    name: str
    size: int
    modified: datetime


def feed_prefix(feed_id: int) -> str:
    return f"feeds/{feed_id}/"


def feed_object_name(feed_id: int, file_name: str) -> str:
    """The name of one of a feed's files, e.g. ``feeds/7/c3-s1-r1-f….csv.gz``."""
    if "/" in file_name or file_name.startswith("."):
        raise ValueError(f"not a file name: {file_name!r}")
    return f"{feed_prefix(feed_id)}{file_name}"


class Storage(Protocol):
    """Write-once objects by name. Every method may raise ``StorageUnavailable``."""

    kind: StorageKind

    def put(self, name: str, source: Path) -> bool:
        """Store the file at ``source`` under ``name`` unless the name exists already.

        True when this call stored it; False when the name was taken (the bytes
        under a name are a function of it, so the first writer's copy stands).
        The object is complete or absent, never partial.
        """
        ...

    def stat(self, name: str) -> StoredObject | None:
        """The object's size and time, or None when there is none of that name."""
        ...

    def open(self, name: str) -> BinaryIO:
        """The object's bytes (FileNotFoundError when there is none)."""
        ...

    def delete(self, name: str) -> None:
        """Delete the object; no error when it is already gone."""
        ...

    def list(self, prefix: str) -> list[StoredObject]:
        """The objects whose names start with ``prefix``."""
        ...

    def check(self) -> None:
        """Raise ``StorageUnavailable`` with the reason when the store cannot serve."""
        ...

    def proxy_url(self, name: str) -> str | None:
        """A URL a front server (nginx) may GET the object from, or None for the local
        folder (nginx reads that from disk)."""
        ...
