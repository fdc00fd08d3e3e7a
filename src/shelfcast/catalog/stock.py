"""Stock changed by delta (sales, returns, counts) and by hand, with their record.

``adjust_stock`` is the API's ``POST /stock/adjust`` and the product page's
+/− form: it checks every change first (all or nothing), then lets the
database add the deltas atomically (``stock_repository.add_to_stock``). Both it
and ``set_levels`` (a quantity typed in the products list, or one quantity for
every product shown) record who changed what, for the product page's history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from shelfcast.catalog import repository as repo
from shelfcast.catalog import stock_repository as stock_repo
from shelfcast.catalog.rules import (
    DECIMAL_LIMIT,
    SKU_LENGTH,
    Errors,
    decimal_problem,
    optional_text,
    plain,
    text_problem,
)
from shelfcast.catalog.schemas import (
    StockAdjust,
    StockAdjustmentRead,
    StockAdjustResult,
    StockLevelRead,
)
from shelfcast.db.base import utcnow
from shelfcast.errors import InvalidInput, NotFound, shown

MAX_CHANGES = 100_000
MAX_BULK = 500
REASON_LENGTH = 500
HISTORY = 50


def adjust_stock(
    session: Session, account_id: int, body: StockAdjust, *, actor: str
) -> StockAdjustResult:
    """Add each change's ``delta`` to its level, all or nothing; answers the new levels.

    Each sku must be a product of the account and each warehouse one of its
    warehouses; a level that does not exist yet starts at 0. Two changes of the
    same level add up. A level may go negative (oversold) but must stay within
    the stored range, checked on the result so the check itself is atomic.
    """
    changes = body.changes
    if not 1 <= len(changes) <= MAX_CHANGES:
        raise InvalidInput.one(
            ("changes",),
            f"must hold 1 to {MAX_CHANGES} changes (got {len(changes)});"
            " send more in several calls",
        )
    repo.lock_account(session, account_id)
    skus = [change.sku.strip() for change in changes]
    lookup = {sku for sku in skus if text_problem(sku, SKU_LENGTH) is None}
    product_ids = repo.product_ids_by_sku(session, account_id, sorted(lookup))
    warehouse_ids = repo.warehouse_ids(session, account_id)
    errors = Errors()
    deltas: dict[stock_repo.Level, Decimal] = {}
    first_at: dict[stock_repo.Level, int] = {}
    records: list[dict[str, Any]] = []
    for i, (sku, change) in enumerate(zip(skus, changes, strict=True)):
        loc = ("changes", i)
        product_id = product_ids.get(sku)
        if product_id is None:
            errors.add(
                (*loc, "sku"),
                f"no product with sku {shown(sku)}; create it with the products upsert first",
            )
        if change.warehouse_id not in warehouse_ids:
            errors.add(
                (*loc, "warehouse_id"),
                f"no warehouse with id {change.warehouse_id} in this account",
            )
        problem = decimal_problem(change.delta, negative_ok=True)
        if problem:
            errors.add((*loc, "delta"), problem)
        reason = optional_text(
            errors, (*loc, "reason"), change.reason, REASON_LENGTH, free_text=True
        )
        if product_id is not None and not problem:
            level = (product_id, change.warehouse_id)
            deltas[level] = deltas.get(level, Decimal(0)) + change.delta
            first_at.setdefault(level, i)
            records.append({"level": level, "delta": change.delta, "reason": reason})
    errors.raise_any()

    # A savepoint: a level out of range undoes the batch here, whatever the caller
    # does with the error (a page shows it and its request still commits).
    with session.begin_nested():
        repo.bump_catalog_version(session, account_id)
        levels = stock_repo.add_to_stock(session, account_id, deltas)
        for level, quantity in levels.items():
            if abs(quantity) >= DECIMAL_LIMIT:
                raise InvalidInput.one(
                    ("changes", first_at[level], "delta"),
                    f"would take the level to {plain(quantity)}; levels must be less than"
                    f" {DECIMAL_LIMIT:f} in size",
                )
        now = utcnow()
        stock_repo.record_adjustments(
            session,
            [
                _record(
                    account_id, r["level"], r["delta"], levels[r["level"]], r["reason"], actor, now
                )
                for r in records
            ],
        )
    sku_of = {product_id: sku for sku, product_id in product_ids.items()}
    return StockAdjustResult(
        updated=len(deltas),
        levels=[
            StockLevelRead(sku=sku_of[p], warehouse_id=w, quantity=plain(levels[(p, w)]))
            for p, w in deltas
        ],
    )


def set_levels(
    session: Session,
    account_id: int,
    warehouse_id: int,
    product_ids: Sequence[int],
    quantity: Decimal,
    *,
    actor: str,
    loc: tuple[str | int, ...] = ("quantity",),
) -> int:
    """Set one quantity for up to ``MAX_BULK`` products in one warehouse (typed by hand).

    Answers how many levels were set. Products and warehouse must be the account's.
    """
    if not 1 <= len(product_ids) <= MAX_BULK:
        raise InvalidInput.one(
            ("product_ids",), f"must name 1 to {MAX_BULK} products (got {len(product_ids)})"
        )
    problem = decimal_problem(quantity, negative_ok=True)
    if problem:
        raise InvalidInput.one(loc, problem)
    repo.lock_account(session, account_id)
    if warehouse_id not in repo.warehouse_ids(session, account_id):
        raise NotFound(f"no warehouse with id {warehouse_id}")
    owned = stock_repo.owned_products(session, account_id, sorted(set(product_ids)))
    if len(owned) != len(set(product_ids)):
        raise NotFound("some of these products do not exist")
    repo.bump_catalog_version(session, account_id)
    stock_repo.set_stock_levels(session, account_id, warehouse_id, sorted(owned), quantity)
    now = utcnow()
    stock_repo.record_adjustments(
        session,
        [
            _record(account_id, (p, warehouse_id), None, quantity, None, actor, now)
            for p in sorted(owned)
        ],
    )
    return len(owned)


def list_adjustments(
    session: Session, account_id: int, product_id: int, limit: int = HISTORY
) -> list[StockAdjustmentRead]:
    """The product's latest recorded stock changes, newest first."""
    return [
        StockAdjustmentRead(
            warehouse_id=a.warehouse_id,
            delta=_signed(a.delta) if a.delta is not None else None,
            quantity=plain(a.quantity),
            reason=a.reason,
            actor=a.actor,
            created_at=a.created_at,
        )
        for a in stock_repo.adjustments_of(session, account_id, product_id, limit)
    ]


def _signed(delta: Decimal) -> str:
    text = plain(delta)
    return text if text.startswith("-") else f"+{text}"


def _record(
    account_id: int,
    level: stock_repo.Level,
    delta: Decimal | None,
    quantity: Decimal,
    reason: str | None,
    actor: str,
    now: datetime,
) -> dict[str, Any]:
    product_id, warehouse_id = level
    return {
        "account_id": account_id,
        "product_id": product_id,
        "warehouse_id": warehouse_id,
        "delta": delta,
        "quantity": quantity,
        "reason": reason,
        "actor": actor,
        "created_at": now,
    }
