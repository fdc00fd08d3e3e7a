"""The storage contract, on the local folder and on S3 (SeaweedFS): write once, read back,
list, delete, and say clearly when the store cannot be reached."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from shelfcast.publish.storage import (
    Storage,
    StorageKind,
    StorageUnavailable,
    feed_object_name,
    open_storage,
)
from shelfcast.settings import Settings


def _file(tmp_path: Path, data: bytes, name: str = "source") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_name_is_written_once_and_never_overwritten(storage: Storage, tmp_path: Path) -> None:
    name = feed_object_name(7, "c1-s1-r1-f1.csv")
    assert storage.put(name, _file(tmp_path, b"sku;qty\nA;1\n")) is True
    assert storage.put(name, _file(tmp_path, b"something else")) is False
    with storage.open(name) as stored:
        assert stored.read() == b"sku;qty\nA;1\n"
    found = storage.stat(name)
    assert found is not None and (found.name, found.size) == (name, 12)


def test_two_writers_of_one_name_store_one_whole_object(storage: Storage, tmp_path: Path) -> None:
    name = feed_object_name(8, "c2-s1-r1-f1.csv")
    sources = [_file(tmp_path, bytes([65 + n]) * 300_000, f"s{n}") for n in range(4)]
    stored: list[bool] = []
    threads = [
        threading.Thread(target=lambda s=s: stored.append(storage.put(name, s))) for s in sources
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(stored) == [False, False, False, True]
    with storage.open(name) as read:
        data = read.read()
    assert len(data) == 300_000 and len(set(data)) == 1  # one writer's bytes, all of them


def test_missing_objects(storage: Storage) -> None:
    name = feed_object_name(9, "c1-s1-r1-f1.xlsx")
    assert storage.stat(name) is None
    with pytest.raises(FileNotFoundError):
        storage.open(name)
    storage.delete(name)  # nothing to delete is no error


def test_list_and_delete_by_feed(storage: Storage, tmp_path: Path) -> None:
    for feed_id, file_name in ((1, "a.csv"), (1, "a.csv.gz"), (11, "b.csv"), (2, "c.csv")):
        storage.put(feed_object_name(feed_id, file_name), _file(tmp_path, b"x" * feed_id))
    names = [found.name for found in storage.list("feeds/1/")]
    assert names == ["feeds/1/a.csv", "feeds/1/a.csv.gz"]  # not feed 11's
    storage.delete("feeds/1/a.csv")
    assert [found.name for found in storage.list("feeds/1/")] == ["feeds/1/a.csv.gz"]
    assert storage.list("feeds/3/") == []


def test_a_reachable_store_passes_its_check(storage: Storage) -> None:
    storage.check()


def test_object_names_cannot_leave_their_feed() -> None:
    with pytest.raises(ValueError, match="not a file name"):
        feed_object_name(1, "../2/x.csv")
    with pytest.raises(ValueError, match="not a file name"):
        feed_object_name(1, ".tmp-x")


def test_the_local_folder_is_the_default_and_keeps_its_layout(tmp_path: Path) -> None:
    storage = open_storage(Settings(data_dir=tmp_path))
    assert storage.kind is StorageKind.LOCAL
    storage.put("feeds/3/k.csv", _file(tmp_path, b"abc"))
    # The layout nginx's local config (deploy/nginx/shelfcast.conf) reads.
    assert (tmp_path / "feeds" / "3" / "k.csv").read_bytes() == b"abc"
    assert storage.proxy_url("feeds/3/k.csv") is None


def test_an_unwritable_folder_fails_its_check(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageUnavailable, match="not writable"):
        open_storage(Settings(data_dir=blocker)).check()
