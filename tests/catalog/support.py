"""Helpers for the catalog service tests: bodies as the API receives them, and counters."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from shelfcast.accounts.models import Account
from shelfcast.catalog import service
from shelfcast.catalog.schemas import ProductsUpsert, StockSet, UpsertResult
from shelfcast.db.base import Base
from shelfcast.errors import InvalidInput

Loc = tuple[str | int, ...]


def upsert(session: Session, account: Account, *products: dict[str, Any]) -> UpsertResult:
    """Upsert products given as JSON-like dicts (validated like an API body)."""
    body = ProductsUpsert.model_validate({"products": list(products)})
    return service.upsert_products(session, account.id, body)


def stock_body(*levels: dict[str, Any]) -> StockSet:
    return StockSet.model_validate({"levels": list(levels)})


def invalid(excinfo: pytest.ExceptionInfo[InvalidInput]) -> dict[Loc, str]:
    """The errors of an InvalidInput by location."""
    return {error.loc: error.message for error in excinfo.value.errors}


def catalog_version(session: Session, account: Account) -> int:
    version = session.scalar(select(Account.catalog_version).where(Account.id == account.id))
    assert version is not None
    return version


def count(session: Session, model: type[Base], account: Account | None = None) -> int:
    stmt = select(func.count()).select_from(model)
    if account is not None:
        stmt = stmt.where(model.__table__.c.account_id == account.id)
    return session.scalar(stmt) or 0


@contextmanager
def recorded_statements(session: Session) -> Iterator[list[str]]:
    """Every statement sent to the database inside the block (one per executemany batch)."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)
