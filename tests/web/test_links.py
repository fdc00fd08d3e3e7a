"""The feed links: what a marketplace gets from ``GET``/``HEAD /f/{token}/{file}``."""

from __future__ import annotations

import base64
import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shelfcast.accounts import service as accounts
from shelfcast.db.session import transaction
from shelfcast.feeds.models import FeedLink
from shelfcast.publish import links
from shelfcast.publish.builder import Outcome
from shelfcast.web.runtime import Runtime
from tests.publish.support import (
    WAIT_S,
    BlockedRender,
    FailingRender,
    Shop,
    add_feed,
    build_row,
    csv_rows,
    fetches,
    idle,
    published_file,
    stocked_account,
    stocked_shop,
)

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
}
MAGIC = {"csv": b"SKU;", "xlsx": b"PK\x03\x04", "xls": b"\xd0\xcf\x11\xe0"}
IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def shop(client: TestClient, runtime: Runtime) -> Shop:
    shop = stocked_shop(client, runtime)
    idle(runtime)
    return shop


# --- what a link serves ------------------------------------------------------------------


@pytest.mark.parametrize("file_type", ["csv", "xlsx", "xls"])
def test_a_link_serves_the_file_with_its_type_name_and_validators(
    client: TestClient, runtime: Runtime, file_type: str
) -> None:
    shop = stocked_shop(client, runtime, file_type=file_type)
    assert shop.link.endswith(f"/stock.{file_type}")

    response = shop.fetch(**IDENTITY)

    assert response.status_code == 200
    assert response.headers["content-type"] == MEDIA_TYPES[file_type]
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"stock.{file_type}\"; filename*=UTF-8''stock.{file_type}"
    )
    assert response.content.startswith(MAGIC[file_type])
    assert response.headers["content-length"] == str(len(response.content))
    assert response.headers["etag"].startswith('"') and response.headers["etag"].endswith('"')
    assert parsedate_to_datetime(response.headers["last-modified"]).tzinfo is not None
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["accept-ranges"] == "bytes"
    assert "age" not in response.headers
    idle(runtime)  # the build is recorded just after its file is in place
    assert response.content == published_file(runtime, shop.feed_id, file_type).read_bytes()
    if file_type != "csv":  # only CSV is pre-compressed
        gzipped = shop.fetch(**{"Accept-Encoding": "gzip"})
        assert "content-encoding" not in gzipped.headers
        assert gzipped.content == response.content


def test_the_first_request_of_a_new_feed_waits_for_its_build(
    client: TestClient, runtime: Runtime
) -> None:
    shop = stocked_shop(client, runtime)  # its build starts after the commit; no waiting here

    response = shop.fetch()

    assert response.status_code == 200
    rows = csv_rows(response.content)
    assert rows["SKU"] == ["SKU", "Name", "Qty", "Price", "Images", "Category", "Color"]
    assert rows["A-1"] == [
        "A-1",
        "Alpha",
        "5",
        "9.99",
        "https://img.example/a1.jpg",
        "Garden",
        "green",
    ]
    assert rows["B-2"][:4] == ["B-2", "Beta", "2", "4.00"]


def test_head_answers_the_headers_of_get_without_a_body(shop: Shop) -> None:
    for encoding in ("identity", "gzip"):
        got = shop.fetch(**{"Accept-Encoding": encoding})
        head = shop.fetch("HEAD", **{"Accept-Encoding": encoding})
        assert head.status_code == 200
        assert head.content == b""
        for name in (
            "content-type",
            "content-length",
            "content-disposition",
            "etag",
            "last-modified",
        ):
            assert head.headers[name] == got.headers[name], name
        assert head.headers.get("content-encoding") == got.headers.get("content-encoding")


# --- validators and 304 ----------------------------------------------------------------


def test_conditional_requests_answer_304(shop: Shop) -> None:
    first = shop.fetch(**IDENTITY)
    etag, modified = first.headers["etag"], first.headers["last-modified"]

    for if_none_match in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = shop.fetch(**IDENTITY, **{"If-None-Match": if_none_match})
        assert response.status_code == 304, if_none_match
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["last-modified"] == modified
    assert shop.fetch("HEAD", **IDENTITY, **{"If-None-Match": etag}).status_code == 304
    assert shop.fetch(**IDENTITY, **{"If-Modified-Since": modified}).status_code == 304

    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert shop.fetch(**IDENTITY, **{"If-Modified-Since": earlier}).status_code == 200
    assert shop.fetch(**IDENTITY, **{"If-Modified-Since": "yesterday"}).status_code == 200
    # If-None-Match wins over If-Modified-Since.
    both = {"If-None-Match": '"other"', "If-Modified-Since": modified}
    assert shop.fetch(**IDENTITY, **both).status_code == 200


def test_a_change_gives_a_new_etag_and_the_old_one_no_longer_matches(shop: Shop) -> None:
    etag = shop.fetch(**IDENTITY).headers["etag"]

    shop.stock("A-1", "8")
    response = shop.fetch(**IDENTITY, **{"If-None-Match": etag})

    assert response.status_code == 200
    assert response.headers["etag"] != etag
    assert csv_rows(response.content)["A-1"][2] == "8"


# --- gzip and ranges -------------------------------------------------------------------


def test_csv_is_sent_gzipped_to_clients_that_accept_it(shop: Shop, runtime: Runtime) -> None:
    plain = shop.fetch(**IDENTITY)
    with shop.client.stream("GET", shop.link, headers={"Accept-Encoding": "gzip"}) as response:
        raw = b"".join(response.iter_raw())

    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["vary"] == "Accept-Encoding"
    assert response.headers["content-length"] == str(len(raw))
    assert gzip.decompress(raw) == plain.content
    assert raw == Path(f"{published_file(runtime, shop.feed_id)}.gz").read_bytes()
    # The encodings are different representations: different strong ETags.
    assert response.headers["etag"] != plain.headers["etag"]
    assert response.headers["last-modified"] == plain.headers["last-modified"]
    conditional = {"Accept-Encoding": "gzip", "If-None-Match": response.headers["etag"]}
    assert shop.fetch(**conditional).status_code == 304


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip, deflate", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("*", True),
        ("gzip;q=0", False),
        ("*;q=1, gzip;q=0", False),
        ("deflate, br", False),
        ("identity", False),
    ],
)
def test_gzip_follows_accept_encoding(shop: Shop, accept_encoding: str, gzipped: bool) -> None:
    response = shop.fetch("HEAD", **{"Accept-Encoding": accept_encoding})
    assert (response.headers.get("content-encoding") == "gzip") is gzipped


def test_range_requests_get_part_of_the_uncompressed_file(shop: Shop) -> None:
    full = shop.fetch(**IDENTITY)
    size = len(full.content)
    gzip_ok = {"Accept-Encoding": "gzip"}

    first = shop.fetch(Range="bytes=0-9", **gzip_ok)
    assert first.status_code == 206
    assert "content-encoding" not in first.headers
    assert first.headers["content-range"] == f"bytes 0-9/{size}"
    assert first.content == full.content[:10]
    assert first.headers["etag"] == full.headers["etag"]

    rest = shop.fetch(Range="bytes=10-", **gzip_ok)
    assert rest.status_code == 206
    assert first.content + rest.content == full.content

    assert shop.fetch(Range="bytes=-5", **IDENTITY).content == full.content[-5:]
    unsatisfiable = shop.fetch(Range=f"bytes={size + 10}-", **IDENTITY)
    assert unsatisfiable.status_code == 416

    # If-Range: the range only while the file is the one the client has.
    same = shop.fetch(Range="bytes=0-9", **{"If-Range": full.headers["etag"]}, **IDENTITY)
    assert same.status_code == 206
    other = shop.fetch(Range="bytes=0-9", **{"If-Range": '"1-c1-s1-r1"'}, **IDENTITY)
    assert other.status_code == 200
    assert other.content == full.content


# --- links that must not answer ---------------------------------------------------------


REVEALING = {"etag", "last-modified", "content-disposition", "content-type", "age", "set-cookie"}


def _bare_404(response: httpx.Response, like: httpx.Response | None = None) -> None:
    """A 404 that tells nothing: no body, no header about a file; with ``like``, the
    same headers as that one (a link that never existed)."""
    assert response.status_code == 404
    assert response.content == b""
    assert not REVEALING & set(response.headers)
    assert response.headers["cache-control"] == "no-store"
    if like is not None:
        assert sorted(response.headers) == sorted(like.headers)


def _set_plan(runtime: Runtime, account_id: int, plan: str) -> None:
    with transaction(runtime.database.writes) as session:
        accounts.set_plan(session, account_id, plan)


def test_unknown_tokens_and_wrong_file_names_answer_a_bare_404(shop: Shop) -> None:
    token = shop.link.split("/")[2]
    for link in (
        f"/f/{'x' * len(token)}/stock.csv",
        f"/f/{token}/other.csv",
        f"/f/{token}/stock.xlsx",
        f"/f/{token}/stock",
        f"/f/{token[:-1]}/stock.csv",
    ):
        _bare_404(shop.fetch(link=link))
        _bare_404(shop.fetch("HEAD", link=link))


@pytest.mark.parametrize("switch", ["feed disabled", "integration off", "hobby plan"])
def test_a_link_that_is_switched_off_answers_a_bare_404_until_switched_on(
    shop: Shop, runtime: Runtime, switch: str
) -> None:
    assert shop.fetch().status_code == 200

    if switch == "feed disabled":
        shop.patch_feed(enabled=False)
    elif switch == "integration off":
        shop.call("PATCH", "/integration", {"enabled": False})
    else:
        _set_plan(runtime, shop.account.id, "hobby")
    never_existed = shop.fetch(link="/f/" + "x" * 32 + "/stock.csv")
    _bare_404(shop.fetch(), like=never_existed)
    _bare_404(shop.fetch("HEAD"), like=never_existed)
    _bare_404(shop.fetch(**{"If-None-Match": "*"}), like=never_existed)

    if switch == "feed disabled":
        shop.patch_feed(enabled=True)
    elif switch == "integration off":
        shop.call("PATCH", "/integration", {"enabled": True})
    else:
        _set_plan(runtime, shop.account.id, "startup")
    assert shop.fetch().status_code == 200


def test_rotating_a_link_makes_the_old_one_answer_404(shop: Shop) -> None:
    old = shop.link
    body = shop.fetch().content

    shop.feed = shop.call("POST", f"/feeds/{shop.feed_id}/rotate-link", {})

    assert shop.link != old
    _bare_404(shop.fetch(link=old), like=shop.fetch(link="/f/" + "x" * 32 + "/stock.csv"))
    new = shop.fetch()
    assert new.status_code == 200
    assert new.content == body


def test_a_rotated_link_with_a_grace_period_keeps_working_meanwhile(shop: Shop) -> None:
    old = shop.link
    shop.feed = shop.call("POST", f"/feeds/{shop.feed_id}/rotate-link", {"grace_days": 1})

    assert shop.fetch(link=old).status_code == 200
    assert shop.fetch().status_code == 200


def test_a_link_token_is_random_and_stored_as_its_hash(shop: Shop, runtime: Runtime) -> None:
    token = shop.link.split("/")[2]
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
    digest = hashlib.sha256(token.encode()).hexdigest()
    with runtime.database.sessions() as session:
        link = session.scalars(select(FeedLink).where(FeedLink.token_hash == digest)).one()
    assert link.feed_id == shop.feed_id
    other = stocked_shop(shop.client, runtime)
    assert other.link.split("/")[2] != token


# --- the fetch log ---------------------------------------------------------------------


def test_every_fetch_is_recorded(shop: Shop, runtime: Runtime) -> None:
    agent = {"User-Agent": "MarketBot/2.1"}
    got = shop.fetch(**IDENTITY, **agent)
    shop.fetch("HEAD", **IDENTITY, **agent)
    shop.fetch(**IDENTITY, **agent, **{"If-None-Match": got.headers["etag"]})
    ranged = shop.fetch(Range="bytes=0-3", **agent)
    shop.patch_feed(enabled=False)
    shop.fetch(**agent)

    log = fetches(runtime, shop.feed_id)

    assert [(f.method, f.status, f.bytes) for f in log] == [
        ("GET", 200, len(got.content)),
        ("HEAD", 200, 0),
        ("GET", 304, 0),
        ("GET", 206, len(ranged.content)),
        ("GET", 404, 0),
    ]
    assert {f.user_agent for f in log} == {"MarketBot/2.1"}
    assert {f.account_id for f in log} == {shop.account.id}
    assert all(f.client for f in log)
    assert all(f.at is not None for f in log)


# --- building: waiting, failing, not rebuilding ------------------------------------------


def test_a_request_during_a_rebuild_waits_for_it(
    shop: Shop, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = shop.fetch(**IDENTITY).content
    render = BlockedRender(monkeypatch, shop.feed_id)
    shop.stock("A-1", "11")
    assert render.started.wait(10)
    result: list[httpx.Response] = []
    fetching = threading.Thread(target=lambda: result.append(shop.fetch(**IDENTITY)))
    try:
        fetching.start()
        fetching.join(0.3)
        assert fetching.is_alive(), "the request did not wait for the running build"
    finally:
        render.release.set()
        fetching.join(10)

    [response] = result
    assert response.status_code == 200
    assert "age" not in response.headers
    assert response.content != old
    assert csv_rows(response.content)["A-1"][2] == "11"
    assert render.calls == 1


def test_a_failed_build_keeps_the_previous_file_and_shows_its_error(
    shop: Shop, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = shop.fetch(**IDENTITY)
    published = build_row(runtime, shop.feed_id)
    assert published is not None
    render = FailingRender(monkeypatch, shop.feed_id, error=OSError("disk full while writing"))

    shop.stock("A-1", "13")
    idle(runtime)
    after = shop.fetch(**IDENTITY)

    assert after.status_code == 200
    assert after.content == before.content
    assert after.headers["etag"] == before.headers["etag"]
    assert "age" in after.headers
    build = shop.read_feed()["build"]
    assert build["status"] == "failed"
    assert build["error"] == "disk full while writing"
    assert build["built_at"] is not None
    assert build["rows"] == published.published_rows == 2
    assert build["bytes"] == published.published_bytes == len(before.content)
    folder = runtime.store.folder(shop.feed_id)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{published.published_key}.csv", f"{published.published_key}.csv.gz"]
    )
    assert render.calls >= 1

    monkeypatch.undo()  # the problem is fixed: the retry after the backoff builds the file
    fixed = _fetch_until(shop, lambda r: "age" not in r.headers)
    assert csv_rows(fixed.content)["A-1"][2] == "13"
    idle(runtime)
    build = shop.read_feed()["build"]
    assert (build["status"], build["error"]) == ("ok", None)


def test_a_new_feed_whose_build_fails_answers_503(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = stocked_account(client, runtime)
    render = FailingRender(monkeypatch, account_id=shop.account.id, error=ValueError("bad data"))
    add_feed(shop)

    response = shop.fetch()

    assert response.status_code == 503
    # 5 s when the failure is recorded while this request waits; the retry's backoff
    # (1 s for a first failure) when the build saving the feed started had already failed.
    assert response.headers["retry-after"] in {"1", "5"}
    assert response.headers["cache-control"] == "no-store"
    assert shop.read_feed()["build"]["status"] == "failed"

    # The failure is recorded: the next fetches answer at once, with when to come back
    # (the retry's backoff), and do not start a build each.
    started = time.monotonic()
    again = [shop.fetch() for _ in range(5)]
    assert time.monotonic() - started < 2
    assert {r.status_code for r in again} == {503}
    assert all(1 <= int(r.headers["retry-after"]) <= 300 for r in again)
    assert render.calls <= 2  # the first build, and at most its retry after the backoff


def test_nothing_is_rebuilt_when_nothing_changed(shop: Shop, runtime: Runtime) -> None:
    path = published_file(runtime, shop.feed_id)
    stat = path.stat()
    build = build_row(runtime, shop.feed_id)
    assert build is not None

    for _ in range(3):
        assert shop.fetch().status_code == 200
    shop.call("GET", f"/feeds/{shop.feed_id}")
    shop.call("PATCH", "/integration", {"enabled": True})
    shop.call("POST", f"/feeds/{shop.feed_id}/rotate-link", {"grace_days": 1})
    bad = {"levels": [{"sku": "NOPE", "warehouse_id": shop.warehouse_id, "quantity": "1"}]}
    shop.call("POST", "/stock/set", bad, 422)
    idle(runtime)

    assert runtime.builder.build(shop.feed_id).outcome is Outcome.CURRENT
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    again = build_row(runtime, shop.feed_id)
    assert again is not None
    assert (again.published_key, again.last_at) == (build.published_key, build.last_at)


def test_a_file_replaced_while_it_is_being_sent_is_sent_whole(
    shop: Shop, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = shop.fetch(**IDENTITY).content
    original = links.open_first

    def open_then_unlink(*args: object, **kwargs: object) -> links.OpenedFile | None:
        opened = original(*args, **kwargs)  # type: ignore[arg-type]
        assert opened is not None
        opened.path.unlink()  # as the builder does once a newer file is published
        return opened

    monkeypatch.setattr(links, "open_first", open_then_unlink)
    response = shop.fetch(**IDENTITY)

    assert response.status_code == 200
    assert response.content == body


def test_a_file_lost_from_disk_is_built_again(shop: Shop, runtime: Runtime) -> None:
    body = shop.fetch(**IDENTITY).content
    runtime.store.remove_feed(shop.feed_id)

    response = shop.fetch(**IDENTITY)

    assert response.status_code == 200
    assert response.content == body


def _fetch_until(shop: Shop, done: Callable[[httpx.Response], bool]) -> httpx.Response:
    deadline = time.monotonic() + WAIT_S
    while True:
        response = shop.fetch(**IDENTITY)
        if done(response) or time.monotonic() > deadline:
            return response
        time.sleep(0.1)
