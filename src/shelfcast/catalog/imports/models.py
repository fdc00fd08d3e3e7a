"""The import jobs of a merchant's spreadsheets, and the mappings they confirmed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shelfcast.db.base import Base, utcnow


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    VALIDATED = "validated"  # a dry run finished: counts and errors, nothing changed
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (ImportStatus.VALIDATED, ImportStatus.SUCCEEDED, ImportStatus.FAILED)


class ImportMode(StrEnum):
    UPSERT = "upsert"  # create new products, update existing ones (matched by sku)
    UPDATE = "update"  # update existing products only; other rows are skipped
    STOCK = "stock"  # stock and prices of existing products only


class OnError(StrEnum):
    REJECT = "reject"  # any bad row: nothing changes
    SKIP = "skip"  # import the valid rows, report the others


def _enum(enum: type[StrEnum]) -> Enum:
    # Stored as its values in a VARCHAR: no native type to migrate when a value is added.
    return Enum(
        enum,
        native_enum=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Import(Base):
    """One uploaded file and what became of it. ``errors`` keeps the first
    ``MAX_STORED_ERRORS`` problems (``{row, column, value, message}``);
    ``error_count`` counts them all."""

    __tablename__ = "imports"
    __table_args__ = (Index("ix_imports_account_id_id", "account_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status: Mapped[ImportStatus] = mapped_column(_enum(ImportStatus))
    mode: Mapped[ImportMode] = mapped_column(_enum(ImportMode))
    on_error: Mapped[OnError] = mapped_column(_enum(OnError))
    dry_run: Mapped[bool] = mapped_column(Boolean)
    clear_empty: Mapped[bool] = mapped_column(Boolean)
    file_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(100))
    # What was read: format, encoding, separator, sheet, header row, headers.
    reading: Mapped[dict[str, Any]] = mapped_column(JSON)
    mapping: Mapped[dict[str, str]] = mapped_column(JSON)
    rows_total: Mapped[int | None]
    rows_done: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    error_count: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class ImportMapping(Base):
    """The mapping a merchant confirmed for a set of headers, proposed again
    for the next file with the same headers."""

    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("account_id", "signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    signature: Mapped[str] = mapped_column(String(64))
    mapping: Mapped[dict[str, str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
