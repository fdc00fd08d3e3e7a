"""Access control of every page: sign-in required, CSRF on every POST, and nothing of
another account reachable (404). Routes are listed from the app itself, so a page
added later is covered without touching these tests."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.web.runtime import Runtime
from shelfcast.web.ui import routes as ui_routes
from shelfcast.web.ui.rendering import PageRoute
from tests.web.merchants import Merchant, add_feed, add_import, new_merchant
from tests.web.ui.conftest import browser_for, signed_in, token_of

PARAM = re.compile(r"{(\w+)}")
PUBLIC = {"/", "/login"}


def _walk(routes: Sequence[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)  # FastAPI's lazy includes
        yield from _walk(included.routes) if included is not None else [route]


def page_routes(app: FastAPI, method: str) -> list[str]:
    """The paths of the UI's pages answering ``method``, as the app serves them."""
    assert any(getattr(r, "original_router", r) is ui_routes.router for r in app.routes) or any(
        isinstance(r, PageRoute) for r in _walk(app.routes)
    ), "the app does not include the UI's router"
    return sorted(
        route.path
        for route in _walk(ui_routes.router.routes)
        if isinstance(route, PageRoute) and method in route.methods
    )


def fill(path: str, merchant: Merchant) -> str:
    ids = {
        "product_id": merchant.product_ids[0],
        "warehouse_id": merchant.warehouse_ids[0],
        "feed_id": merchant.feed_ids[0],
        "price_type_id": merchant.price_type_ids["Wholesale"],
        "field_id": merchant.custom_field_ids["color"],
        "import_id": merchant.import_ids[0] if merchant.import_ids else 0,
    }
    for name in PARAM.findall(path):
        assert name in ids, f"no id of another account to try for {{{name}}} in {path}"
        path = path.replace(f"{{{name}}}", str(ids[name]))
    return path


@pytest.fixture
def owner(runtime: Runtime) -> Merchant:
    merchant = new_merchant(runtime, name="Owner", products=2)
    add_feed(runtime, merchant)
    add_import(runtime, merchant)
    return merchant


@pytest.fixture
def intruder(runtime: Runtime) -> Merchant:
    return new_merchant(runtime, name="Intruder", products=1)


def test_the_ui_has_the_pages_of_the_issue(client: TestClient) -> None:
    gets = page_routes(client.app, "GET")  # type: ignore[arg-type]
    for path in (
        "/login",
        "/overview",
        "/settings/integrations/custom/builds",
        "/products",
        "/products/{product_id}",
        "/warehouses",
        "/settings",
        "/settings/integrations",
        "/settings/integrations/custom",
        "/settings/integrations/custom/files/new",
        "/settings/integrations/custom/files/{feed_id}",
        "/products/new",
        "/products/{product_id}/edit",
        "/products/{product_id}/stock/{warehouse_id}",
        "/settings/price-types",
        "/settings/custom-fields",
        "/imports",
        "/imports/new",
        "/imports/{import_id}",
    ):
        assert path in gets
    posts = page_routes(client.app, "POST")  # type: ignore[arg-type]
    for path in (
        "/products/new",
        "/products/{product_id}/edit",
        "/products/{product_id}/delete",
        "/products/{product_id}/stock/{warehouse_id}",
        "/products/{product_id}/adjust",
        "/products/stock",
        "/warehouses/{warehouse_id}/delete",
        "/settings/price-types",
        "/settings/price-types/{price_type_id}",
        "/settings/price-types/{price_type_id}/delete",
        "/settings/custom-fields",
        "/settings/custom-fields/{field_id}",
        "/settings/custom-fields/{field_id}/delete",
    ):
        assert path in posts


def test_pages_need_a_signed_in_user(client: TestClient, owner: Merchant) -> None:
    anonymous = browser_for(client.app)  # type: ignore[arg-type]
    for path in page_routes(client.app, "GET"):  # type: ignore[arg-type]
        if path in PUBLIC:
            continue
        url = fill(path, owner)
        response = anonymous.get(url, follow_redirects=False)
        assert response.status_code == 303, url
        assert response.headers["location"] == f"/login?next={url}"
    # htmx requests are told where to go instead of getting the sign-in page's HTML.
    response = anonymous.get("/products", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.headers["HX-Redirect"].startswith("/login")
    assert anonymous.get("/", follow_redirects=False).headers["location"] == "/login"


def test_every_post_without_the_csrf_token_is_refused(client: TestClient, owner: Merchant) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    own = signed_in(app, owner)
    other_session_token = token_of(signed_in(app, owner))
    posts = page_routes(app, "POST")
    assert "/login" in posts and "/logout" in posts and len(posts) >= 9
    for path in posts:
        url = fill(path, owner)
        for data, headers in (
            ({"name": "Changed"}, {}),
            ({"name": "Changed", "csrf_token": "forged"}, {}),
            ({"name": "Changed", "csrf_token": other_session_token}, {}),
            ({"name": "Changed"}, {"X-CSRF-Token": other_session_token, "HX-Request": "true"}),
        ):
            response = own.post(url, data=data, headers=headers, follow_redirects=False)
            assert response.status_code == 403, (url, data, headers)
            assert "This form has expired" in response.text
        anonymous = browser_for(app).post(url, data={"name": "x"}, follow_redirects=False)
        assert anonymous.status_code == 403, url
    # Nothing was changed by any of them.
    with transaction(owner_runtime(client).database.sessions) as session:
        assert feeds.get_feed(session, owner.account_id, owner.feed_ids[0]).enabled
    warehouses = own.get("/warehouses").text
    assert "Changed" not in warehouses
    assert own.get("/products").status_code == 200  # still signed in


def owner_runtime(client: TestClient) -> Runtime:
    runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
    return runtime


def test_every_page_of_another_account_answers_404(
    client: TestClient, owner: Merchant, intruder: Merchant
) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    spy = signed_in(app, intruder)
    token = token_of(spy)
    tried = 0
    for method in ("GET", "POST"):
        for path in page_routes(app, method):
            if not PARAM.search(path):
                continue
            url = fill(path, owner)
            response = spy.request(
                method,
                url,
                data={"csrf_token": token, "name": "Taken", "store_name": "Taken"}
                if method == "POST"
                else None,
                follow_redirects=False,
            )
            assert response.status_code == 404, (method, url, response.status_code)
            assert "Owner" not in response.text
            tried += 1
    assert tried >= 7
    with transaction(owner_runtime(client).database.sessions) as session:
        feed = feeds.get_feed(session, owner.account_id, owner.feed_ids[0])
        assert feed.store_name == "Marketplace"
    assert "Main warehouse" in signed_in(app, owner).get("/warehouses").text


def test_unknown_ids_and_bad_path_values_answer_404(client: TestClient, owner: Merchant) -> None:
    own = signed_in(client.app, owner)  # type: ignore[arg-type]
    for url in (
        "/products/999999999",
        "/products/99999999999",  # beyond the database's ids
        "/products/not-a-number",
        "/products?category=99999999999&after=-5&trail=1,x",
        "/settings/integrations/custom/files/999999999",
        "/settings/integrations/custom/files/abc/link",
    ):
        response = own.get(url)
        if url.startswith("/products?"):
            assert response.status_code == 200  # bad filters are ignored
            continue
        assert response.status_code == 404, url
        assert "Page not found" in response.text
