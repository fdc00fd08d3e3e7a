"""Server-rendered SVG charts: the geometry here, the markup in the template (no script)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shelfcast.publish.schemas import FetchDay

WIDTH = 900
HEIGHT = 200
LEFT = 36  # room for the y axis labels
BOTTOM = 22  # room for the dates
TOP = 8
GAP = 3
# Bottom to top: what a marketplace wants to see most is at the base.
SERIES = (("ok", "File sent"), ("not_modified", "Not modified (304)"), ("failed", "Failed"))


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: str
    title: str


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    bottom: float
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    total: int


def fetches_chart(days: Sequence[FetchDay]) -> Chart:
    """Stacked bars of fetches per day, by status."""
    plot_height = HEIGHT - TOP - BOTTOM
    base = HEIGHT - BOTTOM
    top = max((d.ok + d.not_modified + d.failed for d in days), default=0)
    scale_max = _nice(top)
    slot = (WIDTH - LEFT) / max(len(days), 1)
    bars: list[Bar] = []
    x_ticks: list[Tick] = []
    for i, day in enumerate(days):
        x = LEFT + i * slot + GAP / 2
        y = float(base)
        for series, label in SERIES:
            count = getattr(day, series)
            if not count:
                continue
            height = plot_height * count / scale_max
            y -= height
            title = f"{day.day.isoformat()}: {count:,} {label.lower()}"
            bars.append(Bar(x, y, slot - GAP, height, series, title))
        # A date every week, and the last day's unless it would touch the week's.
        if i % 7 == 0 or (i == len(days) - 1 and i % 7 >= 3):
            x_ticks.append(Tick(x + (slot - GAP) / 2, HEIGHT - 6, day.day.strftime("%d %b")))
    y_ticks = [
        Tick(LEFT - 6, base - plot_height * value / scale_max, f"{value:,}")
        for value in (0, scale_max // 2, scale_max)
    ]
    total = sum(d.ok + d.not_modified + d.failed for d in days)
    return Chart(WIDTH, HEIGHT, LEFT, base, bars, x_ticks, y_ticks, total)


def _nice(top: int) -> int:
    """A round even axis maximum at or above ``top`` (1, 2, 5 × 10ⁿ, at least 2)."""
    if top <= 2:
        return 2
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            candidate = step * magnitude
            if candidate >= top and candidate % 2 == 0:
                return candidate
        magnitude *= 10
