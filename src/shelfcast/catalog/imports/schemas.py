"""The API shapes of imports (add fields, never rename: clients read them)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shelfcast.catalog.imports.models import ImportMode, ImportStatus, OnError


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ImportRowError(_Schema):
    row: int = Field(description="The row number as the spreadsheet shows it")
    column: str = Field(description="The column's header")
    value: str = ""
    message: str


class ImportReading(_Schema):
    """How the file was read (detected, or as chosen)."""

    format: str
    encoding: str | None = None
    separator: str | None = None
    sheets: list[str] = []
    sheet: str | None = None
    header_row: int
    headers: list[str]


class MissingTargets(_Schema):
    """Names the mapping uses that the account lacks; create them, then import."""

    price_types: list[str] = []
    warehouses: list[str] = []
    custom_fields: list[str] = []


class ImportRead(_Schema):
    id: int
    status: ImportStatus
    mode: ImportMode
    on_error: OnError
    dry_run: bool
    clear_empty: bool
    file_name: str
    rows_total: int | None = Field(description="Data rows in the file; null until counted")
    rows_done: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    error_count: int = Field(description="All errors; `errors` lists the first 10,000")
    errors: list[ImportRowError]
    mapping: dict[str, str] = Field(description="{header: target} as used")
    reading: ImportReading
    message: str | None = Field(description="Why a failed import failed, in a sentence")
    rows_per_second: float | None = None
    seconds_left: float | None = None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportPreview(_Schema):
    """What the mapping screen shows before anything runs."""

    reading: ImportReading
    mapping: dict[str, str]
    remembered: bool = Field(description="The mapping was confirmed before for these headers")
    missing: MissingTargets
    rows: list[list[str]] = Field(description="The first data rows, as text")
