"""The feed file form: what was typed, the API's shapes built from it, and the
errors of those shapes put back next to the controls they concern."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from shelfcast.errors import N_, FieldError
from shelfcast.feeds.schemas import ColumnRead, FeedRead, PresetRead, SampleProposal
from shelfcast.render.spec import (
    ColumnSource,
    CsvEncoding,
    CsvSeparator,
    DecimalSeparator,
    FileType,
    LineBreaks,
)
from shelfcast.web.i18n import gettext
from shelfcast.web.i18n.formatting import decimal_input

# Every control of the form, by the name the feed schemas give it (English: the
# messages are put together in English, then translated as a whole, see _sentence).
LABELS = {
    "store_name": N_("Online store name"),
    "store_url": N_("Online store URL"),
    "warehouse_ids": N_("Warehouses"),
    "file_type": N_("File type"),
    "csv_separator": N_("Separator"),
    "file_name": N_("File name"),
    "sheet_name": N_("Sheet name"),
    "header_row": N_("Header row number"),
    "include_zero_stock": N_("Upload products with zero stock"),
    "enabled": N_("File upload enabled"),
    "encoding": N_("Encoding"),
    "decimal_separator": N_("Decimal mark"),
    "line_breaks": N_("Line breaks in values"),
    "formula_protection": N_("Protect against spreadsheet formulas"),
    "stock_buffer": N_("Stock buffer"),
    "stock_max": N_("Maximum quantity"),
    "round_quantities_down": N_("Round quantities down"),
    "negative_stock_as_zero": N_("Count negative stock as 0"),
    "availability_labels": N_("Availability labels"),
    "columns": N_("Field mapping"),
    "header": N_("Column header"),
    "source": N_("Type"),
    "field": N_("Product field"),
    "price_type_id": N_("Price type"),
    "value": N_("Custom value"),
    "preset": N_("Marketplace preset"),
    "publish_guard_percent": N_("Hold a build that drops by more than"),
}
SOURCE_SETTING = {
    ColumnSource.PRODUCT_FIELD: "field",
    ColumnSource.PRICE: "price_type_id",
    ColumnSource.CUSTOM_VALUE: "value",
}
# Where a problem with no control of its own is shown.
FORM = "form"
# Excel's own first sheet name: file content, the same whatever the UI's language.
DEFAULT_SHEET_NAME = "Sheet1"


@dataclass
class ColumnState:
    header: str = ""
    source: str = ColumnSource.PRODUCT_FIELD.value
    field: str = ""
    price_type_id: str = ""
    value: str = ""


@dataclass
class FeedFormState:
    """The form as typed: strings, so a bad value is shown back as it was."""

    store_name: str = ""
    store_url: str = ""
    warehouse_ids: list[str] = field(default_factory=list)
    file_type: str = FileType.CSV.value
    csv_separator: str = CsvSeparator.COMMA.value
    file_name: str = ""
    sheet_name: str = DEFAULT_SHEET_NAME
    header_row: str = "1"
    include_zero_stock: bool = False
    enabled: bool = True
    columns: list[ColumnState] = field(default_factory=list)
    options: OptionsState = field(default_factory=lambda: OptionsState())
    preset: str = ""
    publish_guard_percent: str = "50"

    @classmethod
    def from_form(cls, form: FormData) -> FeedFormState:
        def text(name: str, default: str = "") -> str:
            value = form.get(name)
            return value if isinstance(value, str) else default

        def texts(name: str) -> list[str]:
            return [v if isinstance(v, str) else "" for v in form.getlist(name)]

        headers = texts("col_header")
        sources = texts("col_source")
        fields = texts("col_field")
        prices = texts("col_price_type_id")
        values = texts("col_value")
        count = max(len(headers), len(sources))

        def at(items: list[str], i: int) -> str:
            return items[i] if i < len(items) else ""

        return cls(
            store_name=text("store_name"),
            store_url=text("store_url"),
            warehouse_ids=texts("warehouse_ids"),
            file_type=text("file_type", FileType.CSV.value),
            csv_separator=text("csv_separator", CsvSeparator.COMMA.value),
            file_name=text("file_name"),
            sheet_name=text("sheet_name"),
            header_row=text("header_row"),
            include_zero_stock=text("include_zero_stock") == "on",
            enabled=text("enabled") == "on",
            options=OptionsState(
                encoding=text("encoding", CsvEncoding.UTF_8.value),
                decimal_separator=text("decimal_separator", DecimalSeparator.POINT.value),
                line_breaks=text("line_breaks", LineBreaks.KEEP.value),
                formula_protection=text("formula_protection") == "on",
                stock_buffer=text("stock_buffer"),
                stock_max=text("stock_max"),
                round_quantities_down=text("round_quantities_down") == "on",
                negative_stock_as_zero=text("negative_stock_as_zero") == "on",
                in_stock=text("in_stock", "in stock"),
                out_of_stock=text("out_of_stock", "out of stock"),
            ),
            preset=text("preset"),
            publish_guard_percent=text("publish_guard_percent", "50"),
            columns=[
                ColumnState(
                    header=at(headers, i),
                    source=at(sources, i),
                    field=at(fields, i),
                    price_type_id=at(prices, i),
                    value=at(values, i),
                )
                for i in range(count)
            ],
        )

    @classmethod
    def from_feed(cls, feed: FeedRead) -> FeedFormState:
        return cls(
            store_name=feed.store_name,
            store_url=feed.store_url,
            warehouse_ids=[str(i) for i in feed.warehouse_ids],
            file_type=feed.file_type.value,
            csv_separator=feed.csv_separator.value,
            file_name=feed.file_name,
            sheet_name=feed.sheet_name,
            header_row=str(feed.header_row),
            include_zero_stock=feed.include_zero_stock,
            enabled=feed.enabled,
            options=OptionsState(
                encoding=feed.encoding.value,
                decimal_separator=feed.decimal_separator.value,
                line_breaks=feed.line_breaks.value,
                formula_protection=feed.formula_protection,
                stock_buffer=feed.stock_buffer or "",
                stock_max=feed.stock_max or "",
                round_quantities_down=feed.round_quantities_down,
                negative_stock_as_zero=feed.negative_stock_as_zero,
                in_stock=feed.availability_labels.in_stock,
                out_of_stock=feed.availability_labels.out_of_stock,
            ),
            preset=feed.preset or "",
            publish_guard_percent=str(feed.publish_guard_percent),
            columns=[_column_state(c) for c in feed.columns],
        )

    @classmethod
    def from_preset(cls, preset: PresetRead | SampleProposal) -> FeedFormState:
        """The form filled in from a marketplace preset (or a sample file's proposal)."""
        return cls(
            store_name=preset.store_name,
            store_url=preset.store_url,
            warehouse_ids=[str(i) for i in preset.warehouse_ids],
            file_type=preset.file_type.value,
            csv_separator=(preset.csv_separator or CsvSeparator.COMMA).value,
            file_name=preset.file_name,
            sheet_name=preset.sheet_name or DEFAULT_SHEET_NAME,
            header_row=str(preset.header_row),
            include_zero_stock=preset.include_zero_stock,
            enabled=preset.enabled,
            options=OptionsState(
                encoding=preset.encoding.value,
                decimal_separator=preset.decimal_separator.value,
                line_breaks=preset.line_breaks.value,
                formula_protection=preset.formula_protection,
                round_quantities_down=preset.round_quantities_down,
                negative_stock_as_zero=preset.negative_stock_as_zero,
                in_stock=preset.availability_labels.in_stock,
                out_of_stock=preset.availability_labels.out_of_stock,
            ),
            preset=(preset.preset or "") if isinstance(preset, PresetRead) else "",
            columns=[_column_state(c) for c in preset.columns],
        )

    @property
    def is_csv(self) -> bool:
        return self.file_type == FileType.CSV.value

    @property
    def sheet_tab(self) -> str:
        """The sheet name the preview shows under the grid."""
        return self.sheet_name or DEFAULT_SHEET_NAME

    def payload(self) -> dict[str, Any]:
        """The body for ``FeedCreate``/``FeedUpdate``: the separator for CSV files
        only, the sheet name for Excel files only, as the API expects them."""
        body: dict[str, Any] = {
            "store_name": self.store_name,
            "store_url": self.store_url,
            "warehouse_ids": self.warehouse_ids,
            "file_type": self.file_type,
            "file_name": self.file_name,
            "header_row": self.header_row.strip(),
            "include_zero_stock": self.include_zero_stock,
            "enabled": self.enabled,
            "columns": [_column_payload(c) for c in self.columns],
            **self.options.payload(),
            "preset": self.preset or None,
            "publish_guard_percent": self.publish_guard_percent.strip(),
        }
        if self.is_csv:
            body["csv_separator"] = self.csv_separator
        else:
            body["sheet_name"] = self.sheet_name
        return body


@dataclass
class OptionsState:
    """The file format and stock options as typed (stored for Excel files too,
    where the CSV ones do nothing: switching the type back keeps them)."""

    encoding: str = CsvEncoding.UTF_8.value
    decimal_separator: str = DecimalSeparator.POINT.value
    line_breaks: str = LineBreaks.KEEP.value
    formula_protection: bool = False
    stock_buffer: str = ""
    stock_max: str = ""
    round_quantities_down: bool = False
    negative_stock_as_zero: bool = False
    in_stock: str = "in stock"
    out_of_stock: str = "out of stock"

    def payload(self) -> dict[str, Any]:
        return {
            "encoding": self.encoding,
            "decimal_separator": self.decimal_separator,
            "line_breaks": self.line_breaks,
            "formula_protection": self.formula_protection,
            # An empty box is no buffer (or cap); a decimal comma is read as a point.
            "stock_buffer": decimal_input(self.stock_buffer) or None,
            "stock_max": decimal_input(self.stock_max) or None,
            "round_quantities_down": self.round_quantities_down,
            "negative_stock_as_zero": self.negative_stock_as_zero,
            "availability_labels": {"in_stock": self.in_stock, "out_of_stock": self.out_of_stock},
        }


def _column_state(column: ColumnRead) -> ColumnState:
    return ColumnState(
        header=column.header,
        source=column.source.value,
        field=column.field or "",
        price_type_id=str(column.price_type_id) if column.price_type_id is not None else "",
        value=column.value or "",
    )


def _column_payload(column: ColumnState) -> dict[str, Any]:
    body: dict[str, Any] = {"header": column.header, "source": column.source}
    try:
        setting = SOURCE_SETTING[ColumnSource(column.source)]
    except ValueError:
        return body  # the schema names the bad type
    raw = getattr(column, setting)
    if setting == "value":
        body[setting] = raw
    elif raw.strip():
        body[setting] = raw.strip()
    return body


# A message in English (a msgid of the catalogs) and the values of its placeholders.
Problem = tuple[str, dict[str, Any]]


@dataclass
class FormErrors:
    """Messages by control: ``store_url``, ``columns`` (the list), ``columns.2``
    (a column row) with the row's bad control in ``column_controls``; translated
    into the page's language as they are added."""

    messages: dict[str, list[str]] = field(default_factory=dict)
    column_controls: set[tuple[int, str]] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.messages)

    def add(
        self, loc: Sequence[str | int], message: str, values: dict[str, Any] | None = None
    ) -> None:
        if len(loc) == 2 and loc[0] == "columns" and message in _COLUMN_NEEDS.values():
            setting = next(k for k, v in _COLUMN_NEEDS.items() if v == message)
            loc = (*loc, setting)
        key, text = _place(loc, message, values or {})
        if len(loc) >= 3 and loc[0] == "columns" and isinstance(loc[1], int):
            self.column_controls.add((loc[1], str(loc[2])))
        self.messages.setdefault(key, [])
        if text not in self.messages[key]:
            self.messages[key].append(text)

    def get(self, key: str) -> list[str]:
        return self.messages.get(key, [])

    def column_has(self, row: int, control: str) -> bool:
        return (row, control) in self.column_controls

    def all(self) -> list[str]:
        return [m for messages in self.messages.values() for m in messages]

    def all_naming_columns(self, columns: Sequence[ColumnState]) -> list[str]:
        """Every message, those of a column row led by the column they concern
        (``Column 3 “Price”: ...``): the preview lists them away from the rows."""
        found: list[str] = []
        for key, messages in self.messages.items():
            name, _, index_text = key.partition(".")
            if name == "columns" and index_text.isdigit():
                index = int(index_text)
                header = columns[index].header.strip() if index < len(columns) else ""
                lead = f"Column {index + 1} “{header}”" if header else f"Column {index + 1}"
                found.extend(f"{lead}: {m[:1].lower()}{m[1:]}" for m in messages)
            else:
                found.extend(messages)
        return found

    @classmethod
    def of_validation(cls, error: ValidationError) -> FormErrors:
        errors = cls()
        for item in error.errors():
            errors.add(item["loc"], *_pydantic_message(item))
        return errors

    @classmethod
    def of_fields(cls, items: Iterable[FieldError]) -> FormErrors:
        errors = cls()
        for item in items:
            errors.add(item.loc, item.message)
        return errors


def _place(loc: Sequence[str | int], message: str, values: dict[str, Any]) -> tuple[str, str]:
    """The control a problem belongs to, and the sentence shown next to it."""
    if not loc or loc[0] not in LABELS:
        return FORM, _sentence(None, message, values)
    name = str(loc[0])
    if name == "columns" and len(loc) >= 2 and isinstance(loc[1], int):
        control = str(loc[2]) if len(loc) >= 3 else None
        label = LABELS.get(control) if control else None
        return f"columns.{loc[1]}", _sentence(label, message, values)
    return name, _sentence(LABELS[name], message, values)


def _sentence(label: str | None, message: str, values: dict[str, Any]) -> str:
    """The label and the problem in the page's language. English reads "File name
    must be ..."; the catalogs decide how other languages join the two
    (``%(label)s %(problem)s``); a message the catalogs lack stays in English."""
    message = message.strip().removeprefix("Value error, ")
    problem = gettext(message, **values) if values else gettext(message)
    if label is not None and message.startswith(_PREDICATES):
        return gettext("%(label)s %(problem)s", label=gettext(label), problem=problem)
    if label is not None and message[:1].isupper():
        return gettext("%(label)s: %(problem)s", label=gettext(label), problem=problem)
    return problem[:1].upper() + problem[1:]


# Messages that read as the end of a sentence whose subject is the control's label.
_PREDICATES = ("must ", "is ", "may ", "lists ", "applies ", "does ", "cannot ")


def _pydantic_message(item: Any) -> Problem:
    """Plain words for the schema errors a form can produce."""
    kind = item["type"]
    ctx = item.get("ctx") or {}
    loc = item["loc"]
    if kind == "int_parsing":
        return N_("must be a whole number"), {}
    if kind == "greater_than_equal":
        return N_("must be %(min)s or more"), {"min": ctx.get("ge")}
    if kind in ("decimal_parsing", "decimal_type"):
        return N_("must be a number, e.g. 2 or 0.5"), {}
    if kind == "decimal_max_places":
        return N_("may have at most 4 decimal places"), {}
    if kind == "less_than_equal":
        return N_("must be at most %(max)s"), {"max": ctx.get("le")}
    if kind == "string_too_long":
        return N_("must be at most %(max)s characters"), {"max": ctx.get("max_length")}
    if kind == "too_short" and loc and loc[0] == "warehouse_ids":
        return N_("choose at least one warehouse whose stock the file shows"), {}
    if kind == "too_short" and loc and loc[0] == "columns":
        return N_("add at least one column with + Column"), {}
    if kind == "too_long" and loc and loc[0] == "columns":
        return N_("may hold at most %(max)s columns"), {"max": ctx.get("max_length")}
    if kind == "enum" and loc and loc[-1] == "source":
        return N_("must be Product field, Price or Custom value"), {}
    if kind == "enum":
        return N_("must be one of: %(allowed)s"), {"allowed": ctx.get("expected", "")}
    if kind == "missing":
        return N_("is required"), {}
    message = str(item["msg"])
    if len(loc) == 2 and loc[0] == "columns" and "needs" in message:
        for setting, words in _COLUMN_NEEDS.items():
            if f"needs '{setting}'" in message:
                return words, {}
    return message, {}


_COLUMN_NEEDS = {
    "field": N_("choose the product field the column shows"),
    "price_type_id": N_("choose the price the column shows"),
    "value": N_("type the value the column shows"),
}
