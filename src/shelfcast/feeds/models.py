"""The custom integration: one per account, holding the feed files (SPEC section 2)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from shelfcast.db.base import Base, utcnow
from shelfcast.db.types import FixedDecimal


class Integration(Base):
    __tablename__ = "integrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), unique=True
    )
    # Off for a new account: ticking it is the merchant's last step (the article).
    enabled: Mapped[bool] = mapped_column(default=False)


class FeedFile(Base):
    __tablename__ = "feed_files"
    __table_args__ = (
        Index("ix_feed_files_account_id", "account_id"),
        CheckConstraint("file_type IN ('csv', 'xlsx', 'xls')", name="file_type_known"),
        CheckConstraint(
            "csv_separator IN ('comma', 'semicolon', 'pipe', 'tab')", name="separator_known"
        ),
        CheckConstraint("header_row >= 1", name="header_row_positive"),
        CheckConstraint("length(file_name) > 0", name="file_name_not_empty"),
        CheckConstraint("length(sheet_name) BETWEEN 1 AND 31", name="sheet_name_length"),
        CheckConstraint(
            "encoding IN ('utf-8', 'utf-8-sig', 'cp1251', 'cp1252')", name="encoding_known"
        ),
        CheckConstraint("decimal_separator IN ('point', 'comma')", name="decimal_separator_known"),
        CheckConstraint("line_breaks IN ('keep', 'space')", name="line_breaks_known"),
        CheckConstraint("stock_buffer IS NULL OR stock_buffer >= 0", name="stock_buffer_positive"),
        CheckConstraint("stock_max IS NULL OR stock_max >= 0", name="stock_max_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    store_name: Mapped[str] = mapped_column(String(200))
    store_url: Mapped[str] = mapped_column(String(2000))
    file_type: Mapped[str] = mapped_column(String(10))
    csv_separator: Mapped[str] = mapped_column(String(10), default="comma")
    file_name: Mapped[str] = mapped_column(String(200))
    sheet_name: Mapped[str] = mapped_column(String(31), default="Sheet1")
    header_row: Mapped[int] = mapped_column(default=1)
    include_zero_stock: Mapped[bool] = mapped_column(default=False)
    enabled: Mapped[bool] = mapped_column(default=True)
    # Output options and stock shaping (render.FeedSpec, render.StockRules); the
    # server defaults give files made before them today's bytes.
    encoding: Mapped[str] = mapped_column(String(10), default="utf-8", server_default="utf-8")
    decimal_separator: Mapped[str] = mapped_column(
        String(10), default="point", server_default="point"
    )
    line_breaks: Mapped[str] = mapped_column(String(10), default="keep", server_default="keep")
    formula_protection: Mapped[bool] = mapped_column(default=False, server_default=false())
    stock_buffer: Mapped[Decimal | None] = mapped_column(FixedDecimal, default=None)
    stock_max: Mapped[Decimal | None] = mapped_column(FixedDecimal, default=None)
    round_quantities_down: Mapped[bool] = mapped_column(default=False, server_default=false())
    negative_stock_as_zero: Mapped[bool] = mapped_column(default=False, server_default=false())
    availability_in_stock: Mapped[str] = mapped_column(
        String(100), default="in stock", server_default="in stock"
    )
    availability_out_of_stock: Mapped[str] = mapped_column(
        String(100), default="out of stock", server_default="out of stock"
    )
    # The marketplace preset the file started from (feeds/presets.py): its required
    # columns are what the validation report checks.
    preset: Mapped[str | None] = mapped_column(String(50), default=None)
    # A build whose row count drops by more than this share of the published file's
    # is held, not published (0 turns the guard off).
    publish_guard_percent: Mapped[int] = mapped_column(default=50, server_default="50")
    # Bumped with every change of the file's own settings, columns or warehouses.
    settings_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FeedWarehouse(Base):
    """A warehouse whose stock a feed sums."""

    __tablename__ = "feed_warehouses"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("feed_files.id", ondelete="CASCADE"), primary_key=True
    )
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))


class FeedColumn(Base):
    __tablename__ = "feed_columns"
    __table_args__ = (
        UniqueConstraint("feed_id", "position"),
        CheckConstraint(
            "source IN ('product_field', 'price', 'custom_value')", name="source_known"
        ),
        CheckConstraint(
            "(source = 'product_field' AND field IS NOT NULL)"
            " OR (source = 'price' AND price_type_id IS NOT NULL)"
            " OR (source = 'custom_value' AND value IS NOT NULL)",
            name="source_has_its_setting",
        ),
        Index("ix_feed_columns_price_type_id", "price_type_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_files.id", ondelete="CASCADE"))
    position: Mapped[int]
    header: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20))
    field: Mapped[str | None] = mapped_column(String(100))
    price_type_id: Mapped[int | None] = mapped_column(ForeignKey("price_types.id"))
    value: Mapped[str | None] = mapped_column(Text)


class FeedLink(Base):
    """A link token of a feed file.

    The token is looked up by its SHA-256 (``token_hash``); the token itself is
    kept so the merchant can copy the link again at any time. A rotated link
    gets ``expires_at`` (now, or later for a grace period).
    """

    __tablename__ = "feed_links"
    __table_args__ = (Index("ix_feed_links_feed_id", "feed_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_files.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)


class RetiredFileName(Base):
    """A file's former name (``stock.csv``) that its links still answer to until
    ``expires_at``: a rename or a change of type must not break a marketplace
    before the merchant has pasted the new address (the grace period they chose)."""

    __tablename__ = "feed_retired_names"
    __table_args__ = (UniqueConstraint("feed_id", "file_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    feed_id: Mapped[int] = mapped_column(ForeignKey("feed_files.id", ondelete="CASCADE"))
    file_name: Mapped[str] = mapped_column(String(210))
    expires_at: Mapped[datetime]
