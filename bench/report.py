"""Ratios, targets (met / not met) and the table of a benchmark run."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

FORMATS = ("csv", "xlsx", "xls")
IMPORTS = ("csv", "xlsx")


@dataclass(frozen=True)
class Target:
    figure: str
    compare: Callable[[float, float], bool]
    symbol: str
    threshold: float
    at: str  # the catalog size the issue sets the target for

    def describe(self) -> str:
        return f"{self.symbol} {self.threshold:g}"


TARGETS = [
    Target("ratio_csv", operator.le, "≤", 1.5, "N = 1,000,000"),
    Target("xlsx_write_s", operator.le, "≤", 7.0, "N = 1,000,000"),
    *(Target(f"peak_rss_build_{f}_mb", operator.lt, "<", 250, "N = 1,000,000") for f in FORMATS),
    *(Target(f"peak_rss_ratio_{f}", operator.le, "≤", 1.2, "N = 1,000,000") for f in FORMATS),
    Target("freshness_s", operator.le, "≤", 1.0, "N = 100,000"),
    Target("import_csv_rows_per_s", operator.ge, "≥", 20_000, "N = 1,000,000"),
    Target("import_xlsx_rows_per_s", operator.ge, "≥", 10_000, "N = 1,000,000"),
    Target("ingest_products_per_s", operator.ge, "≥", 20_000, "N = 1,000,000"),
    *(Target(f"peak_rss_import_{f}_mb", operator.lt, "<", 300, "N = 1,000,000") for f in IMPORTS),
    *(
        Target(f"peak_rss_ratio_import_{f}", operator.le, "≤", 1.2, "N = 1,000,000")
        for f in IMPORTS
    ),
    Target("ratio_accel_big", operator.ge, "≥", 0.8, "any N"),
    Target("accel_200_rps", operator.ge, "≥", 1000, "per worker"),
    Target("accel_304_rps", operator.ge, "≥", 3000, "per worker"),
]

# (figure, unit, what it is) in table order; missing figures are left out.
ROWS: list[tuple[str, str, str]] = [
    ("ingest_products_per_s", "/s", "products upserted through the service, 10,000 a batch"),
    ("ingest_stock_rows_per_s", "/s", "stock levels set through the service, 100,000 a batch"),
    ("build_csv_s", "s", "CSV build as a link triggers it (render, fsync, .gz copy)"),
    ("render_csv_s", "s", "(where time goes) the CSV render alone, no fsync, no .gz"),
    ("build_xlsx_s", "s", "XLSX build as a link triggers it"),
    ("build_xls_s", "s", "XLS build, capped at 65,535 rows"),
    ("floor_query_s", "s", "floor: the feed's SQL read out on a raw cursor"),
    ("floor_csv_write_s", "s", "floor: pyarrow CSV writer, cells from memory"),
    ("floor_xlsx_write_s", "s", "XlsxWriter constant_memory, cells from memory (was our floor)"),
    ("xlsx_write_s", "s", "our XLSX writer alone: Arrow batches from memory"),
    ("xlsx_write_rows_per_s", "/s", "our XLSX writer alone, rows a second"),
    ("query_sqlalchemy_s", "s", "(where time goes) the SQL read through SQLAlchemy"),
    ("cells_s", "s", "(where time goes) raw values to cells (render.feed_cells)"),
    ("ratio_csv", "×", "build_csv_s / (floor_query_s + floor_csv_write_s)"),
    ("ratio_xlsx", "×", "build_xlsx_s / (floor_query_s + floor_xlsx_write_s)"),
    ("xlsx_rows_per_s", "/s", "XLSX build rows a second"),
    ("peak_rss_build_mb", "MB", "largest peak RSS of a build process at N"),
    *(
        row
        for f in FORMATS
        for row in (
            (f"peak_rss_build_{f}_mb", "MB", f"{f.upper()} build process, peak RSS at N"),
            (f"peak_rss_build_{f}_mb_tenth", "MB", f"{f.upper()} build process, peak RSS at N/10"),
            (f"peak_rss_ratio_{f}", "×", "peak RSS at N / at N/10"),
        )
    ),
    *(
        row
        for f in IMPORTS
        for row in (
            (
                f"import_{f}_rows_per_s",
                "/s",
                f"{f.upper()} import of N rows, upload to rebuilt feed",
            ),
            (f"import_{f}_rows_per_cpu_s", "/s", "(shared machine) the same per CPU second"),
            (f"peak_rss_import_{f}_mb", "MB", f"{f.upper()} import process, peak RSS at N"),
            (f"peak_rss_import_{f}_mb_tenth", "MB", f"{f.upper()} import, peak RSS at N/10"),
            (f"peak_rss_ratio_import_{f}", "×", "peak RSS at N / at N/10"),
        )
    ),
    ("freshness_s", "s", "stock change committed -> link serves it (feed of N)"),
    ("link_p99_under_writes_s", "s", "link fetch p99 during 20 writes/s (4 clients, N)"),
    ("freshness_under_writes_s", "s", "last of those writes answered -> link serves it"),
    ("link_200_rps", "/s", "shelfcast serve: 200s of the 1,000-product file"),
    ("link_304_rps", "/s", "shelfcast serve: 304s (If-None-Match)"),
    ("link_big_mb_per_s", "MB/s", "shelfcast serve: the N-product file"),
    ("static_200_rps", "/s", "bare nginx, the same file as a static file"),
    ("static_304_rps", "/s", "bare nginx, 304s"),
    ("static_big_mb_per_s", "MB/s", "bare nginx, the N-product file"),
    ("accel_200_rps", "/s", "nginx + shelfcast serve (X-Accel-Redirect): 200s"),
    ("accel_304_rps", "/s", "nginx + shelfcast serve: 304s (decided by Python)"),
    ("accel_big_mb_per_s", "MB/s", "nginx + shelfcast serve: the N-product file"),
    ("ratio_link_200", "×", "link_200_rps / static_200_rps"),
    ("ratio_link_big", "×", "link_big_mb_per_s / static_big_mb_per_s"),
    ("ratio_accel_200", "×", "accel_200_rps / static_200_rps"),
    ("ratio_accel_big", "×", "accel_big_mb_per_s / static_big_mb_per_s"),
]


def _ratio(figures: dict[str, Any], name: str, top: str, bottom: str) -> None:
    if figures.get(top) is not None and figures.get(bottom):
        figures[name] = figures[top] / figures[bottom]


def evaluate(figures: dict[str, Any], products: int) -> dict[str, Any]:
    """The figures with their ratios added, and ``targets``: each one's value and verdict."""
    out = dict(figures)
    if "build_csv_s" in out and "floor_query_s" in out:
        out["ratio_csv"] = out["build_csv_s"] / (out["floor_query_s"] + out["floor_csv_write_s"])
        out["ratio_xlsx"] = out["build_xlsx_s"] / (out["floor_query_s"] + out["floor_xlsx_write_s"])
        out["xlsx_rows_per_s"] = out["build_xlsx_rows"] / out["build_xlsx_s"]
    if out.get("xlsx_write_s"):
        out["xlsx_write_rows_per_s"] = out["xlsx_write_rows"] / out["xlsx_write_s"]
    peaks = [out[f"peak_rss_build_{f}_mb"] for f in FORMATS if f"peak_rss_build_{f}_mb" in out]
    if peaks:
        out["peak_rss_build_mb"] = max(peaks)
    for f in FORMATS:
        _ratio(out, f"peak_rss_ratio_{f}", f"peak_rss_build_{f}_mb", f"peak_rss_build_{f}_mb_tenth")
    for f in IMPORTS:
        _ratio(
            out,
            f"peak_rss_ratio_import_{f}",
            f"peak_rss_import_{f}_mb",
            f"peak_rss_import_{f}_mb_tenth",
        )
    for kind in ("link", "accel"):
        _ratio(out, f"ratio_{kind}_200", f"{kind}_200_rps", "static_200_rps")
        _ratio(out, f"ratio_{kind}_big", f"{kind}_big_mb_per_s", "static_big_mb_per_s")
    out["targets"] = {
        target.figure: {
            "value": out[target.figure],
            "target": target.describe(),
            "at": target.at,
            "met": target.compare(out[target.figure], target.threshold),
        }
        for target in TARGETS
        if out.get(target.figure) is not None
    }
    return out


def _format(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "×":
        return f"{value:.2f}"
    if unit == "s":
        return f"{value:.3f}" if value < 10 else f"{value:.1f}"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def print_table(per_database: dict[str, dict[str, Any]], products: int, console: Console) -> None:
    table = Table(title=f"Shelfcast benchmarks, N = {products:,} products")
    table.add_column("figure", no_wrap=True)
    for kind in per_database:
        table.add_column(kind, justify="right")
    table.add_column("unit")
    table.add_column("target")
    targets = {target.figure: target for target in TARGETS}
    for name, unit, _what in ROWS:
        values = [figures.get(name) for figures in per_database.values()]
        if all(value is None for value in values):
            continue
        verdict = ""
        if name in targets:
            marks = []
            for figures in per_database.values():
                found = figures["targets"].get(name)
                if found is not None:
                    marks.append("[green]met[/green]" if found["met"] else "[red]not met[/red]")
            verdict = f"{targets[name].describe()} ({targets[name].at}): " + " / ".join(marks)
        table.add_row(name, *(_format(value, unit) for value in values), unit, verdict)
    console.print(table)
