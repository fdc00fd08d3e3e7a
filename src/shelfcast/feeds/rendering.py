"""Rendering a feed: its plan (the renderer's spec and the rows query), its rows,
its preview, and the file itself, by the row path or the columnar one."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, BinaryIO, cast

from sqlalchemy.orm import Session

from shelfcast.catalog.models import CustomFieldType
from shelfcast.feeds import columnar_build
from shelfcast.feeds import repository as repo
from shelfcast.feeds.fields import ProductField, custom_key, warehouse_key
from shelfcast.feeds.models import FeedColumn, FeedFile
from shelfcast.feeds.schemas import ColumnIn, PreviewRead
from shelfcast.render import (
    RenderError,
    RenderResult,
    UnencodableText,
    csv_text,
    feed_cells,
    render_feed,
)
from shelfcast.render.spec import (
    AvailabilityLabels,
    CellFormat,
    Column,
    ColumnSource,
    CsvEncoding,
    CsvSeparator,
    DecimalSeparator,
    FeedSpec,
    FileType,
    LineBreaks,
    RawValue,
    StockRules,
)

# --- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedPlan:
    """What rendering one feed needs: the renderer's spec and the rows query."""

    spec: FeedSpec
    query: repo.RowsQuery
    datetime_positions: tuple[int, ...]


def plan_feed(session: Session, feed: FeedFile) -> FeedPlan:
    columns = repo.feed_columns(session, [feed.id])[feed.id]
    warehouse_ids = repo.feed_warehouse_ids(session, [feed.id])[feed.id]
    return plan_columns(session, feed, columns, warehouse_ids)


def plan_columns(
    session: Session,
    feed: FeedFile,
    columns: Sequence[FeedColumn | ColumnIn],
    warehouse_ids: Sequence[int],
) -> FeedPlan:
    """The plan of ``feed``'s settings with these columns and warehouses (``feed``
    may be unsaved: nothing but its settings is read from it)."""
    custom_types = repo.custom_field_types(session, feed.account_id)
    keys = [k for c in columns if c.field and (k := custom_key(c.field)) is not None]
    custom_ids = repo.custom_field_ids(session, feed.account_id, keys)
    spec_columns: list[Column] = []
    rows_columns: list[repo.RowsColumn] = []
    datetime_positions: list[int] = []
    for position, column in enumerate(columns):
        source = ColumnSource(column.source)
        cell_format = CellFormat.TEXT
        if source is ColumnSource.CUSTOM_VALUE:
            rows_columns.append(repo.RowsColumn(constant=column.value or ""))
        elif source is ColumnSource.PRICE:
            cell_format = CellFormat.PRICE
            rows_columns.append(repo.RowsColumn(price_type_id=column.price_type_id))
        else:
            assert column.field is not None
            key = custom_key(column.field)
            warehouse_id = warehouse_key(column.field)
            if warehouse_id is not None:
                cell_format = CellFormat.WAREHOUSE_QUANTITY
                rows_columns.append(repo.RowsColumn(warehouse_id=warehouse_id))
            elif key is not None:
                if custom_types.get(key) == CustomFieldType.NUMBER:
                    cell_format = CellFormat.NUMBER
                rows_columns.append(repo.RowsColumn(custom_field_id=custom_ids[key]))
            else:
                field = ProductField(column.field)
                cell_format = field.cell_format
                if field in (ProductField.CREATED_AT, ProductField.UPDATED_AT):
                    datetime_positions.append(position)
                rows_columns.append(repo.RowsColumn(field=field))
        spec_columns.append(
            Column(
                header=column.header,
                source=source,
                cell_format=cell_format,
                field=column.field,
                price_type_id=column.price_type_id,
                value=column.value,
            )
        )
    stock = StockRules(
        round_down=feed.round_quantities_down,
        buffer=feed.stock_buffer,
        cap=feed.stock_max,
    )
    spec = FeedSpec(
        file_type=FileType(feed.file_type),
        file_name=feed.file_name,
        columns=tuple(spec_columns),
        header_row=feed.header_row,
        csv_separator=CsvSeparator(feed.csv_separator),
        sheet_name=feed.sheet_name,
        encoding=CsvEncoding(feed.encoding),
        decimal_separator=DecimalSeparator(feed.decimal_separator),
        line_breaks=LineBreaks(feed.line_breaks),
        formula_protection=feed.formula_protection,
        stock=stock,
        availability_labels=AvailabilityLabels(
            in_stock=feed.availability_in_stock, out_of_stock=feed.availability_out_of_stock
        ),
    )
    query = repo.RowsQuery(
        account_id=feed.account_id,
        warehouse_ids=tuple(warehouse_ids),
        include_zero_stock=feed.include_zero_stock,
        columns=tuple(rows_columns),
        negative_stock_as_zero=feed.negative_stock_as_zero,
        listed_from=stock.listed_from(),
    )
    return FeedPlan(spec=spec, query=query, datetime_positions=tuple(datetime_positions))


def raw_rows(
    session: Session, plan: FeedPlan, limit: int | None = None
) -> Iterator[Sequence[RawValue]]:
    """The feed's rows as the renderer takes them (datetimes written as ISO 8601)."""
    rows = repo.feed_rows(session, plan.query, limit)
    if not plan.datetime_positions:
        return rows
    return _with_iso_datetimes(rows, plan.datetime_positions)


def _with_iso_datetimes(
    rows: Iterator[Sequence[Any]], positions: tuple[int, ...]
) -> Iterator[Sequence[RawValue]]:
    for row in rows:
        values = list(row)
        for position in positions:
            value = values[position]
            if isinstance(value, datetime):
                values[position] = value.isoformat(timespec="seconds")
        yield values


def preview(session: Session, feed: FeedFile, limit: int) -> PreviewRead:
    """The header and first ``limit`` rows, each cell as the file will hold it: CSV
    cells as the text written; Excel numeric cells as numbers, blank cells as null."""
    return preview_of(session, plan_feed(session, feed), limit)


def preview_of(session: Session, plan: FeedPlan, limit: int) -> PreviewRead:
    """The header and first ``limit`` rows of a planned feed (see :func:`preview`),
    and ``problems`` that would fail the build: a character the CSV file's
    encoding cannot hold, in any row (the whole feed is checked, not the rows shown)."""
    spec = plan.spec
    cells = feed_cells(
        spec.columns,
        raw_rows(session, plan, limit),
        stock=spec.stock,
        labels=spec.availability_labels,
    )
    rows: list[list[str | int | float | None]]
    if spec.file_type is FileType.CSV:
        text = csv_text(spec)
        rows = [[text(cell) for cell in row] for row in cells]
    else:
        rows = [[_excel_value(cell) for cell in row] for row in cells]
    problems = []
    problem = encoding_problem(session, plan)
    if problem is not None:
        problems.append(str(problem))
    return PreviewRead(header=[c.header for c in spec.columns], rows=rows, problems=problems)


def encoding_problem(session: Session, plan: FeedPlan) -> UnencodableText | None:
    """The first character the CSV file's encoding cannot hold, naming the product
    (its SKU) and column; None when there is none, or for UTF-8 and Excel files.

    Renders the whole file into nothing: the renderer is the one place that
    knows what the file holds (constants, labels, the formula prefix included).
    """
    spec = plan.spec
    if spec.file_type is not FileType.CSV or spec.encoding.holds_everything:
        return None
    try:
        render_feed(spec, raw_rows(session, plan), cast(BinaryIO, _Discard()))
    except UnencodableText as error:
        return product_named(session, plan, error)
    except RenderError:
        return None  # another problem: the build reports it
    return None


class _Discard(io.RawIOBase):
    """A binary sink that keeps nothing."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return len(data)


def product_named(session: Session, plan: FeedPlan, error: UnencodableText) -> UnencodableText:
    """``error`` naming the product of its data row by SKU (the header names none)."""
    if error.row is None:
        return error
    sku = repo.sku_at_row(session, plan.query, error.row)
    return error.of_product(sku) if sku is not None else error


def _excel_value(cell: str | Decimal) -> str | int | float | None:
    if isinstance(cell, Decimal):
        return int(cell) if cell == cell.to_integral_value() else float(cell)
    return cell if cell != "" else None


def render_feed_file(session: Session, feed: FeedFile, out: BinaryIO) -> RenderResult:
    """Write the feed's current file to ``out``, streaming rows from the database.

    CSV and XLSX files of large catalogs take the columnar path (Arrow batches
    from the database, formatted by Arrow compute; :mod:`shelfcast.feeds.columnar_build`)
    when every column is one it writes; everything else takes the row path.
    Both write the same bytes.
    """
    plan = plan_feed(session, feed)
    session.flush()  # pending writes count as the session's own (see columnar_database)
    source = columnar_build.columnar_database(session, plan.spec.file_type, plan.query)
    try:
        if source is not None:
            return columnar_build.render_columnar(source, plan.spec, plan.query, out)
        return render_feed(plan.spec, raw_rows(session, plan), out)
    except UnencodableText as error:
        # The build status shows this message: name the product the merchant can fix.
        raise product_named(session, plan, error) from None
