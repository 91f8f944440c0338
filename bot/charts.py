"""Charts as PNG bytes (matplotlib, drawn off screen): the weekly declaration rate per unit, the
15:00 timeliness per unit, alerts per unit. Embedded in reports and sent as images."""

from __future__ import annotations

import io
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core import texts
from core.reports import PeriodReport, UnitReport

if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH, HEIGHT, DPI = 7.5, 3.6, 120
MOST_LINES = 8  # more lines than this are a tangle: the lowest units are drawn
MOST_BARS = 15  # more bars than this do not fit a page's width: the latest units are drawn


def lowest_units(
    weekly: Mapping[str, Sequence[tuple[date, float | None]]], most: int = MOST_LINES
) -> list[str]:
    """The units to draw: all, or the `most` with the lowest mean weekly rate (then by code)."""

    def mean(code: str) -> float:
        rates = [rate for _, rate in weekly[code] if rate is not None]
        return sum(rates) / len(rates) if rates else 1.0

    return sorted(sorted(weekly, key=lambda code: (mean(code), code))[:most])


def latest_units(units: Sequence[UnitReport], most: int = MOST_BARS) -> list[UnitReport]:
    """The units to draw: all, or the `most` that missed (then were late for) the most 15:00
    updates, in their order."""
    ranked = sorted(units, key=lambda u: (-u.risk_missed, -u.risk_late, u.name))[:most]
    return [u for u in units if u in ranked]


def _pyplot() -> Any:
    """matplotlib, imported when a chart is first drawn (it weighs some 40 MB: the bot does
    not carry it until a report or a Friday needs it), drawing off screen."""
    import matplotlib

    matplotlib.use("Agg")  # no screen; before pyplot is imported
    from matplotlib import pyplot

    return pyplot


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=DPI)
    _pyplot().close(figure)
    return buffer.getvalue()


def weekly_rates(
    weekly: dict[str, list[tuple[date, float | None]]], names: dict[str, str]
) -> bytes:
    """One line per unit: the share of expected declarations made, week by week."""
    figure, axes = _pyplot().subplots(figsize=(WIDTH, HEIGHT))
    drawn = lowest_units(weekly)
    for code in drawn:
        shown = [(monday, rate * 100) for monday, rate in weekly[code] if rate is not None]
        if shown:
            axes.plot([f"{m:%d/%m}" for m, _ in shown], [r for _, r in shown], marker="o",
                      label=names.get(code, code))  # fmt: skip
    axes.set_ylim(0, 105)
    axes.set_ylabel(texts.CHART_RATE_AXIS)
    axes.set_xlabel(texts.CHART_WEEK_AXIS)
    title = texts.CHART_WEEKLY_TITLE
    if len(drawn) < len(weekly):
        title += texts.CHART_LOWEST.format(count=len(drawn), total=len(weekly))
    axes.set_title(title)
    axes.grid(alpha=0.3)
    if weekly:
        axes.legend(fontsize=8, loc="lower left")
    return _png(figure)


def risk_timeliness(units: Sequence[UnitReport]) -> bytes:
    """Stacked bars per unit: 15:00 updates on time, late, missed."""
    figure, axes = _pyplot().subplots(figsize=(WIDTH, HEIGHT))
    total, units = len(units), latest_units(units)
    names = [u.name for u in units]
    on_time = [u.risk_on_time for u in units]
    late = [u.risk_late for u in units]
    missed = [u.risk_missed for u in units]
    axes.barh(names, on_time, color="#2e7d32", label=texts.CHART_ON_TIME)
    axes.barh(names, late, left=on_time, color="#f9a825", label=texts.CHART_LATE)
    lefts = [a + b for a, b in zip(on_time, late, strict=True)]
    axes.barh(names, missed, left=lefts, color="#c62828", label=texts.CHART_MISSED)
    axes.set_xlabel(texts.CHART_DAYS_AXIS)
    title = texts.CHART_RISK_TITLE
    if len(units) < total:
        title += texts.CHART_LATEST.format(count=len(units), total=total)
    axes.set_title(title)
    axes.legend(fontsize=8)
    return _png(figure)


def weekly_alerts(weeks: Sequence[tuple[date, int]]) -> bytes:
    """Bars: alerts (declarations with a symptom or exposure) per week, all units."""
    figure, axes = _pyplot().subplots(figsize=(WIDTH, HEIGHT))
    axes.bar([f"{monday:%d/%m}" for monday, _ in weeks], [count for _, count in weeks],
             color="#c62828")  # fmt: skip
    axes.set_xlabel(texts.CHART_WEEK_AXIS)
    axes.set_ylabel(texts.CHART_ALERTS_AXIS)
    axes.set_title(texts.CHART_ALERTS_TITLE)
    axes.grid(alpha=0.3, axis="y")
    return _png(figure)


class ChartFiles:
    """`services.Charts`: pictures written beside the database, for the outbox to send (the
    sender deletes each once delivered)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def unit_weeks(self, unit: str, weeks: Sequence[tuple[date, float | None]]) -> str:
        return self._keep(weekly_rates({unit: list(weeks)}, {}))

    def units_weeks(
        self, weekly: Mapping[str, Sequence[tuple[date, float | None]]], names: Mapping[str, str]
    ) -> str:
        return self._keep(weekly_rates({code: list(w) for code, w in weekly.items()}, dict(names)))

    def _keep(self, picture: bytes) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"tuan-{uuid.uuid4().hex}.png"
        path.write_bytes(picture)
        return str(path)


def report_charts(report: PeriodReport) -> list[bytes]:
    names = {u.code: u.name for u in report.units}
    return [
        weekly_rates(report.weekly, names),
        risk_timeliness(report.units),
        weekly_alerts(report.weekly_alerts),
    ]
