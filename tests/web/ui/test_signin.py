"""Signing in: the session cookie, where sign-in leads, and the brute-force limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from shelfcast.accounts import repository as accounts_repo
from shelfcast.accounts.models import LoginFailure, User
from shelfcast.accounts.sign_in_limit import LoginRateLimiter
from shelfcast.db.session import transaction
from shelfcast.settings import Settings
from shelfcast.web.app import create_app
from shelfcast.web.runtime import Runtime
from shelfcast.web.ui import MissingSecretKey
from tests.web.merchants import new_merchant
from tests.web.ui.conftest import browser_for, csrf_of


def login(client: TestClient, email: str, password: str, next: str = "") -> object:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, "next": next},
        follow_redirects=False,
    )


def test_sign_in_sets_a_signed_http_only_lax_cookie(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=0)
    anonymous = browser_for(client.app)  # type: ignore[arg-type]
    response = login(anonymous, merchant.email.upper(), merchant.password, next="/warehouses")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/warehouses"  # type: ignore[attr-defined]
    cookie = response.headers["set-cookie"].lower()  # type: ignore[attr-defined]
    assert cookie.startswith("shelfcast_session=")
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # the base URL is http://
    page = anonymous.get("/products")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert page.headers["x-frame-options"] == "DENY"
    # A tampered cookie is no session at all.
    tampered = anonymous.cookies["shelfcast_session"][:-3] + "abc"
    anonymous.cookies.clear()
    response = anonymous.get(
        "/products", headers={"Cookie": f"shelfcast_session={tampered}"}, follow_redirects=False
    )
    assert response.status_code == 303


def test_the_cookie_is_secure_when_the_site_is_https(app_settings: Settings) -> None:
    settings = app_settings.model_copy(update={"base_url": "https://shelfcast.example"})
    with TestClient(create_app(settings), base_url="https://shelfcast.example") as client:
        cookie = client.get("/login").headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie


def test_the_ui_refuses_to_start_without_a_secret_key(app_settings: Settings) -> None:
    with pytest.raises(MissingSecretKey, match="SHELFCAST_SECRET_KEY"):
        create_app(app_settings.model_copy(update={"secret_key": None}))


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil.example"])
def test_sign_in_only_returns_to_pages_of_this_site(
    client: TestClient, runtime: Runtime, target: str
) -> None:
    merchant = new_merchant(runtime, products=0)
    response = login(browser_for(client.app), merchant.email, merchant.password, next=target)  # type: ignore[arg-type]
    assert response.headers["location"] == "/overview"  # type: ignore[attr-defined]


def test_wrong_passwords_are_limited_per_email_and_address(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=0)
    other = new_merchant(runtime, products=0)
    anonymous = browser_for(client.app)  # type: ignore[arg-type]
    for _ in range(5):
        response = login(anonymous, merchant.email, "wrong password")
        assert response.status_code == 400  # type: ignore[attr-defined]
        assert "email or password is not right" in response.text  # type: ignore[attr-defined]
    # The sixth try is refused before the password is even checked, right or wrong.
    blocked = login(anonymous, merchant.email, merchant.password)
    assert blocked.status_code == 429  # type: ignore[attr-defined]
    assert "Too many failed sign-in attempts" in blocked.text  # type: ignore[attr-defined]
    assert "try again in 15 minutes" in blocked.text  # type: ignore[attr-defined]
    assert int(blocked.headers["retry-after"]) > 800  # type: ignore[attr-defined]
    # Another user signing in from the same address is not locked out.
    assert login(anonymous, other.email, other.password).status_code == 303  # type: ignore[attr-defined]


def test_the_limit_lifts_after_the_window_and_success_clears_it(session: Session) -> None:
    now = [datetime(2026, 11, 30, 2, 0, tzinfo=UTC)]
    limiter = LoginRateLimiter(max_failures=3, window=timedelta(seconds=60), clock=lambda: now[0])
    for _ in range(3):
        assert limiter.retry_after(session, "a@x.example", "1.2.3.4") is None
        limiter.failed(session, "a@x.example", "1.2.3.4")
        now[0] += timedelta(seconds=1)
    assert limiter.retry_after(session, "a@x.example", "1.2.3.4") == 57
    assert limiter.retry_after(session, "a@x.example", "5.6.7.8") is None
    assert limiter.retry_after(session, "b@x.example", "1.2.3.4") is None
    now[0] += timedelta(seconds=57)
    assert limiter.retry_after(session, "a@x.example", "1.2.3.4") is None
    limiter.failed(session, "a@x.example", "1.2.3.4")
    limiter.succeeded(session, "a@x.example", "1.2.3.4")
    limiter.failed(session, "a@x.example", "1.2.3.4")
    assert limiter.retry_after(session, "a@x.example", "1.2.3.4") is None


def test_failures_older_than_the_window_are_pruned(session: Session) -> None:
    now = [datetime(2026, 11, 30, 2, 0, tzinfo=UTC)]
    limiter = LoginRateLimiter(window=timedelta(seconds=60), clock=lambda: now[0])
    limiter.failed(session, "old@x.example", "7.7.7.7")
    now[0] += timedelta(seconds=61)
    limiter.failed(session, "new@x.example", "7.7.7.8")
    kept = session.scalars(select(LoginFailure.failed_at).where(LoginFailure.failed_at <= now[0]))
    assert list(kept) == [now[0], now[0]]  # the new email's and address's; the old ones are gone


def test_one_address_trying_many_emails_is_limited_too(session: Session) -> None:
    limiter = LoginRateLimiter(max_failures=5, max_failures_per_address=10)
    for n in range(10):
        limiter.failed(session, f"user{n}@x.example", "9.9.9.9")
    assert limiter.retry_after(session, "new@x.example", "9.9.9.9") is not None
    assert limiter.retry_after(session, "new@x.example", "8.8.8.8") is None


def test_the_limit_holds_across_app_instances_and_restarts(
    app_settings: Settings, runtime: Runtime
) -> None:
    """Two servers on one database (two workers, or a restart) share the counts."""
    merchant = new_merchant(runtime, products=0)
    with (
        TestClient(create_app(app_settings)) as first,
        TestClient(create_app(app_settings)) as second,
    ):
        for n in range(5):
            worker = browser_for((first if n % 2 else second).app)  # type: ignore[arg-type]
            assert login(worker, merchant.email, "wrong").status_code == 400  # type: ignore[attr-defined]
        blocked = login(browser_for(first.app), merchant.email, merchant.password)  # type: ignore[arg-type]
        assert blocked.status_code == 429  # type: ignore[attr-defined]
    with TestClient(create_app(app_settings)) as restarted:
        again = login(browser_for(restarted.app), merchant.email, merchant.password)  # type: ignore[arg-type]
        assert again.status_code == 429  # type: ignore[attr-defined]


def test_signing_out_ends_the_session(client: TestClient, runtime: Runtime) -> None:
    merchant = new_merchant(runtime, products=0)
    browser = browser_for(client.app)  # type: ignore[arg-type]
    login(browser, merchant.email, merchant.password)
    token = csrf_of(browser.get("/products").text)
    response = browser.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.headers["location"] == "/login"
    assert browser.get("/products", follow_redirects=False).status_code == 303
    assert "You are signed out." in browser.get("/login").text


def test_signing_out_ends_the_session_server_side_for_a_copied_cookie(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=0)
    browser = browser_for(client.app)  # type: ignore[arg-type]
    login(browser, merchant.email, merchant.password)
    copied = dict(browser.cookies)  # taken before signing out
    token = csrf_of(browser.get("/products").text)
    browser.post("/logout", data={"csrf_token": token}, follow_redirects=False)

    thief = browser_for(client.app)  # type: ignore[arg-type]
    for name, value in copied.items():
        thief.cookies.set(name, value)
    assert thief.get("/products", follow_redirects=False).status_code == 303


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(
    client: TestClient, runtime: Runtime
) -> None:
    merchant = new_merchant(runtime, products=0)
    browser = browser_for(client.app)  # type: ignore[arg-type]
    login(browser, merchant.email, merchant.password)
    assert browser.get("/products", follow_redirects=False).status_code == 200

    with transaction(runtime.database.writes) as session:
        user = session.scalars(select(User).where(User.email == merchant.email)).one()
        accounts_repo.set_password_hash(session, user, user.password_hash)

    assert browser.get("/products", follow_redirects=False).status_code == 303
