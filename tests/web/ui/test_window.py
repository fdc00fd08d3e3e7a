"""The integration window's safety nets without a browser: a link change or a second
file of the same store asks first, a former name answers for its grace period, big
forms are accepted, the preview names the column, and the live build status."""

from __future__ import annotations

import re
import urllib.parse
from datetime import timedelta

from fastapi.testclient import TestClient

from shelfcast.db.base import utcnow
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.feeds.models import RetiredFileName
from shelfcast.feeds.schemas import MAX_COLUMNS
from shelfcast.web.runtime import Runtime
from shelfcast.web.ui.form_limits import MAX_FORM_FIELDS
from tests.web.merchants import add_feed, feed_url, new_merchant
from tests.web.ui.conftest import signed_in, token_of
from tests.web.ui.test_feed_form import NEW, form

WINDOW = "/settings/integrations/custom"


def path_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def test_a_rename_asks_first_and_the_old_name_answers_for_the_grace_period(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=3)
    feed_id = add_feed(runtime, merchant, store_name="Ozon", file_name="ozon_stock")
    old_url = feed_url(runtime, merchant, feed_id)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    edit = f"{WINDOW}/files/{feed_id}"
    data = form(merchant, token_of(browser, edit), file_name="new_name", file_type="xlsx")
    asked = browser.post(edit, data=data, follow_redirects=False)
    assert asked.status_code == 200
    new_url = old_url.removesuffix("ozon_stock.csv") + "new_name.xlsx"
    assert f'Ozon fetches <span class="mono break">{old_url}</span>' in asked.text
    assert f'it must fetch <span class="mono break">{new_url}</span>' in asked.text
    assert 'value="new_name"' in asked.text  # the form is kept as typed
    with transaction(runtime.database.sessions) as session:
        assert feeds.get_feed(session, merchant.account_id, feed_id).file_name == "ozon_stock"

    signature = re.search(r'name="confirmed" value="([^"]+)"', asked.text)
    assert signature is not None
    data |= {"confirmed": signature.group(1), "old_name_grace_days": "7"}
    saved = browser.post(edit, data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    window = browser.get(saved.headers["location"]).text
    assert "The file’s address is now" in window and "keeps working for 7 days" in window
    assert 'The old name <span class="mono">ozon_stock.csv</span> still answers until' in window
    assert runtime.builder.wait_idle(30)
    assert client.get(path_of(old_url)).status_code == 200
    assert client.get(path_of(new_url)).status_code == 200
    assert client.get(path_of(old_url).replace("ozon_stock", "other")).status_code == 404

    # After the grace period the old name answers 404.
    with transaction(runtime.database.writes) as session:
        session.query(RetiredFileName).filter_by(feed_id=feed_id).update(
            {"expires_at": utcnow() - timedelta(seconds=1)}
        )
    assert client.get(path_of(old_url)).status_code == 404
    assert "still answers until" not in browser.get(WINDOW).text


def test_a_confirmation_of_another_change_does_not_count(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=1)
    feed_id = add_feed(runtime, merchant, store_name="Ozon", file_name="ozon_stock")
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    edit = f"{WINDOW}/files/{feed_id}"
    data = form(merchant, token_of(browser, edit), file_name="typo", confirmed="other.csv|")
    assert browser.post(edit, data=data, follow_redirects=False).status_code == 200
    data |= {"confirmed": "typo.csv|", "old_name_grace_days": "0"}
    assert browser.post(edit, data=data, follow_redirects=False).status_code == 303
    old = feed_url(runtime, merchant, feed_id).removesuffix("typo.csv") + "ozon_stock.csv"
    assert client.get(path_of(old)).status_code == 404  # no grace chosen: gone at once


def test_a_second_file_for_the_same_store_and_name_asks_first(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=1)
    add_feed(runtime, merchant, store_name="Ozon", file_name="ozon")
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    data = form(merchant, token_of(browser, NEW), store_name="ozon ", file_name="ozon.csv")
    asked = browser.post(NEW, data=data, follow_redirects=False)
    assert asked.status_code == 200
    assert 'data-testid="duplicate-file"' in asked.text and "ozon.csv" in asked.text
    assert "Save anyway" in asked.text
    # Another name, or the same name as another type, is not a duplicate.
    other = browser.post(NEW, data=data | {"file_name": "ozon2"}, follow_redirects=False)
    assert other.status_code == 303
    saved = browser.post(NEW, data=data | {"confirmed": "|ozon.csv"}, follow_redirects=False)
    assert saved.status_code == 303
    with transaction(runtime.database.sessions) as session:
        assert len(feeds.list_feeds(session, merchant.account_id)) == 3


def columns_form(merchant_form: dict[str, object], count: int) -> dict[str, object]:
    return merchant_form | {
        "file_type": "xlsx",
        "col_header": [f"C{n}" for n in range(count)],
        "col_source": ["custom_value"] * count,
        "col_field": [""] * count,
        "col_price_type_id": [""] * count,
        "col_value": ["x"] * count,
    }


def test_a_form_of_a_thousand_columns_is_accepted_and_more_is_a_message(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=2)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    token = token_of(browser, NEW)
    preview = browser.post(
        f"{WINDOW}/files/preview", data=columns_form(form(merchant, token), MAX_COLUMNS)
    )
    assert preview.status_code == 200 and 'data-testid="preview-table"' in preview.text
    assert preview.text.count("<td>x</td>") == MAX_COLUMNS * 2
    saved = browser.post(
        NEW, data=columns_form(form(merchant, token), MAX_COLUMNS), follow_redirects=False
    )
    assert saved.status_code == 303, saved.text[:500]
    # One column more: the schema's message, with the form kept.
    refused = browser.post(
        NEW,
        data=columns_form(form(merchant, token, file_name="more"), MAX_COLUMNS + 1),
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert f"may hold at most {MAX_COLUMNS} columns" in refused.text
    assert 'value="C1000"' in refused.text
    # Beyond the parser's limit: a page that says what happened, never raw JSON.
    huge = browser.post(NEW, data=columns_form(form(merchant, token), MAX_FORM_FIELDS // 5 + 10))
    assert huge.status_code == 413
    assert "This form is too large" in huge.text and "Nothing was saved" in huge.text


def test_the_preview_names_the_column_of_a_problem(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=2)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    data = form(merchant, token_of(browser, NEW))
    data["col_price_type_id"] = ["", "", ""]
    preview = browser.post(f"{WINDOW}/files/preview", data=data)
    assert "Column 2 “Price”: choose the price the column shows" in preview.text


def test_the_build_poll_stops_once_nothing_builds(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=2)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    feed_id = add_feed(runtime, merchant)
    assert runtime.builder.wait_idle(30)
    window = browser.get(WINDOW).text
    assert 'data-testid="build-poll"' not in window
    poll = browser.get(f"{WINDOW}/builds")
    assert poll.status_code == 286  # htmx stops polling
    assert f'id="build-{feed_id}"' in poll.text and 'hx-swap-oob="true"' in poll.text
    # A change not built yet: the window polls, and the poll goes on.
    with transaction(runtime.database.writes) as session:
        feeds.get_feed(session, merchant.account_id, feed_id).settings_version += 1
    assert 'data-testid="build-poll"' in browser.get(WINDOW).text
    poll = browser.get(f"{WINDOW}/builds")
    assert poll.status_code == 200 and "Building…" in poll.text


def test_with_the_integration_off_files_say_stores_cannot_download_them(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=1)
    add_feed(runtime, merchant, integration=False)
    window = signed_in(client.app, merchant).get(WINDOW).text  # type: ignore[arg-type]
    assert "Stores cannot download this file: the integration is switched off." in window
    assert "badge-on" not in window


def test_the_build_poll_and_the_overview_show_only_the_own_files(
    client: TestClient, runtime: Runtime
) -> None:
    owner = new_merchant(runtime, products=1)
    feed_id = add_feed(runtime, owner, store_name="Secret store", file_name="secret")
    intruder = signed_in(client.app, new_merchant(runtime, products=0))  # type: ignore[arg-type]
    assert f'id="build-{feed_id}"' not in intruder.get(f"{WINDOW}/builds").text
    overview = intruder.get("/overview").text
    assert "Secret store" not in overview and "secret.csv" not in overview
    assert "Where to start" in overview


def test_the_file_form_is_not_green_while_the_integration_is_off(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=1)
    feed_id = add_feed(runtime, merchant, integration=False)
    edit = signed_in(client.app, merchant).get(f"{WINDOW}/files/{feed_id}").text  # type: ignore[arg-type]
    assert "badge-on" not in edit and ">Off</span>" in edit


def test_the_products_page_lists_the_products_out_of_stock(
    client: TestClient, runtime: Runtime
) -> None:
    # Product 3 has 0 + 0.5: in stock; so is every other one of the merchant's.
    merchant = new_merchant(runtime, products=4)
    browser = signed_in(client.app, merchant)  # type: ignore[arg-type]
    assert "AN-00" not in browser.get("/products", params={"stock": "out"}).text
    assert browser.get("/products").text.count('href="/products/') >= 4
    overview = browser.get("/overview").text
    assert "0 products" in overview and 'href="/products?stock=out"' in overview
