"""Choosing the UI's language: the user's own choice (the menu on every page), else the
browser's Accept-Language, else the account's default; the API stays English."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from shelfcast.accounts import service as accounts
from shelfcast.accounts.models import Account, Language, User
from shelfcast.db.session import transaction
from shelfcast.demo import create_demo
from shelfcast.web.i18n.context import browser_language
from shelfcast.web.runtime import Runtime
from tests.web.merchants import Merchant, new_merchant
from tests.web.ui.conftest import browser_for, csrf_of, signed_in

LANG = re.compile(r'<html lang="(\w+)">')


def lang_of(html: str) -> str:
    found = LANG.search(html)
    assert found, "no <html lang>"
    return found.group(1)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7", Language.FR),
        ("uk-UA,uk;q=0.9,ru;q=0.8", Language.UK),
        ("ru-RU, uk;q=0.5", Language.UK),
        ("de-DE,en;q=0.3,fr;q=0.6", Language.FR),
        ("en-GB", Language.EN),
        ("fr;q=0, uk", Language.UK),
        ("de, *", None),
        ("kk-KZ", None),
        ("fr;q=abc", None),
        ("", None),
        (None, None),
    ],
)
def test_the_browsers_language(header: str | None, expected: Language | None) -> None:
    assert browser_language(header) is expected


def test_the_sign_in_page_speaks_the_browsers_language(client: TestClient) -> None:
    page = browser_for(client.app)  # type: ignore[arg-type]
    english = page.get("/login").text
    assert lang_of(english) == "en" and ">Sign in</button>" in english
    french = page.get("/login", headers={"Accept-Language": "fr-CA,fr;q=0.9"}).text
    assert lang_of(french) == "fr" and ">Se connecter</button>" in french
    ukrainian = page.get("/login", headers={"Accept-Language": "uk"}).text
    assert lang_of(ukrainian) == "uk" and ">Увійти</button>" in ukrainian


def _merchant_with_default(runtime: Runtime, language: Language) -> Merchant:
    merchant = new_merchant(runtime, products=1)
    with transaction(runtime.database.writes) as session:
        accounts.set_default_language(session, merchant.account_id, language)
    return merchant


def _choose(client: TestClient, language: str, next_page: str = "/warehouses") -> None:
    token = csrf_of(client.get(next_page).text)
    response = client.post(
        "/language",
        data={"language": language, "next": next_page, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == next_page


def test_the_user_then_the_browser_then_the_account(client: TestClient, runtime: Runtime) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    merchant = _merchant_with_default(runtime, Language.FR)
    own = signed_in(app, merchant)
    # No language asked by the browser: the account's.
    assert lang_of(own.get("/warehouses").text) == "fr"
    assert ">Entrepôts</a>" in own.get("/warehouses").text
    # The browser's language beats the account's...
    assert lang_of(own.get("/warehouses", headers={"Accept-Language": "en-US"}).text) == "en"
    # ... and the user's own choice beats both, on every browser the user signs in from.
    _choose(own, "uk")
    for client_of_user in (own, signed_in(app, merchant)):
        page = client_of_user.get("/warehouses", headers={"Accept-Language": "fr"}).text
        assert lang_of(page) == "uk"
        assert ">Склади</a>" in page and ">Вийти</button>" in page
    with transaction(runtime.database.sessions) as session:
        user = session.scalars(select(User).where(User.email == merchant.email)).one()
        assert user.language is Language.UK


def test_the_menu_is_on_every_page_and_comes_back(client: TestClient, runtime: Runtime) -> None:
    merchant = _merchant_with_default(runtime, Language.EN)
    own = signed_in(client.app, merchant)  # type: ignore[arg-type]
    for path in ("/products", "/warehouses", "/settings", "/settings/integrations"):
        html = own.get(path).text
        assert 'action="/language"' in html, path
        assert f'name="next" value="{path}"' in html
        for code, name in (("fr", "Français"), ("uk", "Українська"), ("en", "English")):
            assert f'value="{code}" lang="{code}"' in html and name in html
    anonymous = browser_for(client.app)  # type: ignore[arg-type]
    assert 'action="/language"' in anonymous.get("/login").text
    _choose(own, "fr", "/products?q=x")
    assert lang_of(own.get("/products").text) == "fr"


def test_an_anonymous_choice_and_signing_out_keep_the_language(
    client: TestClient, runtime: Runtime
) -> None:
    app: FastAPI = client.app  # type: ignore[assignment]
    anonymous = browser_for(app)
    _choose(anonymous, "uk", "/login")
    assert ">Увійти</button>" in anonymous.get("/login").text
    merchant = _merchant_with_default(runtime, Language.EN)
    own = signed_in(app, merchant)
    _choose(own, "fr")
    token = csrf_of(own.get("/warehouses").text)
    signed_out = own.post("/logout", data={"csrf_token": token})
    assert lang_of(signed_out.text) == "fr"
    assert "Vous êtes déconnecté." in signed_out.text


def test_an_unknown_language_is_refused(client: TestClient, runtime: Runtime) -> None:
    own = signed_in(client.app, _merchant_with_default(runtime, Language.EN))  # type: ignore[arg-type]
    token = csrf_of(own.get("/warehouses").text)
    for value in ("de", "", "FR", "fr'><script>"):
        response = own.post("/language", data={"language": value, "csrf_token": token})
        assert response.status_code == 404, value
    assert lang_of(own.get("/warehouses").text) == "en"


def test_error_pages_speak_the_language(client: TestClient, runtime: Runtime) -> None:
    own = signed_in(client.app, _merchant_with_default(runtime, Language.UK))  # type: ignore[arg-type]
    missing = own.get("/products/999999999")
    assert missing.status_code == 404
    assert "Сторінку не знайдено" in missing.text
    expired = own.post("/warehouses", data={"name": "x", "csrf_token": "forged"})
    assert expired.status_code == 403 and "Термін дії форми минув" in expired.text


def test_the_demo_account_is_french(runtime: Runtime) -> None:
    with transaction(runtime.database.writes) as session:
        demo = create_demo(session, products=3)
        account = session.get(Account, demo.account_id)
        assert account is not None and account.default_language is Language.FR
        assert demo.feeds
        session.rollback()  # another test module's demo must not meet this one
