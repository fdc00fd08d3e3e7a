"""The validation report: what a marketplace would reject, found before it does.

For a file started from a preset: the preset's required columns are in the
file and filled in every row. For every file: the format's limits (read from
the writer in ``WRITERS``, which owns them: rows, columns, text per cell) and
prices that are missing. Each rule reports how many products break it and the
first few of them (by SKU, so the page can link to each product).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlalchemy.orm import Session

from shelfcast.feeds import repository as repo
from shelfcast.feeds.fields import ProductField
from shelfcast.feeds.models import FeedFile
from shelfcast.feeds.presets import PRESETS
from shelfcast.feeds.rendering import FeedPlan, plan_feed, raw_rows
from shelfcast.render import WRITERS, feed_cells
from shelfcast.render.spec import CellFormat, RawValue

EXAMPLES = 5


class Rule(StrEnum):
    REQUIRED_COLUMN = "required_column"
    REQUIRED_VALUE = "required_value"
    PRICE_MISSING = "price_missing"
    TOO_LONG = "too_long"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"


@dataclass
class Finding:
    """One rule's result: how many products (or columns) break it, and the first few."""

    rule: Rule
    message: str
    count: int = 0
    examples: list[tuple[str, str]] = field(default_factory=list)  # (sku, column header)

    def add(self, sku: str, header: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append((sku, header))


@dataclass
class ValidationReport:
    rows: int
    checked_all: bool  # False when only the first rows were read (the live form)
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return not self.findings


def validate_feed(session: Session, feed: FeedFile, limit: int | None = None) -> ValidationReport:
    return validate_plan(session, plan_feed(session, feed), feed.preset, limit)


def validate_plan(
    session: Session, plan: FeedPlan, preset_key: str | None, limit: int | None = None
) -> ValidationReport:
    """Check a planned feed's rows (the first ``limit`` of them, or all) against the rules."""
    spec = plan.spec
    writer = WRITERS[spec.file_type]
    headers = [c.header for c in spec.columns]
    preset = PRESETS.get(preset_key) if preset_key else None
    required = set(preset.required_headers) if preset else set()
    findings: dict[Rule, Finding] = {}

    def finding(rule: Rule, message: str) -> Finding:
        return findings.setdefault(rule, Finding(rule, message))

    present = {h.strip().casefold() for h in headers}
    for header in sorted(required):
        if header.strip().casefold() not in present:
            finding(
                Rule.REQUIRED_COLUMN,
                f"{preset.marketplace if preset else ''} requires these columns",
            ).add("", header)
    if writer.max_columns is not None and len(headers) > writer.max_columns:
        finding(
            Rule.TOO_MANY_COLUMNS,
            f"{spec.file_type.value.upper()} holds at most {writer.max_columns:,} columns",
        ).count = len(headers)
    required_at = [i for i, h in enumerate(headers) if h in required]
    price_at = [i for i, c in enumerate(spec.columns) if c.cell_format is CellFormat.PRICE]
    max_text = writer.max_text_length
    rows = 0
    for sku, cells in _cells_with_sku(session, plan, limit):
        rows += 1
        for i in required_at:
            if cells[i] == "":
                finding(Rule.REQUIRED_VALUE, "Required values are empty").add(sku, headers[i])
        for i in price_at:
            if cells[i] == "" and i not in required_at:
                finding(Rule.PRICE_MISSING, "Products have no price").add(sku, headers[i])
        if max_text is not None:
            for i, cell in enumerate(cells):
                if isinstance(cell, str) and _too_long(cell, max_text):
                    finding(Rule.TOO_LONG, f"Values are longer than {max_text:,} characters").add(
                        sku, headers[i]
                    )
    max_rows = writer.max_rows
    if max_rows is not None and rows + spec.header_row > max_rows:
        finding(
            Rule.TOO_MANY_ROWS,
            f"{spec.file_type.value.upper()} holds at most {max_rows:,} rows: choose CSV",
        ).count = rows
    return ValidationReport(
        rows=rows,
        checked_all=limit is None or rows < limit,
        findings=[findings[r] for r in Rule if r in findings],
    )


def _too_long(text: str, limit: int) -> bool:
    # Excel counts UTF-16 code units: text of at most limit/2 code points always fits.
    return len(text) > limit // 2 and len(text.encode("utf-16-le")) // 2 > limit


def _cells_with_sku(
    session: Session, plan: FeedPlan, limit: int | None
) -> Iterator[tuple[str, Sequence[object]]]:
    """The plan's cell rows, each with its product's SKU (read as one more column)."""
    query = replace(
        plan.query, columns=(*plan.query.columns, repo.RowsColumn(field=ProductField.SKU))
    )
    current: list[str] = [""]

    def without_sku() -> Iterator[Sequence[RawValue]]:
        for row in raw_rows(session, replace(plan, query=query), limit):
            current[0] = str(row[-1])
            yield row[:-1]

    for cells in feed_cells(plan.spec.columns, without_sku()):
        yield current[0], cells
