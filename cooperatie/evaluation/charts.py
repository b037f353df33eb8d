"""Trend charts as inline SVG, drawn on the server: no JavaScript, no chart library, works
offline and prints. Each chart carries a text alternative (title and description)."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from . import values
from .selectors import SUPPRESSED, ScorecardRow

WIDTH, HEIGHT = 280, 96
LEFT, RIGHT, TOP, BOTTOM = 52, 10, 10, 22
# Presentation attributes, so the chart needs no stylesheet (colours as in site.css).
AXIS = 'stroke="#c9cfd6"'
MUTED = 'fill="#4f5862"'
TARGET = 'stroke="#1e6b34" stroke-width="1.5" stroke-dasharray="5 3"'
LINE = 'fill="none" stroke="#0b5394" stroke-width="2"'
POINT = 'fill="#0b5394"'


def _fmt(value: Decimal, unit: str) -> str:
    return values.format_value(value, unit)


def describe(row: ScorecardRow) -> str:
    """The chart in words, for screen readers (and as the tooltip of the whole chart)."""
    unit = row.indicator.unit
    parts = []
    for point in row.trend:
        if point.suppressed:
            shown = str(SUPPRESSED)
        elif point.value is None:
            shown = point.note or _("geen waarde")
        else:
            shown = _fmt(point.value, unit)
        parts.append(f"{point.label}: {shown}")
    text = "; ".join(parts) if parts else _("nog geen metingen")
    if row.target is not None:
        text += ". " + _("Streefwaarde %(target)s.") % {"target": row.target_display}
    return text


def trend_svg(row: ScorecardRow, uid: str) -> SafeString:
    unit = row.indicator.unit
    points = row.trend
    target = row.target
    known = [p.value for p in points if p.value is not None]
    scale = known + ([target] if target is not None else [])
    title_id, desc_id = f"{uid}-t", f"{uid}-d"
    title = _("Trend van %(name)s") % {"name": row.indicator.name}
    out = [
        # site.css caps it at WIDTH px (svg.trend): no style= under the CSP.
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" focusable="false">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(describe(row))}</desc>',
    ]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base_y = TOP + plot_h
    out.append(f'<line {AXIS} x1="{LEFT}" y1="{base_y}" x2="{WIDTH - RIGHT}" '
               f'y2="{base_y}"/>')
    if not points or not scale:
        out.append(f'<text {MUTED} font-size="11" x="{LEFT + plot_w / 2:.1f}" '
                   f'y="{TOP + plot_h / 2:.1f}" text-anchor="middle">'
                   f'{escape(_("nog geen waarden"))}</text></svg>')
        return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
    lo, hi = min(scale), max(scale)
    if lo == hi:
        pad = abs(lo) / 10 or Decimal(1)
        lo, hi = lo - pad, hi + pad
    pad = (hi - lo) / 10
    lo, hi = lo - pad, hi + pad

    def y_of(value: Decimal) -> float:
        return float(TOP + (hi - value) / (hi - lo) * plot_h)

    def x_of(index: int) -> float:
        return LEFT + plot_w / 2 if len(points) == 1 else LEFT + index * plot_w / (len(points) - 1)

    # The axis is labelled with the lowest and highest value shown (none if all are gaps).
    for value in (hi - pad, lo + pad) if known else ():
        out.append(f'<text {MUTED} font-size="9" x="{LEFT - 4}" y="{y_of(value) + 3:.1f}" '
                   f'text-anchor="end">{escape(_fmt(value, unit))}</text>')
    if target is not None:
        ty = y_of(target)
        out.append(f'<line {TARGET} x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" '
                   f'y2="{ty:.1f}"><title>{escape(row.target_display)}</title></line>')
    segment: list[str] = []
    segments = []
    for i, point in enumerate(points):
        if point.value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x_of(i):.1f},{y_of(point.value):.1f}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            out.append(f'<polyline {LINE} points="{" ".join(seg)}"/>')
    for i, point in enumerate(points):
        x = x_of(i)
        if point.value is None:
            # a gap: no number, only why there is none
            tip = str(SUPPRESSED) if point.suppressed else (point.note or _("geen waarde"))
            out.append(f'<text {MUTED} font-size="12" x="{x:.1f}" y="{base_y - 3}" '
                       f'text-anchor="middle">–<title>{escape(point.label)}: '
                       f'{escape(tip)}</title></text>')
        else:
            out.append(f'<circle {POINT} cx="{x:.1f}" cy="{y_of(point.value):.1f}" r="3">'
                       f'<title>{escape(point.label)}: {escape(_fmt(point.value, unit))}</title>'
                       f'</circle>')
    shown = range(len(points)) if len(points) <= 4 else (0, len(points) - 1)
    for i in shown:
        anchor = "middle" if len(points) > 1 and 0 < i < len(points) - 1 else (
            "start" if i == 0 and len(points) > 1 else "end" if len(points) > 1 else "middle")
        out.append(f'<text {MUTED} font-size="9" x="{x_of(i):.1f}" y="{HEIGHT - 6}" '
                   f'text-anchor="{anchor}">{escape(points[i].label)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text above is escaped
