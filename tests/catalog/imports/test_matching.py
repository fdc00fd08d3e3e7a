"""Header matching: normalisation, synonyms in four languages, another vocabulary."""

from __future__ import annotations

import pytest

from shelfcast.catalog.imports.matching import (
    HeaderMatcher,
    MatchTarget,
    matcher_from_synonyms,
    normalise_header,
)
from shelfcast.catalog.imports.vocabulary import PRODUCT_FIELD_SYNONYMS

PRODUCTS = matcher_from_synonyms(PRODUCT_FIELD_SYNONYMS)


def test_normalise_drops_case_accents_punctuation_and_spacing() -> None:
    assert normalise_header("  Code-Barres (EAN) ") == "code barres ean"
    assert normalise_header("Référence_Produit") == "reference produit"
    assert normalise_header("Штрих-код") == "штрих код"
    assert normalise_header("…") == ""


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("Référence", "sku"),
        ("Артикул", "sku"),
        ("SKU", "sku"),
        ("Désignation", "name"),
        ("Назва", "name"),
        ("Наименование", "name"),
        ("Prix TTC", "price"),
        ("Ціна", "price"),
        ("Цена, грн", "price"),
        ("Quantité", "stock"),
        ("Кількість", "stock"),
        ("Остаток", "stock"),
        ("EAN", "barcode"),
        ("Code-barres", "barcode"),
        ("Штрихкод", "barcode"),
        ("Catégorie", "category"),
        ("Бренд", "brand"),
        ("Poids (kg)", "weight"),
        ("Images", "images"),
        ("Unité", "unit"),
        ("Опис", "description"),
        ("Colour", None),
        ("", None),
    ],
)
def test_product_headers_in_four_languages(header: str, target: str | None) -> None:
    assert PRODUCTS.match(header) == target


def test_each_target_is_proposed_once_exact_matches_first() -> None:
    assert PRODUCTS.propose(["Prix d'achat HT", "Prix", "Référence", "Ref"]) == [
        None,
        "price",
        "sku",
        None,
    ]


def test_another_vocabulary_reuses_the_matcher() -> None:
    matcher = HeaderMatcher(
        [
            MatchTarget("offer_id", ("id offre", "offer id")),
            MatchTarget("vendor_code", ("артикул продавця",)),
        ]
    )
    assert matcher.propose(["ID Offre", "Артикул продавця", "x"]) == [
        "offer_id",
        "vendor_code",
        None,
    ]
