"""A CSV file in another encoding: served with its charset, and a character it
cannot hold fails the build with a message naming the product, on the build status."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shelfcast.web.runtime import Runtime
from tests.publish.support import csv_rows, idle, stocked_shop

IDENTITY = {"Accept-Encoding": "identity"}


def test_a_cp1251_file_is_served_with_its_charset(client: TestClient, runtime: Runtime) -> None:
    shop = stocked_shop(client, runtime, encoding="cp1251", decimal_separator="comma")
    shop.upsert({"sku": "A-1", "name": "Чай"})
    idle(runtime)

    response = shop.fetch(**IDENTITY)

    assert response.headers["content-type"] == "text/csv; charset=windows-1251"
    rows = csv_rows(response.content.decode("cp1251").encode())
    assert rows["A-1"][:3] == ["A-1", "Чай", "5"]
    assert rows["A-1"][3] == "9,99"


def test_utf8_with_a_bom_starts_with_it(client: TestClient, runtime: Runtime) -> None:
    shop = stocked_shop(client, runtime, encoding="utf-8-sig")

    response = shop.fetch(**IDENTITY)

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbfSKU;")


def test_an_unencodable_character_fails_the_build_naming_the_product(
    client: TestClient, runtime: Runtime
) -> None:
    shop = stocked_shop(client, runtime, encoding="cp1252")
    before = shop.fetch(**IDENTITY)

    shop.upsert({"sku": "B-2", "name": "Бета"})
    idle(runtime)
    after = shop.fetch(**IDENTITY)

    assert after.content == before.content  # the last good file stays
    build = shop.read_feed()["build"]
    assert build["status"] == "failed"
    assert "product 'B-2'" in build["error"] and "'Б'" in build["error"]
    assert "cp1252" in build["error"]
