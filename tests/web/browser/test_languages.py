"""The UI in French and Ukrainian, in a real browser: a French browser gets French
screens, and the language menu switches to Ukrainian (kept for the user)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from shelfcast.accounts import service as accounts
from shelfcast.accounts.models import Language
from shelfcast.db.session import transaction
from tests.web.browser.conftest import LiveServer, shot
from tests.web.merchants import Merchant, new_merchant

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def french(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """A page of a browser set to French (its Accept-Language is fr-FR)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=DESKTOP,
        locale="fr-FR",
        permissions=["clipboard-read", "clipboard-write"],
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, errors


def both_widths(page: Any, name: str) -> None:
    """Screenshots at desktop and phone width."""
    shot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def french_merchant(live_server: LiveServer, **options: Any) -> Merchant:
    options.setdefault("image_base", live_server.images)
    merchant = new_merchant(live_server.runtime, name="Maison Lumière", **options)
    with transaction(live_server.runtime.database.writes) as session:
        accounts.set_default_language(session, merchant.account_id, Language.FR)
    return merchant


def sign_in_in_french(page: Any, merchant: Merchant) -> None:
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_label("E-mail").fill(merchant.email)
    page.get_by_label("Mot de passe").fill(merchant.password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/products")


def test_sign_in_in_french_then_switch_to_ukrainian(french: Any, live_server: LiveServer) -> None:
    merchant = french_merchant(live_server)
    french.goto("/login")
    expect(french.get_by_role("heading", name="Se connecter")).to_be_visible()
    both_widths(french, "fr-01-sign-in")
    french.get_by_label("E-mail").fill(merchant.email)
    french.get_by_label("Mot de passe").fill("pas le bon")
    french.get_by_role("button", name="Se connecter").click()
    expect(french.get_by_role("alert")).to_contain_text("mot de passe est incorrect")
    sign_in_in_french(french, merchant)

    nav = french.get_by_role("navigation", name="Navigation principale")
    for name in ("Produits", "Entrepôts", "Paramètres"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    expect(french.get_by_test_id("account-plan")).to_have_text("Plan Business")

    french.get_by_role("link", name="Entrepôts").click()
    french.locator(".language-menu summary").click()
    expect(french.get_by_role("button", name="Українська")).to_be_visible()
    shot(french, "fr-02-language-menu", full_page=False)
    french.get_by_role("button", name="Українська").click()
    french.wait_for_url("**/warehouses")
    expect(french.locator("html")).to_have_attribute("lang", "uk")
    nav = french.get_by_role("navigation", name="Головне меню")
    expect(nav.get_by_role("link", name="Склади")).to_be_visible()
    expect(french.get_by_test_id("account-plan")).to_have_text("Тариф Business")

    french.get_by_role("button", name="Вийти").click()
    french.wait_for_url("**/login")
    expect(french.get_by_role("heading", name="Увійти")).to_be_visible()
    expect(french.get_by_role("status")).to_contain_text("Ви вийшли з облікового запису.")
    both_widths(french, "uk-01-sign-in")
