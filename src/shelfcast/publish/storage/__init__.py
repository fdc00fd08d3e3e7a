"""Where built feed files live: a local folder (the default) or S3-compatible object storage.

Both backends keep the same promise the builder and the links rely on: an
object's name holds its version key, it is written once and never overwritten,
so a name never changes content. Publishing a new version writes a new name and
then switches the feed's published key in the database; readers that hold the
old name keep getting a whole, unchanged file until it is deleted.

``open_storage(settings)`` picks the backend from ``SHELFCAST_STORAGE_URL``:
unset (or ``file:`` + a path) is the local folder under the data folder,
``s3://bucket/prefix`` is object storage (see ``s3.py`` for its settings).
"""

from __future__ import annotations

from shelfcast.publish.storage.base import (
    Storage,
    StorageKind,
    StorageUnavailable,
    StoredObject,
    feed_object_name,
    feed_prefix,
)
from shelfcast.publish.storage.local import LocalStorage
from shelfcast.publish.storage.location import StorageLocation, parse_storage_url
from shelfcast.publish.store import FileStore
from shelfcast.settings import Settings

__all__ = [
    "LocalStorage",
    "Storage",
    "StorageKind",
    "StorageLocation",
    "StorageUnavailable",
    "StoredObject",
    "feed_object_name",
    "feed_prefix",
    "open_file_store",
    "open_storage",
    "parse_storage_url",
]


def open_storage(settings: Settings) -> Storage:
    """The storage the settings name; S3 needs boto3, imported only when chosen."""
    location = parse_storage_url(settings.storage_url, settings.data_dir)
    if location.kind is StorageKind.LOCAL:
        return LocalStorage(location.root)
    from shelfcast.publish.storage.s3 import S3Storage

    return S3Storage.from_settings(location, settings)


def open_file_store(settings: Settings, storage: Storage) -> FileStore:
    """The folder the builder writes and links read: the data folder itself when it is
    the storage, else the data folder as this node's cache of the storage."""
    if isinstance(storage, LocalStorage) and storage.root == settings.data_dir:
        return FileStore(settings.data_dir)
    from shelfcast.publish.storage.backed import ObjectBackedStore

    return ObjectBackedStore(settings.data_dir, storage)
