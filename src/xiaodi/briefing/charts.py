"""Charts of the briefing as PNG images, drawn offline with matplotlib (Agg) in a CJK font found on this machine.

No font is ever downloaded: when no CJK font is installed the chart is still drawn (its Chinese labels then show
as boxes) and a warning says so.
"""

from __future__ import annotations

import io
import warnings
from functools import lru_cache
from typing import Any

# Fonts that carry simplified Chinese, in order of preference (Debian: fonts-wqy-microhei, fonts-noto-cjk).
# WenQuanYi first: a 5 MB font draws a chart in half the time of Noto's 20 MB collection.
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC", "Noto Sans SC",
             "Droid Sans Fallback", "AR PL UMing CN", "SimHei", "Microsoft YaHei")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed CJK font, or None (with a warning) when there is none."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    warnings.warn("未找到中文字体（如 fonts-wqy-microhei、fonts-noto-cjk），简报图表中的中文可能无法显示",
                  stacklevel=2)
    return None


def _figure(width: float = 6.4, height: float = 3.2) -> tuple[Any, Any, Any]:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt

    font = cjk_font()
    plt.rcParams["axes.unicode_minus"] = False
    if font:
        plt.rcParams["font.family"] = [font, "DejaVu Sans"]
    fig, ax = plt.subplots(figsize=(width, height), dpi=120)
    return plt, fig, ax


def _png(plt: Any, fig: Any) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def bar_chart(rows: list[tuple[str, float]], *, title: str, unit: str) -> bytes:
    """Horizontal bars, one per label (a sub-region), largest first."""
    plt, fig, ax = _figure(6.4, max(2.4, 0.32 * len(rows) + 1))
    rows = sorted(rows, key=lambda r: r[1])
    ax.barh([r[0] for r in rows], [r[1] for r in rows], color="#3b6fb6")
    ax.set_title(title)
    ax.set_xlabel(unit)
    for y, (_, value) in enumerate(rows):
        ax.annotate(f"{value:g}", (value, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    return _png(plt, fig)


def pair_chart(labels: list[str], current: list[float], previous: list[float], *, title: str) -> bytes:
    """This period beside the previous equal period, per figure."""
    plt, fig, ax = _figure()
    xs = range(len(labels))
    ax.bar([x - 0.2 for x in xs], previous, width=0.4, label="上一同期", color="#b8c7e0")
    ax.bar([x + 0.2 for x in xs], current, width=0.4, label="本期", color="#3b6fb6")
    ax.set_xticks(list(xs), labels)
    ax.set_title(title)
    ax.legend()
    return _png(plt, fig)
