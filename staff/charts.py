"""Server-side SVG charts for the staff reports: horizontal (grouped) bar charts and line
charts, returned as inline SVG markup. No JavaScript and no style attributes (only SVG
presentation attributes, which a content security policy does not block).

Each chart is an image with a `<title>` and a `<desc>` (`role="img"`, `aria-labelledby`);
the page shows the same figures in a table below it, so the chart is never the only way to
read them. Series are told apart by a text legend as well as colour, and every bar or point
carries its value as text or as a tooltip.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Colours with at least 3:1 contrast against white (WCAG 1.4.11 for graphics), and
# distinguishable with the common colour-vision deficiencies (navy, orange, green, purple).
PALETTE = ("#1d3557", "#c2410c", "#2a7f62", "#7b2cbf")
AXIS = "#6c757d"
GRID = "#dee2e6"
TEXT = "#212529"
FONT = 'font-family="system-ui, sans-serif"'

WIDTH = 720
LABEL_CHARS = 34
X_LABEL_WIDTH = 72  # room for a label like "Sep 2027" at font size 12


@dataclass(frozen=True)
class Series:
    """One named row of values, one per category (None when there is nothing to show)."""

    label: str
    values: Sequence[float | int | None]


def nice_ticks(max_value: float, *, count: int = 5, integer: bool = True) -> list[float]:
    """Axis ticks from 0 to a round number at or above `max_value`, about `count` steps
    of 1, 2, 2.5 or 5 times a power of ten (whole steps when `integer`)."""
    if max_value <= 0:
        return [0, 1] if integer else [0, 1.0]
    raw = max_value / count
    base = 10 ** math.floor(math.log10(raw))
    step = next(m * base for m in (1, 2, 2.5, 5, 10) if raw <= m * base)
    if integer:
        step = max(1, math.ceil(step))
    steps = math.ceil(max_value / step - 1e-9)
    return [round(i * step, 6) for i in range(steps + 1)]


def format_number(value: float | int | None, unit: str = "") -> str:
    """A chart label: whole numbers with thousands separators, others with one decimal."""
    if value is None:
        return "no data"
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}{unit}"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _open(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    chart_id = escape(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart img-fluid" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _legend(series: Sequence[Series], y: int) -> list[str]:
    parts, x = [], 0
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="{x + 18}" y="{y}" font-size="13" fill="{TEXT}" {FONT}>'
            f"{escape(item.label)}</text>"
        )
        x += 18 + 8 * len(item.label) + 24
    return parts


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    max_value: float | None = None,
    integer: bool = True,
) -> SafeString:
    """A horizontal bar chart: one group of bars per category (one bar per series), the
    category labels on the left, each bar's value at its end. `max_value` fixes the end of
    the scale (100 for percentages); otherwise it fits the largest value."""
    bar, gap = 18, 14
    label_width, value_room = 250, 70
    legend_height = 28 if len(series) > 1 else 0
    group = bar * len(series) + gap
    top = legend_height + 6
    plot_height = max(group * len(categories), group)
    height = top + plot_height + 30
    x0, x1 = label_width + 10, WIDTH - value_room
    values = [v for item in series for v in item.values if v is not None]
    ticks = nice_ticks(
        max_value if max_value is not None else max(values, default=0), integer=integer
    )
    scale = (x1 - x0) / ticks[-1]

    parts = _open(chart_id, title, desc, height)
    if len(series) > 1:
        parts += _legend(series, 16)
    for tick in ticks:
        x = x0 + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_height}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_height + 18}" font-size="12" fill="{AXIS}" '
            f'text-anchor="middle" {FONT}>{format_number(tick, unit)}</text>'
        )
    for row, category in enumerate(categories):
        y = top + row * group + gap / 2
        parts.append(f"<g><title>{escape(category)}</title>")
        parts.append(
            f'<text x="{label_width}" y="{y + bar * len(series) / 2 + 4:.1f}" font-size="13" '
            f'fill="{TEXT}" text-anchor="end" {FONT}>{escape(_short(category))}</text>'
        )
        for index, item in enumerate(series):
            value = item.values[row]
            by = y + index * bar
            colour = PALETTE[index % len(PALETTE)]
            length = 0 if value is None else max(value, 0) * scale
            if length:
                parts.append(
                    f'<rect x="{x0}" y="{by + 2:.1f}" width="{length:.1f}" height="{bar - 4}" '
                    f'fill="{colour}"/>'
                )
            parts.append(
                f'<text x="{x0 + length + 5:.1f}" y="{by + bar / 2 + 4:.1f}" font-size="12" '
                f'fill="{TEXT if value is not None else AXIS}" {FONT}>'
                f"{escape(format_number(value, unit))}</text>"
            )
        parts.append("</g>")
    parts.append(
        f'<line x1="{x0}" y1="{top}" x2="{x0}" y2="{top + plot_height}" stroke="{AXIS}" '
        f'stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    integer: bool = True,
) -> SafeString:
    """A line chart over ordered categories (months, say): one line per series, a point per
    value with its value as a tooltip, and as many x-axis labels as fit without touching
    (every category keeps its point and tooltip)."""
    height = 320
    left, right, top, bottom = 56, 16, 40, 48
    x0, x1 = left, WIDTH - right
    y0, y1 = height - bottom, top  # y0 is the baseline
    values = [v for item in series for v in item.values if v is not None]
    ticks = nice_ticks(max(values, default=0), integer=integer)
    y_scale = (y0 - y1) / ticks[-1]
    count = len(categories)
    x_step = (x1 - x0) / max(count - 1, 1)

    def x_at(i: int) -> float:
        return x0 + i * x_step if count > 1 else (x0 + x1) / 2

    parts = _open(chart_id, title, desc, height)
    parts += _legend(series, 16)
    for tick in ticks:
        y = y0 - tick * y_scale
        parts.append(
            f'<line x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}" stroke="{GRID}" '
            f'stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{x0 - 8}" y="{y + 4:.1f}" font-size="12" fill="{AXIS}" '
            f'text-anchor="end" {FONT}>{format_number(tick, unit)}</text>'
        )
    every = max(1, math.ceil(count / max(1, (x1 - x0) // X_LABEL_WIDTH)))
    for i, category in enumerate(categories):
        if i % every == 0:
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{y0 + 18}" font-size="12" fill="{AXIS}" '
                f'text-anchor="middle" {FONT}>{escape(category)}</text>'
            )
    parts.append(
        f'<line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y0}" stroke="{AXIS}" stroke-width="1"/>'
    )
    for index, item in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        points = [
            (x_at(i), y0 - value * y_scale, category, value)
            for i, (category, value) in enumerate(zip(categories, item.values, strict=True))
            if value is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for x, y, category, value in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(category)}: {escape(format_number(value, unit))} "
                f"{escape(item.label.lower())}</title></circle>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every piece of text above is escaped
