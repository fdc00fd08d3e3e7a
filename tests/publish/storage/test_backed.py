"""Two nodes' data folders backed by one object store (SeaweedFS): what one node builds,
the other fetches; what is superseded or deleted goes from the store too."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path
from typing import BinaryIO

import pytest

from shelfcast.publish.storage import StorageUnavailable, open_storage
from shelfcast.publish.storage.backed import ObjectBackedStore
from shelfcast.settings import Settings

F = 1700000000000000  # the feed's creation time, the key's last part


def key(catalog: int) -> str:
    return f"c{catalog}-s1-r1-f{F}"


def produce(data: bytes) -> object:
    def write(out: BinaryIO) -> int:
        out.write(data)
        return len(data)

    return write


@pytest.fixture
def nodes(s3_settings: Settings, tmp_path: Path) -> tuple[ObjectBackedStore, ObjectBackedStore]:
    remote = open_storage(s3_settings)
    return (
        ObjectBackedStore(tmp_path / "node-a", remote),
        ObjectBackedStore(tmp_path / "node-b", open_storage(s3_settings)),
    )


def test_a_file_built_on_one_node_is_fetched_by_the_other(
    nodes: tuple[ObjectBackedStore, ObjectBackedStore],
) -> None:
    a, b = nodes
    a.write(7, key(1), "csv", produce(b"SKU;Qty\nA;1\n"), gzipped=True)  # type: ignore[arg-type]
    assert not b.path(7, key(1), "csv").exists()
    assert b.has(7, key(1), "csv")
    assert b.path(7, key(1), "csv").read_bytes() == b"SKU;Qty\nA;1\n"
    assert gzip.decompress(b.gzip_path(7, key(1), "csv").read_bytes()) == b"SKU;Qty\nA;1\n"
    assert oct(os.stat(b.path(7, key(1), "csv")).st_mode & 0o777) == "0o644"
    assert not b.has(7, key(2), "csv")  # never built anywhere


def test_a_node_keeps_serving_its_cache_while_the_store_is_away(
    nodes: tuple[ObjectBackedStore, ObjectBackedStore], s3_settings: Settings, tmp_path: Path
) -> None:
    a, b = nodes
    a.write(8, key(1), "csv", produce(b"kept"), gzipped=False)  # type: ignore[arg-type]
    assert b.has(8, key(1), "csv")
    away = s3_settings.model_copy(update={"s3_endpoint_url": "http://127.0.0.1:9"})
    cut_off = ObjectBackedStore(b.root, open_storage(away))
    assert cut_off.has(8, key(1), "csv")  # from the folder, no store needed
    assert not cut_off.has(8, key(2), "csv")  # not an error: not there yet
    with pytest.raises(StorageUnavailable):
        cut_off.write(8, key(2), "csv", produce(b"new"), gzipped=False)  # type: ignore[arg-type]


def test_superseded_objects_go_after_the_grace_period(
    nodes: tuple[ObjectBackedStore, ObjectBackedStore],
) -> None:
    a, b = nodes
    for catalog in (1, 2, 3):
        a.write(9, key(catalog), "csv", produce(b"v%d" % catalog), gzipped=False)  # type: ignore[arg-type]
    a.remove_superseded(9, key(3), grace_s=3600)
    assert [o.name for o in a.remote.list("feeds/9/")] == [
        f"feeds/9/{key(n)}.csv" for n in (1, 2, 3)
    ]
    a.remove_superseded(9, key(3), grace_s=0, now=time.time() + 5)
    assert [o.name for o in a.remote.list("feeds/9/")] == [f"feeds/9/{key(3)}.csv"]
    assert b.has(9, key(3), "csv") and not b.has(9, key(2), "csv")


def test_a_deleted_feeds_objects_are_removed(
    nodes: tuple[ObjectBackedStore, ObjectBackedStore],
) -> None:
    a, b = nodes
    a.write(10, key(1), "csv", produce(b"x"), gzipped=True)  # type: ignore[arg-type]
    assert 10 in b.feed_ids()  # seen in the store, though not in b's folder
    b.remove_feed(10)
    assert a.remote.list("feeds/10/") == []
