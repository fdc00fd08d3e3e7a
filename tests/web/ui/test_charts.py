"""The fetch chart's geometry: stacked by status, scaled to a round maximum."""

from __future__ import annotations

from datetime import date, timedelta

from shelfcast.publish.schemas import FetchDay
from shelfcast.web.ui.charts import HEIGHT, fetches_chart


def test_bars_stack_by_status_and_fit_the_plot() -> None:
    start = date(2026, 11, 1)
    days = [
        FetchDay(day=start + timedelta(days=n), ok=0, not_modified=0, failed=0) for n in range(30)
    ]
    days[-1] = FetchDay(day=days[-1].day, ok=6, not_modified=3, failed=1)
    chart = fetches_chart(days)
    assert chart.total == 10
    assert [b.series for b in chart.bars] == ["ok", "not_modified", "failed"]
    ok, not_modified, failed = chart.bars
    assert ok.y + ok.height == chart.bottom  # the base
    assert not_modified.y + not_modified.height == ok.y  # stacked
    assert ok.height == 2 * not_modified.height == 6 * failed.height
    assert failed.y >= 0 and chart.bottom < HEIGHT
    assert [t.label for t in chart.y_ticks] == ["0", "5", "10"]
    assert len(chart.x_ticks) == 5  # a date a week, the last day's too close to show


def test_an_empty_month_still_draws_its_axes() -> None:
    start = date(2026, 11, 1)
    days = [
        FetchDay(day=start + timedelta(days=n), ok=0, not_modified=0, failed=0) for n in range(30)
    ]
    chart = fetches_chart(days)
    assert chart.bars == [] and chart.total == 0
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2"]
