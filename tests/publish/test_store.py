"""The file store: complete files renamed into place, one per version key."""

from __future__ import annotations

import gzip
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import pytest

from shelfcast.publish.store import FileStore

KEY_1 = "c1-s1-r1-f100"
KEY_2 = "c2-s1-r1-f100"


def _writer(data: bytes) -> Callable[[BinaryIO], int]:
    def produce(out: BinaryIO) -> int:
        out.write(data)
        return len(data)

    return produce


def test_a_file_appears_under_its_name_only_once_complete(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    target = store.path(3, KEY_1, "csv")
    seen: list[Path] = []

    def produce(out: BinaryIO) -> str:
        seen.append(Path(out.name))
        out.write(b"a;b\n")
        assert not target.exists()  # nothing under the real name while writing
        out.write(b"1;2\n")
        return "result"

    assert store.write(3, KEY_1, "csv", produce, gzipped=False) == "result"

    assert target.read_bytes() == b"a;b\n1;2\n"
    assert seen[0].parent == target.parent  # same folder: the rename is atomic
    assert not seen[0].exists()
    assert sorted(p.name for p in store.folder(3).iterdir()) == [f"{KEY_1}.csv"]
    # Readable by a front web server that may send the files.
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_gzipped_files_get_a_compressed_copy_that_is_the_same_for_the_same_bytes(
    tmp_path: Path,
) -> None:
    store = FileStore(tmp_path)
    data = b"sku;qty\n" + b"A-1;5\n" * 1000
    store.write(3, KEY_1, "csv", _writer(data), gzipped=True)
    first = store.gzip_path(3, KEY_1, "csv").read_bytes()
    store.write(4, KEY_1, "csv", _writer(data), gzipped=True)

    assert gzip.decompress(first) == data
    assert len(first) < len(data)
    assert store.gzip_path(4, KEY_1, "csv").read_bytes() == first


@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_previous_file_and_no_leftovers(
    tmp_path: Path, error: BaseException
) -> None:
    store = FileStore(tmp_path)
    store.write(3, KEY_1, "csv", _writer(b"old\n"), gzipped=True)

    def produce(out: BinaryIO) -> None:
        out.write(b"half of the new fi")
        raise error

    with pytest.raises(type(error)):
        store.write(3, KEY_2, "csv", produce, gzipped=True)

    assert sorted(p.name for p in store.folder(3).iterdir()) == [f"{KEY_1}.csv", f"{KEY_1}.csv.gz"]
    assert store.path(3, KEY_1, "csv").read_bytes() == b"old\n"


def test_remove_superseded_keeps_replaced_files_for_the_grace_period_then_one_version(
    tmp_path: Path,
) -> None:
    store = FileStore(tmp_path)
    store.write(3, KEY_1, "csv", _writer(b"old\n"), gzipped=True)
    store.write(3, KEY_2, "csv", _writer(b"new\n"), gzipped=True)
    (store.folder(3) / ".tmp-crashed.csv").write_bytes(b"a build killed mid-w")
    store.write(4, KEY_1, "csv", _writer(b"other feed\n"), gzipped=False)
    replaced_at = store.path(3, KEY_2, "csv").stat().st_mtime

    store.remove_superseded(3, KEY_2, grace_s=60, now=replaced_at + 59)

    assert sorted(p.name for p in store.folder(3).iterdir()) == [
        f"{KEY_1}.csv",
        f"{KEY_1}.csv.gz",
        f"{KEY_2}.csv",
        f"{KEY_2}.csv.gz",
    ]
    assert store.versions(3, KEY_2, "csv") == [KEY_2, KEY_1]  # newest first

    store.remove_superseded(3, KEY_2, grace_s=60, now=replaced_at + 61)

    assert sorted(p.name for p in store.folder(3).iterdir()) == [f"{KEY_2}.csv", f"{KEY_2}.csv.gz"]
    assert store.path(4, KEY_1, "csv").exists()
    store.remove_superseded(99, KEY_1, grace_s=0)  # a feed without files: nothing to do


def test_files_of_another_feed_with_the_same_id_are_neither_listed_nor_kept(
    tmp_path: Path,
) -> None:
    store = FileStore(tmp_path)
    deleted_feeds = "c9-s1-r1-f1"  # made at another time: another feed
    store.write(3, deleted_feeds, "csv", _writer(b"someone else's\n"), gzipped=False)
    store.write(3, KEY_2, "csv", _writer(b"new\n"), gzipped=False)

    assert store.versions(3, KEY_2, "csv") == [KEY_2]
    store.remove_superseded(3, KEY_2, grace_s=60)
    assert [p.name for p in store.folder(3).iterdir()] == [f"{KEY_2}.csv"]


def test_remove_feed_deletes_its_folder(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    store.write(3, KEY_1, "xlsx", _writer(b"PK"), gzipped=False)

    store.remove_feed(3)
    store.remove_feed(3)

    assert not store.folder(3).exists()


def test_lock_files_live_apart_from_the_feed_files(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    lock = store.lock_path(3)
    assert lock.parent.is_dir()
    assert lock.parent != store.folder(3)
    assert store.lock_path(4) != lock
