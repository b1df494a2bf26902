"""Charts as inline SVG, drawn on the server: no chart library, no script, nothing fetched.

Pure: numbers in, SVG markup out; every coordinate is computed here. Each chart is an image to assistive
technology (`role="img"`, `aria-label`, a `<title>` and a `<desc>` that says what it shows in words), and every
point, bar or step carries its own `<title>` with its number, which a browser shows on hover; the pages put the
same numbers in a table beside or under the chart. Colours come from classes (`static/console-ops.css`), so a
chart follows the console's palette.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from markupsafe import Markup

from goodwill.kit.money import exponent

_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    """One line of a trend chart: a value per label (None where there is nothing to show)."""

    name: str
    values: Sequence[float | None]
    css: str | None = None  # a colour class (s1-s6); by default the series' position picks one


def number(value: float, unit: str = "") -> str:
    """A number as a person reads it: thousands separated, at most one decimal, the unit after."""
    text = f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"
    return f"{text}{unit}"


def money(minor: int, currency: str) -> str:
    """An amount of money as a person reads it: "12,345.00 USD" (the currency's own decimals)."""
    digits = exponent(currency)
    return f"{Decimal(minor).scaleb(-digits):,.{digits}f} {currency}"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (an axis's top), 1 for nothing."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power + 1e-9:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _done(parts: list[str]) -> Markup:
    """The finished SVG: every text in it went through `escape`, every number was formatted here."""
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - built above from escaped text and computed numbers only


def _open(kind: str, title: str, description: str, width: int, height: int) -> tuple[str, str]:
    uid = f"chart-{next(_ids)}"
    head = (
        f'<svg class="chart {kind}" viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'role="img" aria-label="{escape(title)}" aria-describedby="{uid}-desc">'
        f'<title id="{uid}-title">{escape(title)}</title><desc id="{uid}-desc">{escape(description)}</desc>'
    )
    return uid, head


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    unit: str = "",
    area: bool = False,
    y_min: float | None = None,
    y_max: float | None = None,
    reference: tuple[float, str] | None = None,
    width: int = 640,
    height: int = 220,
) -> Markup:
    """A trend: one line per series over `labels` (periods, oldest first), optionally filled down to the axis.
    `reference` draws a dashed horizontal line (a target, a threshold) with its label."""
    left, right, top, bottom = 46, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    present = [v for s in series for v in s.values if v is not None]
    low = y_min if y_min is not None else min([0.0, *present])
    high = y_max if y_max is not None else nice_ceiling(max([*present, reference[0] if reference else 0.0, 1e-9]))
    if high <= low:
        high = low + 1
    n = len(labels)

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - (v - low) / (high - low))

    shown = ", ".join(
        f"{s.name}: "
        + "; ".join(f"{lab} {number(v, unit)}" for lab, v in zip(labels, s.values, strict=False) if v is not None)
        for s in series
    )
    _uid, svg = _open("trend", title, shown or "no data", width, height)
    parts = [svg]
    for tick in (low, (low + high) / 2, high):
        ty = y(tick)
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{_f(ty)}" y2="{_f(ty)}"/>')
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{_f(ty + 4)}" text-anchor="end">{escape(number(tick, unit))}</text>'
        )
    step = max(1, math.ceil(n / 8))
    for i, lab in enumerate(labels):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text class="axis" x="{_f(x(i))}" y="{height - 8}" text-anchor="middle">{escape(lab)}</text>'
            )
    if reference is not None:
        ry = y(reference[0])
        parts.append(f'<line class="reference" x1="{left}" x2="{width - right}" y1="{_f(ry)}" y2="{_f(ry)}"/>')
        parts.append(
            f'<text class="axis" x="{width - right}" y="{_f(ry - 4)}" text-anchor="end">{escape(reference[1])}</text>'
        )
    for index, s in enumerate(series):
        points = [
            (x(i), y(v), lab, v) for i, (lab, v) in enumerate(zip(labels, s.values, strict=False)) if v is not None
        ]
        if not points:
            continue
        css = s.css or f"s{index % 6 + 1}"
        path = " ".join(f"{'M' if j == 0 else 'L'}{_f(px)},{_f(py)}" for j, (px, py, _l, _v) in enumerate(points))
        if area and len(points) > 1:
            base = _f(y(max(low, 0.0)) if low <= 0 <= high else y(low))
            parts.append(
                f'<path class="area {css}" d="{path} L{_f(points[-1][0])},{base} L{_f(points[0][0])},{base} Z"/>'
            )
        parts.append(f'<path class="line {css}" d="{path}"><title>{escape(s.name)}</title></path>')
        for px, py, lab, v in points:
            parts.append(
                f'<circle class="dot {css}" cx="{_f(px)}" cy="{_f(py)}" r="3.5">'
                f"<title>{escape(s.name)}, {escape(lab)}: {escape(number(v, unit))}</title></circle>"
            )
    return _done(parts)


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    label: Callable[[float], str] | None = None,
    width: int = 640,
    bar: int = 22,
) -> Markup:
    """Horizontal bars, one per (name, value), longest scaled to the width, the value written at its end."""
    show = label or (lambda v: number(v, unit))
    name_w, value_w, gap = 150, 90, 6
    height = max(1, len(items)) * (bar + gap) + gap
    top = max([v for _n, v in items] + [0.0]) or 1.0
    description = "; ".join(f"{n}: {show(v)}" for n, v in items) or "no data"
    _uid, svg = _open("bars", title, description, width, height)
    parts = [svg]
    room = width - name_w - value_w
    for i, (name, value) in enumerate(items):
        y = gap + i * (bar + gap)
        w = max(0.0, room * value / top)
        parts.append(
            f"<g><title>{escape(name)}: {escape(show(value))}</title>"
            f'<text class="label" x="{name_w - 8}" y="{y + bar * 0.7:.1f}" text-anchor="end">{escape(name)}</text>'
            f'<rect class="bar s{i % 6 + 1}" x="{name_w}" y="{y}" width="{_f(w)}" height="{bar}" rx="3"/>'
            f'<text class="value" x="{_f(name_w + w + 6)}" y="{y + bar * 0.7:.1f}">{escape(show(value))}</text></g>'
        )
    return _done(parts)


def pyramid(
    levels: Sequence[tuple[str, int]],
    *,
    title: str,
    unit: str = " passengers",
    width: int = 480,
    step: int = 40,
) -> Markup:
    """A pyramid, top level first: each level a centred band as wide as its rank from the top (the shape says
    "few at the top"), its count written inside, so a small top tier stays readable."""
    n = len(levels)
    height = max(1, n) * step + 8
    description = "; ".join(f"{name}: {number(count, unit)}" for name, count in levels) or "no data"
    _uid, svg = _open("pyramid", title, description, width, height)
    parts = [svg]
    total = sum(c for _n, c in levels) or 1
    for i, (name, count) in enumerate(levels):
        top_w = width * (0.22 + 0.78 * i / max(n, 1))
        bottom_w = width * (0.22 + 0.78 * (i + 1) / max(n, 1))
        y0, y1 = 4 + i * step, 4 + (i + 1) * step - 3
        cx = width / 2
        corners = ((cx - top_w / 2, y0), (cx + top_w / 2, y0), (cx + bottom_w / 2, y1), (cx - bottom_w / 2, y1))
        points = " ".join(f"{_f(px)},{_f(py)}" for px, py in corners)
        share = 100 * count / total
        parts.append(
            f"<g><title>{escape(name)}: {escape(number(count, unit))} ({share:.1f}%)</title>"
            f'<polygon class="level l{i % 6 + 1}" points="{points}"/>'
            f'<text class="inside" x="{_f(cx)}" y="{_f((y0 + y1) / 2 + 5)}" text-anchor="middle">'
            f"{escape(name)} · {escape(number(count))} ({share:.1f}%)</text></g>"
        )
    return _done(parts)


def pareto_points(bucket_totals: Sequence[float]) -> list[tuple[float, float]]:
    """The cumulative curve from the totals of equal slices of a population sorted by value, largest first:
    (% of the population, % of the total) at each slice's end, starting at (0, 0)."""
    total = sum(bucket_totals)
    n = len(bucket_totals)
    points = [(0.0, 0.0)]
    running = 0.0
    for i, value in enumerate(bucket_totals, start=1):
        running += value
        points.append((100.0 * i / n, 100.0 * running / total if total else 0.0))
    return points


def share_reaching(points: Sequence[tuple[float, float]], target: float = 80.0) -> float | None:
    """The % of the population (interpolated along the curve) that brings `target` % of the total."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if y1 >= target:
            if y1 == y0:
                return x0
            return round(x0 + (x1 - x0) * (target - y0) / (y1 - y0), 1)
    return None


def pareto(
    points: Sequence[tuple[float, float]],
    *,
    title: str,
    target: float = 80.0,
    width: int = 640,
    height: int = 260,
) -> Markup:
    """The Pareto curve: % of revenue brought by the top x % of passengers, with the `target` line and where the
    curve meets it. A straight diagonal would mean everyone brings the same."""
    left, right, top, bottom = 46, 14, 12, 32
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(v: float) -> float:
        return left + plot_w * v / 100

    def y(v: float) -> float:
        return top + plot_h * (1 - v / 100)

    reach = share_reaching(points, target)
    description = (
        f"The top {number(reach)}% of passengers bring {number(target)}% of revenue."
        if reach is not None
        else "No revenue recorded."
    )
    _uid, svg = _open("pareto", title, description, width, height)
    parts = [svg]
    for tick in (0, 20, 40, 60, 80, 100):
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{_f(y(tick))}" y2="{_f(y(tick))}"/>')
        parts.append(f'<text class="axis" x="{left - 6}" y="{_f(y(tick) + 4)}" text-anchor="end">{tick}%</text>')
        parts.append(f'<text class="axis" x="{_f(x(tick))}" y="{height - 14}" text-anchor="middle">{tick}%</text>')
    parts.append(
        f'<text class="axis" x="{_f(left + plot_w / 2)}" y="{height - 1}" text-anchor="middle">'
        "passengers, most valuable first</text>"
    )
    parts.append(
        f'<line class="diagonal" x1="{x(0)}" y1="{y(0)}" x2="{x(100)}" y2="{y(100)}"><title>equal shares</title></line>'
    )
    parts.append(
        f'<line class="reference" x1="{left}" x2="{width - right}" y1="{_f(y(target))}" y2="{_f(y(target))}">'
        f"<title>{number(target)}% of revenue</title></line>"
    )
    if points:
        path = " ".join(f"{'M' if i == 0 else 'L'}{_f(x(px))},{_f(y(py))}" for i, (px, py) in enumerate(points))
        parts.append(f'<path class="line s1" d="{path}"/>')
        for px, py in points[1:]:
            if float(px).is_integer() and int(px) % 10 == 0:
                parts.append(
                    f'<circle class="dot s1" cx="{_f(x(px))}" cy="{_f(y(py))}" r="3">'
                    f"<title>top {number(px)}% of passengers: {number(py)}% of revenue</title></circle>"
                )
    if reach is not None:
        parts.append(
            f'<line class="marker" x1="{_f(x(reach))}" x2="{_f(x(reach))}" y1="{_f(y(target))}" y2="{_f(y(0))}"/>'
        )
        parts.append(
            f'<text class="note" x="{_f(x(reach) + 6)}" y="{_f(y(target) + 16)}">'
            f"top {escape(number(reach))}% bring {escape(number(target))}%</text>"
        )
    return _done(parts)
