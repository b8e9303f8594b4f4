"""Charts: an indicator over time, one line per landscape, as a PNG in the reader's language.

Each chart is its own matplotlib `Figure` on an Agg canvas — no pyplot, so no global figure
state, and renders may run in worker threads. Matplotlib (3.11+) shapes text itself, so Arabic
joins and runs right to left and Khmer stacks; DejaVu Sans has no Khmer or Hangul, so every
text falls back to Noto Sans Khmer and Noto Sans KR, which ship with the bot (`fonts/`).

Matplotlib is imported on the first chart, not with the bot: it costs more than a second of
start-up and tens of megabytes that a bot nobody asks for a chart never needs.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

# Tried in order for each character: Latin, Greek, Cyrillic and Arabic, then Khmer, then Hangul.
FONT_FAMILIES = ["DejaVu Sans", "Noto Sans Khmer", "Noto Sans KR"]
SIZE_INCHES = (8.0, 4.5)
DPI = 150  # 1200 × 675 pixels: sharp on a phone, far below Telegram's photo limits
MAX_PERIOD_TICKS = 8
# Periods between labelled ticks: steps that divide a year, so monthly labels land on the same
# months each year (Jan, Apr, Jul, Oct) rather than drifting.
TICK_STEPS = (1, 2, 3, 4, 6, 12)


@dataclass(frozen=True)
class ChartText:
    """Everything written on the chart, already in the reader's language."""

    title: str
    x_label: str
    y_label: str
    period: Callable[[date], str]  # "Mar 2026"
    number: Callable[[float], str]  # "1 234,5"


@dataclass(frozen=True)
class Line:
    label: str  # the landscape
    values: Mapping[date, float]  # by period start


def font(size: str = "medium") -> FontProperties:
    """The fallback chain for every text on a chart, its fonts registered on first use."""
    from matplotlib.font_manager import FontProperties

    _register_fonts()
    return FontProperties(family=FONT_FAMILIES, size=size)


@functools.cache
def _register_fonts() -> None:
    from matplotlib import font_manager

    for path in bundled_fonts():
        font_manager.fontManager.addfont(str(path))


def bundled_fonts() -> list[Path]:
    """The font files shipped in this package (package data, so a wheel carries them)."""
    folder = resources.files("bot.checkins") / "fonts"
    return sorted(Path(str(entry)) for entry in folder.iterdir() if entry.name.endswith(".ttf"))


def build_figure(lines: Sequence[Line], text: ChartText) -> Figure:
    """The chart: periods along x (the union of every line's), the indicator up y."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter

    periods = sorted({period for line in lines for period in line.values})
    position = {period: index for index, period in enumerate(periods)}
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for line in lines:
        days = sorted(line.values)
        axes.plot(
            [position[day] for day in days],
            [line.values[day] for day in days],
            marker="o",
            markersize=3,
            label=line.label,
        )
    axes.set_title(text.title, fontproperties=font("large"))
    axes.set_xlabel(text.x_label, fontproperties=font())
    axes.set_ylabel(text.y_label, fontproperties=font())
    axes.tick_params(labelfontfamily=FONT_FAMILIES)
    # Ticks sit on periods only, each labelled once: matplotlib's own locators put several
    # ticks between two periods (or around a lone one) that would all read the same.
    ticks = period_ticks(len(periods))
    axes.set_xlim(-0.5, max(len(periods) - 0.5, 0.5))
    axes.xaxis.set_major_locator(FixedLocator(ticks))
    axes.xaxis.set_major_formatter(FixedFormatter([text.period(periods[n]) for n in ticks]))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: text.number(y)))
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    if lines:
        axes.legend(prop=font("small"), loc="best")
    return figure


def period_ticks(count: int) -> list[int]:
    """Which of `count` periods get a labelled tick: every one up to MAX_PERIOD_TICKS, else
    every second, third, … — the smallest step that keeps them uncrowded."""
    step = next(
        (s for s in TICK_STEPS if count <= s * MAX_PERIOD_TICKS), -(-count // MAX_PERIOD_TICKS)
    )
    return list(range(0, count, step))


def render_png(lines: Sequence[Line], text: ChartText) -> bytes:
    """The chart as PNG bytes; CPU-bound, so callers run it in a worker thread."""
    buffer = io.BytesIO()
    build_figure(lines, text).savefig(buffer, format="png")
    return buffer.getvalue()
