"""Bar and trend charts drawn server-side as SVG: plain data in, markup out, readable in print.

Black text on white, solid fills that survive greyscale printing, numbers written beside every bar so
the chart never depends on colour. A chart is an image (role="img") whose text alternative states every
number it draws; it holds no links (interactive content inside an image is lost to assistive technology),
so the findings behind each number are linked from the table the page shows beside the chart.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from .queries import Share, TrendPoint
from .shares import format_tenths

FONT = "font-family=\"Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif\""
BAR = "#b8211e"
BAR_ALT = "#8c95a6"


def _shorten(text: str, limit: int) -> str:
    """Cut a label to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tip(content: str, title: str) -> str:
    """Group SVG content under a tooltip title (shown on hover)."""
    return f"<g><title>{escape(title)}</title>{content}</g>"


def _open_svg(width: int, height: int, label: str, font_size: int) -> str:
    """Open an SVG image whose accessible name is `label`."""
    return (f"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 {width} "
            f"{height}\" width=\"100%\" aria-label=\"{escape(label)}\" {FONT} font-size=\"{font_size}\">")


def bar_chart(rows: list[Share], *, caption: str, unit: str = "个", label_chars: int = 10) -> Markup:
    """Draw a horizontal bar chart of counts with their shares; returns inline SVG."""
    rows = [r for r in rows if r.count > 0]
    if not rows:
        return Markup("")
    width, label_w, row_h, top = 640, 150, 26, 8
    bar_space = width - label_w - 110
    peak = max(r.count for r in rows)
    height = top * 2 + row_h * len(rows)
    texts = [f"{row.count}{unit}（{format_tenths(row.tenths)}）" for row in rows]
    label = f"{caption}：" + "；".join(f"{row.full_label or row.label} {text}" for row, text in zip(rows, texts))
    parts = [_open_svg(width, height, label, 13)]
    for i, (row, text) in enumerate(zip(rows, texts)):
        y = top + i * row_h
        length = max(2, round(bar_space * row.count / peak))
        body = (f"<text x=\"{label_w - 8}\" y=\"{y + 17}\" text-anchor=\"end\" fill=\"#1d2330\">"
                f"{escape(_shorten(row.label, label_chars))}</text>"
                f"<rect x=\"{label_w}\" y=\"{y + 4}\" width=\"{length}\" height=\"{row_h - 8}\" fill=\"{BAR}\"/>"
                f"<text x=\"{label_w + length + 6}\" y=\"{y + 17}\" fill=\"#1d2330\">{escape(text)}</text>")
        parts.append(_tip(body, f"{row.full_label or row.label}：{text}"))
    parts.append("</svg>")
    return Markup("".join(parts))


def trend_chart(points: list[TrendPoint], *, caption: str = "各批次问题数量趋势") -> Markup:
    """Draw columns of confirmed findings and units with problems per campaign, with a trend line."""
    if not points:
        return Markup("")
    width, height, left, bottom, top = 640, 260, 40, 58, 24
    plot_h = height - bottom - top
    slot = (width - left - 10) / len(points)
    peak = max(max(p.findings, p.units_with_problems, 1) for p in points)
    tips = [f"{p.title}：问题{p.findings}个，暗访单位{p.units_visited}个，存在问题单位{p.units_with_problems}个"
            for p in points]
    parts = [_open_svg(width, height, f"{caption}：" + "；".join(tips), 12),
             f"<line x1=\"{left}\" y1=\"{top + plot_h}\" x2=\"{width - 10}\" y2=\"{top + plot_h}\" "
             "stroke=\"#1d2330\"/>"]
    line = []
    for i, (point, tip) in enumerate(zip(points, tips)):
        x = left + i * slot
        col_w = max(4.0, min(36.0, slot / 3))
        cx = x + slot / 2
        h_found = plot_h * point.findings / peak
        h_units = plot_h * point.units_with_problems / peak
        body = (f"<rect x=\"{cx - col_w:.1f}\" y=\"{top + plot_h - h_found:.1f}\" width=\"{col_w:.1f}\" "
                f"height=\"{h_found:.1f}\" fill=\"{BAR}\"/>"
                f"<rect x=\"{cx:.1f}\" y=\"{top + plot_h - h_units:.1f}\" width=\"{col_w:.1f}\" "
                f"height=\"{h_units:.1f}\" fill=\"{BAR_ALT}\"/>"
                f"<text x=\"{cx - col_w / 2:.1f}\" y=\"{top + plot_h - h_found - 4:.1f}\" text-anchor=\"middle\">"
                f"{point.findings}</text>"
                f"<text x=\"{cx:.1f}\" y=\"{top + plot_h + 16}\" text-anchor=\"middle\">"
                f"{escape(_shorten(point.title, 9))}</text>"
                f"<text x=\"{cx:.1f}\" y=\"{top + plot_h + 32}\" text-anchor=\"middle\" fill=\"#667085\">"
                f"{point.start_date.year}.{point.start_date.month}</text>")
        parts.append(_tip(body, tip))
        line.append(f"{cx - col_w / 2:.1f},{top + plot_h - h_found:.1f}")
    if len(line) > 1:
        parts.append(f"<polyline points=\"{' '.join(line)}\" fill=\"none\" stroke=\"#1d2330\" "
                     "stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>")
    parts.append(f"<rect x=\"{left}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{BAR}\"/>"
                 f"<text x=\"{left + 14}\" y=\"13\">问题数</text>"
                 f"<rect x=\"{left + 70}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{BAR_ALT}\"/>"
                 f"<text x=\"{left + 84}\" y=\"13\">存在问题的单位数</text></svg>")
    return Markup("".join(parts))
