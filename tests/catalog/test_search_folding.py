"""Product search ignores case and accents on SQLite and PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shelfcast.catalog import service as catalog
from shelfcast.db.text_search import FOLD_FROM, FOLD_TO, fold
from tests.builders import make_account, make_product


def names(session: Session, account_id: int, q: str) -> list[str]:
    return [p.name for p in catalog.list_products(session, account_id, q=q).products]


def test_search_ignores_accents_and_case(session: Session) -> None:
    account = make_account(session)
    for name in ("Râpe à fromage", "RÂPE INOX", "Crème brûlée set", "Ёлочная игрушка", "Łódź mug"):
        make_product(session, account, name=name)
    make_product(session, account, name="Grater", sku="RÂ-01")
    assert names(session, account.id, "rape") == ["Râpe à fromage", "RÂPE INOX"]
    assert names(session, account.id, "RÂPE") == ["Râpe à fromage", "RÂPE INOX"]
    assert names(session, account.id, "creme brulee") == ["Crème brûlée set"]
    assert names(session, account.id, "елочная") == ["Ёлочная игрушка"]
    assert names(session, account.id, "lodz") == ["Łódź mug"]
    assert names(session, account.id, "ra-0") == ["Grater"]  # the sku too
    assert names(session, account.id, "%") == []  # wildcards are text


def test_the_fold_table_maps_one_character_to_one() -> None:
    assert len(FOLD_FROM) == len(FOLD_TO) == len(set(FOLD_FROM))
    assert fold("Straße ÉCOLE Йод") == "straße ecole йод"
