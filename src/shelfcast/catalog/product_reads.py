"""Product reads: pages of products and single products, with everything they hold.

A page costs a fixed number of queries whatever its size: the product rows, then
stock, prices, images and custom values for all of them at once. Amounts are
shown in their canonical text (``rules.plain``, ``rules.price_text``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.orm import Session

from shelfcast.catalog import repository as repo
from shelfcast.catalog.rules import NAME_LENGTH, plain, price_text, text_problem
from shelfcast.catalog.schemas import ProductPage, ProductRead, StockRead
from shelfcast.errors import InvalidInput, NotFound

MAX_PAGE = 500


def list_products(
    session: Session,
    account_id: int,
    *,
    q: str | None = None,
    category_id: int | None = None,
    after: int | None = None,
    limit: int = 50,
    only_out_of_stock: bool = False,
) -> ProductPage:
    """A page of products in id order; pass ``next_after`` back as ``after`` for the next.

    ``q`` matches part of the sku or name (case-insensitive) or the whole
    barcode; ``category_id`` keeps products of that category and those below it.
    Five queries per page, whatever its size.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput.one(("limit",), f"must be between 1 and {MAX_PAGE} (got {limit})")
    query = q.strip() if q else None
    if query:
        problem = text_problem(query, NAME_LENGTH, free_text=True)
        if problem:
            raise InvalidInput.one(("q",), problem)
    rows = repo.product_page(
        session,
        account_id,
        q=query or None,
        category_id=category_id,
        after=after,
        limit=limit + 1,
        only_out_of_stock=only_out_of_stock,
    )
    page = rows[:limit]
    return ProductPage(
        products=_product_reads(session, page),
        next_after=page[-1].id if len(rows) > limit else None,
    )


def get_product(session: Session, account_id: int, product_id: int) -> ProductRead:
    row = repo.product_row(session, account_id, product_id)
    if row is None:
        raise NotFound(f"no product with id {product_id}")
    return _product_reads(session, [row])[0]


def find_product_id(session: Session, account_id: int, sku: str) -> int | None:
    """The id of the account's product with this sku, if there is one."""
    return repo.product_ids_by_sku(session, account_id, [sku]).get(sku)


def _product_reads(session: Session, rows: Sequence[repo.ProductRow]) -> list[ProductRead]:
    if not rows:
        return []
    ids = [row.id for row in rows]
    stock: defaultdict[int, list[StockRead]] = defaultdict(list)
    for product_id, warehouse_id, quantity in repo.stock_of(session, ids):
        stock[product_id].append(StockRead(warehouse_id=warehouse_id, quantity=plain(quantity)))
    prices: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for product_id, name, amount in repo.prices_of(session, ids):
        prices[product_id][name] = price_text(amount)
    images: defaultdict[int, list[str]] = defaultdict(list)
    for product_id, url in repo.images_of(session, ids):
        images[product_id].append(url)
    custom: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for product_id, key, value in repo.custom_values_of(session, ids):
        custom[product_id][key] = value
    return [
        ProductRead(
            id=row.id,
            sku=row.sku,
            name=row.name,
            barcode=row.barcode,
            category=row.category_path.split(repo.PATH_SEPARATOR) if row.category_path else None,
            description=row.description,
            brand=row.brand,
            unit=row.unit,
            weight=plain(row.weight) if row.weight is not None else None,
            images=images[row.id],
            prices=prices[row.id],
            custom=custom[row.id],
            created_at=row.created_at,
            updated_at=row.updated_at,
            stock=stock[row.id],
        )
        for row in rows
    ]
