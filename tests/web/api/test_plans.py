"""Plans: Hobby has no feed files, Startup up to 10, Business unlimited; also when racing."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from shelfcast.accounts import service as accounts
from shelfcast.db.session import transaction
from shelfcast.web.runtime import Runtime
from tests.web.api.live import Call, in_parallel
from tests.web.api.support import Api, feed_body, link_path
from tests.web.conftest import ApiAccount, new_account


def _set_plan(runtime: Runtime, account: ApiAccount, plan: str) -> None:
    with transaction(runtime.database.writes) as session:
        accounts.set_plan(session, account.id, plan)


def _api(client: TestClient, runtime: Runtime, plan: str) -> tuple[Api, int]:
    api = Api(client, new_account(runtime, plan))
    return api, api.warehouse()


def test_hobby_has_no_feed_files_and_says_which_plans_do(
    client: TestClient, runtime: Runtime
) -> None:
    api, warehouse = _api(client, runtime, "hobby")
    response = api.post("/feeds", feed_body([warehouse]))
    assert response.status_code == 403
    message = response.json()["detail"]
    assert "Hobby" in message
    assert "Startup" in message
    assert "Business" in message
    assert api.get("/feeds").json() == []
    # The rest of the API is open to Hobby accounts.
    assert api.get("/integration").status_code == 200


def test_startup_allows_ten_files_names_the_limit_and_business_lifts_it(
    client: TestClient, runtime: Runtime
) -> None:
    api, warehouse = _api(client, runtime, "startup")
    for i in range(10):
        api.feed([warehouse], file_name=f"feed{i}")

    response = api.post("/feeds", feed_body([warehouse], file_name="eleventh"))
    assert response.status_code == 403
    message = response.json()["detail"]
    assert "10" in message
    assert "Business" in message
    assert len(api.get("/feeds").json()) == 10

    # Deleting one frees a place; an invalid body is still a 422 under the limit.
    first = api.get("/feeds").json()[0]
    assert api.delete(f"/feeds/{first['id']}").status_code == 204
    assert api.post("/feeds", feed_body([warehouse], file_name="")).status_code == 422
    assert api.post("/feeds", feed_body([warehouse], file_name="again")).status_code == 201
    assert api.post("/feeds", feed_body([warehouse], file_name="more")).status_code == 403

    # Business is unlimited: an upgrade lifts the limit at once.
    _set_plan(runtime, api.account, "business")
    for i in range(3):
        api.feed([warehouse], file_name=f"more{i}")
    assert len(api.get("/feeds").json()) == 13


def test_a_downgrade_to_hobby_stops_existing_links_and_an_upgrade_restores_them(
    client: TestClient, runtime: Runtime
) -> None:
    api, warehouse = _api(client, runtime, "startup")
    api.ok("PATCH", "/integration", {"enabled": True})
    feed = api.feed([warehouse])
    runtime.builder.wait_idle()
    link = link_path(feed["url"])
    assert client.get(link).status_code == 200

    _set_plan(runtime, api.account, "hobby")
    assert client.get(link).status_code == 404
    assert api.post("/feeds", feed_body([warehouse], file_name="x")).status_code == 403
    # The merchant still sees and may change or delete the file.
    assert api.get(f"/feeds/{feed['id']}").status_code == 200

    _set_plan(runtime, api.account, "startup")
    assert client.get(link).status_code == 200


# --- under concurrent requests -------------------------------------------------------------


def test_the_startup_limit_holds_under_parallel_requests(
    client: TestClient, runtime: Runtime, server: str
) -> None:
    api, warehouse = _api(client, runtime, "startup")
    for i in range(8):
        api.feed([warehouse], file_name=f"feed{i}")

    def create(i: int) -> Call:
        def call(http: httpx.Client) -> int:
            body = feed_body([warehouse], file_name=f"race{i}")
            return http.post("/api/v1/feeds", json=body, headers=api.account.headers).status_code

        return call

    statuses = in_parallel([create(i) for i in range(16)], server)
    assert sorted(statuses) == [201] * 2 + [403] * 14
    assert len(api.get("/feeds").json()) == 10
