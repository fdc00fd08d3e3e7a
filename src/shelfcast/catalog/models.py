"""The inventory feeds are made from (SPEC section 1)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shelfcast.db.base import Base, utcnow
from shelfcast.db.types import FixedDecimal


class CustomFieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    CHOICE = "choice"


class Warehouse(Base):
    __tablename__ = "warehouses"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))


class Category(Base):
    """A node of the account's category tree.

    ``path`` (names root first, joined with `` > ``) is kept beside the tree so
    the feed query reads a product's full path without a recursive query.
    """

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("account_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(Text)


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("account_id", "sku"),
        CheckConstraint("length(sku) > 0", name="sku_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(Text)
    barcode: Mapped[str | None] = mapped_column(String(64))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    brand: Mapped[str | None] = mapped_column(String(200))
    unit: Mapped[str | None] = mapped_column(String(50))
    weight: Mapped[Decimal | None] = mapped_column(FixedDecimal())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProductImage(Base):
    __tablename__ = "product_images"
    __table_args__ = (
        UniqueConstraint("product_id", "position"),
        CheckConstraint("position >= 0", name="position_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    position: Mapped[int]
    url: Mapped[str] = mapped_column(Text)


class CustomField(Base):
    __tablename__ = "custom_fields"
    __table_args__ = (
        UniqueConstraint("account_id", "key"),
        CheckConstraint(
            "type IN ('text', 'number', 'boolean', 'date', 'choice')", name="type_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))


class CustomFieldValue(Base):
    """A product's value of a custom field, kept as text in a canonical form
    (numbers as plain decimals, booleans ``true``/``false``, dates ISO 8601)."""

    __tablename__ = "custom_field_values"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    custom_field_id: Mapped[int] = mapped_column(
        ForeignKey("custom_fields.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    value: Mapped[str] = mapped_column(Text)


class PriceType(Base):
    __tablename__ = "price_types"
    __table_args__ = (
        UniqueConstraint("account_id", "name"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))


class Price(Base):
    __tablename__ = "prices"
    __table_args__ = (
        Index("ix_prices_price_type_id", "price_type_id"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    price_type_id: Mapped[int] = mapped_column(
        ForeignKey("price_types.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    amount: Mapped[Decimal] = mapped_column(FixedDecimal())


class StockLevel(Base):
    """Quantity of a product in a warehouse; may be fractional or negative in the books."""

    __tablename__ = "stock_levels"
    __table_args__ = (Index("ix_stock_levels_warehouse_id", "warehouse_id"),)

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    warehouse_id: Mapped[int] = mapped_column(
        ForeignKey("warehouses.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    quantity: Mapped[Decimal] = mapped_column(FixedDecimal())


class StockAdjustment(Base):
    """One recorded change of a stock level, shown on the product page.

    ``delta`` is what an adjustment added (negative for a sale); ``None`` when
    the merchant typed a new quantity. ``quantity`` is the level after the
    change, as the atomic update answered it. ``actor`` says who: a user's
    email, or the API key's prefix (kept as text: the record outlives both).
    """

    __tablename__ = "stock_adjustments"
    __table_args__ = (Index("ix_stock_adjustments_product_id", "product_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"))
    delta: Mapped[Decimal | None] = mapped_column(FixedDecimal())
    quantity: Mapped[Decimal] = mapped_column(FixedDecimal())
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
