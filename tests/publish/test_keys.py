"""Version keys and ETags: a file's name and validators follow from its versions."""

from __future__ import annotations

from shelfcast.publish.keys import RENDERER_VERSION, etag, key_order, version_key


def test_a_version_key_names_the_catalog_settings_and_renderer_versions() -> None:
    assert version_key(12, 3) == f"c12-s3-r{RENDERER_VERSION}"


def test_keys_order_by_their_numbers_not_their_text() -> None:
    keys = [version_key(10, 1), version_key(9, 2), version_key(9, 10), version_key(9, 1)]
    assert sorted(keys, key=key_order) == [
        version_key(9, 1),
        version_key(9, 2),
        version_key(9, 10),
        version_key(10, 1),
    ]
    assert key_order(version_key(2, 1)) > key_order(version_key(1, 99))


def test_etags_are_strong_and_differ_by_feed_version_and_encoding() -> None:
    plain = etag(7, version_key(1, 1))
    assert plain.startswith('"') and plain.endswith('"') and not plain.startswith("W/")
    assert len({plain, etag(7, version_key(1, 1), gzipped=True), etag(8, version_key(1, 1))}) == 3
    assert etag(7, version_key(2, 1)) != plain
