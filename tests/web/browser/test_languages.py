"""The UI in French and Ukrainian, in a real browser: a French browser gets French
screens, and the language menu switches to Ukrainian (kept for the user)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from shelfcast.accounts import service as accounts
from shelfcast.accounts.models import Language
from shelfcast.db.session import transaction
from tests.web.browser.conftest import LiveServer, shot
from tests.web.merchants import Merchant, add_feed, new_merchant

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
    page.wait_for_url("**/overview")


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


def column(page: Any, n: int) -> Any:
    return page.locator("[data-column]").nth(n - 1)


def test_the_articles_flow_in_french(french: Any, live_server: LiveServer) -> None:
    """Paramètres › Intégrations › Configurer › + Fichier › the form › + Colonne ›
    Enregistrer › Copier le lien: found by the article's own words."""
    merchant = french_merchant(live_server, products=6)
    sign_in_in_french(french, merchant)
    nav = french.get_by_role("navigation", name="Navigation principale")
    nav.get_by_role("link", name="Paramètres").click()
    french.get_by_role("navigation", name="Paramètres").get_by_role(
        "link", name="Intégrations"
    ).click()
    expect(french.get_by_role("heading", name="Connecteurs en ligne")).to_be_visible()
    connector = french.get_by_role(
        "article", name="Intégration personnalisée avec les boutiques en ligne"
    )
    connector.get_by_role("link", name="Configurer").click()
    expect(
        french.get_by_role("heading", name="Intégration personnalisée avec les boutiques en ligne")
    ).to_be_visible()
    french.get_by_role("link", name="+ Fichier").click()

    french.get_by_label("Nom de la boutique en ligne").fill("Cdiscount")
    french.get_by_label("URL de la boutique en ligne").fill("https://seller.cdiscount.example")
    french.get_by_role("checkbox", name="Outlet").uncheck()
    french.get_by_label("Type de fichier").select_option("csv")
    french.get_by_label("Séparateur", exact=True).select_option(label="Point-virgule ( ; )")
    french.get_by_label("Nom du fichier").fill("stock_cdiscount")
    french.get_by_label("Numéro de la ligne avec les en-têtes").fill("1")
    french.get_by_label("Télécharger les produits avec un stock nul").check()

    column(french, 1).get_by_label("En-tête de la colonne 1").fill("Référence")
    column(french, 2).get_by_label("En-tête de la colonne 2").fill("Prix")
    column(french, 2).get_by_label("Type de la colonne 2").select_option(label="Prix")
    column(french, 2).get_by_label("Type de prix de la colonne 2").select_option(
        label="Retail (EUR)"
    )
    french.get_by_role("button", name="+ Colonne").click()
    expect(french.locator("[data-column]")).to_have_count(3)
    french.keyboard.type("Devise")
    column(french, 3).get_by_label("Type de la colonne 3").select_option(
        label="Valeur personnalisée"
    )
    column(french, 3).get_by_label("Valeur de la colonne 3").fill("EUR")
    french.get_by_role("button", name="+ Colonne").click()
    french.keyboard.type("Stock")
    column(french, 4).get_by_label("Champ du produit de la colonne 4").select_option(
        label="Quantité (somme des entrepôts choisis)"
    )
    preview = french.get_by_test_id("preview-table")
    expect(preview.locator("tr[data-row='header']")).to_contain_text("Devise")
    # Zero stock included: all six products, prices as the file writes them (a point).
    expect(preview.locator("tr[data-row='data']")).to_have_count(6)
    expect(preview.locator("tr[data-row='data']").first).to_contain_text("11.25")
    both_widths(french, "fr-flow-1-file-form")

    french.get_by_role("button", name="Enregistrer").click()
    expect(french.get_by_role("status")).to_contain_text("stock_cdiscount.csv")
    expect(french.get_by_role("status")).to_contain_text("est enregistré")
    row = french.locator("tr", has=french.get_by_test_id("file-name"))
    # The article's last step: tick Intégration activée and save the window.
    french.get_by_label("Intégration activée").check()
    french.get_by_role("button", name="Enregistrer").click()
    expect(french.get_by_role("status")).to_contain_text("Intégration activée")
    expect(row.get_by_test_id("file-status")).to_have_text("Activé")
    row.get_by_role("button", name="Copier le lien").click()
    expect(row.get_by_role("button", name="Copié ✓")).to_be_visible()
    copied = french.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f"{live_server.url}/f/") and copied.endswith("/stock_cdiscount.csv")
    expect(row).to_contain_text("6 lignes", timeout=20_000)
    both_widths(french, "fr-flow-2-integration-window")


SCREENS = [
    ("02-products", "/products"),
    ("03-product", "/products/{product}"),
    ("04-warehouses", "/warehouses"),
    ("05-settings", "/settings"),
    ("06-integrations", "/settings/integrations"),
    ("07-integration-window", "/settings/integrations/custom"),
    ("08-file-form", "/settings/integrations/custom/files/{feed}"),
    ("09-new-file", "/settings/integrations/custom/files/new"),
    ("10-regenerate-link", "/settings/integrations/custom/files/{feed}/link"),
    ("11-overview", "/overview"),
    ("12-file-health", "/settings/integrations/custom/files/{feed}/health"),
    ("13-imports", "/imports"),
    ("14-price-types", "/settings/price-types"),
    ("15-custom-fields", "/settings/custom-fields"),
    ("16-edit-product", "/products/{product}/edit"),
    ("17-new-product", "/products/new"),
]


def test_every_main_screen_in_french_and_ukrainian(french: Any, live_server: LiveServer) -> None:
    merchant = french_merchant(live_server, products=8)
    add_feed(live_server.runtime, merchant)
    sign_in_in_french(french, merchant)
    ids = {"product": merchant.product_ids[0], "feed": merchant.feed_ids[0]}
    for code in ("fr", "uk"):
        if code == "uk":
            french.locator(".language-menu summary").click()
            french.get_by_role("button", name="Українська").click()
        for name, path in SCREENS:
            french.goto(path.format(**ids))
            expect(french.locator("html")).to_have_attribute("lang", code)
            both_widths(french, f"{code}-{name}")
    # Money as each language writes it (CLDR): Ukrainian names a foreign currency by its code.
    french.goto(f"/products/{merchant.product_ids[0]}")
    expect(french.get_by_role("region", name="Ціни")).to_contain_text(re.compile(r"11,25\sEUR"))
    french.locator(".language-menu summary").click()
    french.get_by_role("button", name="Français").click()
    expect(french.get_by_role("region", name="Prix")).to_contain_text(re.compile(r"11,25\s€"))
