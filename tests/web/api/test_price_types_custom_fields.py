"""``/price-types`` and ``/custom-fields``: list, create, and their rules."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.api.support import Api, locs
from tests.web.conftest import ApiAccount


@pytest.fixture
def api(client: TestClient, account: ApiAccount) -> Api:
    return Api(client, account)


# --- price types -------------------------------------------------------------------------


def test_price_types_are_created_and_listed(api: Api) -> None:
    assert api.get("/price-types").json() == []
    created = api.post("/price-types", {"name": "Retail", "currency": "eur"})
    assert created.status_code == 201
    retail = created.json()
    assert retail == {"id": retail["id"], "name": "Retail", "currency": "EUR"}
    wholesale = api.ok("POST", "/price-types", {"name": "Wholesale", "currency": "USD"}, 201)
    assert api.get("/price-types").json() == [retail, wholesale]


def test_price_type_names_are_unique(api: Api) -> None:
    api.price_type("Retail")
    again = api.post("/price-types", {"name": "Retail", "currency": "USD"})
    assert again.status_code == 409
    assert len(api.get("/price-types").json()) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"name": "", "currency": "EUR"}, [("body", "name")]),
        ({"name": "x" * 201, "currency": "EUR"}, [("body", "name")]),
        ({"name": "Retail", "currency": "EURO"}, [("body", "currency")]),
        ({"name": "Retail", "currency": "€"}, [("body", "currency")]),
        ({"name": "Retail", "currency": "12"}, [("body", "currency")]),
        ({"name": "", "currency": ""}, [("body", "name"), ("body", "currency")]),
        ({"name": "Retail"}, [("body", "currency")]),
        ({"name": "Retail", "currency": "EUR", "vat": 20}, [("body", "vat")]),
    ],
    ids=["empty name", "long name", "4 letters", "symbol", "digits", "both", "missing", "extra"],
)
def test_invalid_price_types_answer_422_naming_the_field(
    api: Api, body: dict[str, Any], expected: list[tuple[str, ...]]
) -> None:
    assert locs(api.post("/price-types", body)) == expected
    assert api.get("/price-types").json() == []


# --- custom fields -----------------------------------------------------------------------


def test_custom_fields_of_every_type_are_created_and_listed(api: Api) -> None:
    created = []
    for type_ in ("text", "number", "boolean", "date", "choice"):
        response = api.post("/custom-fields", {"key": f"f_{type_}", "label": type_, "type": type_})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body == {"id": body["id"], "key": f"f_{type_}", "label": type_, "type": type_}
        created.append(body)
    assert api.get("/custom-fields").json() == created


def test_custom_field_keys_are_unique(api: Api) -> None:
    api.custom_field("color")
    again = api.post("/custom-fields", {"key": "color", "label": "Other", "type": "number"})
    assert again.status_code == 409
    assert [f["key"] for f in api.get("/custom-fields").json()] == ["color"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"key": "Color", "label": "C", "type": "text"}, [("body", "key")]),
        ({"key": "1color", "label": "C", "type": "text"}, [("body", "key")]),
        ({"key": "col-or", "label": "C", "type": "text"}, [("body", "key")]),
        ({"key": "custom.x", "label": "C", "type": "text"}, [("body", "key")]),
        ({"key": "c" * 65, "label": "C", "type": "text"}, [("body", "key")]),
        ({"key": "", "label": "C", "type": "text"}, [("body", "key")]),
        ({"key": "color", "label": "", "type": "text"}, [("body", "label")]),
        ({"key": "color", "label": "C", "type": "colour"}, [("body", "type")]),
        ({"key": "color", "label": "C"}, [("body", "type")]),
        ({"key": "color", "label": "C", "type": "text", "x": 1}, [("body", "x")]),
    ],
    ids=[
        "upper case",
        "digit first",
        "dash",
        "dot",
        "too long",
        "empty key",
        "empty label",
        "unknown type",
        "missing type",
        "extra",
    ],
)
def test_invalid_custom_fields_answer_422_naming_the_field(
    api: Api, body: dict[str, Any], expected: list[tuple[str, ...]]
) -> None:
    assert locs(api.post("/custom-fields", body)) == expected
    assert api.get("/custom-fields").json() == []
