"""Stream checked rows in batches, compare each with the stored product, and
write only what differs — set-based, a few statements per batch.

A row is *new* (its sku is not in the catalog), *changed* or *unchanged*
(every given cell equals the stored value). Unchanged rows write nothing, and
an import that changes nothing leaves the catalog version alone, so feeds are
not rebuilt. Writing stops at the first error when the import rejects on
error (the caller rolls back); the rest is still checked and counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from shelfcast.catalog import repository as catalog_repo
from shelfcast.catalog.imports import repository as repo
from shelfcast.catalog.imports.mapping import ResolvedMapping, TargetKind
from shelfcast.catalog.imports.models import ImportMode, OnError
from shelfcast.catalog.imports.numbers import DecimalMark
from shelfcast.catalog.imports.reading import SheetRow
from shelfcast.catalog.imports.rows import ImportRow, RowChecker, RowError
from shelfcast.catalog.imports.seen import SeenSkus
from shelfcast.catalog.products import ensure_categories
from shelfcast.db.base import utcnow

BATCH_ROWS = 2000
MAX_STORED_ERRORS = 10_000
_PRODUCT_COLUMNS = ("name", "barcode", "description", "brand", "unit", "weight")


@dataclass
class Counts:
    rows_done: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append(error)


@dataclass
class _Writes:
    """What one batch writes."""

    new: list[ImportRow] = field(default_factory=list)
    columns: list[dict[str, Any]] = field(default_factory=list)
    categories: dict[int, tuple[str, ...] | None] = field(default_factory=dict)
    images: dict[int, list[str]] = field(default_factory=dict)
    upserts: dict[str, list[tuple[int, int, Any]]] = field(
        default_factory=lambda: {"prices": [], "stock": [], "custom": []}
    )
    deletes: dict[str, list[tuple[int, int]]] = field(
        default_factory=lambda: {"prices": [], "stock": [], "custom": []}
    )


class ImportRun:
    """One pass over a file. ``write=False`` checks and counts only (a dry run)."""

    def __init__(
        self,
        session: Session,
        account_id: int,
        resolved: ResolvedMapping,
        *,
        mode: ImportMode,
        on_error: OnError,
        clear_empty: bool,
        write: bool,
        decimal_mark: DecimalMark | None = None,
        progress: Callable[[Counts], None] | None = None,
    ) -> None:
        self.session = session
        self.account_id = account_id
        self.mode = mode
        self.on_error = on_error
        self.write = write
        self.progress = progress
        self.counts = Counts()
        self.changed = False
        self._checker = RowChecker(
            resolved,
            clear_empty=clear_empty,
            stock_only=mode is ImportMode.STOCK,
            decimal_mark=decimal_mark,
        )
        self._seen = SeenSkus()
        self._keys = {
            "prices": [c.ref for c in resolved.of(TargetKind.PRICE)],
            "stock": [c.ref for c in resolved.of(TargetKind.STOCK)],
            "custom": [c.ref for c in resolved.of(TargetKind.CUSTOM)],
        }
        self._images_mapped = any(c.target.name == "images" for c in resolved.columns)
        self._sku_header = next(
            (c.header for c in resolved.columns if c.target.name == "sku"), "sku"
        )

    @property
    def writing(self) -> bool:
        return self.write and (self.on_error is OnError.SKIP or self.counts.error_count == 0)

    def run(self, rows: Iterable[SheetRow]) -> Counts:
        if self.write:
            catalog_repo.lock_account(self.session, self.account_id)
        batch: list[ImportRow] = []
        for row in rows:
            self.counts.rows_done += 1
            checked = self._checker.check(row)
            if isinstance(checked, list):
                self._reject(checked)
                continue
            first = self._seen.first(checked.sku, row.number)
            if first != row.number:
                self._reject(
                    [
                        RowError(
                            row.number,
                            self._sku_header,
                            checked.sku,
                            f"duplicate sku, also in row {first}; each sku may appear once",
                        )
                    ]
                )
                continue
            batch.append(checked)
            if len(batch) >= BATCH_ROWS:
                self._batch(batch)
                batch = []
        if batch:
            self._batch(batch)
        return self.counts

    def _reject(self, errors: list[RowError]) -> None:
        for error in errors:
            self.counts.add_error(error)
        self.counts.skipped += 1

    def _batch(self, batch: list[ImportRow]) -> None:
        stored = repo.stored_products(self.session, self.account_id, [r.sku for r in batch])
        ids = [product.id for product in stored.values()]
        images = repo.stored_images(self.session, ids) if self._images_mapped and ids else {}
        values = {
            table: repo.stored_values(self.session, table, ids, keys) if ids else {}
            for table, keys in self._keys.items()
        }
        writes = _Writes()
        for row in batch:
            product = stored.get(row.sku)
            if product is None:
                self._new(row, writes)
            elif _compare(row, product, images, values, writes):
                self.counts.updated += 1
            else:
                self.counts.unchanged += 1
        if self.writing and (writes.new or writes.columns or writes.images or _any(writes)):
            self._write(writes, {sku: p.id for sku, p in stored.items()})
        if self.progress is not None:
            self.progress(self.counts)

    def _new(self, row: ImportRow, writes: _Writes) -> None:
        if self.mode is not ImportMode.UPSERT:
            self.counts.skipped += 1
            return
        if not row.fields.get("name"):
            self._reject(
                [
                    RowError(
                        row.number,
                        "name",
                        "",
                        "a new product needs a name; map a name column and fill it in",
                    )
                ]
            )
            return
        self.counts.created += 1
        writes.new.append(row)

    def _write(self, writes: _Writes, ids: dict[str, int]) -> None:
        session, account_id = self.session, self.account_id
        if not self.changed:
            catalog_repo.bump_catalog_version(session, account_id)
            self.changed = True
        paths = [p for p in writes.categories.values() if p] + [
            r.fields["category"] for r in writes.new if r.fields.get("category")
        ]
        category_ids = ensure_categories(session, account_id, paths) if paths else {}
        now = utcnow()
        new_rows = [
            {
                **{name: row.fields.get(name) for name in _PRODUCT_COLUMNS},
                "category_id": category_ids[row.fields["category"]]
                if row.fields.get("category")
                else None,
                "account_id": account_id,
                "sku": row.sku,
                "created_at": now,
                "updated_at": now,
            }
            for row in writes.new
        ]
        ids.update(catalog_repo.insert_products(session, new_rows))
        for columns in writes.columns:
            if "category_id" in columns:
                path = writes.categories[columns["id"]]
                columns["category_id"] = category_ids[path] if path else None
            columns["updated_at"] = now
        catalog_repo.update_products(session, writes.columns)
        for row in writes.new:
            _new_values(row, ids[row.sku], writes)
        self._write_images(writes)
        self._write_values(writes)

    def _write_images(self, writes: _Writes) -> None:
        catalog_repo.delete_images(self.session, list(writes.images))
        catalog_repo.insert_images(
            self.session,
            [
                {"account_id": self.account_id, "product_id": pid, "position": i, "url": url}
                for pid, urls in writes.images.items()
                for i, url in enumerate(urls)
            ],
        )

    def _write_values(self, writes: _Writes) -> None:
        session = self.session
        tables = {"prices": "prices", "stock": "stock_levels", "custom": "custom_field_values"}
        for kind, table in tables.items():
            repo.upsert_keyed(session, table, self.account_id, writes.upserts[kind])
            by_key: dict[int, list[int]] = {}
            for pid, key in writes.deletes[kind]:
                by_key.setdefault(key, []).append(pid)
            for key, product_ids in by_key.items():
                _DELETES[kind](session, product_ids, key)


_DELETES: dict[str, Callable[[Session, list[int], int], None]] = {
    "prices": catalog_repo.delete_prices,
    "stock": repo.delete_stock,
    "custom": catalog_repo.delete_custom_values,
}


def _any(writes: _Writes) -> bool:
    return any(writes.upserts.values()) or any(writes.deletes.values())


def _new_values(row: ImportRow, product_id: int, writes: _Writes) -> None:
    if row.images:
        writes.images[product_id] = row.images
    for table, given in (("prices", row.prices), ("stock", row.stock), ("custom", row.custom)):
        for key, value in given.items():
            if value is not None:
                writes.upserts[table].append((product_id, key, value))


def _compare(
    row: ImportRow,
    product: repo.StoredProduct,
    images: dict[int, list[str]],
    values: dict[str, dict[tuple[int, int], Any]],
    writes: _Writes,
) -> bool:
    """Queue the differences of ``row`` from the stored product; whether there are any."""
    pid = product.id
    columns: dict[str, Any] = {}
    for name, value in row.fields.items():
        if name == "category":
            path = " > ".join(value) if value else None
            if path != product.category:
                columns["category_id"] = None
                writes.categories[pid] = value
        elif name == "name" and value is None:
            continue
        elif getattr(product, name) != value:
            columns[name] = value
    changed = bool(columns)
    if columns:
        writes.columns.append({"id": pid, **columns})
    if row.images is not None and row.images != images.get(pid, []):
        writes.images[pid] = row.images
        changed = True
    for table, given in (("prices", row.prices), ("stock", row.stock), ("custom", row.custom)):
        stored = values[table]
        for key, value in given.items():
            old = stored.get((pid, key))
            if value is None:
                if old is not None:
                    writes.deletes[table].append((pid, key))
                    changed = True
            elif old is None or old != value:
                writes.upserts[table].append((pid, key, value))
                changed = True
    return changed
