"""Version keys and ETags: a file's name and validators follow from its versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from shelfcast.publish.keys import RENDERER_VERSION, etag, key_order, version_key

BORN = datetime(2026, 11, 28, 12, 30, 15, 123456, tzinfo=UTC)
BORN_US = 1795869015123456


def key(catalog: int, settings: int) -> str:
    return version_key(catalog, settings, BORN)


def test_a_version_key_names_the_catalog_settings_and_renderer_versions_and_the_feed() -> None:
    assert key(12, 3) == f"c12-s3-r{RENDERER_VERSION}-f{BORN_US}"


def test_a_feed_created_later_under_the_same_id_gets_other_keys() -> None:
    later = BORN + timedelta(microseconds=1)
    assert version_key(1, 1, later) != key(1, 1)
    # The same instant read back in another zone is the same feed.
    paris = later.astimezone(timezone(timedelta(hours=1)))
    assert version_key(1, 1, paris) == version_key(1, 1, later)


def test_keys_order_by_their_numbers_not_their_text() -> None:
    keys = [key(10, 1), key(9, 2), key(9, 10), key(9, 1)]
    assert sorted(keys, key=key_order) == [key(9, 1), key(9, 2), key(9, 10), key(10, 1)]
    assert key_order(key(2, 1)) > key_order(key(1, 99))


def test_etags_are_strong_and_differ_by_feed_version_and_encoding() -> None:
    plain = etag(7, key(1, 1))
    assert plain.startswith('"') and plain.endswith('"') and not plain.startswith("W/")
    assert len({plain, etag(7, key(1, 1), gzipped=True), etag(8, key(1, 1))}) == 3
    assert etag(7, key(2, 1)) != plain
