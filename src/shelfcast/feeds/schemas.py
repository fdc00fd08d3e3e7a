"""The API's shapes of the integration and its feed files (SPEC section 8).

Rules that need nothing but the input live here (pydantic validators); rules
that need the account's data (its warehouses, price types, custom fields, plan)
live in ``service.py``.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
    model_validator,
)

from shelfcast.errors import N_, shown
from shelfcast.feeds.presets import PRESETS, preset_columns, preset_options
from shelfcast.render import WRITERS
from shelfcast.render.spec import (
    ColumnSource,
    CsvEncoding,
    CsvSeparator,
    DecimalSeparator,
    FileType,
    LineBreaks,
)

FILE_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MAX_HEADER_ROW = 1000
MAX_COLUMNS = 1000
DEFAULT_GUARD_PERCENT = 50
GuardPercent = Annotated[
    int,
    Field(
        ge=0,
        le=100,
        description="Hold a build whose row count drops by more than this percentage "
        "against the published file (0 turns the guard off)",
    ),
]
# Control characters and lone surrogates: no name or address holds them (and
# PostgreSQL cannot store NUL). In a constant value, tabs and line breaks are content.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_CONTROL_IN_VALUE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_NO_CONTROL = N_("must not contain control characters such as tabs or line breaks")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


def check_store_url(value: str) -> str:
    value = value.strip()
    if _CONTROL.search(value):
        raise ValueError(_NO_CONTROL)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or re.search(r"\s", value):
        raise ValueError(
            N_("must be a valid http:// or https:// address, e.g. https://shop.example")
        )
    return value


def check_file_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError(N_("is required"))
    if "/" in value or "\\" in value or ".." in value:
        raise ValueError(N_("must be a plain file name, without folders or '..'"))
    if len(value) > 100:
        raise ValueError(N_("must be at most 100 characters"))
    if not FILE_NAME_PATTERN.match(value):
        raise ValueError(
            N_(
                "may contain only letters A-Z, digits, '.', '_' and '-', and must start "
                "with a letter or digit"
            )
        )
    return value


def check_sheet_name(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError(_NO_CONTROL)
    # The writers own the rules (Excel counts UTF-16 units): what validates, builds.
    for file_type in (FileType.XLSX, FileType.XLS):
        problem = WRITERS[file_type].sheet_name_problem(value)
        if problem is not None:
            raise ValueError(problem)
    return value


def strip_extension(file_name: str, file_type: FileType) -> str:
    """``stock.csv`` typed for a CSV file means ``stock``: the extension follows the type."""
    suffix = f".{file_type.value}"
    if file_name.lower().endswith(suffix) and len(file_name) > len(suffix):
        return file_name[: -len(suffix)]
    return file_name


class ColumnIn(_Strict):
    header: Annotated[str, Field(max_length=255)]
    source: ColumnSource
    field: str | None = None
    price_type_id: int | None = None
    value: Annotated[str | None, Field(max_length=32767)] = None

    @field_validator("header")
    @classmethod
    def _header_not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(N_("is required: the column header the store expects"))
        if _CONTROL.search(value):
            raise ValueError(_NO_CONTROL)
        return value

    @field_validator("value")
    @classmethod
    def _value_text(cls, value: str | None) -> str | None:
        if value is not None and _CONTROL_IN_VALUE.search(value):
            raise ValueError(
                N_("must not contain control characters (tabs and line breaks are allowed)")
            )
        if value is not None:
            # The feed may be (or become) an Excel file: its cell limit holds for all.
            for file_type in (FileType.XLSX, FileType.XLS):
                problem = WRITERS[file_type].text_problem(value)
                if problem is not None:
                    raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _source_setting(self) -> Self:
        needs = {
            ColumnSource.PRODUCT_FIELD: "field",
            ColumnSource.PRICE: "price_type_id",
            ColumnSource.CUSTOM_VALUE: "value",
        }
        needed = needs[self.source]
        if getattr(self, needed) is None:
            raise ValueError(f"a '{self.source.value}' column needs '{needed}'")
        for name in needs.values():
            if name != needed and getattr(self, name) is not None:
                raise ValueError(
                    f"'{name}' does not apply to a '{self.source.value}' column "
                    f"(it uses '{needed}')"
                )
        return self


class ColumnRead(_Strict):
    header: str
    source: ColumnSource
    field: str | None = None
    price_type_id: int | None = None
    value: str | None = None


# The worst case of one row: the fixed text of all columns (headers and constant
# values) adds up to at most this many characters (docs/design-decisions.md).
MAX_ROW_FIXED_CHARS = 1_000_000


def check_row_size(columns: list[ColumnIn]) -> list[ColumnIn]:
    fixed = sum(len(c.header) + len(c.value or "") for c in columns)
    if fixed > MAX_ROW_FIXED_CHARS:
        raise ValueError(
            f"the headers and constant values add up to {fixed:,} characters a row; "
            f"at most {MAX_ROW_FIXED_CHARS:,} are allowed"
        )
    return columns


Columns = Annotated[
    list[ColumnIn],
    Field(min_length=1, max_length=MAX_COLUMNS),
    AfterValidator(check_row_size),
]
WarehouseIds = Annotated[list[int], Field(min_length=1)]
# A stock buffer or cap: a quantity as stock levels hold them (four places at most).
StockAmount = Annotated[Decimal, Field(ge=0, le=10**9, decimal_places=4, allow_inf_nan=False)]
Label = Annotated[str, Field(min_length=1, max_length=100)]


class AvailabilityLabels(_Strict):
    """The texts of ``availability`` columns: the published quantity above 0 or not."""

    in_stock: Label = "in stock"
    out_of_stock: Label = "out of stock"

    @field_validator("in_stock", "out_of_stock")
    @classmethod
    def _label_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is required: the text the store expects")
        if _CONTROL.search(value):
            raise ValueError(_NO_CONTROL)
        return value


class _OutputOptions(_Strict):
    """Output options and stock shaping (all optional; the defaults are the files
    as they were before the options existed)."""

    encoding: CsvEncoding = Field(
        default=CsvEncoding.UTF_8,
        description="CSV only: utf-8, utf-8-sig (with a BOM, for Excel), cp1251 or cp1252",
    )
    decimal_separator: DecimalSeparator = Field(
        default=DecimalSeparator.POINT,
        description="CSV only: the decimal mark of numbers (Excel cells stay numeric)",
    )
    line_breaks: LineBreaks = Field(
        default=LineBreaks.KEEP,
        description="CSV only: keep (quoted, RFC 4180) or space (CR, LF, CRLF, tab -> one space)",
    )
    formula_protection: bool = Field(
        default=False,
        description="CSV only: prefix ' to text starting with = + - @, tab or CR",
    )
    stock_buffer: StockAmount | None = Field(
        default=None, description="Published quantity minus this, never below 0"
    )
    stock_max: StockAmount | None = Field(
        default=None, description="The published quantity is at most this"
    )
    round_quantities_down: bool = Field(
        default=False, description="Quantities as whole numbers, rounded down"
    )
    negative_stock_as_zero: bool = Field(
        default=False,
        description="A warehouse's negative stock counts as 0 in the sum instead of subtracting",
    )
    availability_labels: AvailabilityLabels = Field(default_factory=AvailabilityLabels)


# What a PATCH may set to null: the amounts (null removes the buffer or cap).
NULLABLE_IN_UPDATE = frozenset({"csv_separator", "preset", "stock_buffer", "stock_max"})


class _FeedRules(_Strict):
    """Validators shared by create and update (they run on the fields given)."""

    @field_validator("store_name", check_fields=False)
    @classmethod
    def _store_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError(N_("is required"))
        if _CONTROL.search(value):
            raise ValueError(_NO_CONTROL)
        return value

    @field_validator("store_url", check_fields=False)
    @classmethod
    def _store_url(cls, value: str) -> str:
        return check_store_url(value)

    @field_validator("file_name", check_fields=False)
    @classmethod
    def _file_name(cls, value: str) -> str:
        return check_file_name(value)

    @field_validator("sheet_name", check_fields=False)
    @classmethod
    def _sheet_name(cls, value: str | None) -> str | None:
        # null is "no sheet name" (a CSV feed, or a PATCH that leaves it as it is).
        return None if value is None else check_sheet_name(value)

    @field_validator("preset", check_fields=False)
    @classmethod
    def _known_preset(cls, value: str | None) -> str | None:
        if value is not None and value not in PRESETS:
            raise ValueError(
                f"unknown preset {shown(value)}; allowed: {', '.join(sorted(PRESETS))}"
            )
        return value

    @field_validator("warehouse_ids", check_fields=False)
    @classmethod
    def _distinct_warehouses(cls, value: list[int]) -> list[int]:
        if len(set(value)) != len(value):
            raise ValueError(N_("lists a warehouse twice"))
        return value


class FeedCreate(_FeedRules, _OutputOptions):
    store_name: Annotated[str, Field(max_length=200)]
    store_url: Annotated[str, Field(max_length=2000)]
    warehouse_ids: WarehouseIds
    file_type: FileType
    csv_separator: CsvSeparator | None = None
    file_name: str
    sheet_name: str | None = None
    header_row: Annotated[int, Field(ge=1, le=MAX_HEADER_ROW)] = 1
    include_zero_stock: StrictBool = False
    enabled: StrictBool = True
    columns: Columns
    preset: str | None = Field(
        default=None,
        description="A key of GET /feed-presets: settings left out are taken from it, "
        "and the validation report checks its required columns",
    )
    publish_guard_percent: GuardPercent = DEFAULT_GUARD_PERCENT

    @model_validator(mode="before")
    @classmethod
    def _from_preset(cls, data: Any) -> Any:
        """Settings the body leaves out come from its preset (price columns need the
        account's price type: take the columns from ``GET /feed-presets``)."""
        # A preset that is not a string (``{}``, a list) is left to the field's own check.
        if not isinstance(data, dict) or not isinstance(data.get("preset"), str):
            return data
        if data["preset"] not in PRESETS:
            return data
        preset = PRESETS[data["preset"]]
        filled = dict(data)
        defaults: dict[str, Any] = {
            "store_name": preset.marketplace,
            "store_url": preset.store_url,
            "file_type": preset.file_type.value,
            "file_name": preset.file_name,
            "header_row": preset.header_row,
        }
        file_type = filled.get("file_type", preset.file_type.value)
        if file_type == FileType.CSV.value and "csv_separator" not in filled:
            defaults["csv_separator"] = preset.csv_separator.value
        if file_type != FileType.CSV.value and "sheet_name" not in filled:
            defaults["sheet_name"] = preset.sheet_name
        for name, value in preset_options(preset).items():
            defaults.setdefault(name, value)
        if "columns" not in filled:
            if any(c.price for c in preset.columns):
                raise ValueError(
                    f"preset '{preset.key}' has price columns: send 'columns' "
                    "(GET /feed-presets lists them with this account's price types)"
                )
            defaults["columns"] = preset_columns(preset, None)
        return {**defaults, **filled}


class FeedUpdate(_FeedRules):
    """PATCH: only the fields given change; ``columns`` and ``warehouse_ids`` replace the lists."""

    store_name: Annotated[str, Field(max_length=200)] | None = None
    store_url: Annotated[str, Field(max_length=2000)] | None = None
    warehouse_ids: WarehouseIds | None = None
    file_type: FileType | None = None
    csv_separator: CsvSeparator | None = None
    file_name: str | None = None
    sheet_name: str | None = None
    header_row: Annotated[int, Field(ge=1, le=MAX_HEADER_ROW)] | None = None
    include_zero_stock: StrictBool | None = None
    enabled: StrictBool | None = None
    columns: Columns | None = None
    encoding: CsvEncoding | None = None
    decimal_separator: DecimalSeparator | None = None
    line_breaks: LineBreaks | None = None
    formula_protection: bool | None = None
    stock_buffer: StockAmount | None = None
    stock_max: StockAmount | None = None
    round_quantities_down: bool | None = None
    negative_stock_as_zero: bool | None = None
    availability_labels: AvailabilityLabels | None = None
    preset: str | None = None
    publish_guard_percent: GuardPercent | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = [
                key
                for key, value in data.items()
                if value is None and key not in NULLABLE_IN_UPDATE
            ]
            if nulls:
                raise ValueError(f"{', '.join(sorted(nulls))} cannot be null; leave it out instead")
        return data


class BuildRead(_Strict):
    """The last build, and the file the link serves (which a failed build leaves in place)."""

    status: str
    built_at: datetime | None = None
    seconds: float | None = None
    error: str | None = None
    published_at: datetime | None = None
    rows: int | None = None
    bytes: int | None = None
    held_at: datetime | None = Field(
        default=None, description="Set while the publish guard holds a build back"
    )
    held_rows: int | None = None
    held_reason: str | None = None


class FeedRead(_Strict):
    id: int
    store_name: str
    store_url: str
    warehouse_ids: list[int]
    file_type: FileType
    csv_separator: CsvSeparator
    file_name: str
    sheet_name: str
    header_row: int
    include_zero_stock: bool
    enabled: bool
    columns: list[ColumnRead]
    encoding: CsvEncoding
    decimal_separator: DecimalSeparator
    line_breaks: LineBreaks
    formula_protection: bool
    stock_buffer: str | None = Field(description='A decimal as a string, e.g. "2"')
    stock_max: str | None = Field(description='A decimal as a string, e.g. "100"')
    round_quantities_down: bool
    negative_stock_as_zero: bool
    availability_labels: AvailabilityLabels
    preset: str | None = None
    publish_guard_percent: int = DEFAULT_GUARD_PERCENT
    url: str
    status: str
    created_at: datetime
    updated_at: datetime
    build: BuildRead | None = Field(
        default=None, description="The last build of the file; null until the first one"
    )


class IntegrationRead(_Strict):
    enabled: bool


class IntegrationUpdate(_Strict):
    enabled: StrictBool  # 0, 1, "yes" are refused: a switch is true or false


class PreviewRead(_Strict):
    header: list[str]
    rows: list[list[str | int | float | None]]
    problems: list[str] = Field(
        default_factory=list,
        description="What would make the build fail, e.g. a character the encoding cannot hold",
    )


class PresetRead(_OutputOptions):
    """A marketplace preset: a feed body to start from (``POST /feeds`` takes it as it is,
    once the merchant has filled in what only they know), its output options included."""

    key: str
    marketplace: str
    source: str = Field(description="Where the column names and required columns come from")
    required_columns: list[str]
    preset: str | None = None
    store_name: str
    store_url: str
    warehouse_ids: list[int]
    file_type: FileType
    csv_separator: CsvSeparator | None = None
    file_name: str
    sheet_name: str | None = None
    header_row: int
    include_zero_stock: bool
    enabled: bool
    columns: list[ColumnRead]


class SampleDetected(_Strict):
    """What was read from a marketplace's sample file."""

    format: str = Field(description="csv, xlsx, xls or ods (ods files are proposed as xlsx)")
    encoding: str | None = Field(description="The text encoding of a CSV sample")
    separator: CsvSeparator | None
    decimal_separator: DecimalSeparator | None = Field(
        default=None, description="The decimal mark the sample's numbers show, if they show one"
    )
    sheet: str | None
    header_row: int
    headers: list[str]
    matched: int = Field(description="How many headers got a product field or price")


class SampleProposal(_OutputOptions):
    """A feed body proposed from a sample file (not saved): columns in the sample's order
    with its headers; unmatched headers are empty constants for the merchant to fill.
    ``encoding`` and ``decimal_separator`` are the sample's own where it shows them."""

    store_name: str
    store_url: str
    warehouse_ids: list[int]
    file_type: FileType
    csv_separator: CsvSeparator | None = None
    file_name: str
    sheet_name: str | None = None
    header_row: int
    include_zero_stock: bool
    enabled: bool
    columns: list[ColumnRead]
    detected: SampleDetected
