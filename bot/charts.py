"""The digest's two PNG charts, drawn with matplotlib on its headless Agg backend, and their text fallbacks.

Pure: data in, PNG bytes (or text) out; no Slack, SQL or clock. Colours are the Okabe-Ito palette
(readable with every common colour-vision deficiency) on an opaque light card that reads the same in
Slack's light and dark themes; every series also differs by line style, marker or hatch, so nothing
depends on telling two colours apart. The text fallback carries the same figures.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import matplotlib

matplotlib.use("Agg")  # headless: no display, no GUI toolkit, safe in a server thread

from matplotlib.axes import Axes
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Okabe-Ito: blue, orange, bluish green, vermillion, sky blue; ink and card.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
INK = "#1F2328"
CARD = "#FFFFFF"
GRID = "#D0D7DE"
WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 100  # 800 × 450 px: sharp in Slack's preview, small to upload
ZONE_STYLE = {  # zone → (label, colour, hatch)
    "stretch": ("stretch", BLUE, ""),
    "slack": ("slack", SKY, ".."),
    "snap": ("snap", VERMILLION, "//"),
}
MIN_PEOPLE = 3
MARGINS = {"left": 0.1, "right": 0.97, "top": 0.88, "bottom": 0.1}

Money = Callable[[int], str]


@dataclass(frozen=True)
class BurnupData:
    """The pie's burn-up: cumulative eaten revenue per day, the claimed total, the checkpoint path."""

    title: str
    currency: str
    start: date
    end: date
    today: date
    target: int
    claimed: int
    eaten: tuple[tuple[date, int], ...]  # (day, cumulative), oldest first, from start to today
    path: tuple[tuple[date, int], ...]  # checkpoints (cumulative)
    expected_today: int
    status_label: str


@dataclass(frozen=True)
class ZoneWeek:
    """One week of the team's zone mix: people per zone (their latest zone that week)."""

    week_start: date
    counts: dict[str, int]

    @property
    def people(self) -> int:
        """How many people answered that week."""
        return sum(self.counts.values())

    @property
    def shown(self) -> bool:
        """Only weeks with at least 3 people are drawn, so a small group stays anonymous."""
        return self.people >= MIN_PEOPLE


@dataclass(frozen=True)
class ZoneMixData:
    """The last 8 weeks of the team's zone mix."""

    team_name: str
    weeks: tuple[ZoneWeek, ...]


def _figure(title: str) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor=CARD)
    axes = figure.add_subplot()
    axes.set_facecolor(CARD)
    axes.set_title(title, color=INK, fontsize=13, loc="left", pad=12)
    axes.tick_params(colors=INK, labelsize=9)
    for spine in ("top", "right"):
        axes.spines[spine].set_visible(False)
    for spine in ("left", "bottom"):
        axes.spines[spine].set_color(GRID)
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    return figure, axes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # zlib level 3: a few KiB larger than the default 6, noticeably quicker to write.
    figure.savefig(buffer, format="png", facecolor=CARD, dpi=DPI, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def _short_money(minor: int, currency: str) -> str:
    from bot.domain.pie import DISPLAY_SYMBOL, minor_exponent

    major = minor / 10 ** minor_exponent(currency)
    symbol = DISPLAY_SYMBOL.get(currency.upper(), "")
    for size, suffix in ((1_000_000, "m"), (1_000, "k")):
        if abs(major) >= size:
            return f"{symbol}{major / size:.4g}{suffix}"
    return f"{symbol}{major:.4g}"


def render_burnup(data: BurnupData) -> bytes:
    """The burn-up PNG: eaten (solid, dots), claimed (dashed), checkpoint path (dotted, diamonds), today."""
    figure, axes = _figure(f"{data.title}: closed against the checkpoint path")
    money = lambda minor: _short_money(minor, data.currency)  # noqa: E731
    path_days = [_x(data.start), *[_x(d) for d, _ in data.path]]
    path_amounts = [0, *[a for _, a in data.path]]
    axes.plot(
        path_days,
        path_amounts,
        color=ORANGE,
        linestyle=":",
        linewidth=2.2,
        marker="D",
        markersize=6,
        label="checkpoint path",
    )
    for index, (day, amount) in enumerate(data.path):
        last = index == len(data.path) - 1  # the last label sits left of its point, inside the card
        axes.annotate(
            money(amount),
            (_x(day), amount),
            textcoords="offset points",
            xytext=(-6, 6) if last else (4, 6),
            ha="right" if last else "left",
            color=INK,
            fontsize=8,
        )
    if data.claimed:
        axes.plot(
            [_x(data.start), _x(data.end)],
            [data.claimed, data.claimed],
            color=GREEN,
            linestyle="--",
            linewidth=1.6,
            label=f"claimed {money(data.claimed)}",
        )
    if data.eaten:
        days = [_x(d) for d, _ in data.eaten]
        amounts = [a for _, a in data.eaten]
        axes.plot(
            days,
            amounts,
            color=BLUE,
            linewidth=2.6,
            marker="o",
            markersize=3,
            label=f"closed {money(amounts[-1])}",
            drawstyle="steps-post",
        )
    axes.axvline(_x(data.today), color=INK, linewidth=1, linestyle="-.", alpha=0.7)
    axes.annotate(
        f"today: {data.status_label}",
        (_x(data.today), data.expected_today),
        textcoords="offset points",
        xytext=(6, -14),
        color=INK,
        fontsize=9,
    )
    axes.set_xlim(_x(data.start), _x(data.end))
    axes.set_ylim(0, max(data.target, data.claimed, *(a for _, a in data.eaten), 1) * 1.12)
    axes.yaxis.set_major_formatter(lambda value, _pos: money(int(value)))
    axes.xaxis.set_major_formatter(lambda value, _pos: _day_label(value))
    axes.legend(loc="upper left", frameon=False, fontsize=9, labelcolor=INK)
    # Fixed margins instead of tight_layout, which lays the figure out twice (a third of the render time).
    figure.subplots_adjust(**MARGINS)
    return _png(figure)


def _x(day: date) -> float:
    """A date on matplotlib's date axis (days since its epoch)."""
    return float(date2num(day))


def _day_label(value: float) -> str:
    from matplotlib.dates import num2date

    day = num2date(value)
    return f"{day.day} {day:%b}"


def render_zones(data: ZoneMixData) -> bytes:
    """The zone-mix PNG: stacked bars of people per zone per week; weeks under 3 people left empty."""
    figure, axes = _figure(f"{data.team_name}: zone mix, last {len(data.weeks)} weeks")
    labels = [f"{w.week_start.day} {w.week_start:%b}" for w in data.weeks]
    positions = list(range(len(data.weeks)))
    bottoms = [0] * len(data.weeks)
    for zone, (label, colour, hatch) in ZONE_STYLE.items():
        heights = [w.counts.get(zone, 0) if w.shown else 0 for w in data.weeks]
        axes.bar(
            positions,
            heights,
            bottom=bottoms,
            color=colour,
            hatch=hatch,
            edgecolor=CARD,
            linewidth=0.8,
            label=label,
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for position, week in zip(positions, data.weeks, strict=True):
        if not week.shown:
            axes.text(position, 0.15, "< 3\nanswered", ha="center", va="bottom", fontsize=8, color=INK)
    axes.set_xticks(positions, labels)
    axes.set_ylabel("people", color=INK)
    axes.set_ylim(0, max([*bottoms, MIN_PEOPLE]) + 1)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper left", frameon=False, fontsize=9, ncols=3, labelcolor=INK)
    # Fixed margins instead of tight_layout, which lays the figure out twice (a third of the render time).
    figure.subplots_adjust(**MARGINS)
    return _png(figure)


# --- the text fallbacks (the same figures, for notifications and screen readers) -------------------


def burnup_text(data: BurnupData, money: Money) -> str:
    """The burn-up in words."""
    eaten = data.eaten[-1][1] if data.eaten else 0
    points = ", ".join(f"{money(a)} by {d.day} {d:%b}" for d, a in data.path)
    return (
        f"Burn-up for {data.title}: {money(eaten)} closed of {money(data.target)} "
        f"({money(data.claimed)} claimed). Today ({data.today.day} {data.today:%b}) the path expects "
        f"{money(data.expected_today)}: {data.status_label}. Checkpoints: {points}."
    )


def zones_text(data: ZoneMixData) -> str:
    """The zone mix in words, week by week (weeks under 3 people say so instead of their figures)."""
    parts = []
    for week in data.weeks:
        label = f"w/c {week.week_start.day} {week.week_start:%b}"
        if not week.shown:
            parts.append(f"{label}: fewer than 3 answered")
            continue
        counts = ", ".join(f"{week.counts.get(zone, 0)} {zone}" for zone in ZONE_STYLE)
        parts.append(f"{label}: {counts}")
    return "Zone mix (people per week): " + "; ".join(parts) + "."


def is_png(data: bytes) -> bool:
    """Whether bytes start with the PNG signature."""
    return data[:8] == b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's IHDR chunk."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def render_all(burnup: BurnupData | None, zones: ZoneMixData | None) -> Sequence[tuple[str, bytes]]:
    """Both charts as (file name, PNG), skipping the ones without data."""
    files = []
    if burnup is not None:
        files.append(("burnup.png", render_burnup(burnup)))
    if zones is not None:
        files.append(("zones.png", render_zones(zones)))
    return files
