"""Charts drawn on the server as inline SVG (no JavaScript library, nothing fetched): bars for counts by state."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

# Colours say what a bar means, never where it stands: bars of one measure (the regions' agreements) share the
# neutral blue; red is kept for what needs action (停滞, 未通过), green for what is done, amber for waiting.
TONES = {"neutral": "#1f6feb", "good": "#2da44e", "waiting": "#bf8700", "alarm": "#cf222e", "closed": "#6e7781"}


def plain(value: float) -> str:
    """A number as written in a report: 12, 1234.5, 0.25 — never 1.23457e+06."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, unit: str = "", width: int = 520,
              tones: Mapping[str, str] | None = None) -> Markup:
    """A horizontal bar chart: one labelled bar per row, the value written at its end. Accessible via <title>.

    Every bar is neutral unless ``tones`` gives its label a meaning (``TONES``: good, waiting, alarm, closed)."""
    bar_h, gap, label_w, top = 22, 8, 110, 8
    height = top + len(rows) * (bar_h + gap) + 4
    biggest = max((v for _, v in rows), default=0) or 1
    room = width - label_w - 70
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {max(height, 40)}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    if not rows:
        parts.append('<text x="8" y="24" class="chart-empty">暂无数据</text>')
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = max(2, int(room * value / biggest)) if value else 0
        colour = TONES.get((tones or {}).get(label, "neutral"), TONES["neutral"])
        shown = f"{plain(value)}{unit}"
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" class="chart-label">'
                     f"{escape(label)}</text>")
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" rx="3" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + w + 6}" y="{y + 16}" class="chart-value">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(rows: Sequence[tuple[str, float]], *, title: str, unit: str = "", width: int = 520) -> Markup:
    """A vertical column per row (a year, a quarter), left to right, its value above it: a trend at a glance."""
    height, top, bottom, side = 200, 22, 24, 8
    room = height - top - bottom
    slot = (width - 2 * side) / max(len(rows), 1)
    bar_w = max(6.0, min(48.0, slot * 0.6))
    biggest = max((v for _, v in rows), default=0) or 1
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{side}" y1="{top + room}" x2="{width - side}" y2="{top + room}" stroke="#d0d7de"/>',
    ]
    if not any(v for _, v in rows):
        parts.append(f'<text x="{side}" y="{top + 16}" class="chart-empty">暂无数据</text>')
    for i, (label, value) in enumerate(rows):
        centre = side + slot * i + slot / 2
        h = room * value / biggest if value else 0
        parts.append(f'<rect x="{centre - bar_w / 2:.1f}" y="{top + room - h:.1f}" width="{bar_w:.1f}" '
                     f'height="{h:.1f}" rx="2" fill="{TONES["neutral"]}"/>')
        parts.append(f'<text x="{centre:.1f}" y="{top + room - h - 5:.1f}" text-anchor="middle" '
                     f'class="chart-value">{escape(f"{plain(value)}{unit}" if value else "")}</text>')
        parts.append(f'<text x="{centre:.1f}" y="{height - 6}" text-anchor="middle" class="chart-label">'
                     f"{escape(label)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))
